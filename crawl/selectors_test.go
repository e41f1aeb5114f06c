package crawl

import (
	"context"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/portal"
)

// sites[].selectors.list reaches the rules: on the generated portal's TRS
// lists, a selector that keeps the first five rows of each page archives
// exactly those reports.
func TestSiteListSelector(t *testing.T) {
	h := newHarness(t, portal.Generated(200))
	site := h.sites[0]
	expected := map[string]bool{}
	for _, e := range h.p.Expected(site.Name) {
		expected[e.Title] = true
	}
	const perPage, keep = 20, 5
	lists := (len(expected) + perPage - 1) / perPage
	site.Selectors.List = "ul.list li:nth-child(-n+5)"
	site.Selectors.Date = "span"
	if _, err := h.engine(t).CrawlSite(context.Background(), &site); err != nil {
		t.Fatal(err)
	}
	docs := docsBySite(t, h.a)[site.Name]
	if len(docs) != lists*keep {
		t.Errorf("%d documents, want %d (%d list pages × %d rows)", len(docs), lists*keep, lists, keep)
	}
	for _, d := range docs {
		if !expected[d.Title] {
			t.Errorf("unexpected document %q", d.Title)
		}
	}

	site.Selectors.List = "ul.list li["
	_, err := h.engine(t).CrawlSite(context.Background(), &site)
	if err == nil || !strings.Contains(err.Error(), "selectors.list") {
		t.Errorf("invalid selector: err %v, want a selectors.list error", err)
	}
}
