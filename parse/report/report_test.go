package report

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/parse/extract"
)

func TestParseCell(t *testing.T) {
	tests := []struct {
		in   string
		kind cellKind
		val  float64
		unit string
	}{
		{"", cellBlank, 0, ""},
		{"0", cellNum, 0, ""},
		{"1243", cellNum, 1243, ""},
		{"1,243", cellNum, 1243, ""},
		{"12.5", cellNum, 12.5, ""},
		{"251000元", cellNum, 251000, "元"},
		{"35.6万元", cellNum, 35.6, "万元"},
		{"3件", cellNum, 3, "件"},
		{"减4", cellNum, -4, ""},
		{"增4", cellNum, 4, ""},
		{"-8", cellNum, -8, ""},
		{"/", cellNA, 0, ""},
		{"-", cellNA, 0, ""},
		{"—", cellNA, 0, ""},
		{"无", cellNA, 0, ""},
		{"1.", cellBad, 0, ""},
		{"1.属于国家秘密", cellBad, 0, ""},
		{"12,34", cellBad, 0, ""},
		{"元", cellBad, 0, ""},
	}
	for _, tt := range tests {
		c := parseCell(tt.in)
		if c.kind != tt.kind || (c.kind == cellNum && (c.val != tt.val || c.unit != tt.unit)) {
			t.Errorf("parseCell(%q) = kind %d val %v unit %q; want kind %d val %v unit %q", tt.in, c.kind, c.val, c.unit, tt.kind, tt.val, tt.unit)
		}
	}
}

const header21 = "偃师区工业和信息化局2023年政府信息公开工作年度报告\n一、总体情况\n"

// table 三 rows of the 2021 format as "label v v v v v v v" lines
func rows21(vals func(i int) string) string {
	labels := []string{"一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
		"1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
		"1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
		"1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
		"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
		"（七）总计", "四、结转下年度继续办理"}
	var b strings.Builder
	for i, l := range labels {
		b.WriteString(l + " " + vals(i) + "\n")
	}
	return b.String()
}

func textDoc(s string) *extract.Doc {
	return &extract.Doc{Container: "text", Blocks: []extract.Block{{Text: s}}}
}

// Numbers quoted in 一、总体情况 — even in the exact shape of a table row —
// must never become table values.
func TestProseNumbersDoNotLeak(t *testing.T) {
	doc := textDoc(header21 +
		"一、本年新收政府信息公开申请数量 9 9 9 9 9 9 54\n本年新收申请31件。\n" +
		"三、收到和处理政府信息公开申请情况\n" + rows21(func(int) string { return "1 0 0 0 0 0 1" }) +
		"五、存在的主要问题及改进情况\n（七）总计 5 5 5 5 5 5 30\n")
	r := Parse(doc, Meta{})
	got, ok := r.Requests.Get("new")
	if !ok || got[0] == nil || *got[0] != 1 {
		t.Fatalf("requests.new = %v; want the table's 1", vals(got[:]))
	}
	tot, _ := r.Requests.Get("total")
	if *tot[6] != 1 {
		t.Errorf("requests.total[6] = %v; numbers from 五 leaked", *tot[6])
	}
}

func vals(v []*float64) []any {
	var out []any
	for _, p := range v {
		if p == nil {
			out = append(out, nil)
		} else {
			out = append(out, *p)
		}
	}
	return out
}

func TestUnplaceableAndMissing(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantWarn  []string
		nullRow   string // a row whose values must all be null
		noRequest bool
	}{
		{"six values for seven columns", "三、收到和处理政府信息公开申请情况\n" + rows21(func(i int) string {
			if i == 0 {
				return "1 0 0 0 0 1"
			}
			return "0 0 0 0 0 0 0"
		}), []string{WarnUnplaceable}, "new", false},
		{"no table at all", "我局全年收到申请31件，均已按时答复。\n", []string{WarnTableMissing}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse(textDoc(header21+tt.body), Meta{})
			for _, w := range tt.wantWarn {
				if !hasWarning(r, w) {
					t.Errorf("missing warning %s in %v", w, r.Warnings)
				}
			}
			if tt.noRequest != (r.Requests == nil) {
				t.Fatalf("requests present = %v, want %v", r.Requests != nil, !tt.noRequest)
			}
			if tt.nullRow != "" {
				row, ok := r.Requests.Get(tt.nullRow)
				if !ok {
					t.Fatalf("row %s absent", tt.nullRow)
				}
				for _, v := range row {
					if v != nil {
						t.Errorf("row %s = %v; want all null", tt.nullRow, vals(row[:]))
						break
					}
				}
				// checks touching the unplaceable row are skipped, not failed
				for _, c := range r.Checks {
					if !c.OK && c.Rule == "H1" {
						t.Errorf("H1 evaluated on an unplaceable row: %+v", c)
					}
				}
			}
			if tt.noRequest && len(r.Checks) != 0 {
				t.Errorf("checks on a report without tables: %+v", r.Checks)
			}
		})
	}
}

func TestChecksDetectBadSums(t *testing.T) {
	r := Parse(textDoc(header21+"三、收到和处理政府信息公开申请情况\n"+rows21(func(i int) string {
		switch i {
		case 0:
			return "2 0 0 0 0 0 2" // 一
		case 2:
			return "1 0 0 0 0 0 1" // 予以公开
		case 23:
			return "1 0 0 0 0 0 3" // （七）总计: H3 fails (1 ≠ 3), H1 column total fails
		}
		return "0 0 0 0 0 0 0"
	})), Meta{})
	failed := map[string]Check{}
	for _, c := range r.Checks {
		if !c.OK {
			failed[c.Rule+" "+c.Where] = c
		}
	}
	for _, want := range []string{"H3 requests.total", "H1 requests.natural_person", "H1 requests.total", "H2 requests.total.total"} {
		if _, ok := failed[want]; !ok {
			t.Errorf("expected failed check %s; failed: %v", want, failed)
		}
	}
	if c := failed["H3 requests.total"]; c.Expected == nil || *c.Expected != 1 || *c.Found != 3 {
		t.Errorf("H3 requests.total = %+v; want expected 1 found 3", c)
	}
}

func TestCheckCarryOver(t *testing.T) {
	mk := func(year int, key string, total float64) *Report {
		r := &Report{Year: &year, Requests: &Requests{}}
		row := RequestRow{Key: key}
		row.Values[0], row.Values[6] = Num(total), Num(total)
		r.Requests.Rows = append(r.Requests.Rows, row)
		return r
	}
	// Columns 0 (自然人) and 6 (总计) are filled; 1–5 are null: skipped.
	tests := []struct {
		name        string
		prev, cur   *Report
		ok, skipped bool // for the filled columns
	}{
		{"equal", mk(2022, "carried_forward", 3), mk(2023, "carried_over", 3), true, false},
		{"differs", mk(2022, "carried_forward", 3), mk(2023, "carried_over", 2), false, false},
		{"not consecutive", mk(2021, "carried_forward", 3), mk(2023, "carried_over", 3), false, true},
		{"row missing", mk(2022, "new", 3), mk(2023, "carried_over", 3), false, true},
	}
	for _, tt := range tests {
		cs := CheckCarryOver(tt.prev, tt.cur)
		if len(cs) != 7 {
			t.Fatalf("%s: %d checks, want 7", tt.name, len(cs))
		}
		for i, c := range cs {
			wantOK, wantSkip := tt.ok, tt.skipped
			if i >= 1 && i <= 5 {
				wantOK, wantSkip = false, true // null on both sides
			}
			if c.Rule != "SR1" || c.OK != wantOK || c.Skipped != wantSkip || c.Where != "requests.carried_over."+RequestColumns[i] {
				t.Errorf("%s column %d: got %+v; want ok=%v skipped=%v", tt.name, i, c, wantOK, wantSkip)
			}
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := Parse(textDoc(header21+"二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 1 0 3\n行政规范性文件 / 2 27\n其他主动公开文件 4 5 6\n"), Meta{URL: "http://example.gov.cn/a.html"})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&back)
	if string(b) != string(b2) {
		t.Errorf("round trip differs:\n%s\n%s", b, b2)
	}
	// key order follows the template, and unknown local rows go to extra
	s := string(b)
	if i, j := strings.Index(s, `"regulations"`), strings.Index(s, `"normative_documents"`); i < 0 || j < i {
		t.Errorf("active keys out of order: %s", s)
	}
	if !strings.Contains(s, `"extra":[{"label":"其他主动公开文件","values":[4,5,6]}]`) {
		t.Errorf("extra row missing: %s", s)
	}
	if !strings.Contains(s, `"normative_documents":{"issued":null,"repealed":2,"in_force":27}`) {
		t.Errorf(`"/" not read as null: %s`, s)
	}
	var generic map[string]any
	_ = json.Unmarshal(b, &generic)
	var keys []string
	for k := range generic {
		keys = append(keys, k)
	}
	want := []string{"schema", "source", "title", "body", "region", "year", "format", "active", "requests", "review_litigation", "sections", "checks", "warnings"}
	if len(keys) != len(want) {
		t.Errorf("top-level keys %v; want %v", keys, want)
	}
	if !reflect.DeepEqual(generic["schema"], SchemaID) {
		t.Errorf("schema = %v", generic["schema"])
	}
}

func TestRegion(t *testing.T) {
	tests := []struct{ site, body, want string }{
		{"河南省洛阳市", "偃师区工业和信息化局", "河南省洛阳市偃师区"},
		{"河南省洛阳市", "洛阳市偃师区民政局", "河南省洛阳市偃师区"},
		{"", "舒兰市市场监督管理局", "舒兰市"},
		{"", "国家税务总局", ""},
		{"上海市", "上海市人民政府办公厅", "上海市"},
		// department names that end in a place suffix are not places
		{"河南省洛阳市", "偃师区住房和城乡建设局", "河南省洛阳市偃师区"},
		{"河南省洛阳市", "偃师区城市管理局", "河南省洛阳市偃师区"},
		{"", "住房和城乡建设局", ""},
		{"山西省", "晋城市城市管理局", "山西省晋城市"},
	}
	for _, tt := range tests {
		if got := region(tt.site, tt.body); got != tt.want {
			t.Errorf("region(%q, %q) = %q; want %q", tt.site, tt.body, got, tt.want)
		}
	}
}

func TestTitleVariants(t *testing.T) {
	tests := []struct {
		in, body string
		year     int
		ok       bool
	}{
		{"偃师区工业和信息化局2023年政府信息公开工作年度报告", "偃师区工业和信息化局", 2023, true},
		{"2022年上海市政府信息公开工作年度报告", "上海市", 2022, true},
		{"2009上海市政府信息公开工作年度报告", "上海市", 2009, true},
		{"国家税务总局2010年政府信息公开年度报告", "国家税务总局", 2010, true},
		{"舒兰市市场监督管理局2016年政务信息公开年度报告", "舒兰市市场监督管理局", 2016, true},
		{"2022年政府信息公开工作年度报告", "", 2022, true},
		{"关于做好2022年度政府信息公开工作年度报告编制发布工作的通知", "", 0, false},
	}
	for _, tt := range tests {
		h, ok := matchTitle(fold(tt.in))
		if ok != tt.ok || (ok && (h.body != tt.body || h.year != tt.year)) {
			t.Errorf("matchTitle(%q) = %+v, %v; want body %q year %d ok %v", tt.in, h, ok, tt.body, tt.year, tt.ok)
		}
	}
}

// A title without a body falls back to the crawl's knowledge, then to the
// page's own metadata when it names a government body, never a portal brand.
func TestBodyFromPageMetadata(t *testing.T) {
	const text = "2022年政府信息公开工作年度报告\n一、总体情况\n本机关认真贯彻。\n"
	tests := []struct {
		name, metaBody, publisher, want string
	}{
		{"page metadata", "", "偃师区教育局", "偃师区教育局"},
		{"crawl knowledge first", "偃师区卫生健康委员会", "偃师区教育局", "偃师区卫生健康委员会"},
		{"portal brand is not a body", "", "中国政府网", ""},
		{"nothing", "", "", ""},
	}
	for _, tc := range tests {
		doc := textDoc(text)
		doc.Publisher = tc.publisher
		r := Parse(doc, Meta{Body: tc.metaBody})
		if r.Body != tc.want {
			t.Errorf("%s: body = %q, want %q", tc.name, r.Body, tc.want)
		}
	}
}

// Every row the parser saw but could not place is named in a warning as
// the document prints it (not folded: full-width brackets and spacing kept).
func TestUnplacedRowsNamedAsPrinted(t *testing.T) {
	body := "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n" +
		"规章 1 0 3\n行政处罚、行政强制 5\n" +
		"三、收到和处理政府信息公开申请情况\n" +
		strings.Replace(rows21(func(i int) string { return "0 0 0 0 0 0 0" }), "1.属于国家秘密 0 0 0 0 0 0 0\n", "1.属于国家秘密 0 0 0 0 0 0 0\n（九）地方 特有 情形 1 0 0 0 0 0 1\n", 1) +
		"5 5\n"
	r := Parse(textDoc(header21+strings.Replace(body, "2.重复申请 0 0 0 0 0 0 0", "2.重复申请12", 1)), Meta{})
	want := map[string]string{
		WarnLabelAmbiguous:        `"行政处罚、行政强制"`,
		WarnUnknownRow:            `"（九）地方 特有 情形"`,
		WarnRunTogetherUnresolved: `"2.重复申请12"`,
	}
	for code, name := range want {
		found := false
		for _, w := range r.Warnings {
			if w.Code == code && strings.Contains(w.Message, name) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s warning naming %s in %v", code, name, r.Warnings)
		}
	}
	if a, ok := r.Active.Row("punishment"); ok {
		t.Errorf("an ambiguous label was placed as punishment: %+v", a)
	}
	if row, _ := r.Requests.Get("not_processed.repeated"); row[0] != nil {
		t.Errorf("unresolved run-together row has values: %v", vals(row[:]))
	}
}

// Digits at the end of a label are read as a run-together value only when
// the row needs them; a footnote mark (¹ folds to 1) is not a value.
func TestLabelDigitsOnlyWhenNeeded(t *testing.T) {
	r := Parse(textDoc(header21+"二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 1 0 3\n第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可¹ 1243\n行政处罚86\n"), Meta{})
	for key, want := range map[string]float64{"licensing": 1243, "punishment": 86} {
		row, ok := r.Active.Row(key)
		if !ok {
			t.Fatalf("%s missing: %v", key, r.Warnings)
		}
		if v, _ := row.Get("decisions"); v == nil || *v != want {
			t.Errorf("%s = %v, want %v (%v)", key, v, want, r.Warnings)
		}
	}
}

// TestProvenanceJSON: provenance marshals to the documented shapes and
// reads back to the same values; a report without it (older archives)
// reads as none.
func TestProvenanceJSON(t *testing.T) {
	in := Provenance{
		{Key: "requests.granted[6]", Kind: ProvPDF, Page: 3, Box: [4]float32{72.5, 100.25, 80, 110.75}},
		{Key: "active.licensing.decisions", Kind: ProvCell, Table: 0, Row: 5, Col: 7},
		{Key: "review_litigation.review.upheld", Kind: ProvLine, Line: 41},
	}
	b, err := json.Marshal(Report{Provenance: in})
	if err != nil {
		t.Fatal(err)
	}
	want := `"provenance":{"requests.granted[6]":{"page":3,"box":[72.5,100.25,80,110.75]},"active.licensing.decisions":{"table":0,"row":5,"col":7},"review_litigation.review.upheld":{"line":41}}`
	if !strings.Contains(string(b), want) {
		t.Errorf("JSON %s\nwant it to hold %s", b, want)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Provenance, in) {
		t.Errorf("read back %+v, want %+v", back.Provenance, in)
	}
	if got, ok := back.Provenance.Get("active.licensing.decisions"); !ok || got.Row != 5 {
		t.Errorf("Get: %+v %v", got, ok)
	}
	b, err = json.Marshal(Report{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "provenance") {
		t.Errorf("a report without provenance writes it: %s", b)
	}
	var old Report
	if err := json.Unmarshal([]byte(`{"schema":"nianbao.report/1","provenance":null}`), &old); err != nil || old.Provenance != nil {
		t.Errorf("null provenance: %v %+v", err, old.Provenance)
	}
}
