package crawl

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/urlcanon"
	"github.com/nianbao/nianbao/portal"
	"github.com/nianbao/nianbao/sites"
)

// A unit list of an aggregation tree with one report link opened by a
// link's script among plain ones is a list, not a JS redirect shell: all
// its reports are archived. A unit list whose report links all only call
// a script is reported as needing a browser.
func TestCrawlScriptLinkAmongPlainLinks(t *testing.T) {
	h := newHarness(t, portal.New(portal.Options{Sites: []string{"ruyang"}}))
	res := h.crawl(t)
	checkExpected(t, h)
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	run := res[0].Run
	if !hasNoteContaining(run.Notes, sites.NoteNeedsBrowser+"the list at http://www.ruyang.gov.cn/zfxxgk/zfxxgknb/sjj/") {
		t.Errorf("no needs-a-browser note for the script-only unit list: %q", run.Notes)
	}
	for _, n := range run.Notes {
		if strings.HasPrefix(n, sites.NoteNeedsBrowser) && !strings.Contains(n, "/sjj/") {
			t.Errorf("a list with plain report links reported as needing a browser: %s", n)
		}
	}
}

// fetchOrder crawls h's first site one fetch at a time and returns the
// URLs fetched with their frontier kinds, in order.
func fetchOrder(t *testing.T, h *harness) (urls, kinds []string) {
	t.Helper()
	e := h.engine(t)
	e.opts.MaxInFlight = 1
	e.opts.Progress = func(ev Event) {
		if ev.Outcome != "" {
			urls, kinds = append(urls, ev.URL), append(kinds, ev.Kind)
		}
	}
	if _, err := e.CrawlSite(context.Background(), &h.sites[0]); err != nil {
		t.Fatal(err)
	}
	return urls, kinds
}

// A list's next page is fetched before its details: the frontier always
// holds the next list page while details are fetched, instead of running
// dry at the end of each page. One fetch at a time, every page of the
// column comes before the first report.
func TestNextPageBeforeDetails(t *testing.T) {
	h := newHarness(t, portal.Generated(100))
	urls, kinds := fetchOrder(t, h)
	lastList, firstDetail := -1, len(urls)
	lists := 0
	for i, k := range kinds {
		switch k {
		case sites.KindList:
			lastList = i
			lists++
		case sites.KindDetail:
			firstDetail = min(firstDetail, i)
		}
	}
	if lists < 4 {
		t.Fatalf("only %d list pages fetched: %v", lists, urls)
	}
	if lastList > firstDetail {
		t.Errorf("list page %s fetched after report %s (fetch %d, %d)", urls[lastList], urls[firstDetail], lastList, firstDetail)
	}
	checkExpected(t, h)
}

// A list whose pager always offers a next page (pages past the real ones
// served empty, or as the last page again) is paged no further than a page
// past the real ones; one whose pager declares its page count not past
// them at all. Every report is archived.
func TestCrawlStopsEndlessPaging(t *testing.T) {
	h := newHarness(t, portal.New(portal.Options{Sites: []string{"luanchuan"}}))
	h.p.ResetStats()
	res := h.crawl(t)
	checkExpected(t, h)
	stats := h.p.Stats()
	for _, l := range []struct {
		dir        string
		real, past int // real pages; pages past them the crawl may fetch
	}{
		{"http://www.luanchuan.gov.cn/zwgk/zfxxgknb/", 3, 1}, // empty past the end
		{"http://www.luanchuan.gov.cn/zwgk/bmnb/", 2, 1},     // the last page again
		{"http://www.luanchuan.gov.cn/zwgk/xzjdnb/", 3, 0},   // 第k页 共3页
	} {
		var beyond []string
		for k := l.real + 1; k <= 40; k++ {
			u := fmt.Sprintf("%sindex_%d.html", l.dir, k)
			if stats.Get(u).Requests > 0 {
				beyond = append(beyond, u)
			}
		}
		if len(beyond) > l.past {
			t.Errorf("%s: %d pages fetched past the %d real ones (%d allowed): %v", l.dir, len(beyond), l.real, l.past, beyond)
		}
	}
	if len(res) == 1 && res[0].Run.Pages > 60 {
		t.Errorf("%d fetches for a site of 22 reports and 8 list pages", res[0].Run.Pages)
	}
}

// Two lists link the same reports under twin URLs (www and bare host,
// http and https). Whichever list is read first, and so whichever twin is
// fetched, each document is named by the same twin: the one under the
// site's start URL's host and scheme.
func TestTwinURLDoesNotDependOnFetchOrder(t *testing.T) {
	const (
		own = "http://www.xinan.gov.cn/xxgk/zfxxgknb/"
		sum = "http://www.xinan.gov.cn/xxgk/ndbghz/"
	)
	names := map[string]string{} // report id → document URL of the first order
	for _, order := range [][]string{{own, sum}, {sum, own}} {
		h := newHarness(t, portal.New(portal.Options{Sites: []string{"xinan"}}))
		h.sites[0].Start = order
		urls, _ := fetchOrder(t, h)
		checkExpected(t, h)
		docs := docsBySite(t, h.a)["xinan"]
		for _, e := range h.p.Expected("xinan") {
			var d *archive.Document
			for _, x := range docs {
				if urlcanon.Key(x.URL) == urlcanon.Key(e.DetailURL) {
					d = x
				}
			}
			if d == nil {
				continue // reported by checkExpected
			}
			if d.URL != e.DetailURL {
				t.Errorf("lists %v: %s named %s, want %s (fetched %v)", order, e.ID, d.URL, e.DetailURL, urls)
			}
			if prev, ok := names[e.ID]; ok && prev != d.URL {
				t.Errorf("%s named %s with one list first, %s with the other", e.ID, prev, d.URL)
			}
			names[e.ID] = d.URL
		}
	}
}

// A TRS "动静结合" list shows 10 of the 20 items its script declares; the
// rest come from a search API. The run report names the list and the
// items out of reach, and the run is partial, never "ok".
func TestCrawlReportsItemsOutOfReach(t *testing.T) {
	h := newHarness(t, portal.New(portal.Options{Sites: []string{"yiyang"}}))
	res := h.crawl(t)
	checkExpected(t, h)
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	run := res[0].Run
	const note = sites.NoteIncompleteList + "the list at http://www.yiyang.gov.cn/xxgk/zfxxgknb/ declares 20 items; its static pages show at most 10"
	if !hasNoteContaining(run.Notes, note) || !hasNoteContaining(run.Notes, "10 are out of reach") {
		t.Errorf("no note of the items out of reach: %q", run.Notes)
	}
	if run.Status != "partial" || run.Blocked[blockedIncompleteList] != 1 {
		t.Errorf("status %q, blocked %v; want partial with one incomplete list", run.Status, run.Blocked)
	}
}
