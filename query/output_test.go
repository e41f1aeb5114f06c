package query_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

func records(t *testing.T, fx *fixture) []query.Record {
	t.Helper()
	ctx := context.Background()
	refs, err := query.Select(ctx, fx.a, query.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []query.Record
	query.Each(ctx, fx.a, refs, func(_ int, d *archive.Document) error {
		out = append(out, query.NewRecord(d))
		return nil
	})
	return out
}

func write(t *testing.T, kind string, rows []query.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	o, err := query.NewOutput(&buf, kind)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := o.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The JSON field names are a contract scripts rely on.
var contractFields = []string{"id", "site", "body", "region", "year", "title", "url", "files", "format",
	"parse_status", "failed_checks", "first_seen", "last_seen"}

func TestOutputJSONLContract(t *testing.T) {
	fx := newFixture(t)
	recs := records(t, fx)
	out := write(t, query.OutJSONL, recs)
	sc := bufio.NewScanner(bytes.NewReader(out))
	n := 0
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		for _, k := range contractFields {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks %q", n, k)
			}
		}
		files := m["files"].([]any)
		for _, f := range files {
			for _, k := range []string{"url", "sha256", "media_type", "size"} {
				if _, ok := f.(map[string]any)[k]; !ok {
					t.Errorf("line %d: file lacks %q", n, k)
				}
			}
		}
		var r query.Record
		json.Unmarshal(sc.Bytes(), &r)
		if r.ID != recs[n].ID || r.Title != recs[n].Title || len(r.Files) != len(recs[n].Files) ||
			r.Files[0].SHA256 != recs[n].Files[0].SHA256 || *r.Year != *recs[n].Year || !r.FirstSeen.Equal(recs[n].FirstSeen) {
			t.Errorf("line %d round trip: %+v vs %+v", n, r, recs[n])
		}
		n++
	}
	if n != len(recs) {
		t.Errorf("%d lines, want %d", n, len(recs))
	}
}

func TestOutputJSONArray(t *testing.T) {
	fx := newFixture(t)
	recs := records(t, fx)
	for _, rows := range [][]query.Record{recs, nil} {
		var back []query.Record
		if err := json.Unmarshal(write(t, query.OutJSON, rows), &back); err != nil {
			t.Fatal(err)
		}
		if len(back) != len(rows) {
			t.Fatalf("%d objects, want %d", len(back), len(rows))
		}
		for i := range back {
			if back[i].ID != rows[i].ID || back[i].FailedChecks != rows[i].FailedChecks {
				t.Errorf("%d: %+v", i, back[i])
			}
		}
	}
}

func TestOutputCSVWithBOM(t *testing.T) {
	fx := newFixture(t)
	recs := records(t, fx)
	out := write(t, query.OutCSV, recs)
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(out[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(recs)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(recs)+1)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, k := range contractFields {
		if _, ok := col[k]; !ok {
			t.Errorf("csv lacks column %q", k)
		}
	}
	for i, r := range recs {
		row := rows[i+1]
		if row[col["id"]] != r.ID || row[col["body"]] != r.Body || row[col["title"]] != r.Title {
			t.Errorf("row %d: %v", i, row)
		}
		year := ""
		if r.Year != nil {
			year = strconv.Itoa(*r.Year)
		}
		if row[col["year"]] != year {
			t.Errorf("row %d year %q, want %q", i, row[col["year"]], year)
		}
		var files []query.FileInfo
		if err := json.Unmarshal([]byte(row[col["files"]]), &files); err != nil || len(files) != len(r.Files) {
			t.Errorf("row %d files %q: %v", i, row[col["files"]], err)
		}
		if ts, err := time.Parse(time.RFC3339, row[col["last_seen"]]); err != nil || !ts.Equal(r.LastSeen.Truncate(time.Second)) {
			t.Errorf("row %d last_seen %q", i, row[col["last_seen"]])
		}
	}
}

func TestOutputNoHTMLEscape(t *testing.T) {
	r := query.Record{ID: "x", URL: "http://a.gov.cn/?a=1&b=2", Title: "<报告>"}
	for _, kind := range []string{query.OutJSON, query.OutJSONL} {
		out := string(write(t, kind, []query.Record{r}))
		if !strings.Contains(out, "a=1&b=2") || !strings.Contains(out, "<报告>") {
			t.Errorf("%s escaped: %s", kind, out)
		}
	}
}

func TestOutputBadKind(t *testing.T) {
	if _, err := query.NewOutput(&bytes.Buffer{}, "xml"); err == nil {
		t.Error("no error for xml")
	}
}

// Columns line up by display width: CJK characters take two cells.
func TestTableCJKAlignment(t *testing.T) {
	tb := &query.Table{
		Header: []string{"名称", "n", "标题"},
		Rows: [][]string{
			{"偃师区工业和信息化局", "1", "alpha"},
			{"abc", "22", "年度报告"},
			{"洛阳市人社局", "333", "omega"},
		},
		Right: map[int]bool{1: true},
	}
	var buf bytes.Buffer
	if err := tb.Render(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	// The last column starts at the same display column on every line.
	start := func(line, cell string) int {
		i := strings.LastIndex(line, cell)
		if i < 0 {
			t.Fatalf("%q not in %q", cell, line)
		}
		return runewidth.StringWidth(line[:i])
	}
	want := start(lines[0], "标题")
	for i, cell := range []string{"alpha", "年度报告", "omega"} {
		if got := start(lines[i+2], cell); got != want {
			t.Errorf("line %d: last column at %d, header at %d\n%s", i+2, got, want, buf.String())
		}
	}
	// Right-aligned numbers end at the same display column.
	end := func(line, cell string) int { return start(line, cell) + runewidth.StringWidth(cell) }
	if a, b := end(lines[2], "1"), end(lines[4], "333"); a != b {
		t.Errorf("numbers not right-aligned: %d vs %d\n%s", a, b, buf.String())
	}
}

func TestTableTruncates(t *testing.T) {
	long := strings.Repeat("很长的标题", 20)
	tb := &query.Table{Header: []string{"t", "x"}, Rows: [][]string{{long, "y"}}, MaxWidth: map[int]int{0: 20}}
	var buf bytes.Buffer
	tb.Render(&buf)
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if w := runewidth.StringWidth(l); w > 20+2+1 {
			t.Errorf("line width %d: %q", w, l)
		}
	}
}

// A table fits a terminal's width by cutting its free-text columns (those
// in MaxWidth), widest first and CJK-aware, never the others, and no
// narrower than the cut columns' floor.
func TestTableFitsWidth(t *testing.T) {
	id := "0123456789abcdef"
	rows := [][]string{
		{id, "偃师区工业和信息化局", "河南省洛阳市偃师区", "2023", "偃师区工业和信息化局2023年政府信息公开工作年度报告"},
		{"fedcba9876543210", "洛阳市人社局", "河南省洛阳市", "2022", "short"},
	}
	cut := map[int]int{1: 30, 2: 30, 4: 60}
	for _, tc := range []struct {
		width, want int // want: the widest line
	}{
		{0, 16 + 20 + 18 + 4 + 50 + 8},   // unknown: only MaxWidth caps
		{200, 16 + 20 + 18 + 4 + 50 + 8}, // wide enough already
		{80, 80},
		{61, 61},
		{40, 16 + 8 + 8 + 4 + 8 + 8}, // the floor: 8 cells a cut column
	} {
		tb := &query.Table{Header: []string{"ID", "机关", "地区", "年份", "标题"}, Rows: rows, MaxWidth: cut, Width: tc.width}
		var buf bytes.Buffer
		if err := tb.Render(&buf); err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
			got = max(got, runewidth.StringWidth(l))
		}
		// The widest line is the header's rule, exactly the columns' widths.
		if got != tc.want {
			t.Errorf("width %d: widest line %d cells, want %d:\n%s", tc.width, got, tc.want, buf.String())
		}
		if !strings.Contains(buf.String(), id+"  ") || !strings.Contains(buf.String(), "  2023  ") {
			t.Errorf("width %d: an id or a number was cut:\n%s", tc.width, buf.String())
		}
		if cutNow := strings.Contains(buf.String(), "…"); cutNow != (tc.width > 0 && tc.width < 116) {
			t.Errorf("width %d: cut %v:\n%s", tc.width, cutNow, buf.String())
		}
	}
}

func TestMissing(t *testing.T) {
	a := querytest.Open(t)
	type d struct {
		label, site, body, region string
		year                      int
	}
	docs := []d{
		// One body, its name abbreviated in one year: one series, no gap.
		{"ys21", "yanshi", "偃师区工信局", "河南省洛阳市偃师区", 2021},
		{"ys22", "yanshi", "偃师区工业和信息化局", "河南省洛阳市偃师区", 2022},
		{"ys23", "yanshi", "偃师区工业和信息化局", "河南省洛阳市偃师区", 2023},
		// Skipped 2020, back in 2023 (absent, then later).
		{"rs19", "luoyang", "洛阳市人社局", "河南省洛阳市", 2019},
		{"rs23", "luoyang", "洛阳市人力资源和社会保障局", "河南省洛阳市", 2023},
		// Stopped after 2020.
		{"cz20", "yanshi", "偃师区财政局", "河南省洛阳市偃师区", 2020},
		// Only the newest year: nothing missing.
		{"fg23", "zhengzhou", "郑州市发展和改革委员会", "河南省郑州市", 2023},
		// A government named by its area one year, in full the next.
		{"hn22", "henan", "河南省", "河南省", 2022},
		{"hn23", "henan", "河南省人民政府", "河南省", 2023},
		// Same body name, other region: its own series.
		{"cz22b", "mengjin", "财政局", "河南省洛阳市孟津区", 2022},
	}
	ids := map[string]string{}
	for _, x := range docs {
		id := querytest.Add(t, a, querytest.Doc{Site: x.site, URL: "http://" + x.site + ".gov.cn/" + x.label, Body: x.body,
			Region: x.region, Year: x.year, Title: x.body + "年度报告", ParseStatus: "ok",
			Files: []querytest.File{{URL: "http://" + x.site + ".gov.cn/" + x.label + ".pdf", Data: querytest.PDF(x.label)}}})[0]
		ids[x.label] = id
	}
	type gap struct {
		last    string
		missing int
		later   []int
	}
	cases := []struct {
		name string
		f    query.Filter
		want []gap
	}{
		{"all", query.Filter{}, []gap{{"rs19", 2020, []int{2023}}, {"cz20", 2021, nil}, {"cz22b", 2023, nil}}},
		{"year 2021", query.Filter{YearFrom: 2021, YearTo: 2021}, []gap{{"cz20", 2021, nil}}},
		{"year 2020-2020", query.Filter{YearFrom: 2020, YearTo: 2020}, []gap{{"rs19", 2020, []int{2023}}}},
		{"year 2023", query.Filter{YearFrom: 2023, YearTo: 2023}, []gap{{"cz22b", 2023, nil}}},
		{"body alias", query.Filter{Body: "人力资源和社会保障局"}, []gap{{"rs19", 2020, []int{2023}}}},
		{"region", query.Filter{Region: "偃师区"}, []gap{{"cz20", 2021, nil}}},
		{"site", query.Filter{Site: "zhengzhou"}, nil},
		{"year bound caps horizon", query.Filter{YearTo: 2021}, []gap{{"rs19", 2020, []int{2023}}, {"cz20", 2021, nil}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gaps, err := query.Missing(context.Background(), a, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(gaps) != len(c.want) {
				t.Fatalf("got %d gaps %+v, want %d", len(gaps), gaps, len(c.want))
			}
			for i, w := range c.want {
				g := gaps[i]
				if g.LastID != ids[w.last] || g.MissingYear != w.missing || g.LastYear != w.missing-1 || !slices.Equal(g.LaterYears, w.later) && len(w.later)+len(g.LaterYears) > 0 {
					t.Errorf("gap %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
	// Gaps write in every output format.
	gaps, _ := query.Missing(context.Background(), a, query.Filter{})
	for _, kind := range query.OutputFormats {
		var buf bytes.Buffer
		o, _ := query.NewOutput(&buf, kind)
		for _, g := range gaps {
			o.Write(g)
		}
		o.Close()
		if !strings.Contains(buf.String(), "洛阳市人力资源和社会保障局") || !strings.Contains(buf.String(), "2020") {
			t.Errorf("%s output lacks the gap:\n%s", kind, buf.String())
		}
	}
}

func TestReportCells(t *testing.T) {
	raw := querytest.Report{Body: "偃师区工业和信息化局", Year: 2023, Seed: 3, NullNew: true, Extra: true, FailedChecks: 2}.JSON()
	rep, err := query.DecodeReport(raw)
	if err != nil {
		t.Fatal(err)
	}
	cells, err := rep.Cells()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var newNatural *query.Cell
	for i, c := range cells {
		count[c.Table]++
		if c.RowLabel == "" || c.ColLabel == "" || c.TableLabel == "" {
			t.Errorf("cell without label: %+v", c)
		}
		if c.Table == query.TableRequests && c.RowKey == "new" && c.ColKey == "natural_person" {
			newNatural = &cells[i]
		}
	}
	// 2021: 二 has 3+3+1+1+1+1 = 10 values plus 2 extra; 三 has 25 known
	// rows + 1 unknown × 7; 四 has 15.
	if count[query.TableActive] != 12 || count[query.TableRequests] != 26*7 || count[query.TableReview] != 15 {
		t.Errorf("cell counts %v", count)
	}
	if newNatural == nil || newNatural.Num != nil || newNatural.Value() != "" {
		t.Errorf("null cell not kept null: %+v", newNatural)
	}
	if newNatural != nil && (newNatural.RowLabel != "一、本年新收政府信息公开申请数量" || newNatural.ColLabel != "自然人") {
		t.Errorf("labels: %+v", newNatural)
	}
	if got := len(rep.FailedChecks()); got != 2 {
		t.Errorf("%d failed checks, want 2", got)
	}
	// 2019 format: other fields and labels, text value kept.
	rep19, _ := query.DecodeReport(querytest.Report{Year: 2019, Format: "2019"}.JSON())
	act, _ := rep19.CellsOf(query.TableActive)
	var unit, norm *query.Cell
	for i, c := range act {
		if c.ColKey == "amount_unit" {
			unit = &act[i]
		}
		if c.RowKey == "normative_documents" && norm == nil {
			norm = &act[i]
		}
	}
	if unit == nil || !unit.IsText || unit.Str != "元" {
		t.Errorf("amount_unit: %+v", unit)
	}
	if norm == nil || norm.RowLabel != "规范性文件" || norm.ColLabel != "本年新制作数量" {
		t.Errorf("2019 labels: %+v", norm)
	}
	for _, bad := range []string{`{"active": 3}`, `{"requests": {"new": "x"}}`, `not json`} {
		rep, err := query.DecodeReport([]byte(bad))
		if err == nil {
			_, err = rep.Cells()
		}
		if err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if rep, err := query.DecodeReport(nil); rep != nil || err != nil {
		t.Errorf("empty parsed: %v %v", rep, err)
	}
}

func TestWideColumns(t *testing.T) {
	for _, tb := range query.Tables {
		cols := query.WideColumns(tb)
		seen := map[string]bool{}
		for _, c := range cols {
			if seen[c.Key] {
				t.Errorf("%s: duplicate column %s", tb, c.Key)
			}
			seen[c.Key] = true
		}
		want := map[string]int{query.TableActive: 10 + 21 - 1, query.TableRequests: 26 * 7, query.TableReview: 15}[tb]
		if len(cols) != want {
			t.Errorf("%s: %d columns, want %d", tb, len(cols), want)
		}
	}
}

func TestSeriesCarryOver(t *testing.T) {
	a := querytest.Open(t)
	type y struct {
		year      int
		body      string
		over, fwd []*float64
	}
	years := []y{
		{2020, "偃师区工信局", querytest.Seven(0, 0, 0, 0, 0, 0, 0), querytest.Seven(1, 0, 0, 0, 0, 0, 1)},
		{2021, "偃师区工业和信息化局", querytest.Seven(1, 0, 0, 0, 0, 0, 1), querytest.Seven(2, 1, 0, 0, 0, 0, 3)},
		{2022, "偃师区工业和信息化局", querytest.Seven(2, 0, 0, 0, 0, 0, 2), querytest.Seven(0, 0, 0, 0, 0, 0, 0)},
		{2023, "偃师区工业和信息化局", []*float64{nil, querytest.N(0), querytest.N(0), querytest.N(0), querytest.N(0), querytest.N(0), querytest.N(0)}, querytest.Seven()},
		// 2019 is missing: 2020 has no predecessor to compare.
	}
	for _, x := range years {
		u := "http://yanshi.gov.cn/" + strconv.Itoa(x.year)
		querytest.Add(t, a, querytest.Doc{Site: "yanshi", URL: u, Body: x.body, Region: "河南省洛阳市偃师区", Year: x.year,
			Format: "2021", ParseStatus: "ok", Files: []querytest.File{{URL: u + ".pdf", Data: querytest.PDF(u)}},
			Parsed: querytest.Report{Body: x.body, Year: x.year, CarriedOver: x.over, CarriedForward: x.fwd, Seed: x.year}.JSON()})
	}
	// Another body that must not join the series.
	querytest.Add(t, a, querytest.Doc{Site: "yanshi", URL: "http://yanshi.gov.cn/cz", Body: "偃师区财政局", Year: 2021,
		Files: []querytest.File{{URL: "http://yanshi.gov.cn/cz.pdf", Data: querytest.PDF("cz")}}, Parsed: querytest.Report{Year: 2021}.JSON()})

	series, err := query.BuildSeries(context.Background(), a, query.Filter{Body: "工信局"}, query.SeriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 1 {
		t.Fatalf("%d series, want 1 (alias names are one body)", len(series))
	}
	s := series[0]
	if !slices.Equal(s.Years, []int{2020, 2021, 2022, 2023}) {
		t.Errorf("years %v", s.Years)
	}
	// Default: the 总计 column of section 三.
	var over *query.SeriesRow
	for i, r := range s.Rows {
		if !strings.HasSuffix(r.Key, ".total") {
			t.Errorf("row %s: not the total column", r.Key)
		}
		if r.Key == "carried_over.total" {
			over = &s.Rows[i]
		}
	}
	if over == nil || *over.Values[0] != 0 || *over.Values[1] != 1 || *over.Values[2] != 2 || *over.Values[3] != 0 {
		t.Errorf("carried_over.total row: %+v", over)
	}
	type res struct{ ok, bad, skipped int }
	got := map[int]res{}
	for _, c := range s.Carry {
		r := got[c.Year]
		switch {
		case c.Skipped:
			r.skipped++
		case c.OK:
			r.ok++
		default:
			r.bad++
			if c.Year != 2022 || c.Where != "requests.carried_over.commercial_enterprise" && c.Where != "requests.carried_over.total" {
				t.Errorf("unexpected mismatch %+v", c)
			}
		}
		got[c.Year] = r
	}
	want := map[int]res{
		2021: {ok: 7},             // 2020 forward = 2021 over
		2022: {ok: 5, bad: 2},     // 2021 forward (2,1,…,3) vs 2022 over (2,0,…,2)
		2023: {ok: 6, skipped: 1}, // null natural_person: skipped, not failed
	}
	for yr, w := range want {
		if got[yr] != w {
			t.Errorf("SR1 %d: %+v, want %+v", yr, got[yr], w)
		}
	}
	if _, ok := got[2020]; ok {
		t.Error("SR1 evaluated for 2020 without a 2019 report")
	}
	var buf bytes.Buffer
	if err := query.RenderSeries(&buf, s, 0); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"2020", "2023", "二、上年结转政府信息公开申请数量", "MISMATCH", "商业企业: 2021年结转下年度 1 ≠ 2022年上年结转 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("series output lacks %q:\n%s", want, out)
		}
	}

	// Other tables and columns.
	for _, opts := range []query.SeriesOptions{{Table: query.TableActive}, {Table: query.TableReview}, {Column: "all"}, {Column: "natural_person"}} {
		ss, err := query.BuildSeries(context.Background(), a, query.Filter{Body: "工信局"}, opts)
		if err != nil || len(ss) != 1 || len(ss[0].Rows) == 0 {
			t.Errorf("%+v: %v", opts, err)
		}
	}
	for _, opts := range []query.SeriesOptions{{Table: "nope"}, {Column: "nope"}} {
		if _, err := query.BuildSeries(context.Background(), a, query.Filter{Body: "工信局"}, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
}

func TestRenderReport(t *testing.T) {
	rep, _ := query.DecodeReport(querytest.Report{Body: "偃师区工业和信息化局", Year: 2023, FailedChecks: 1}.JSON())
	var buf bytes.Buffer
	if err := query.RenderReport(&buf, rep, 0); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
		"规章", "本年制发件数", "（七）总计", "结果维持", "null", "✗ H3", "1 failed", "blank_cell"} {
		if !strings.Contains(out, want) {
			t.Errorf("show output lacks %q", want)
		}
	}
	keys := []string{}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "withheld.") {
			keys = append(keys, l)
		}
	}
	sort.Strings(keys)
	if len(keys) != 8 {
		t.Errorf("%d withheld rows, want 8", len(keys))
	}
}
