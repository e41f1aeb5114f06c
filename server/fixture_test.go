package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/sniff"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fixture is an archive with a few reports, as the crawl would leave it.
type fixture struct {
	arc                       *archive.Archive
	path                      string
	cfg                       *config.Config
	good, xss, old, lookalike string // document ids
	pdfSHA, htmlSHA, oldSHA   string
	pdfBytes, htmlBytes       []byte
	xssTitle                  string
}

const xssTitle = `<script>alert("x")</script>偃师区某局2023年政府信息公开工作年度报告`

func testConfig() *config.Config {
	cfg := config.Default()
	cfg.Sites = []config.Site{
		{Name: "yanshi", Region: "河南省洛阳市偃师区", Start: []string{"http://www.yanshi.gov.cn/"}},
		{Name: "luoyang", Region: "河南省洛阳市", Start: []string{"http://www.ly.gov.cn/"}},
	}
	cfg.Serve.Schedule = ""
	cfg.Serve.BusySchedule = ""
	return cfg
}

// parsedReport builds a docs/schema.md report with one failed check.
func parsedReport(sha string) json.RawMessage {
	y := 2023
	rep := report.Report{Schema: report.SchemaID, Title: "偃师区工业和信息化局2023年政府信息公开工作年度报告",
		Body: "偃师区工业和信息化局", Region: "河南省洛阳市偃师区", Year: &y, Format: report.Format2021,
		Source: report.Source{SHA256: sha, MediaType: sniff.PDF, File: "report.pdf"},
		Active: &report.Active{Rows: []report.ActiveRow{
			{Key: "regulations", Fields: []report.Field{{Name: "issued", Value: report.Num(0)}, {Name: "repealed", Value: report.Num(0)}, {Name: "in_force", Value: report.Num(0)}}},
			{Key: "licensing", Fields: []report.Field{{Name: "decisions", Value: report.Num(1234)}}},
		}},
		Requests: &report.Requests{Rows: []report.RequestRow{
			{Key: "new", Values: [7]*float64{report.Num(3), report.Num(0), report.Num(0), report.Num(0), report.Num(0), report.Num(0), report.Num(3)}},
			{Key: "granted", Values: [7]*float64{report.Num(2), nil, nil, nil, nil, nil, report.Num(2)}},
		}},
		ReviewLitigation: &report.ReviewLitigation{},
		Sections:         report.Sections{Overview: "2023年，我局<b>认真</b>贯彻条例。"},
		Checks: []report.Check{
			{Rule: "H1", Where: "requests.natural_person", OK: true, Expected: report.Num(3), Found: report.Num(3)},
			{Rule: "H2", Where: "requests.total", OK: false, Expected: report.Num(3), Found: report.Num(2)},
		},
		Warnings: []report.Warning{{Code: "blank_cell", Message: "blank cells read as null"}},
	}
	b, err := json.Marshal(rep)
	if err != nil {
		panic(err)
	}
	return b
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nianbao.db")
	arc, err := archive.Open(path, archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arc.Close() })
	f := &fixture{arc: arc, path: path, cfg: testConfig(), xssTitle: xssTitle}
	f.pdfBytes = []byte("%PDF-1.4\n1 0 obj<<>>endobj\n% 偃师区工业和信息化局 report bytes\n%%EOF\n")
	f.htmlBytes = []byte("<html><head><title>t</title></head><body><script>alert('x')</script>\xc4\xea\xb1\xa8</body></html>")
	oldBytes := []byte("%PDF-1.4\n% 2019 report\n%%EOF\n")
	now := time.Now().UTC()

	put := func(site, url, title, body, region string, year int, format, status string, failed int, blob []byte,
		ctype, fname string, parsed func(sha string) json.RawMessage) (string, string) {
		t.Helper()
		id := archive.DocID(site, url)
		capt := &archive.Capture{URL: url, FinalURL: url, Time: now, Status: 200, Site: site, Filename: fname, Source: "crawl",
			Headers: archive.Headers{"Content-Type": ctype}, DocID: id}
		d := &archive.Document{ID: id, Site: site, URL: url, Title: title, Body: body, Region: region, Year: year, Format: format,
			ParseStatus: status, FailedChecks: failed, Source: "crawl", FirstSeen: now.Add(-48 * time.Hour), LastSeen: now,
			Files: []archive.FileRef{{URL: url, Role: "attachment", Filename: fname}}}
		if err := arc.CommitFetch(archive.Fetch{Blob: blob, Capture: capt, Site: site, Doc: d}); err != nil {
			t.Fatal(err)
		}
		got, err := arc.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		sha := got.Files[0].SHA256
		if parsed != nil {
			if err := arc.UpdateDocument(id, func(d *archive.Document) error { d.Parsed = parsed(sha); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		return id, sha
	}
	f.good, f.pdfSHA = put("yanshi", "http://www.yanshi.gov.cn/gkml/2024/report.pdf", "偃师区工业和信息化局2023年政府信息公开工作年度报告",
		"偃师区工业和信息化局", "河南省洛阳市偃师区", 2023, "2021", "ok", 1, f.pdfBytes, "application/pdf", "偃师区工信局2023年报.pdf", parsedReport)
	f.xss, f.htmlSHA = put("yanshi", "http://www.yanshi.gov.cn/art/2024/1/5/art_1.html", xssTitle, `<b>某</b>局`, "河南省洛阳市偃师区",
		2023, "unknown", "partial", 0, f.htmlBytes, "text/html; charset=gbk", `..\..\evil"name.html`, nil)
	f.old, f.oldSHA = put("luoyang", "http://www.ly.gov.cn/2020/report.pdf", "洛阳市人力资源和社会保障局2019年政府信息公开工作年度报告",
		"洛阳市人力资源和社会保障局", "河南省洛阳市", 2019, "2019", "ok", 2, oldBytes, "application/octet-stream", "", nil)
	f.lookalike, _ = put("yanshi", "http://www.yanshi.gov.cn/jd.html", "偃师区2023年政府信息公开工作年度报告解读", "偃师区", "河南省洛阳市偃师区",
		2023, "unknown", "not_report", 0, []byte("<html>解读</html>"), "text/html", "", nil)
	return f
}

// fakeEngine imitates the crawl engine's contract with the archive: a
// frontier of n URLs, one CommitFetch per URL (the commit boundary), ctx
// checked between commits, a run report at the end.
type fakeEngine struct {
	arc     *archive.Archive
	n       int
	delay   time.Duration
	started chan struct{} // closed at the first commit
	once    sync.Once
	calls   atomic.Int32
	mu      sync.Mutex
	sites   [][]string
}

func (e *fakeEngine) Run(ctx context.Context, sites []string) error {
	e.calls.Add(1)
	e.mu.Lock()
	e.sites = append(e.sites, sites)
	e.mu.Unlock()
	for _, site := range sites {
		if err := e.crawlSite(ctx, site); err != nil {
			return err
		}
	}
	return nil
}

func (e *fakeEngine) crawlSite(ctx context.Context, site string) error {
	run := archive.Run{Site: site, Start: time.Now().UTC(), Errors: map[string]int{}, Blocked: map[string]int{}}
	if p, d, err := e.arc.FrontierLen(site); err != nil {
		return err
	} else if p+d == 0 {
		var items []archive.FrontierItem
		for i := 0; i < e.n; i++ {
			items = append(items, archive.FrontierItem{URL: fmt.Sprintf("http://%s.example.gov.cn/r/%03d.pdf", site, i), Site: site, Kind: "attachment", Score: float64(e.n - i)})
		}
		if _, err := e.arc.FrontierAdd(items...); err != nil {
			return err
		}
	}
	pending, err := e.arc.FrontierPending(site)
	if err != nil {
		return err
	}
	for _, it := range pending {
		if ctx.Err() != nil {
			run.Status, run.End = "interrupted", time.Now().UTC()
			return e.arc.AddRun(&run)
		}
		blob := []byte("%PDF-1.4\n% " + it.URL + "\n%%EOF\n")
		id := archive.DocID(site, it.URL)
		err := e.arc.CommitFetch(archive.Fetch{Blob: blob, Site: site, Done: it.URL,
			Capture: &archive.Capture{URL: it.URL, FinalURL: it.URL, Status: 200, Site: site, Source: "crawl", DocID: id,
				Headers: archive.Headers{"Content-Type": "application/pdf"}},
			State: &archive.URLState{URL: it.URL, Status: 200, Kind: "attachment", LastSeen: time.Now().UTC()},
			Doc: &archive.Document{ID: id, Site: site, URL: it.URL, Title: "报告 " + it.URL, Body: "测试局" + it.URL[len(it.URL)-7:len(it.URL)-4],
				Year: 2023, Source: "crawl", FirstSeen: time.Now().UTC(), LastSeen: time.Now().UTC(),
				Files: []archive.FileRef{{URL: it.URL, Role: "attachment"}}}})
		if err != nil {
			return err
		}
		run.Pages++
		run.Bytes += int64(len(blob))
		run.Docs++
		run.NewDocs++
		e.once.Do(func() {
			if e.started != nil {
				close(e.started)
			}
		})
		if e.delay > 0 {
			select {
			case <-time.After(e.delay):
			case <-ctx.Done():
			}
		}
	}
	if err := e.arc.FrontierClear(site); err != nil {
		return err
	}
	run.Status, run.End = "ok", time.Now().UTC()
	return e.arc.AddRun(&run)
}

func (e *fakeEngine) lastSites() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.sites) == 0 {
		return nil
	}
	return e.sites[len(e.sites)-1]
}

// start builds a Server on f and an httptest server for its handler.
func (f *fixture) start(t testing.TB, mod func(*Options)) (*Server, *httptest.Server) {
	t.Helper()
	opts := Options{Archive: f.arc, Config: f.cfg, Logger: quiet(), NoSchedule: true}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(func() { s.runCancel(); s.runner.Wait() })
	return s, ts
}
