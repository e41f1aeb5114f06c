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
	reOnclick  = regexp.MustCompile(`(?:jumpToDetail\(|window\.open\(|javascript:location\.href=)'([^']+)'`)
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
	type item struct{ u, ref, form string }
	queue := []item{}
	for _, st := range s.Start {
		queue = append(queue, item{st, "", ""})
	}
	seen := map[string]bool{}
	for len(queue) > 0 && len(seen) < limit {
		it := queue[0]
		queue = queue[1:]
		if seen[it.u+it.form] {
			continue
		}
		seen[it.u+it.form] = true
		u := it.u
		var resp *http.Response
		for hops, retried := 0, false; ; hops++ {
			method, body := "GET", io.Reader(nil)
			if it.form != "" {
				method, body = "POST", strings.NewReader(it.form)
			}
			req, _ := http.NewRequest(method, u, body)
			if it.form != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if it.ref != "" {
				req.Header.Set("Referer", it.ref)
			}
			r, err := c.Do(req)
			if err != nil {
				res.status[it.u] = -1
				break
			}
			if r.StatusCode == http.StatusServiceUnavailable && !retried {
				// Rate limited (iList page 2): one polite retry.
				r.Body.Close()
				retried = true
				continue
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
		ct := resp.Header.Get("Content-Type")
		if resp.StatusCode != 200 || !strings.Contains(ct, "html") && !strings.Contains(ct, "xml") && !strings.Contains(ct, "json") {
			continue
		}
		text, _ := charset.Decode(b, ct, true)
		base, _ := url.Parse(u)
		links := extractLinks(strings.ReplaceAll(text, `\'`, `'`)) // hrefs inside JS strings
		gets, posts := listEndpoints(u, it.form, text)
		links = append(links, gets...)
		for _, f := range posts {
			queue = append(queue, item{f[0], u, f[1]})
		}
		for _, l := range links {
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
				queue = append(queue, item{abs.String(), u, ""})
			}
		}
	}
	return res
}

var (
	reJSONURL  = regexp.MustCompile(`"(?:url|redirectUrl)"\s*:\s*"([^"]+)"`)
	reGkSID    = regexp.MustCompile(`SID:\s*'(\d+)'`)
	reGkCat    = regexp.MustCompile(`\{id:\s*(\d+),\s*name:\s*'[^']*年报'`)
	reGkTotal  = regexp.MustCompile(`"total":(\d+)`)
	reHyChan   = regexp.MustCompile(`channelId\s*=\s*'([0-9a-f]{32})'`)
	reHyTotal  = regexp.MustCompile(`"total":(\d+)`)
	rePageParm = regexp.MustCompile(`[?&]page=(\d+)`)
)

// listEndpoints reads the list APIs a page's scripts or a JSON answer
// lead to: JSON "url" fields, the gkmlpt API named by window._CONFIG
// (100 per page), and the 海云 getFileListByCodeId POST (20 per page).
// posts are {url, form} pairs.
func listEndpoints(u, form, text string) (gets []string, posts [][2]string) {
	base, err := url.Parse(u)
	if err != nil {
		return nil, nil
	}
	abs := func(p string) string { return base.ResolveReference(&url.URL{Path: p}).String() }
	for _, m := range reJSONURL.FindAllStringSubmatch(text, -1) {
		gets = append(gets, m[1])
	}
	if sid := reGkSID.FindStringSubmatch(text); sid != nil {
		for _, c := range reGkCat.FindAllStringSubmatch(text, -1) {
			gets = append(gets, abs("/gkmlpt/api/all/"+c[1])+"?page=1&sid="+sid[1])
		}
	}
	if strings.Contains(base.Path, "/gkmlpt/api/") {
		if t, p := reGkTotal.FindStringSubmatch(text), rePageParm.FindStringSubmatch(u); t != nil && p != nil {
			total, _ := strconv.Atoi(t[1])
			page, _ := strconv.Atoi(p[1])
			if page*100 < total {
				gets = append(gets, strings.Replace(u, "page="+p[1], "page="+strconv.Itoa(page+1), 1))
			}
		}
	}
	if ch := reHyChan.FindStringSubmatch(text); ch != nil && strings.Contains(text, "getFileListByCodeId") {
		posts = append(posts, [2]string{abs("/getFileListByCodeId"), "channelId=" + ch[1] + "&page=1&size=20"})
	}
	if form != "" {
		if t := reHyTotal.FindStringSubmatch(text); t != nil {
			v, _ := url.ParseQuery(form)
			total, _ := strconv.Atoi(t[1])
			page, _ := strconv.Atoi(v.Get("page"))
			if page*20 < total {
				v.Set("page", strconv.Itoa(page+1))
				posts = append(posts, [2]string{u, v.Encode()})
			}
		}
	}
	return gets, posts
}
