package portal

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/config"
)

// A deliberately small link follower for the portal's own tests: it shows
// that every expected report is reachable from a site's start URLs through
// its allowed hosts. It reads the same things a real crawler must (hrefs,
// onclick targets, location.replace, meta refresh, both createPageHTML
// conventions), but it is not the crawler.

var (
	reHref     = regexp.MustCompile(`(?i)\bhref\s*=\s*["']([^"']*)["']`)
	reOnclick  = regexp.MustCompile(`jumpToDetail\('([^']+)'\)`)
	reReplace  = regexp.MustCompile(`location\.replace\('([^']+)'\)`)
	reRefresh  = regexp.MustCompile(`(?i)content="\d+;\s*url=([^"]+)"`)
	rePager4   = regexp.MustCompile(`createPageHTML\((\d+),\s*(\d+),\s*"([^"]+)",\s*"([^"]+)"\)`)
	rePager6   = regexp.MustCompile(`createPageHTML\('[^']*',\s*(\d+),\s*(\d+),\s*'([^']+)',\s*'([^']+)',\s*\d+\)`)
	reSitemapL = regexp.MustCompile(`<loc>([^<]+)</loc>`)
)

func extractLinks(page string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{reHref, reOnclick, reReplace, reRefresh, reSitemapL} {
		for _, m := range re.FindAllStringSubmatch(page, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
	}
	for _, m := range rePager4.FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, m[3]+"."+m[4])
		for i := 1; i < n; i++ {
			out = append(out, m[3]+"_"+strconv.Itoa(i)+"."+m[4])
		}
	}
	for _, m := range rePager6.FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, m[3]+"."+m[4])
		for i := 2; i <= n; i++ {
			out = append(out, m[3]+"_"+strconv.Itoa(i)+"."+m[4])
		}
	}
	return out
}

func hostAllowed(s config.Site, host string) bool {
	for _, h := range s.Hosts {
		if h == host || strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]) {
			return true
		}
	}
	return false
}

type walkResult struct {
	status map[string]int    // URL → final status (after redirects)
	body   map[string][]byte // URL → bytes
	ctype  map[string]string
	offer  map[string]bool // URLs linked but outside the allowed hosts
}

// walk follows links breadth-first from the site's start URLs, at most
// limit fetches, sending a Referer like a polite crawler.
func walk(t *testing.T, p *Portal, s config.Site, limit int) walkResult {
	t.Helper()
	c := p.Client()
	res := walkResult{status: map[string]int{}, body: map[string][]byte{}, ctype: map[string]string{}, offer: map[string]bool{}}
	type item struct{ u, ref string }
	queue := []item{}
	for _, st := range s.Start {
		queue = append(queue, item{st, ""})
	}
	seen := map[string]bool{}
	for len(queue) > 0 && len(seen) < limit {
		it := queue[0]
		queue = queue[1:]
		if seen[it.u] {
			continue
		}
		seen[it.u] = true
		u := it.u
		var resp *http.Response
		for hops := 0; ; hops++ {
			req, _ := http.NewRequest("GET", u, nil)
			if it.ref != "" {
				req.Header.Set("Referer", it.ref)
			}
			r, err := c.Do(req)
			if err != nil {
				res.status[it.u] = -1
				break
			}
			if r.StatusCode/100 == 3 && hops < 5 {
				loc, _ := r.Location()
				r.Body.Close()
				if loc == nil {
					break
				}
				if !hostAllowed(s, loc.Hostname()) {
					res.offer[loc.String()] = true
					break
				}
				u = loc.String()
				continue
			}
			resp = r
			break
		}
		if resp == nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, k := range []string{it.u, u} {
			res.status[k] = resp.StatusCode
			res.body[k] = b
			res.ctype[k] = resp.Header.Get("Content-Type")
		}
		seen[u] = true
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "html") && !strings.Contains(resp.Header.Get("Content-Type"), "xml") {
			continue
		}
		text, _ := charset.Decode(b, resp.Header.Get("Content-Type"), true)
		base, _ := url.Parse(u)
		for _, l := range extractLinks(text) {
			if strings.HasPrefix(l, "javascript:") || l == "" {
				continue
			}
			ref, err := url.Parse(l)
			if err != nil {
				continue
			}
			abs := base.ResolveReference(ref)
			abs.Fragment = ""
			if abs.Scheme != "http" && abs.Scheme != "https" {
				continue
			}
			if !hostAllowed(s, abs.Hostname()) {
				res.offer[abs.String()] = true
				continue
			}
			if !seen[abs.String()] {
				queue = append(queue, item{abs.String(), u})
			}
		}
	}
	return res
}
