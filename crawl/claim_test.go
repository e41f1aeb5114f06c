package crawl

import (
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/sites"
)

// Two list pages analysed at once both find a report nobody has queued.
// The one that claims it second must not lose its sighting: it keeps a
// sighting item instead of the report's item. Other duplicates are
// dropped, and a sighting is claimed once.
func TestClaimKeepsTheSecondListsSighting(t *testing.T) {
	r := &siteRun{site: &config.Site{Name: "s"}, frontier: frontier{queued: map[string]bool{}}}
	report := func(from string) archive.FrontierItem {
		return archive.FrontierItem{URL: "http://h/t1.html", Site: "s", Kind: sites.KindDetail,
			Extra: map[string]string{"url": "http://h/t1.html", "from": from, "sight": "1"}}
	}
	next := func(from string) archive.FrontierItem {
		return archive.FrontierItem{URL: "http://h/list_2.html", Site: "s", Kind: sites.KindList,
			Extra: map[string]string{"url": "http://h/list_2.html", "from": from}}
	}
	listA := &item{FrontierItem: archive.FrontierItem{URL: "http://h/a/", Kind: sites.KindList}}
	listB := &item{FrontierItem: archive.FrontierItem{URL: "http://h/b/", Kind: sites.KindList}}

	gotA := r.claim(listA, []archive.FrontierItem{report("http://h/a/"), next("http://h/a/")})
	if len(gotA) != 2 || gotA[0].URL != "http://h/t1.html" || gotA[1].URL != "http://h/list_2.html" {
		t.Fatalf("first claim: %+v, want both items", gotA)
	}
	gotB := r.claim(listB, []archive.FrontierItem{report("http://h/b/"), next("http://h/b/")})
	want := r.sighting(listB, "http://h/t1.html", "http://h/t1.html", "http://h/b/")
	if len(gotB) != 1 || gotB[0].URL != want.URL || gotB[0].Kind != kindSighting ||
		gotB[0].Extra["from"] != "http://h/b/" || gotB[0].Extra["doc"] != archive.DocID("s", "http://h/t1.html") {
		t.Fatalf("second claim: %+v, want only B's sighting %+v", gotB, want)
	}
	if again := r.claim(listB, []archive.FrontierItem{report("http://h/b/")}); len(again) != 0 {
		t.Errorf("B's sighting claimed twice: %+v", again)
	}
}
