package crawl

import (
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/urlcanon"
)

// nameTwin names document d by u instead of its URL when u is a twin of
// it (the same urlcanon.Key: www. and bare host, http and https)
// that urlcanon.PreferTwin prefers, and reports whether it did. A document is
// named by the twin that fetched it, then by the best of the twins lists
// showed it under (its sightings): which list was read first, and so which
// twin was fetched, does not decide its URL.
func (r *siteRun) nameTwin(d *archive.Document, u string) bool {
	if u == "" || u == d.URL || urlcanon.Key(u) != urlcanon.Key(d.URL) || !urlcanon.PreferTwin(u, d.URL, r.site.Start) {
		return false
	}
	d.URL = u
	return true
}
