package crawl

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/internal/urlcanon"
	"github.com/nianbao/nianbao/portal"
	"github.com/nianbao/nianbao/sniff"
)

// fakeParser stands in for package parse: it records what it was given
// and says "ok" for documents, "not_report" for anything else.
type fakeParser struct {
	mu    sync.Mutex
	calls int
}

func (f *fakeParser) parse(_ context.Context, in ParseInput) (ParseOutput, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	if len(in.Data) == 0 {
		return ParseOutput{}, fmt.Errorf("empty input")
	}
	if sniff.IsDocument(in.MediaType) {
		return ParseOutput{Status: "ok", Format: "2021", Version: "fake"}, nil
	}
	return ParseOutput{Status: "partial", Format: "2021", FailedChecks: 1, Version: "fake"}, nil
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	p     *portal.Portal
	a     *archive.Archive
	clk   *clock
	fp    *fakeParser
	sites []config.Site
	cfg   *config.Config
}

func newHarness(t *testing.T, p *portal.Portal) *harness {
	t.Helper()
	p.Start()
	t.Cleanup(p.Close)
	a, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	cfg := config.Default()
	cfg.Crawl.InsecureTLS = true // the portal's self-signed https hosts
	return &harness{p: p, a: a, clk: &clock{t: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)}, fp: &fakeParser{}, sites: p.Sites(), cfg: cfg}
}

func (h *harness) engine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Options{
		Store: h.a, Config: h.cfg, Resolve: h.p.Resolve(), LoopbackOnly: true,
		NoPoliteness: true, Parser: h.fp.parse, Now: h.clk.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (h *harness) crawl(t *testing.T) []Result {
	t.Helper()
	return h.engine(t).Crawl(context.Background(), h.sites)
}

func docsBySite(t *testing.T, a *archive.Archive) map[string][]*archive.Document {
	t.Helper()
	out := map[string][]*archive.Document{}
	if err := a.ForEachDocument(func(d *archive.Document) error {
		out[d.Site] = append(out[d.Site], d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkExpected asserts that each site's documents are exactly the
// portal's expected reports, with every page and attachment archived.
func checkExpected(t *testing.T, h *harness) {
	t.Helper()
	docs := docsBySite(t, h.a)
	for _, s := range h.sites {
		exp := h.p.Expected(s.Name)
		byKey := map[string]*archive.Document{}
		for _, d := range docs[s.Name] {
			byKey[urlcanon.Key(d.URL)] = d
		}
		matched := map[string]bool{}
		for _, e := range exp {
			var d *archive.Document
			for _, u := range append([]string{e.DetailURL}, e.AltURLs...) {
				if x := byKey[urlcanon.Key(u)]; x != nil {
					d = x
				}
			}
			if d == nil {
				t.Errorf("site %s: report missing: %s %s", s.Name, e.Title, e.DetailURL)
				continue
			}
			matched[d.ID] = true
			if d.Year != e.Year {
				t.Errorf("site %s: %s: year %d, want %d", s.Name, e.DetailURL, d.Year, e.Year)
			}
			have := map[string]bool{}
			for _, f := range d.Files {
				have[f.SHA256] = true
			}
			for _, f := range append(append([]portal.ExpectedFile{}, e.Pages...), e.Attachments...) {
				if !have[f.SHA256] {
					t.Errorf("site %s: %s: file %s (%s) not archived with the document", s.Name, e.DetailURL, f.URL, f.MediaType)
				}
			}
			if len(d.Files) != len(e.Pages)+len(e.Attachments) {
				var got []string
				for _, f := range d.Files {
					got = append(got, f.URL)
				}
				t.Errorf("site %s: %s: %d files %v, want %d", s.Name, e.DetailURL, len(d.Files), got, len(e.Pages)+len(e.Attachments))
			}
		}
		for _, d := range docs[s.Name] {
			if !matched[d.ID] {
				t.Errorf("site %s: archived a document that is not an expected report: %q %s", s.Name, d.Title, d.URL)
			}
		}
		for _, dc := range h.p.Decoys(s.Name) {
			if _, err := h.a.DocumentByURL(dc.URL); err == nil {
				t.Errorf("site %s: look-alike archived: %s (%s)", s.Name, dc.Title, dc.Why)
			}
		}
	}
}

func TestCrawlPortalArchivesExactlyTheReports(t *testing.T) {
	h := newHarness(t, portal.New(portal.Options{}))
	res := h.crawl(t)
	for _, r := range res {
		t.Logf("%s: status=%s pages=%d bytes=%d new=%d errors=%v blocked=%v family=%s notes=%v", r.Run.Site, r.Run.Status, r.Run.Pages, r.Run.Bytes, r.Run.NewDocs, r.Run.Errors, r.Run.Blocked, r.Run.Family, r.Run.Notes)
	}
	checkExpected(t, h)
	// Every document was parsed.
	_ = h.a.ForEachDocument(func(d *archive.Document) error {
		if d.ParseStatus == "" {
			t.Errorf("document %s not parsed", d.URL)
		}
		return nil
	})
	// Blocked sites are reported as blocked, not as empty.
	for _, r := range res {
		want := len(h.p.Blocked(r.Run.Site))
		got := 0
		for _, n := range r.Run.Blocked {
			got += n
		}
		if want > 0 && got == 0 {
			t.Errorf("site %s: %d blocked URLs expected, run report counts none", r.Run.Site, want)
		}
		if len(h.p.Expected(r.Run.Site)) > 0 && r.Run.Status == "failed" {
			t.Errorf("site %s failed: %v", r.Run.Site, r.Run.Notes)
		}
	}
	var names []string
	for n := range docsBySite(t, h.a) {
		names = append(names, n)
	}
	sort.Strings(names)
	t.Logf("sites with documents: %s", strings.Join(names, ","))
}

func sumRuns(res []Result) (pages int, bytes int64) {
	for _, r := range res {
		pages += r.Run.Pages
		bytes += r.Run.Bytes
	}
	return
}

func TestIncrementalRecrawl(t *testing.T) {
	h := newHarness(t, portal.New(portal.Options{}))
	h.p.ResetStats()
	h.crawl(t)
	first := h.p.Stats()
	checkExpected(t, h)
	var attachments []string
	for _, s := range h.sites {
		for _, e := range h.p.Expected(s.Name) {
			for _, f := range e.Attachments {
				attachments = append(attachments, f.URL)
			}
		}
	}
	if len(attachments) == 0 {
		t.Fatal("portal has no attachments to check")
	}

	// The next night: nothing changed on the portal.
	h.clk.add(24 * time.Hour)
	h.p.ResetStats()
	res := h.crawl(t)
	second := h.p.Stats()
	if second.Bytes*20 >= first.Bytes {
		t.Errorf("second crawl transferred %d bytes, first %d: want < 5%%", second.Bytes, first.Bytes)
	}
	t.Logf("first crawl %d requests %d bytes; second %d requests %d bytes (%.2f%%)", first.Requests, first.Bytes, second.Requests, second.Bytes, 100*float64(second.Bytes)/float64(first.Bytes))
	for _, u := range attachments {
		if st := second.Get(u); st.OK > 0 {
			t.Errorf("attachment downloaded again: %s", u)
		}
	}
	if st := second.Get("http://www.yanshi.gov.cn/zwgk/ndbg/"); st.Requests == 0 {
		t.Errorf("list page not re-checked on the second run")
	}
	for _, r := range res {
		if r.Run.NewDocs != 0 {
			t.Errorf("site %s: %d new documents on an unchanged portal", r.Run.Site, r.Run.NewDocs)
		}
	}
	checkExpected(t, h)

	// A report published since: the re-checked list shows it at once.
	added, err := h.p.AddReport("yanshi", portal.NewReport{Title: "洛阳市偃师区人民政府2025年政府信息公开工作年度报告", Year: 2025, Published: "2026-01-20"})
	if err != nil {
		t.Fatal(err)
	}
	h.clk.add(24 * time.Hour)
	h.crawl(t)
	if _, err := h.a.Document(archive.DocID("yanshi", urlcanon.Key(added.DetailURL))); err != nil {
		t.Errorf("added report %s not archived: %v", added.DetailURL, err)
	}
	checkExpected(t, h)
}

func TestReplacedReportIsNewCapture(t *testing.T) {
	h := newHarness(t, portal.New(portal.Options{Sites: []string{"yanshi", "henan"}}))
	h.crawl(t)
	// One report with attachments, one HTML-only report.
	var withAtt, htmlOnly *portal.ExpectedReport
	for _, s := range h.sites {
		for _, e := range h.p.Expected(s.Name) {
			e := e
			if len(e.Attachments) > 0 && withAtt == nil {
				withAtt = &e
			}
			if len(e.Attachments) == 0 && len(e.Pages) == 1 && htmlOnly == nil {
				htmlOnly = &e
			}
		}
	}
	if withAtt == nil || htmlOnly == nil {
		t.Fatal("portal lacks the reports this test needs")
	}
	for _, e := range []*portal.ExpectedReport{withAtt, htmlOnly} {
		if err := h.p.ReplaceReport(e.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Before the recheck interval nothing is refetched…
	h.clk.add(24 * time.Hour)
	h.crawl(t)
	caps, _ := h.a.Captures(htmlOnly.Pages[0].URL)
	if len(caps) != 1 {
		t.Errorf("report refetched before its recheck interval: %d captures", len(caps))
	}
	// …after it, the replaced bytes are a new capture and the document points at them.
	h.clk.add(h.cfg.Crawl.Recheck.D())
	h.crawl(t)
	checkExpected(t, h) // expected hashes are the new ones
	for _, old := range []*portal.ExpectedReport{withAtt, htmlOnly} {
		var e *portal.ExpectedReport
		for _, x := range h.p.Expected(old.Site) {
			if x.ID == old.ID {
				e = &x
			}
		}
		if e == nil || e.Version == 0 {
			t.Fatalf("portal lost report %s", old.ID)
		}
		changed := 0
		for _, f := range append(append([]portal.ExpectedFile{}, e.Pages...), e.Attachments...) {
			caps, err := h.a.Captures(f.URL)
			if err != nil {
				t.Fatal(err)
			}
			if len(caps) >= 2 && caps[len(caps)-1].SHA256 == f.SHA256 && caps[0].SHA256 != f.SHA256 {
				changed++
			}
		}
		if changed == 0 {
			t.Errorf("replaced report %s: no file has an old and a new capture", e.DetailURL)
		}
		d, err := h.a.Document(archive.DocID(e.Site, urlcanon.Key(e.DetailURL)))
		if err != nil {
			t.Fatal(err)
		}
		if d.ParseStatus == "" {
			t.Errorf("replaced report %s not re-parsed", e.DetailURL)
		}
	}
}
