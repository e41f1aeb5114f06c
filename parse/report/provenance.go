package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/nianbao/nianbao/parse/extract"
)

// Value provenance: where each value of the three tables stands in the
// original, for a reader to check it there (docs/schema.md "provenance").
//
// Keys name one value: active.<row>.<field>, requests.<row>[<column>]
// (columns in the schema's order), review_litigation.<group>.<field>.

// ProvKind tells which fields of a Prov are set.
type ProvKind uint8

const (
	ProvPDF  ProvKind = iota + 1 // Page and Box
	ProvCell                     // Table, Row and Col
	ProvLine                     // Line
)

// Prov is where one value stands: a PDF page and box (points from the
// page's top-left corner, y downwards), a table cell as the markup has it
// (HTML, DOCX, DOC, WPS: 0-based table in document order, row, cell), or
// a 1-based line of a text.
type Prov struct {
	Key  string
	Kind ProvKind
	// Page is the 1-based PDF page; Box is x0, y0, x1, y1 (kept as
	// float32: a hundredth of a point is all the JSON says).
	Page            int32
	Box             [4]float32
	Table, Row, Col int32
	Line            int32
}

// Provenance is the report's provenance: one Prov per value whose place is
// known, in the order the values were read. It marshals to a JSON object
// keyed by Prov.Key.
type Provenance []Prov

// Get returns the place of the value named key.
func (p Provenance) Get(key string) (Prov, bool) {
	for _, v := range p {
		if v.Key == key {
			return v, true
		}
	}
	return Prov{}, false
}

// MarshalJSON writes {"key": {"page": 3, "box": [x0, y0, x1, y1]}, …},
// {"table": 0, "row": 5, "col": 7} or {"line": 41} per value.
func (p Provenance) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(48 * len(p))
	b.WriteByte('{')
	for i, v := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(&b, v.Key)
		switch v.Kind {
		case ProvPDF:
			b.WriteString(`{"page":`)
			b.WriteString(strconv.Itoa(int(v.Page)))
			b.WriteString(`,"box":[`)
			for j, x := range v.Box {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatFloat(math.Round(float64(x)*100)/100, 'f', -1, 64))
			}
			b.WriteString("]}")
		case ProvCell:
			fmt.Fprintf(&b, `{"table":%d,"row":%d,"col":%d}`, v.Table, v.Row, v.Col)
		case ProvLine:
			fmt.Fprintf(&b, `{"line":%d}`, v.Line)
		default:
			b.WriteString("{}")
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes (a value with fields of
// none of the shapes is kept with Kind 0).
func (p *Provenance) UnmarshalJSON(data []byte) error {
	*p = nil
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	return readObject(dec, func(key string) error {
		var raw struct {
			Page  *int32      `json:"page"`
			Box   *[4]float32 `json:"box"`
			Table *int32      `json:"table"`
			Row   *int32      `json:"row"`
			Col   *int32      `json:"col"`
			Line  *int32      `json:"line"`
		}
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("provenance %q: %w", key, err)
		}
		v := Prov{Key: key}
		switch {
		case raw.Page != nil && raw.Box != nil:
			v.Kind, v.Page, v.Box = ProvPDF, *raw.Page, *raw.Box
		case raw.Table != nil && raw.Row != nil && raw.Col != nil:
			v.Kind, v.Table, v.Row, v.Col = ProvCell, *raw.Table, *raw.Row, *raw.Col
		case raw.Line != nil:
			v.Kind, v.Line = ProvLine, *raw.Line
		}
		*p = append(*p, v)
		return nil
	})
}

// provOf turns an extractor's position into a Prov; false when it says
// nothing.
func provOf(key string, at extract.Pos) (Prov, bool) {
	switch at.Kind {
	case extract.PosPDF:
		if at.Page <= 0 {
			return Prov{}, false
		}
		return Prov{Key: key, Kind: ProvPDF, Page: at.Page, Box: at.Box}, true
	case extract.PosCell:
		return Prov{Key: key, Kind: ProvCell, Table: at.Table, Row: at.Row, Col: at.Col}, true
	case extract.PosLine:
		if at.Line <= 0 {
			return Prov{}, false
		}
		return Prov{Key: key, Kind: ProvLine, Line: at.Line}, true
	}
	return Prov{}, false
}

// provRequests holds the provenance keys of every template row's cells,
// built once like reqPaths.
var provRequests = func() map[string]*[7]string {
	m := map[string]*[7]string{}
	for _, t := range append(Templates[:len(Templates):len(Templates)], &commonTemplate) {
		for _, s := range t.Requests {
			if m[s.Key] != nil {
				continue
			}
			var ks [7]string
			for c := range ks {
				ks[c] = "requests." + s.Key + "[" + strconv.Itoa(c) + "]"
			}
			m[s.Key] = &ks
		}
	}
	return m
}()

func provRequest(key string, col int) string {
	if ks, ok := provRequests[key]; ok {
		return ks[col]
	}
	return "requests." + key + "[" + strconv.Itoa(col) + "]"
}

// place records where value v of key was read: ps[i], when known. A null
// value has no place: it is nowhere in the original.
func (p *parser) place(key string, v *float64, ps []extract.Pos, i int) {
	if v == nil || i >= len(ps) {
		return
	}
	pr, ok := provOf(key, ps[i])
	if !ok {
		return
	}
	if p.r.Provenance == nil {
		p.r.Provenance = make(Provenance, 0, 200) // a 2021 report's values
	}
	p.r.Provenance = append(p.r.Provenance, pr)
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
