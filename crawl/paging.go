package crawl

import (
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/sites"
)

// pageOn returns the next pages of list page pageURL (analysed as a, from
// frontier item parent) to follow: none where the list ends
// (sites.Trail.Step: past its declared pages, an empty page, a page that
// brings nothing new or repeats an earlier one), else each carrying the
// list's trail in Extra["trail"].
func (r *siteRun) pageOn(parent *item, pageURL string, a sites.Analysis, next []archive.FrontierItem) []archive.FrontierItem {
	if len(next) == 0 {
		return nil
	}
	tr, more, why := sites.ParseTrail(parent.Extra["trail"]).Step(a)
	if !more {
		r.e.log.Debug("list ends", "site", r.site.Name, "url", pageURL, "why", why)
		return nil
	}
	s := tr.String()
	for i := range next {
		next[i].Extra["trail"] = s
	}
	return next
}
