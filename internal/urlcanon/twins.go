package urlcanon

import (
	"net/url"
	"path"
	"strings"
)

// PreferTwin reports whether a rather than b should name a document, a
// and b being two forms of one URL (the same Key: www. and bare
// host, http and https, a _wap twin). The choice is fixed, so that which
// twin a crawl happened to fetch first does not decide it: first not a
// _wap (mobile) twin; then a form on the host of one of starts (the site's
// start URLs) under that start URL's scheme, then one on such a host under
// another scheme; then https over http; then with www. over the bare
// host; last the lexically smaller.
func PreferTwin(a, b string, starts []string) bool {
	ra, rb := twinRank(a, starts), twinRank(b, starts)
	for i := range ra {
		if ra[i] != rb[i] {
			return ra[i] > rb[i]
		}
	}
	return a < b
}

// twinRank scores u by PreferTwin's criteria, most important first.
func twinRank(u string, starts []string) [4]int {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return [4]int{}
	}
	host := strings.ToLower(strings.TrimSuffix(p.Hostname(), "."))
	var r [4]int
	if !wapRe.MatchString(path.Base(p.Path)) {
		r[0] = 1
	}
	for _, s := range starts {
		sp, err := url.Parse(strings.TrimSpace(s))
		if err != nil || strings.ToLower(strings.TrimSuffix(sp.Hostname(), ".")) != host {
			continue
		}
		if strings.EqualFold(sp.Scheme, p.Scheme) {
			r[1] = 2
			break
		}
		r[1] = 1
	}
	if strings.EqualFold(p.Scheme, "https") {
		r[2] = 1
	}
	if strings.HasPrefix(host, "www.") {
		r[3] = 1
	}
	return r
}
