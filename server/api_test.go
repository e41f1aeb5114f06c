package server

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
)

func get(t *testing.T, u string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestAPIReportsFilters(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		// Ordered by year, then body ("<b>某</b>局" sorts before "偃师区…").
		{"", []string{f.old, f.xss, f.good}},
		{"year=2023", []string{f.xss, f.good}},
		{"year=2019-2022", []string{f.old}},
		{"year=2019+-+2023", []string{f.old, f.xss, f.good}},
		{"body=" + url.QueryEscape("工业和信息化局"), []string{f.good}},
		{"region=" + url.QueryEscape("洛阳市"), []string{f.old, f.xss, f.good}},
		{"region=" + url.QueryEscape("偃师区"), []string{f.xss, f.good}},
		{"site=luoyang", []string{f.old}},
		{"format=2021", []string{f.good}},
		{"failed_checks=true", []string{f.old, f.good}},
		{"failed_checks=true&year=2023", []string{f.good}},
		{"body=" + url.QueryEscape("不存在的局"), nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			resp, b := get(t, ts.URL+"/api/reports?"+tc.query)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
			var list ReportList
			if err := json.Unmarshal(b, &list); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range list.Reports {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, tc.want) || list.Total != len(tc.want) {
				t.Errorf("ids %v (total %d), want %v", ids, list.Total, tc.want)
			}
		})
	}
	// Field names scripts rely on (issue 6's jsonl names).
	_, b := get(t, ts.URL+"/api/reports?format=2021")
	var raw struct{ Reports []map[string]any }
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "site", "body", "region", "year", "title", "url", "files", "format", "parse_status", "failed_checks", "first_seen", "last_seen"} {
		if _, ok := raw.Reports[0][k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	file := raw.Reports[0]["files"].([]any)[0].(map[string]any)
	for _, k := range []string{"url", "sha256", "media_type", "size"} {
		if _, ok := file[k]; !ok {
			t.Errorf("file lacks %q", k)
		}
	}
	// Paging.
	_, b = get(t, ts.URL+"/api/reports?limit=1&offset=1")
	var page ReportList
	_ = json.Unmarshal(b, &page)
	if page.Total != 3 || len(page.Reports) != 1 || page.Reports[0].ID != f.xss {
		t.Errorf("paging: %+v", page)
	}
}

func TestAPIReportsBadFilters(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	for _, q := range []string{
		"year=abc", "year=2023-2019", "year=20233", "year=1800", "format=2020", "failed_checks=maybe",
		"bodyy=x", "limit=0", "limit=5000", "offset=-1", "year=2023&year=2024",
		"body=" + strings.Repeat("局", 201), "body=a%00b",
	} {
		t.Run(q, func(t *testing.T) {
			resp, b := get(t, ts.URL+"/api/reports?"+q)
			var e apiError
			if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(b, &e) != nil || e.Error == "" {
				t.Errorf("status %d body %s, want 400 with an error message", resp.StatusCode, b)
			}
		})
	}
}

func TestAPIReportDetail(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	resp, b := get(t, ts.URL+"/api/reports/"+f.good)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var d ReportDetail
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	var parsed map[string]any
	if err := json.Unmarshal(d.Parsed, &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed["schema"] != "nianbao.report/1" || parsed["body"] != "偃师区工业和信息化局" {
		t.Errorf("parsed = %v", parsed)
	}
	if len(d.Provenance) != 1 || d.Provenance[0].SHA256 != f.pdfSHA || len(d.Provenance[0].Captures) != 1 ||
		d.Provenance[0].Captures[0].Headers["Content-Type"] != "application/pdf" {
		t.Errorf("provenance = %+v", d.Provenance)
	}
	// Unparsed document: parsed is null, not absent.
	_, b = get(t, ts.URL+"/api/reports/"+f.old)
	if !bytes.Contains(b, []byte(`"parsed":null`)) {
		t.Errorf("unparsed report: %s", b)
	}
	for _, tc := range []struct {
		id   string
		code int
	}{
		{"0123456789abcdef", 404},
		{"0123", 400},
		{"..%2F..%2Fetc%2Fpasswd", 400},
		{"ZZZZZZZZZZZZZZZZ", 400},
	} {
		resp, b := get(t, ts.URL+"/api/reports/"+tc.id)
		if resp.StatusCode != tc.code {
			t.Errorf("%s: status %d (%s), want %d", tc.id, resp.StatusCode, b, tc.code)
		}
	}
}

func TestRaw(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	resp, b := get(t, ts.URL+"/raw/"+f.pdfSHA)
	if resp.StatusCode != 200 || !bytes.Equal(b, f.pdfBytes) {
		t.Fatalf("status %d, %d bytes", resp.StatusCode, len(b))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	cd := resp.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("偃师区工信局2023年报.pdf")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != f.pdfSHA {
		t.Error("served bytes do not hash to the requested sha256")
	}
	// The HTML original keeps its header, runs nowhere, and its hostile
	// name is neutralised.
	resp, b = get(t, ts.URL+"/raw/"+strings.ToUpper(f.htmlSHA))
	if resp.StatusCode != 200 || !bytes.Equal(b, f.htmlBytes) {
		t.Fatalf("html: status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=gbk" {
		t.Errorf("html Content-Type %q", ct)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Errorf("CSP %q lacks sandbox", csp)
	}
	cd = resp.Header.Get("Content-Disposition")
	if strings.Contains(cd, `\`) || strings.Contains(cd, "..") || strings.Count(cd, `"`) != 2 {
		t.Errorf("unsafe Content-Disposition %q", cd)
	}
	// No Content-Type header stored as a usable value: sniffed type.
	resp, _ = get(t, ts.URL+"/raw/"+f.oldSHA)
	if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("octet-stream capture: Content-Type %q", ct)
	}
	// Conditional request.
	resp, _ = get(t, ts.URL+"/raw/"+f.pdfSHA, "If-None-Match", `"`+f.pdfSHA+`"`)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/raw/" + strings.Repeat("ab", 32), 404},
		{"/raw/" + f.pdfSHA[:63], 400},
		{"/raw/" + f.pdfSHA + "0", 400},
		{"/raw/..%2F..%2Fetc%2Fpasswd", 400},
		{"/raw/" + strings.Repeat("g", 64), 400},
		{"/raw/", 404},
	} {
		resp, b := get(t, ts.URL+tc.path)
		if resp.StatusCode != tc.code {
			t.Errorf("%s: %d (%s), want %d", tc.path, resp.StatusCode, b, tc.code)
		}
	}
}

func TestExport(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	resp, b := get(t, ts.URL+"/api/export?region="+url.QueryEscape("偃师区"))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[zf.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	man := files["manifest.csv"]
	if !bytes.HasPrefix(man, []byte("\ufeff")) {
		t.Fatal("manifest.csv lacks the UTF-8 BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(man[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 { // header + the two 偃师区 reports (the look-alike is left out)
		t.Fatalf("manifest rows = %d: %v", len(rows), rows)
	}
	for _, r := range rows[1:] {
		sha, p := r[8], r[11]
		data, ok := files[p]
		if !ok {
			t.Errorf("manifest names %s, not in the zip", p)
			continue
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != sha {
			t.Errorf("%s: bytes do not match sha256 %s", p, sha)
		}
	}
	for name := range files {
		if strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
			t.Errorf("unsafe zip entry %q", name)
		}
	}
	if n := bytes.Count(files["reports.jsonl"], []byte("\n")); n != 2 {
		t.Errorf("reports.jsonl has %d lines", n)
	}
	resp, _ = get(t, ts.URL+"/api/export?year=notayear")
	if resp.StatusCode != 400 {
		t.Errorf("bad filter export: %d", resp.StatusCode)
	}
}

func TestSitesAndHealth(t *testing.T) {
	f := newFixture(t)
	for _, st := range []string{"ok", "failed", "failed", "failed"} {
		r := runFor("luoyang", st)
		if err := f.arc.AddRun(&r); err != nil {
			t.Fatal(err)
		}
	}
	_, ts := f.start(t, nil)
	resp, b := get(t, ts.URL+"/api/sites")
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	var sr SitesResponse
	if err := json.Unmarshal(b, &sr); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range sr.Sites {
		got[s.Site] = s.Health.Status
	}
	if got["yanshi"] != "never_run" || got["luoyang"] != "failing" || len(sr.Sites) != 2 {
		t.Errorf("health = %v", got)
	}
	if resp, _ := get(t, ts.URL+"/api/sites?x=1"); resp.StatusCode != 400 {
		t.Errorf("/api/sites?x=1: %d", resp.StatusCode)
	}
	resp, b = get(t, ts.URL+"/healthz")
	var h Healthz
	if resp.StatusCode != 200 || json.Unmarshal(b, &h) != nil || h.Status != "ok" || h.Documents != 4 || h.SchemaVersion == 0 {
		t.Errorf("healthz %d %s", resp.StatusCode, b)
	}
}

func runFor(site, status string) archive.Run {
	return archive.Run{Site: site, Status: status, Start: time.Now().UTC(), End: time.Now().UTC(), Docs: 1}
}

func post(t *testing.T, u, token, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestCrawlEndpoint(t *testing.T) {
	f := newFixture(t)
	// Without a token configured the write API is off.
	_, ts0 := f.start(t, func(o *Options) { o.Crawler = &fakeEngine{arc: f.arc} })
	if resp, _ := post(t, ts0.URL+"/api/crawl", "anything", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no token configured: %d", resp.StatusCode)
	}

	eng := &fakeEngine{arc: f.arc, n: 3, delay: 300 * time.Millisecond, started: make(chan struct{})}
	s, ts := f.start(t, func(o *Options) { o.Crawler = eng; o.Token = "s3cret" })
	for _, tc := range []struct {
		name, token, body string
		code              int
	}{
		{"missing token", "", "", 401},
		{"wrong token", "s3cre", "", 401},
		{"unknown site", "s3cret", `{"sites":["nowhere"]}`, 400},
		{"bad json", "s3cret", `{"sites":`, 400},
		{"unknown field", "s3cret", `{"site":"yanshi"}`, 400},
		{"too large", "s3cret", `{"sites":["` + strings.Repeat("a", MaxBodyBytes) + `"]}`, 413},
	} {
		resp, b := post(t, ts.URL+"/api/crawl", tc.token, tc.body)
		if resp.StatusCode != tc.code {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, b, tc.code)
		}
	}
	if eng.calls.Load() != 0 {
		t.Fatal("a refused request started a crawl")
	}
	resp, b := post(t, ts.URL+"/api/crawl", "s3cret", `{"sites":["luoyang"]}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("crawl: %d %s", resp.StatusCode, b)
	}
	<-eng.started
	if resp, _ := post(t, ts.URL+"/api/crawl", "s3cret", ""); resp.StatusCode != http.StatusConflict {
		t.Errorf("second crawl while running: %d, want 409", resp.StatusCode)
	}
	s.runner.Wait()
	if got := eng.lastSites(); !slices.Equal(got, []string{"luoyang"}) || eng.calls.Load() != 1 {
		t.Errorf("crawled %v (%d calls)", got, eng.calls.Load())
	}
	// The run shows up in metrics and the sites API.
	_, b = get(t, ts.URL+"/metrics")
	for _, want := range []string{`nianbao_crawl_pages_total{site="luoyang"} 3`, `nianbao_crawl_runs_total{site="luoyang",status="ok"} 1`,
		`nianbao_archive_documents 7`, `nianbao_crawl_run_duration_seconds_count{site="luoyang"} 1`, `nianbao_http_requests_total{code="202",route="/api/crawl"} 1`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestLimits(t *testing.T) {
	f := newFixture(t)
	f.cfg.Serve.RateLimit, f.cfg.Serve.RateBurst = 0.5, 3
	_, ts := f.start(t, nil)
	codes := []int{}
	for i := 0; i < 5; i++ {
		resp, _ := get(t, ts.URL+"/api/reports")
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if !slices.Equal(codes, []int{200, 200, 200, 429, 429}) {
		t.Errorf("codes %v", codes)
	}
	// Health checks and metrics are not rate limited (monitoring polls them).
	if resp, _ := get(t, ts.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz rate limited: %d", resp.StatusCode)
	}
	resp, _ := get(t, ts.URL+"/healthz?"+strings.Repeat("a", MaxURLLength))
	if resp.StatusCode != http.StatusRequestURITooLong {
		t.Errorf("long URL: %d", resp.StatusCode)
	}
	_, ts2 := f.start(t, nil)
	if resp, _ := get(t, ts2.URL+"/api/nothing"); resp.StatusCode != 404 {
		t.Errorf("unknown endpoint: %d", resp.StatusCode)
	}
}

func TestSecurityHeadersAndDefaults(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	resp, _ := get(t, ts.URL+"/")
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("headers %v", resp.Header)
	}
	if def := config.Default().Serve.Addr; !strings.HasPrefix(def, "127.0.0.1:") {
		t.Errorf("default addr %q is not loopback", def)
	}
}
