package crawl

import (
	"strings"
	"testing"

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
