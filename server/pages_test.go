package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// rich adds reports with provenance, several years and two reports of one
// body and year to the fixture, as a parser that records provenance
// would leave them (built as JSON: the field is docs/schema.md's).
type rich struct {
	*fixture
	y2022, y2023b, hostile string
}

func putParsed(t testing.TB, arc *archive.Archive, site, u, title, body, region string, year int, status string, failed int,
	blob []byte, ctype string, parsed map[string]any) string {
	t.Helper()
	id := archive.DocID(site, u)
	now := time.Now().UTC()
	d := &archive.Document{ID: id, Site: site, URL: u, Title: title, Body: body, Region: region, Year: year, Format: "2021",
		ParseStatus: status, FailedChecks: failed, Source: "crawl", FirstSeen: now, LastSeen: now, PublishedAt: fmt.Sprintf("%d-01-20", year+1),
		Files: []archive.FileRef{{URL: u, Role: "attachment"}}}
	capt := &archive.Capture{URL: u, FinalURL: u, Time: now, Status: 200, Site: site, Source: "crawl", Headers: archive.Headers{"Content-Type": ctype}, DocID: id}
	if err := arc.CommitFetch(archive.Fetch{Blob: blob, Capture: capt, Site: site, Doc: d}); err != nil {
		t.Fatal(err)
	}
	got, err := arc.Document(id)
	if err != nil {
		t.Fatal(err)
	}
	if parsed != nil {
		parsed["schema"] = "nianbao.report/1"
		parsed["source"] = map[string]any{"sha256": got.Files[0].SHA256, "media_type": ctype}
		b, err := json.Marshal(parsed)
		if err != nil {
			t.Fatal(err)
		}
		if err := arc.UpdateDocument(id, func(d *archive.Document) error { d.Parsed = b; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func getCode(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, b := get(t, u)
	return resp.StatusCode, b
}

func req7(v ...any) []any { return v }

func newRich(t *testing.T) *rich {
	f := newFixture(t)
	r := &rich{fixture: f}
	body, region := "偃师区工业和信息化局", "河南省洛阳市偃师区"
	r.y2022 = putParsed(t, f.arc, "yanshi", "http://www.yanshi.gov.cn/2023/r2022.pdf", "偃师区工业和信息化局2022年政府信息公开工作年度报告",
		body, region, 2022, "ok", 0, []byte("%PDF-1.4\n% 2022\n%%EOF\n"), "application/pdf", map[string]any{
			"year": 2022, "format": "2021", "body": body, "region": region,
			"requests": map[string]any{
				"new":             req7(5, 0, 0, 0, 0, 0, 5),
				"carried_over":    req7(0, 0, 0, 0, 0, 0, 0),
				"granted":         req7(4, 0, 0, 0, 0, 0, 4),
				"total":           req7(4, 0, 0, 0, 0, 0, 4),
				"carried_forward": req7(1, 0, 0, 0, 0, 0, 1),
			},
			"review_litigation": map[string]any{"review": map[string]any{"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}},
			"active":            map[string]any{"licensing": map[string]any{"decisions": 900}},
			"provenance": map[string]any{
				"requests.new[6]":                     map[string]any{"page": 3, "box": []float64{400, 120.5, 440, 134}},
				"active.licensing.decisions":          map[string]any{"page": 2},
				"review_litigation.review.upheld":     map[string]any{"page": 4, "box": []float64{1, 2, 3, 4}},
				"requests.granted[6]":                 map[string]any{"line": 41},
				"requests.total[0]":                   "not an object: ignored",
				"requests.carried_forward[6]":         map[string]any{"table": 0, "row": 5, "col": 7},
				"active.licensing.<script>x</script>": map[string]any{"page": 9},
			},
		})
	// The same report again on the city's site, a week later.
	r.y2023b = putParsed(t, f.arc, "luoyang", "http://www.ly.gov.cn/yanshi/r2023.html", "偃师区工业和信息化局2023年政府信息公开工作年度报告（更正）",
		body, region, 2023, "ok", 0, []byte("<html><body><table><tr><td>本年新收</td><td>7</td></tr></table></body></html>"), "text/html", map[string]any{
			"year": 2023, "format": "2021", "body": body, "region": region,
			"requests":   map[string]any{"new": req7(7, 0, 0, 0, 0, 0, 7), "carried_over": req7(2, 0, 0, 0, 0, 0, 2)},
			"provenance": map[string]any{"requests.new[0]": map[string]any{"table": 0, "row": 0, "col": 1}},
		})
	r.hostile = putParsed(t, f.arc, "yanshi", "http://www.yanshi.gov.cn/h.pdf", `<img src=x onerror=alert(1)>2023年度报告`,
		`<img src=x onerror=alert(2)>局`, `河南省洛阳市偃师区<svg onload=alert(3)>`, 2023, "partial", 1, []byte("%PDF-1.4\n% h\n%%EOF\n"), "application/pdf", map[string]any{
			"year": 2023, "format": "2021",
			"requests": map[string]any{"new": req7(1, 0, 0, 0, 0, 0, 1), `<b onmouseover=alert(4)>row</b>`: req7(1, 0, 0, 0, 0, 0, 1)},
			"active":   map[string]any{"extra": []any{map[string]any{"label": `<i onclick=alert(5)>本地行</i>`, "values": []any{3}}}},
			"warnings": []any{map[string]any{"code": `<u onclick=alert(6)>`, "message": `<script>alert(7)</script>`}},
			"checks":   []any{map[string]any{"rule": `<s onclick=alert(8)>`, "where": `<q onclick=alert(9)>`, "ok": false}},
		})
	return r
}

// Every field the new pages show from a crawled or parsed report is
// escaped: no tag from the archive reaches a page as markup.
func TestNewPagesEscapeEveryField(t *testing.T) {
	r := newRich(t)
	_, ts := r.start(t, nil)
	pages := []string{
		"/", "/?region=" + url.QueryEscape("偃师区") + "&sort=body&order=asc",
		"/reports/" + r.hostile, "/reports/" + r.y2022,
		"/series?body=" + url.QueryEscape("局"), "/series?body=" + url.QueryEscape("局") + "&table=active",
		"/series?body=" + url.QueryEscape("<img src=x onerror=alert(10)>"),
		"/series?body=" + url.QueryEscape("局") + "&rows=" + url.QueryEscape("<b onmouseover=alert(4)>row</b>.total,new.total"),
		"/compare?region=" + url.QueryEscape("偃师区") + "&year=2023",
		"/compare?body=" + url.QueryEscape("<svg onload=alert(11)>"),
		"/sites",
	}
	for _, p := range pages {
		code, b := getCode(t, ts.URL+p)
		html := string(b)
		if code != 200 {
			t.Errorf("%s: %d", p, code)
		}
		for _, bad := range []string{"<img src=x", "<svg onload", "<b onmouseover", "<i onclick", "<u onclick", "<script>alert", "<s onclick", "<q onclick"} {
			if strings.Contains(html, bad) {
				t.Errorf("%s: unescaped %q", p, bad)
			}
		}
	}
	_, b := get(t, ts.URL+"/series?body="+url.QueryEscape("局")+"&rows="+url.QueryEscape("<b onmouseover=alert(4)>row</b>.total"))
	if !strings.Contains(string(b), `<svg class="chart" viewBox="0 0 320 140" role="img" aria-label="&lt;b onmouseover=alert(4)&gt;row&lt;/b&gt;历年变化">`) {
		t.Error("a chart of a row with a hostile label is drawn, its label escaped")
	}
	_, b = get(t, ts.URL+"/reports/"+r.hostile)
	for _, want := range []string{"&lt;img src=x onerror=alert(2)&gt;局", "&lt;i onclick=alert(5)&gt;本地行&lt;/i&gt;", "其他解析提示（&lt;u onclick=alert(6)&gt;）"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("hostile report page lacks escaped %q", want)
		}
	}
}

// The search page: newest first, sortable, facets that narrow, downloads
// of the current result.
func TestSearchPageOrderFacetsDownloads(t *testing.T) {
	r := newRich(t)
	_, ts := r.start(t, nil)
	_, b := get(t, ts.URL+"/")
	html := string(b)
	i2023, i2019 := strings.Index(html, r.good), strings.Index(html, r.old)
	if i2023 < 0 || i2019 < 0 || i2023 > i2019 {
		t.Errorf("newest first: 2023 at %d, 2019 at %d", i2023, i2019)
	}
	for _, want := range []string{
		`aria-sort="descending"`, `href="/?order=asc&amp;sort=body"`, // sortable headers
		`<a href="/?year=2022">2022 <span class="n">1</span></a>`, // year facet narrows
		`href="/?site=luoyang">luoyang <span class="n">2</span>`,  // site facet
		`href="/api/export?as=csv"`, `href="/api/export?as=xlsx"`, `href="/api/export"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	_, b = get(t, ts.URL+"/?year=2022")
	if !strings.Contains(string(b), `class="on" aria-current="true"`) || !strings.Contains(string(b), "共 1 份报告") {
		t.Error("a chosen facet is marked and narrows the list")
	}
	_, b = get(t, ts.URL+"/?sort=body&order=asc")
	html = string(b)
	// code-point order: 偃 (U+5043) before 洛 (U+6D1B)
	if a, z := strings.Index(html, "偃师区工业和信息化局2022"), strings.Index(html, "洛阳市人力资源"); a < 0 || z < 0 || a > z {
		t.Errorf("sort by body: 偃师 at %d, 洛阳 at %d", a, z)
	}
	_, b = get(t, ts.URL+"/?sort=body&order=desc")
	html = string(b)
	if a, z := strings.Index(html, "偃师区工业和信息化局2022"), strings.Index(html, "洛阳市人力资源"); a < 0 || z < 0 || a < z {
		t.Errorf("sort by body descending: 偃师 at %d, 洛阳 at %d", a, z)
	}
	for _, bad := range []string{"/?sort=nope", "/?order=up"} {
		if code, b := getCode(t, ts.URL+bad); code != 400 || !strings.Contains(string(b), "排序") {
			t.Errorf("%s: %d", bad, code)
		}
	}
	resp, body := getCode(t, ts.URL+"/api/export?as=csv&year=2022")
	if resp != 200 || !strings.Contains(string(body), r.y2022) || strings.Contains(string(body), r.old) {
		t.Errorf("csv export of the current result: %d %q", resp, body)
	}
	if code, _ := getCode(t, ts.URL+"/api/export?as=pdf"); code != 400 {
		t.Errorf("as=pdf: %d", code)
	}
}

// The report page: the original beside the tables, each value's place in
// the original, the body's other years and the second report with why.
func TestReportPageOriginalProvenanceRelated(t *testing.T) {
	r := newRich(t)
	_, ts := r.start(t, nil)
	_, b := get(t, ts.URL+"/reports/"+r.y2022)
	html := string(b)
	d, _ := r.arc.Document(r.y2022)
	sha := d.Files[0].SHA256
	for _, want := range []string{
		`<iframe name="orig" id="orig" title="原始文件：原始文件（PDF）" src="/raw/` + sha + `?view=1" loading="lazy">`,
		`href="/raw/` + sha + `?view=1#page=3" target="orig" title="原文第 3 页，距页顶 120 点、左边 400 点"`, // requests.new[6]
		`title="原文第 2 页"`,                            // active.licensing.decisions
		`title="提取文本第 41 行"`,                         // requests.granted[6]
		`title="原文第 1 个表格 · 第 6 行 · 第 8 格"`,          // requests.carried_forward[6]
		`/reports/` + r.good, `/reports/` + r.y2023b, // other years
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	if strings.Count(html, `class="src"`) != 5 {
		t.Errorf("%d values with a source, want 5 (the malformed entry is ignored)", strings.Count(html, `class="src"`))
	}
	// The HTML original is framed sandboxed; two reports of one year say why.
	_, b = get(t, ts.URL+"/reports/"+r.y2023b)
	html = string(b)
	for _, want := range []string{` sandbox="" loading="lazy"`, `title="原文第 1 个表格 · 第 1 行 · 第 2 格"`,
		"同一机关同一年度的其他报告", "来自另一个站点（yanshi）", "标题不同"} {
		if !strings.Contains(html, want) {
			t.Errorf("second report page lacks %q", want)
		}
	}
	// /raw?view=1 is inline and frameable by this origin only; HTML stays sandboxed.
	resp, _ := get(t, ts.URL+"/raw/"+sha+"?view=1")
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline") || resp.Header.Get("X-Frame-Options") != "SAMEORIGIN" ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Errorf("pdf view headers: %v", resp.Header)
	}
	d2, _ := r.arc.Document(r.y2023b)
	resp, _ = get(t, ts.URL+"/raw/"+d2.Files[0].SHA256+"?view=1")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox;") || strings.Contains(csp, "script") {
		t.Errorf("html view CSP %q", csp)
	}
	// A Word original cannot be framed: the page says so and links it.
	docx := putParsed(t, r.arc, "yanshi", "http://www.yanshi.gov.cn/r.docx", "某局2021年报", "某局", "河南省", 2021, "ok", 0,
		[]byte("PK\x03\x04 not really a docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", map[string]any{"year": 2021})
	_, b = get(t, ts.URL+"/reports/"+docx)
	if !strings.Contains(string(b), `id="no-viewer"`) || strings.Contains(string(b), "<iframe") {
		t.Error("a Word original: no frame, a note with the download")
	}
	// Warnings and statuses in Chinese.
	_, b = get(t, ts.URL+"/reports/"+r.good)
	if !strings.Contains(string(b), "空白单元格按空值处理") {
		t.Error("warning not in Chinese")
	}
}

// /series: the body's years, a chart per chosen row, the carry-over check
// and a CSV; /compare: bodies side by side, sortable, totals, downloads.
func TestSeriesAndComparePages(t *testing.T) {
	r := newRich(t)
	_, ts := r.start(t, nil)
	_, b := get(t, ts.URL+"/series?body="+url.QueryEscape("偃师区工信局"))
	html := string(b)
	for _, want := range []string{"<svg class=\"chart\"", "2022", "2023", "跨年结转核对", "一、本年新收政府信息公开申请数量",
		`<td>2023</td><td>总计</td><td>1</td><td>2</td><td>不一致</td>`, // carried_forward 2022 = 1, carried_over 2023 = 2
		`<title>2022年：5</title>`} {
		if !strings.Contains(html, want) {
			t.Errorf("series page lacks %q", want)
		}
	}
	code, body := getCode(t, ts.URL+"/series?as=csv&body="+url.QueryEscape("偃师区工信局"))
	if code != 200 || !strings.HasPrefix(string(body), "\ufeff机关,地区,项目,栏目,2022,2023") {
		t.Errorf("series csv %d %q", code, body)
	}
	_, b = get(t, ts.URL+"/compare?region="+url.QueryEscape("偃师区")+"&year=2022")
	html = string(b)
	for _, want := range []string{"2022 年度，1 个机关", "<th scope=\"row\">合计</th>", `id="csort-new"`, ">5</td>", ">900</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("compare page lacks %q", want)
		}
	}
	_, b = get(t, ts.URL+"/compare?region="+url.QueryEscape("偃师区")+"&sort=new&order=desc")
	html = string(b)
	if !strings.Contains(html, "另有 1 份") || !strings.Contains(html, `aria-sort="descending"`) {
		t.Error("compare: the newest year by default, sorted, the body's second report noted")
	}
	if a, z := strings.Index(html, "偃师区工业和信息化局</a>"), strings.Index(html, "&lt;img"); a < 0 || z < 0 || a > z {
		t.Errorf("compare sorted by 新收 desc: 7 before 1 (%d, %d)", a, z)
	}
	code, body = getCode(t, ts.URL+"/compare?region="+url.QueryEscape("偃师区")+"&year=2022&as=csv")
	if code != 200 || !strings.Contains(string(body), "偃师区工业和信息化局,河南省洛阳市偃师区,2022,"+r.y2022+",5,0,4") {
		t.Errorf("compare csv %d %q", code, body)
	}
	if code, _ := getCode(t, ts.URL+"/compare?region=x&year=2019-2023"); code != 400 {
		t.Errorf("compare with a year range: %d", code)
	}
}

// whereText and sourceText read what a stored report says; they never
// panic on any string or shape.
func FuzzWhereText(f *testing.F) {
	for _, s := range []string{"requests.total", "requests.withheld.third_party.total", "review_litigation.review", "active.fees.amount_wan_yuan", "active", ".", ""} {
		f.Add("H3", s)
	}
	f.Fuzz(func(t *testing.T, rule, where string) {
		if whereText(rule, where) == "" && where != "" {
			t.Errorf("whereText(%q, %q) is empty", rule, where)
		}
		_ = lineChart([]int{2020, 2021}, []*float64{nil, nil}, where)
	})
}

// The sites page lists each site's recent runs with their errors in Chinese.
func TestSitesPageRecentRuns(t *testing.T) {
	f := newFixture(t)
	for i, st := range []string{"ok", "partial"} {
		r := archive.Run{Site: "yanshi", Status: st, Start: time.Now().UTC().Add(time.Duration(i) * time.Hour), End: time.Now().UTC(), Docs: 3,
			Errors: map[string]int{"server_error:503": i + 1, "timeout": 2}}
		if err := f.arc.AddRun(&r); err != nil {
			t.Fatal(err)
		}
	}
	_, ts := f.start(t, nil)
	_, b := get(t, ts.URL+"/sites")
	html := string(b)
	for _, want := range []string{"<summary>yanshi · 最近 2 次</summary>", "<td>部分完成</td>", "服务器错误 503 ×2，超时 ×2", "<td>完成</td>", "没有安排例行抓取"} {
		if !strings.Contains(html, want) {
			t.Errorf("sites page lacks %q", want)
		}
	}
}
