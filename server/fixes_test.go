package server

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/sniff"
)

// A malformed query string is a 400 on every endpoint that takes filters;
// it must never fall back to "no filter" (the whole archive).
func TestMalformedQueryIs400(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	for _, path := range []string{
		"/api/reports?body=%ZZ", "/api/reports?year=2023&body=%ZZ", "/api/export?body=%ZZ",
		"/api/export?region=%E5%81%83%G0", "/api/sites?x=%ZZ", "/?body=%ZZ", "/api/reports?body=a;b",
	} {
		resp, b := get(t, ts.URL+path)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", path, resp.StatusCode)
			continue
		}
		if strings.HasPrefix(path, "/api/") {
			var e apiError
			if json.Unmarshal(b, &e) != nil || e.Error == "" || resp.Header.Get("Content-Type") == "application/zip" {
				t.Errorf("%s: body %q, want a JSON error", path, b)
			}
		} else if !strings.Contains(string(b), "无法解析") {
			t.Errorf("%s: page lacks the Chinese error", path)
		}
	}
}

// year is null, not 0, when unknown (as `crawler query` prints it).
func TestAPIYearNullWhenUnknown(t *testing.T) {
	f := newFixture(t)
	if err := f.arc.UpdateDocument(f.xss, func(d *archive.Document) error { d.Year = 0; return nil }); err != nil {
		t.Fatal(err)
	}
	_, ts := f.start(t, nil)
	for _, tc := range []struct {
		id   string
		want string
	}{{f.xss, `"year":null`}, {f.good, `"year":2023`}} {
		_, b := get(t, ts.URL+"/api/reports/"+tc.id)
		if !bytes.Contains(b, []byte(tc.want)) {
			t.Errorf("%s: want %s in %s", tc.id, tc.want, b[:min(len(b), 300)])
		}
	}
	_, b := get(t, ts.URL+"/api/reports")
	if !bytes.Contains(b, []byte(`"year":null`)) || bytes.Contains(b, []byte(`"year":0`)) {
		t.Errorf("list: year 0 not null")
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	for _, tc := range []struct {
		method, path, allow string
		code                int
		json                bool
	}{
		{"POST", "/api/reports", "GET, HEAD", 405, true},
		{"DELETE", "/api/reports/" + f.good, "GET, HEAD", 405, true},
		{"GET", "/api/crawl", "POST", 405, true},
		{"PUT", "/raw/" + f.pdfSHA, "GET, HEAD", 405, true},
		{"POST", "/", "GET, HEAD", 405, false},
		{"POST", "/reports/" + f.good, "GET, HEAD", 405, false},
		{"POST", "/nothing", "", 404, false},
		{"GET", "/api/nothing", "", 404, true},
	} {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ct := resp.Header.Get("Content-Type")
		if resp.StatusCode != tc.code || resp.Header.Get("Allow") != tc.allow || strings.HasPrefix(ct, "application/json") != tc.json {
			t.Errorf("%s %s: %d Allow %q %s, want %d Allow %q json=%v", tc.method, tc.path, resp.StatusCode,
				resp.Header.Get("Allow"), ct, tc.code, tc.allow, tc.json)
		}
	}
}

func TestUppercaseReportID(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	for _, p := range []string{"/api/reports/", "/reports/"} {
		resp, b := get(t, ts.URL+p+strings.ToUpper(f.good))
		if resp.StatusCode != 200 || !strings.Contains(string(b), f.good) {
			t.Errorf("%s upper-case id: %d", p, resp.StatusCode)
		}
	}
}

func TestRawRange(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	n := len(f.pdfBytes)
	for _, tc := range []struct {
		rng  string
		code int
		want []byte
	}{
		{"bytes=0-3", 206, f.pdfBytes[:4]},
		{"bytes=5-", 206, f.pdfBytes[5:]},
		{"bytes=-6", 206, f.pdfBytes[n-6:]},
		{"bytes=9999-", 416, nil},
	} {
		resp, b := get(t, ts.URL+"/raw/"+f.pdfSHA, "Range", tc.rng)
		if resp.StatusCode != tc.code || (tc.want != nil && !bytes.Equal(b, tc.want)) {
			t.Errorf("Range %s: %d %q, want %d %q", tc.rng, resp.StatusCode, b, tc.code, tc.want)
		}
		if tc.code == 206 && (resp.Header.Get("Content-Disposition") == "" || resp.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes ")) {
			t.Errorf("Range %s: headers %v", tc.rng, resp.Header)
		}
	}
	// If-Range with another validator: the whole file.
	resp, b := get(t, ts.URL+"/raw/"+f.pdfSHA, "Range", "bytes=0-3", "If-Range", `"other"`)
	if resp.StatusCode != 200 || !bytes.Equal(b, f.pdfBytes) {
		t.Errorf("If-Range mismatch: %d, %d bytes", resp.StatusCode, len(b))
	}
	resp, _ = get(t, ts.URL+"/raw/"+f.pdfSHA)
	if resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Error("no Accept-Ranges: bytes")
	}
}

// A corrupt blob is refused, not served, for a Range request as well.
func TestRawRangeCorrupt(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	corruptBlob(t, f.arc, f.pdfSHA)
	resp, b := get(t, ts.URL+"/raw/"+f.pdfSHA, "Range", "bytes=0-3")
	if resp.StatusCode != http.StatusInternalServerError || bytes.Contains(b, f.pdfBytes[:4]) {
		t.Errorf("corrupt blob with Range: %d %q", resp.StatusCode, b)
	}
}

func TestCrawlBodyErrorText(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, func(o *Options) { o.Token = "t"; o.Crawler = &fakeEngine{arc: f.arc} })
	_, b := post(t, ts.URL+"/api/crawl", "t", `{"sites":`)
	var e apiError
	if json.Unmarshal(b, &e) != nil || !strings.Contains(e.Error, `want {"sites": ["name", …]}`) {
		t.Errorf("error text %q", e.Error)
	}
}

// legacyReport is a parsed report whose checks were all skipped.
func legacyReport(sha string) json.RawMessage {
	y := 2017
	b, _ := json.Marshal(report.Report{Schema: report.SchemaID, Title: "某局2017年政府信息公开工作年度报告", Year: &y,
		Format: report.FormatLegacy, Source: report.Source{SHA256: sha, MediaType: sniff.PDF},
		Checks: []report.Check{{Rule: "H1", Skipped: true}}})
	return b
}

func TestWebFixes(t *testing.T) {
	f := newFixture(t)
	// A legacy report with no evaluated checks, from a site that is not
	// (or no longer) in config.yaml.
	legacy := archive.DocID("henan", "http://www.henan.gov.cn/2018/r.pdf")
	now := time.Now().UTC()
	if err := f.arc.CommitFetch(archive.Fetch{Blob: []byte("%PDF-1.4\n% legacy\n%%EOF\n"), Site: "henan",
		Capture: &archive.Capture{URL: "http://www.henan.gov.cn/2018/r.pdf", Status: 200, Site: "henan", Source: "crawl", DocID: legacy, Time: now},
		Doc: &archive.Document{ID: legacy, Site: "henan", URL: "http://www.henan.gov.cn/2018/r.pdf", Title: "某局2017年政府信息公开工作年度报告",
			Body: "某局", Year: 2017, Format: "legacy", ParseStatus: "ok", Source: "crawl", FirstSeen: now, LastSeen: now,
			Files: []archive.FileRef{{URL: "http://www.henan.gov.cn/2018/r.pdf", Role: "attachment"}}}}); err != nil {
		t.Fatal(err)
	}
	d, _ := f.arc.Document(legacy)
	if err := f.arc.UpdateDocument(legacy, func(d *archive.Document) error { d.Parsed = legacyReport(d.Files[0].SHA256); return nil }); err != nil {
		t.Fatal(err)
	}
	// The HTML original of f.xss has a hostile name; a page file without one:
	if err := f.arc.UpdateDocument(f.xss, func(d *archive.Document) error { d.Files[0].Filename, d.Files[0].Role = "", "page"; return nil }); err != nil {
		t.Fatal(err)
	}
	_, ts := f.start(t, nil)

	_, b := get(t, ts.URL+"/?year=2017")
	html := string(b)
	if !strings.Contains(html, `<span class="badge">未检查</span>`) || strings.Contains(html, "通过</span>") {
		t.Errorf("legacy report with no checks: want 未检查, not 通过")
	}
	_, b = get(t, ts.URL+"/?year=2023")
	if !strings.Contains(string(b), `<span class="badge bad">1 项未通过</span>`) {
		t.Error("failed report badge missing")
	}
	for _, site := range []string{"henan", "luoyang", "yanshi"} {
		if !strings.Contains(html, `<option value="`+site+`"`) {
			t.Errorf("站点 dropdown lacks %s", site)
		}
	}
	_, b = get(t, ts.URL+"/reports/"+legacy)
	if !strings.Contains(string(b), `id="unchecked">未检查`) || strings.Contains(string(b), "全部通过") {
		t.Error("report page: 0 checks should read 未检查")
	}
	if !strings.Contains(string(b), "原始文件（PDF）") || !strings.Contains(string(b), d.Files[0].SHA256) {
		t.Error("report page: unnamed PDF link text")
	}
	_, b = get(t, ts.URL+"/reports/"+f.xss)
	if !strings.Contains(string(b), `download>网页原文</a>`) || strings.Contains(string(b), `download>text/html`) {
		t.Error("page file link should read 网页原文")
	}

	_, b = get(t, ts.URL+"/reports/"+f.good)
	html = string(b)
	for _, want := range []string{
		`<tr class="group"><th colspan="8" scope="rowgroup">三、本年度办理结果</th></tr>`,
		"北京时间", "空白单元格按空值处理",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	// Bad filters and errors read in Chinese on the page.
	for _, tc := range []struct{ path, want string }{
		{"/?year=abc", "年份 &#34;abc&#34; 格式不对"},
		{"/?bodyy=x", "不认识的参数"},
		{"/nothing", "<h1>页面不存在</h1>"},
	} {
		_, b := get(t, ts.URL+tc.path)
		if !strings.Contains(string(b), tc.want) || strings.Contains(string(b), "want YYYY") || strings.Contains(string(b), "Not Found") {
			t.Errorf("%s: lacks %q", tc.path, tc.want)
		}
	}
}

// Section 三's numbered rows carry their group (（三）1. …) and group rows.
func TestRequestGroups(t *testing.T) {
	rep := &report.Report{Format: report.Format2021, Requests: &report.Requests{Rows: []report.RequestRow{
		{Key: "new"}, {Key: "granted"}, {Key: "withheld.state_secret"}, {Key: "withheld.third_party"},
		{Key: "unable.not_held"}, {Key: "not_processed.repeated"}, {Key: "other.other"}, {Key: "total"},
	}}}
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	qrep, err := query.DecodeReport(raw)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range grids(qrep) {
		for _, r := range g.Rows {
			l := r.Label
			if r.Group {
				l = "#" + l
			}
			got = append(got, l)
		}
	}
	want := []string{"一、本年新收政府信息公开申请数量", "#三、本年度办理结果", "（一）予以公开",
		"#（三）不予公开", "（三）1.属于国家秘密", "（三）4.保护第三方合法权益",
		"#（四）无法提供", "（四）1.本机关不掌握相关政府信息", "#（五）不予处理", "（五）2.重复申请",
		"#（六）其他处理", "（六）3.其他", "（七）总计"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows\n got %q\nwant %q", got, want)
	}
}

func TestSitesPageChinese(t *testing.T) {
	f := newFixture(t)
	r := archive.Run{Site: "luoyang", Status: "partial", Start: time.Now().UTC(), End: time.Now().UTC(), Docs: 1,
		Errors: map[string]int{"client_error:forbidden": 1}}
	if err := f.arc.AddRun(&r); err != nil {
		t.Fatal(err)
	}
	_, ts := f.start(t, nil)
	_, b := get(t, ts.URL+"/sites")
	html := string(b)
	if !strings.Contains(html, "上次抓取部分完成（客户端错误 forbidden ×1）") || strings.Contains(html, "last run") {
		t.Errorf("sites page reason not Chinese")
	}
	if !strings.Contains(html, "<small>部分完成</small>") || !strings.Contains(html, "北京时间") {
		t.Errorf("sites page run status / zone label missing")
	}
	// The API keeps its English reason.
	_, b = get(t, ts.URL+"/api/sites")
	if !strings.Contains(string(b), "last run partial (client_error:forbidden×1)") {
		t.Errorf("API reason changed: %s", b)
	}
}

// corruptBlob flips a byte of the blob's first stored chunk, as disk rot would.
func corruptBlob(t *testing.T, arc *archive.Archive, sha string) {
	t.Helper()
	sum, err := hex.DecodeString(sha)
	if err != nil {
		t.Fatal(err)
	}
	k := append(sum, 0, 0, 0, 0) // chunk 0 (archive: sha ‖ uint32 index)
	err = arc.DB().Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("chunks"))
		v := b.Get(k)
		if v == nil {
			return errors.New("chunk 0 not found")
		}
		nv := append([]byte(nil), v...)
		nv[len(nv)-1] ^= 0xff
		return b.Put(k, nv)
	})
	if err != nil {
		t.Fatal(err)
	}
}
