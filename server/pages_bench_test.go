package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
)

// benchPagesArchive holds n parsed reports (tables of section 二, 三 and
// 四 with provenance, ~4 KB of JSON each): 300 bodies over 10 years in 30
// districts.
func benchPagesArchive(b *testing.B, n int) (*archive.Archive, string) {
	arc, err := archive.Open(filepath.Join(b.TempDir(), "p.db"), archive.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { arc.Close() })
	reqs := map[string]any{}
	prov := map[string]any{}
	for _, k := range []string{"new", "carried_over", "granted", "partly_granted", "withheld.state_secret", "withheld.third_party",
		"unable.not_held", "not_processed.repeated", "other.other", "total", "carried_forward"} {
		reqs[k] = []int{3, 0, 1, 0, 0, 0, 4}
		prov["requests."+k+"[6]"] = map[string]any{"page": 3, "box": []float64{400, 120, 440, 134}}
	}
	parsed := map[string]any{"schema": "nianbao.report/1", "format": "2021", "requests": reqs, "provenance": prov,
		"active":            map[string]any{"licensing": map[string]any{"decisions": 12}, "fees": map[string]any{"amount_wan_yuan": 1.5}},
		"review_litigation": map[string]any{"review": map[string]any{"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}},
		"checks":            []any{map[string]any{"rule": "H1", "where": "requests.total", "ok": true}},
		"sections":          map[string]any{"overview": "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》。"}}
	raw, _ := json.Marshal(parsed)
	// district k is resolved to a real county-level division of 河南省, as
	// ingest would resolve it (the coverage grid reads codes, not text)
	counties := divisions.Counties(divisions.ByCode("410000"))
	var id0 string
	batch := 500
	for start := 0; start < n; start += batch {
		var fetches []archive.Fetch
		for i := start; i < min(n, start+batch); i++ {
			u := fmt.Sprintf("http://x%d.gov.cn/%d.pdf", i%30, i)
			id := archive.DocID("s", u)
			if i == 0 {
				id0 = id
			}
			region := fmt.Sprintf("河南省洛阳市第%d区", i%30)
			blob := []byte(fmt.Sprintf("%%PDF-1.4\n%% bench %d\n%%%%EOF\n", i)) // a file of its own, as reports have
			fetches = append(fetches, archive.Fetch{Site: "s", Blob: blob,
				Capture: &archive.Capture{URL: u, FinalURL: u, Status: 200, Site: "s", DocID: id, Headers: archive.Headers{"Content-Type": "application/pdf"}},
				Doc: &archive.Document{ID: id, Site: "s", URL: u, Title: fmt.Sprintf("第%d局%d年政府信息公开工作年度报告", i%300, 2014+i%10),
					Body: fmt.Sprintf("第%d区第%d局", i%30, i%300), Region: region, Year: 2014 + i%10, Format: "2021", ParseStatus: "ok",
					FailedChecks: i % 7 / 6, FirstSeen: time.Now(), Parsed: raw, Files: []archive.FileRef{{URL: u, Role: "attachment"}},
					RegionCode: benchCounty(counties, i%30).Code(), RegionPath: benchCounty(counties, i%30).Path(), RegionLevel: "county"}})
		}
		for _, f := range fetches {
			if err := arc.CommitFetch(f); err != nil {
				b.Fatal(err)
			}
		}
	}
	return arc, id0
}

// benchCounty is the division bench district k resolves to.
func benchCounty(counties []*divisions.Division, k int) *divisions.Division {
	return counties[k*5%len(counties)]
}

// BenchmarkPages10k times each web page over 10,000 reports (server time:
// the handler in-process, no network) and reports its size.
//
//	go test ./server -run '^$' -bench Pages10k -benchtime 20x
func BenchmarkPages10k(b *testing.B) {
	n := 10000
	if s := os.Getenv("NIANBAO_BENCH_DOCS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	arc, id := benchPagesArchive(b, n)
	cfg := testConfig()
	cfg.Serve.RateLimit = -1
	s, err := New(Options{Archive: arc, Config: cfg, Logger: quiet(), NoSchedule: true})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	county := benchCounty(divisions.Counties(divisions.ByCode("410000")), 1)
	for _, p := range []struct{ name, path string }{
		{"search", "/"},
		{"search-year-sorted", "/?year=2020&sort=body&order=asc"},
		{"search-page-50", "/?offset=5000"},
		{"report", "/reports/" + id},
		{"series", "/series?body=" + url.QueryEscape("第0区第0局")},
		{"compare", "/compare?region=" + url.QueryEscape("第1区")},
		{"sites", "/sites"},
		// a district's grid (10 bodies × 10 years), its city (a summary
		// row per district), the whole province (~160 rows, overdue list capped)
		{"coverage", "/coverage?region=" + county.Code() + "&years=2014-2023"},
		{"coverage-city", "/coverage?region=" + county.Parent.Code() + "&years=2014-2023"},
		{"coverage-province", "/coverage?region=410000&years=2014-2023"},
		{"coverage-csv-province", "/coverage?region=410000&years=2014-2023&as=csv"},
		{"search-after-a-write", "/"},
	} {
		b.Run(p.name, func(b *testing.B) {
			var size int
			for i := 0; i < b.N; i++ {
				if p.name == "search-after-a-write" {
					// a crawl committed something: the list is read anew
					b.StopTimer()
					if err := arc.SetMeta("bench", strconv.Itoa(i)); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", p.path, rec.Code)
				}
				size = rec.Body.Len()
				_, _ = io.Copy(io.Discard, rec.Body)
			}
			b.ReportMetric(float64(size)/1024, "KB/page")
		})
	}
}
