package ocr

import (
	"image"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/parse/report"
)

func TestParseTSV(t *testing.T) {
	in := strings.Join([]string{
		"level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
		"1\t1\t0\t0\t0\t0\t0\t0\t2481\t3508\t-1\t",
		"5\t1\t1\t1\t1\t1\t436\t296\t40\t50\t91.5\t总计",
		"5\t1\t1\t1\t1\t2\t500\t296\t30\t50\t88\t26",
		"5\t1\t1\t1\t2\t1\t500\t396\t30\t50\t95\t   ", // blank: dropped
		"5\t1\t1\t1\t2\t1\tx\t396\t30\t50\t95\t1",     // malformed: dropped
		"5\t1\t2\t1\t1\t1\t10\t20\t5\t5\tnan\t1",      // NaN confidence: dropped
		"5\t1\t2\t1\t1",                               // short: dropped
	}, "\n")
	got, err := ParseTSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Word{
		{Text: "总计", Left: 436, Top: 296, Right: 476, Bottom: 346, Conf: 91.5, Line: 1<<20 | 1<<10 | 1},
		{Text: "26", Left: 500, Top: 296, Right: 530, Bottom: 346, Conf: 88, Line: 1<<20 | 1<<10 | 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseTSV = %+v\nwant %+v", got, want)
	}
}

// grid3 is a 3×3 ruled table whose first column's last two cells are one
// merged cell (the rule between them stops at the second column).
func grid3() []Rule {
	return []Rule{
		{Pos: 100, From: 100, To: 700, Thick: 3},
		{Pos: 200, From: 100, To: 700, Thick: 3},
		{Pos: 300, From: 300, To: 700, Thick: 3}, // not across column 0
		{Pos: 400, From: 100, To: 700, Thick: 3},
		{Vertical: true, Pos: 100, From: 100, To: 400, Thick: 3},
		{Vertical: true, Pos: 300, From: 100, To: 400, Thick: 3},
		{Vertical: true, Pos: 500, From: 100, To: 400, Thick: 3},
		{Vertical: true, Pos: 700, From: 100, To: 400, Thick: 3},
	}
}

func word(text string, x, y int) Word {
	return Word{Text: text, Left: x - 15, Right: x + 15, Top: y - 20, Bottom: y + 20, Conf: 95}
}

func TestBuildTablesMergedCells(t *testing.T) {
	words := []Word{
		word("标", 200, 150), word("总计", 400, 150), word("|", 600, 150),
		word("（五）", 200, 320), word("不予", 180, 370), word("处理", 230, 370), // one merged cell, two lines
		word("1", 400, 250), word("2", 580, 250), word("6", 620, 250), // "26" read as two words
		word("0", 400, 350), word("7", 600, 350),
		word("页脚", 400, 900), // outside: prose
	}
	tables, rest := buildTables(grid3(), words, gridTol{snap: 7, meet: 15})
	if len(tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tables))
	}
	tb := tables[0]
	wantRows := [][]string{
		{"标", "总计", ""},
		{"（五）不予处理", "1", "26"},
		{"（五）不予处理", "0", "7"},
	}
	wantSpanned := [][]bool{{false, false, false}, {false, false, false}, {true, false, false}}
	if !reflect.DeepEqual(tb.Rows, wantRows) || !reflect.DeepEqual(tb.Spanned, wantSpanned) {
		t.Errorf("rows %q spanned %v\nwant %q %v", tb.Rows, tb.Spanned, wantRows, wantSpanned)
	}
	if len(rest) != 1 || rest[0].Text != "页脚" {
		t.Errorf("rest = %+v, want the footer word", rest)
	}
}

// drawRules paints the grid's rules black on white, turned by angle.
func drawRules(w, h int, rules []Rule, angle float64) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	cx, cy := float64(w)/2, float64(h)/2
	set := func(x, y int) {
		fx, fy := float64(x)-cx, float64(y)-cy
		rx := int(math.Round(cx + fx*math.Cos(angle) - fy*math.Sin(angle)))
		ry := int(math.Round(cy + fx*math.Sin(angle) + fy*math.Cos(angle)))
		if rx >= 0 && ry >= 0 && rx < w && ry < h {
			g.Pix[ry*g.Stride+rx] = 0
		}
	}
	for _, r := range rules {
		for p := r.Pos - 1; p <= r.Pos+1; p++ {
			for q := r.From; q <= r.To; q++ {
				if r.Vertical {
					set(p, q)
				} else {
					set(q, p)
				}
			}
		}
	}
	return g
}

func TestSkewAndRules(t *testing.T) {
	for _, deg := range []float64{0, 0.4, -0.7} {
		g := drawRules(800, 500, grid3(), deg*math.Pi/180)
		th := threshold(g)
		a := skewAngle(g, th)
		if math.Abs(a*180/math.Pi-deg) > 0.1 {
			t.Errorf("tilt %.1f°: estimated %.2f°", deg, a*180/math.Pi)
		}
		if math.Abs(a) > 0.0003 {
			g = rotate(g, a)
		}
		rules := findRules(g, th, 90, 3, 10)
		var h, v int
		for _, r := range rules {
			if r.Vertical {
				v++
			} else {
				h++
			}
		}
		if h != 4 || v != 4 {
			t.Errorf("tilt %.1f°: %d horizontal and %d vertical rules, want 4 and 4: %+v", deg, h, v, rules)
		}
	}
}

func TestCellText(t *testing.T) {
	tests := []struct {
		words []Word
		want  string
	}{
		{[]Word{word("结", 10, 10), word("果", 10, 60), word("维", 10, 110), word("持", 10, 160)}, "结果维持"}, // one character per line
		{[]Word{word("2", 10, 10), word("6", 40, 10)}, "26"},
		{[]Word{word("|3.", 10, 10), word("其他", 60, 10)}, "3.其他"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := cellText(tt.words); got != tt.want {
			t.Errorf("cellText(%v) = %q, want %q", tt.words, got, tt.want)
		}
	}
}

// FuzzBuildTables: any rules and words give well-formed tables (every
// row as long as the first, Spanned and Boxes the same shape) and never
// a panic.
func FuzzBuildTables(f *testing.F) {
	f.Add([]byte{10, 10, 200, 1, 10, 10, 200, 0, 100, 10, 200, 1, 200, 0, 100, 0}, []byte{50, 50, 3, 150, 60, 7})
	f.Add([]byte{}, []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, rb, wb []byte) {
		var rules []Rule
		for i := 0; i+3 < len(rb) && len(rules) < 60; i += 4 {
			rules = append(rules, Rule{Vertical: rb[i+3]&1 == 1, Pos: int(rb[i]) * 4, From: int(rb[i+1]) * 4, To: int(rb[i+1])*4 + int(rb[i+2])*4, Thick: 2})
		}
		var words []Word
		for i := 0; i+2 < len(wb) && len(words) < 100; i += 3 {
			words = append(words, word(string(rune('0'+wb[i+2]%10)), int(wb[i])*4, int(wb[i+1])*4))
		}
		tables, rest := buildTables(rules, words, gridTol{snap: 7, meet: 15})
		placed := 0
		for _, tb := range tables {
			for r := range tb.Rows {
				if len(tb.Rows[r]) != len(tb.Rows[0]) || len(tb.Spanned[r]) != len(tb.Rows[r]) || len(tb.Boxes[r]) != len(tb.Rows[r]) {
					t.Fatalf("ragged table: %+v", tb)
				}
				for c := range tb.Rows[r] {
					placed += len(tb.Cells[r][c])
				}
			}
		}
		if placed+len(rest) != len(words) {
			t.Fatalf("%d words placed + %d left = %d, want %d", placed, len(rest), placed+len(rest), len(words))
		}
	})
}

func row(key string, vals ...float64) report.RequestRow {
	r := report.RequestRow{Key: key}
	for i, v := range vals {
		r.Values[i] = report.Num(v)
	}
	return r
}

func TestGate(t *testing.T) {
	r := &report.Report{Format: report.Format2021,
		Requests: &report.Requests{Rows: []report.RequestRow{
			row("other.other", 1, 0, 0, 0, 0, 0, 1),  // H3 holds
			row("total", 26, 4, 1, 0, 2, 1, 35),      // H3 fails: 34 ≠ 35
			row("carried_forward", 0, 0, 0, 0, 0, 0), // H3 holds with a null total
		}},
		ReviewLitigation: &report.ReviewLitigation{
			Review:           report.Outcome{Upheld: report.Num(3), Corrected: report.Num(1), Other: report.Num(0), Pending: report.Num(1), Total: report.Num(5)},
			LitigationDirect: report.Outcome{Upheld: report.Num(2), Total: report.Num(9)},
		},
		Active: &report.Active{Rows: []report.ActiveRow{{Key: "regulations", Fields: []report.Field{{Name: "issued", Value: report.Num(4)}}}}},
	}
	Gate(r)
	if v, _ := r.Requests.Get("other.other"); v[0] == nil || *v[0] != 1 {
		t.Errorf("consistent row withheld: %v", v)
	}
	if v, _ := r.Requests.Get("total"); v != [7]*float64{} {
		t.Errorf("inconsistent row kept: %v", v)
	}
	if v, _ := r.Requests.Get("carried_forward"); v[0] == nil || v[6] != nil {
		t.Errorf("carried_forward = %v, want kept, total still null", v)
	}
	if r.ReviewLitigation.Review.Total == nil || r.ReviewLitigation.LitigationDirect.Upheld != nil {
		t.Errorf("review %+v litigation_direct %+v: want the first kept, the second withheld", r.ReviewLitigation.Review, r.ReviewLitigation.LitigationDirect)
	}
	if f := r.Active.Rows[0].Fields[0]; f.Value != nil {
		t.Errorf("section 二 value kept although no rule checks it")
	}
	codes := map[string]string{}
	for _, w := range r.Warnings {
		codes[w.Code] = w.Message
	}
	if !strings.Contains(codes[WarnWithheld], "requests.total (H3 requests.total: 34 ≠ 35)") || !strings.Contains(codes[WarnWithheld], "review_litigation.litigation_direct") {
		t.Errorf("withheld warning %q", codes[WarnWithheld])
	}
	if !strings.Contains(codes[WarnUnverified], "active") || codes[WarnH2Partial] == "" {
		t.Errorf("warnings %v: want %s naming active and %s", r.Warnings, WarnUnverified, WarnH2Partial)
	}
	for _, c := range r.Checks {
		if !c.OK || c.Rule == "H2" {
			t.Errorf("check left after the gate: %+v", c)
		}
	}
}

type divisions map[string]bool

func (d divisions) Known(name string) bool { return d[name] }

func TestCheckNames(t *testing.T) {
	const title = "偃师区工业和信息化局2023年政府信息公开工作年度报告"
	tests := []struct {
		name                 string
		body, region         string
		year                 int
		meta                 report.Meta
		div                  Divisions
		wantBody, wantRegion string
		wantYear             int
		warn                 bool
	}{
		{"confirmed by the title", "偃师区工业和信息化局", "偃师区", 2023, report.Meta{Title: title}, nil, "偃师区工业和信息化局", "偃师区", 2023, false},
		{"misread, title known", "候师区工业和信息化局", "候师区", 2023, report.Meta{Title: title}, nil, "偃师区工业和信息化局", "偃师区", 2023, true},
		{"misread, nothing known", "候师区工业和信息化局", "候师区", 2023, report.Meta{}, nil, "", "", 2023, true},
		{"body from the config", "候师区工业和信息化局", "候师区", 2023, report.Meta{Body: "偃师区工业和信息化局", Region: "河南省洛阳市偃师区"}, nil, "偃师区工业和信息化局", "河南省洛阳市偃师区", 2023, true},
		{"region from the divisions", "", "偃师区", 2023, report.Meta{}, divisions{"偃师区": true}, "", "偃师区", 2023, false},
		{"region not a division", "", "候师区", 2023, report.Meta{}, divisions{"偃师区": true}, "", "", 2023, true},
		{"year misread", "偃师区工业和信息化局", "偃师区", 2028, report.Meta{Title: title}, nil, "偃师区工业和信息化局", "偃师区", 2023, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := tt.year
			r := &report.Report{Body: tt.body, Region: tt.region, Year: &y}
			CheckNames(r, tt.meta, tt.div)
			if r.Body != tt.wantBody || r.Region != tt.wantRegion || *r.Year != tt.wantYear {
				t.Errorf("got %q %q %d, want %q %q %d", r.Body, r.Region, *r.Year, tt.wantBody, tt.wantRegion, tt.wantYear)
			}
			warned := false
			for _, w := range r.Warnings {
				warned = warned || w.Code == WarnNameUnconfirmed
			}
			if warned != tt.warn {
				t.Errorf("warning %v, want %v: %v", warned, tt.warn, r.Warnings)
			}
		})
	}
}
