package sites_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl"
	"github.com/nianbao/nianbao/internal/urlcanon"
	"github.com/nianbao/nianbao/portal"
	"github.com/nianbao/nianbao/sites"
)

// crawlFamily crawls one family site of the imitation portal with the
// zero-config entry a user would write (name, region, start, hosts) and
// returns the run and the archive.
func crawlFamily(t *testing.T, p *portal.Portal, site config.Site) (archive.Run, *archive.Archive) {
	t.Helper()
	a, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return crawlInto(t, p, site, a), a
}

func crawlInto(t *testing.T, p *portal.Portal, site config.Site, a *archive.Archive) archive.Run {
	t.Helper()
	cfg := config.Default()
	cfg.Crawl.InsecureTLS = true
	e, err := crawl.New(crawl.Options{Store: a, Config: cfg, Resolve: p.Resolve(), LoopbackOnly: true, NoPoliteness: true, SkipParse: true,
		Now: func() time.Time { return time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Crawl(context.Background(), []config.Site{site})
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	return res[0].Run
}

// checkArchived asserts the archive holds exactly the site's expected
// reports (no missing report, no look-alike, no WAF page, no duplicate),
// each with its pages and attachments.
func checkArchived(t *testing.T, p *portal.Portal, site string, a *archive.Archive) {
	t.Helper()
	var docs []*archive.Document
	if err := a.ForEachDocument(func(d *archive.Document) error {
		if d.Site == site {
			docs = append(docs, d)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	byURL := map[string]*archive.Document{}
	for _, d := range docs {
		byURL[urlcanon.Key(d.URL)] = d
	}
	matched := map[string]bool{}
	var missing []string
	for _, e := range p.Expected(site) {
		var d *archive.Document
		for _, u := range append([]string{e.DetailURL}, e.AltURLs...) {
			if x := byURL[urlcanon.Key(u)]; x != nil {
				d = x
			}
		}
		if d == nil {
			missing = append(missing, e.Title+" "+e.DetailURL)
			continue
		}
		if matched[d.ID] {
			t.Errorf("%s: two expected reports map to one document %s", site, d.URL)
		}
		matched[d.ID] = true
		if d.Year != e.Year {
			t.Errorf("%s: %s: year %d, want %d", site, e.DetailURL, d.Year, e.Year)
		}
		have := map[string]bool{}
		for _, f := range d.Files {
			have[f.SHA256] = true
		}
		for _, f := range append(append([]portal.ExpectedFile{}, e.Pages...), e.Attachments...) {
			if !have[f.SHA256] {
				t.Errorf("%s: %s: file %s not archived with the document", site, e.DetailURL, f.URL)
			}
		}
		if len(d.Files) != len(e.Pages)+len(e.Attachments) {
			t.Errorf("%s: %s: %d files, want %d", site, e.DetailURL, len(d.Files), len(e.Pages)+len(e.Attachments))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s: report missing: %s", site, m)
	}
	for _, d := range docs {
		if !matched[d.ID] {
			t.Errorf("%s: archived something that is not an expected report: %q %s", site, d.Title, d.URL)
		}
	}
	for _, dc := range p.Decoys(site) {
		if _, err := a.DocumentByURL(dc.URL); err == nil {
			t.Errorf("%s: look-alike archived: %s (%s)", site, dc.Title, dc.Why)
		}
	}
}

// The family each site's run report must name (its list pages' family).
var wantFamily = map[string]string{"jiangsu": "hanweb", "lishui": "hanweb", "gdwhly": "gkmlpt", "gzbgt": "nfcms",
	"pingchang": "anhui", "deyang": "ilist", "dongbao": "vsb", "xtsw": "haiyun"}

// Notes (substrings) the run report must carry.
var wantNotes = map[string][]string{
	"jiangsu":   {"?pageNum=2 is ignored by this server"},
	"pingchang": {sites.NoteMissingYear + "平昌县教育局 has no 2022 report"},
	"xtsw":      {sites.NoteNeedsBrowser + "the list at http://www.xtsw.gov.cn/xxgk/bmnb/"},
}

func hasNote(notes []string, sub string) bool {
	for _, n := range notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

func TestFamilySitesZeroConfig(t *testing.T) {
	p := portal.NewFamilies(portal.Options{})
	p.Start()
	defer p.Close()
	for _, s := range p.Sites() {
		t.Run(s.Name, func(t *testing.T) {
			run, a := crawlFamily(t, p, s)
			t.Logf("%s: status=%s family=%s pages=%d docs=%d errors=%v blocked=%v notes=%s", s.Name, run.Status, run.Family, run.Pages, run.Docs, run.Errors, run.Blocked, strings.Join(run.Notes, " | "))
			checkArchived(t, p, s.Name, a)
			// Pages that fight back are counted per site, by kind.
			for _, bl := range p.Blocked(s.Name) {
				if run.Blocked["waf_"+bl.Kind] == 0 {
					t.Errorf("%s: %s (%s) not counted as blocked: %v", s.Name, bl.URL, bl.Kind, run.Blocked)
				}
			}
			if run.Status == "failed" {
				t.Errorf("%s: run failed: %v", s.Name, run.Notes)
			}
			if want := wantFamily[s.Name]; run.Family != want {
				t.Errorf("%s: detected family %q, want %q", s.Name, run.Family, want)
			}
			for _, n := range wantNotes[s.Name] {
				if !hasNote(run.Notes, n) {
					t.Errorf("%s: run report lacks the note %q: %q", s.Name, n, run.Notes)
				}
			}
			// A list only a browser can draw is reported, per site, as such.
			if want := map[string]int{"xtsw": 1}[s.Name]; run.Blocked["needs_browser"] != want {
				t.Errorf("%s: needs_browser %d, want %d", s.Name, run.Blocked["needs_browser"], want)
			}
		})
	}
}

// A site may name its family in config; the named rule then reads every
// page and must find exactly the same reports.
func TestFamilySitesNamedFamily(t *testing.T) {
	family := map[string]string{"lishui": "hanweb", "gzbgt": "nfcms", "pingchang": "anhui", "deyang": "ilist", "dongbao": "vsb"}
	var names []string
	for n := range family {
		names = append(names, n)
	}
	sort.Strings(names)
	p := portal.NewFamilies(portal.Options{Sites: names})
	p.Start()
	defer p.Close()
	for _, s := range p.Sites() {
		t.Run(s.Name, func(t *testing.T) {
			s.Family = family[s.Name]
			run, a := crawlFamily(t, p, s)
			if run.Family != s.Family {
				t.Errorf("run family %q, want %q", run.Family, s.Family)
			}
			checkArchived(t, p, s.Name, a)
			if t.Failed() {
				t.Logf("run report: %s, %d pages, errors %v, blocked %v, notes %q", run.Status, run.Pages, run.Errors, run.Blocked, run.Notes)
			}
		})
	}
}

// A site that served reports and now answers only WAF challenges is
// flagged in its run report; what was archived stays.
func TestFamilySiteWentToOnlyBlocks(t *testing.T) {
	p := portal.NewFamilies(portal.Options{Sites: []string{"lishui"}})
	p.Start()
	defer p.Close()
	site := p.Sites()[0]
	run, a := crawlFamily(t, p, site)
	if run.Status != "ok" || run.Docs != len(p.Expected("lishui")) || hasNote(run.Notes, crawl.NoteOnlyBlocks) {
		t.Fatalf("first run: %+v", run)
	}
	for _, kind := range []string{"ruishu", "jiasule"} {
		if err := p.BlockSite("lishui", kind); err != nil {
			t.Fatal(err)
		}
		run = crawlInto(t, p, site, a)
		// A WAF'd robots.txt counts as "robots" (the transport then refuses the host).
		if run.Status != "failed" || run.Blocked["waf_"+kind]+run.Blocked["robots"] == 0 || !hasNote(run.Notes, crawl.NoteOnlyBlocks) {
			t.Errorf("%s: blocked run not flagged: status %s blocked %v notes %q", kind, run.Status, run.Blocked, run.Notes)
		}
		if run.Pages > 3 {
			t.Errorf("%s: %d fetches against a WAF (looping?)", kind, run.Pages)
		}
	}
	n := 0
	_ = a.ForEachDocument(func(*archive.Document) error { n++; return nil })
	if n != 10 {
		t.Errorf("archive holds %d documents after the blocks, want the 10 archived before", n)
	}
}

// `crawler sites check` prints the family of the run and the detections
// of the first page it was found on: a dry run (MemStore) must name the
// family with evidence a user can check.
func TestFamilySitesCheckEvidence(t *testing.T) {
	evidence := map[string]string{"jiangsu": "<datastore> records", "lishui": "InitData record array", "gdwhly": "window._CONFIG.SID",
		"gzbgt": "content/post_N.html", "pingchang": "/public/column/", "deyang": "iList.jsp", "dongbao": "Visual SiteBuilder", "xtsw": "getFileListByCodeId"}
	p := portal.NewFamilies(portal.Options{})
	p.Start()
	defer p.Close()
	cfg := config.Default()
	for _, s := range p.Sites() {
		t.Run(s.Name, func(t *testing.T) {
			var exps []crawl.Explanation
			var mu sync.Mutex
			e, err := crawl.New(crawl.Options{Store: crawl.NewMemStore(), Config: cfg, Resolve: p.Resolve(), LoopbackOnly: true, NoPoliteness: true, SkipParse: true,
				MaxPages: 150, Explain: func(x crawl.Explanation) { mu.Lock(); exps = append(exps, x); mu.Unlock() }})
			if err != nil {
				t.Fatal(err)
			}
			run, _ := e.CrawlSite(context.Background(), &s)
			if run.Family != wantFamily[s.Name] {
				t.Fatalf("family %q, want %q", run.Family, wantFamily[s.Name])
			}
			for _, x := range exps {
				if x.Family == run.Family && len(x.Detections) > 0 {
					if d := x.Detections[0]; d.Family != run.Family || d.Confidence < 0.5 || !strings.Contains(d.Why, evidence[s.Name]) {
						t.Errorf("first %s page %s: top detection %+v, want evidence %q", run.Family, x.URL, d, evidence[s.Name])
					}
					return
				}
			}
			t.Errorf("no page analysed as %s", run.Family)
		})
	}
}
