package report

import (
	"math"
	"strconv"

	"github.com/nianbao/nianbao/parse/extract"
)

// Value provenance: where each value of the three tables stands in the
// original, for a reader to check it there (docs/schema.md "provenance").
//
// Keys name one value: active.<row>.<field>, requests.<row>[<column>]
// (columns in the schema's order), review_litigation.<group>.<field>.

// Prov is where one value stands: a PDF page and box (points from the
// page's top-left corner), a table cell as the markup has it (HTML, DOCX,
// DOC, WPS), or a line of a text. Fields that are not known are absent.
type Prov struct {
	Page  int         `json:"page,omitempty"`
	Box   *[4]float64 `json:"box,omitempty"`
	Table *int        `json:"table,omitempty"`
	Row   *int        `json:"row,omitempty"`
	Col   *int        `json:"col,omitempty"`
	Line  int         `json:"line,omitempty"`
}

// provOf turns an extractor's position into a Prov; false when it says
// nothing.
func provOf(at extract.Pos) (Prov, bool) {
	switch at.Kind {
	case extract.PosPDF:
		if at.Page <= 0 {
			return Prov{}, false
		}
		var b [4]float64
		for i, v := range at.Box {
			b[i] = math.Round(float64(v)*100) / 100 // to the hundredth of a point
		}
		return Prov{Page: int(at.Page), Box: &b}, true
	case extract.PosCell:
		t, r, c := int(at.Table), int(at.Row), int(at.Col)
		return Prov{Table: &t, Row: &r, Col: &c}, true
	case extract.PosLine:
		if at.Line <= 0 {
			return Prov{}, false
		}
		return Prov{Line: int(at.Line)}, true
	}
	return Prov{}, false
}

func provRequest(key string, col int) string {
	return "requests." + key + "[" + strconv.Itoa(col) + "]"
}

// place records where the value of key was read: ps[i], when known.
func (p *parser) place(key string, ps []extract.Pos, i int) {
	if i >= len(ps) || ps[i].Kind == extract.PosNone {
		return
	}
	if p.prov == nil {
		p.prov = map[string]extract.Pos{}
	}
	p.prov[key] = ps[i]
}

// commonPos is where all of a row's value cells stand when that is one
// place (the digits of a run-together row, cut into several values, come
// from one cell or line), else nothing.
func commonPos(c cand) extract.Pos {
	var at extract.Pos
	for i, v := range c.vals {
		if v == "" {
			continue
		}
		if i >= len(c.pos) || c.pos[i].Kind == extract.PosNone {
			return extract.Pos{}
		}
		if at.Kind == extract.PosNone {
			at = c.pos[i]
		} else if c.pos[i] != at {
			return extract.Pos{}
		}
	}
	return at
}

// provenance builds the report's provenance: the recorded positions of
// the values the report holds (a value left null has none).
func (p *parser) provenance() map[string]Prov {
	if len(p.prov) == 0 {
		return nil
	}
	out := map[string]Prov{}
	add := func(key string, v *float64) {
		if v == nil {
			return
		}
		if at, ok := p.prov[key]; ok {
			if pr, ok := provOf(at); ok {
				out[key] = pr
			}
		}
	}
	r := p.r
	if r.Active != nil {
		for _, row := range r.Active.Rows {
			for _, f := range row.Fields {
				if f.Str == nil {
					add("active."+row.Key+"."+f.Name, f.Value)
				}
			}
		}
	}
	if r.Requests != nil {
		for _, row := range r.Requests.Rows {
			for c, v := range row.Values {
				add(provRequest(row.Key, c), v)
			}
		}
	}
	if r.ReviewLitigation != nil {
		for i, v := range r.ReviewLitigation.Values() {
			add(reviewPaths[i], v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
