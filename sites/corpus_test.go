package sites

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/internal/htmltree/htmltreetest"
	"github.com/nianbao/nianbao/portal"
	"github.com/nianbao/nianbao/sniff"
)

// corpusPage is one page the golden analyses and the analysis benchmark
// read: its final URL, decoded text, the kind of the first link that led
// to it (KindStart for start URLs), and where it came from.
type corpusPage struct {
	Name, URL, HTML, Kind string
}

// portalPages walks an imitation portal in process (its handler called
// directly, no sockets) from every start URL and returns every analysable
// page it serves, reached through the links any family finds on any page
// (as a list and as a detail) and through every href the markup names.
// limit bounds the pages per portal.
func portalPages(t testing.TB, p *portal.Portal, limit int) []corpusPage {
	t.Helper()
	type item struct{ u, form, kind string }
	var queue []item
	for _, s := range p.Sites() {
		for _, st := range s.Start {
			queue = append(queue, item{st, "", KindStart})
		}
	}
	seen := map[string]bool{}
	var out []corpusPage
	for len(queue) > 0 && len(out) < limit {
		it := queue[0]
		queue = queue[1:]
		if seen[it.u+"\x00"+it.form] {
			continue
		}
		seen[it.u+"\x00"+it.form] = true
		final, body, ctype, ok := serveInProcess(p, it.u, it.form)
		if !ok {
			continue
		}
		switch sniff.Detect(body) {
		case sniff.HTML, sniff.JSON, sniff.XML, sniff.Text:
		default:
			continue
		}
		text := charset.DecodeHTML(body, ctype)
		name := it.u
		if it.form != "" {
			name += " POST " + it.form
		}
		out = append(out, corpusPage{Name: name, URL: final, HTML: text, Kind: it.kind})
		for _, kind := range []string{KindList, KindDetail} {
			pg, err := NewPage(final, text, kind, "")
			if err != nil {
				continue
			}
			pg.Form = it.form
			for _, fam := range Families() {
				r, _ := Lookup(fam)
				for _, l := range r.Analyze(pg).Links {
					if l.Kind != KindAttachment {
						queue = append(queue, item{l.URL, l.Form, l.Kind})
					}
				}
			}
		}
		base, _ := url.Parse(final)
		for _, m := range corpusHref.FindAllStringSubmatch(text, -1) {
			if u, err := base.Parse(strings.TrimSpace(m[1])); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
				u.Fragment = ""
				queue = append(queue, item{u.String(), "", KindList})
			}
		}
	}
	return out
}

var corpusHref = regexp.MustCompile(`(?i)\bhref\s*=\s*["']([^"'#][^"']*)["']`)

// serveInProcess answers one request with the portal's handler, following
// up to five redirects; ok is false for anything but a final 200.
func serveInProcess(p *portal.Portal, u, form string) (final string, body []byte, ctype string, ok bool) {
	for hop := 0; hop < 5; hop++ {
		method := http.MethodGet
		var rd *strings.Reader
		if form != "" {
			method, rd = http.MethodPost, strings.NewReader(form)
		}
		var req *http.Request
		if rd != nil {
			req = httptest.NewRequest(method, u, rd)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req = httptest.NewRequest(method, u, nil)
		}
		req.Header.Set("User-Agent", "Mozilla/5.0 (nianbao test)")
		w := httptest.NewRecorder()
		p.ServeHTTP(w, req)
		res := w.Result()
		if res.StatusCode/100 == 3 {
			loc, err := res.Location()
			if err != nil {
				return "", nil, "", false
			}
			u, form = loc.String(), ""
			continue
		}
		if res.StatusCode != http.StatusOK {
			return "", nil, "", false
		}
		return u, w.Body.Bytes(), res.Header.Get("Content-Type"), true
	}
	return "", nil, "", false
}

// fixturePages are the HTML pages this package's own tests write, at the
// URLs those tests give them, and the repository's extract and report
// fixtures at a TRS detail URL.
func fixturePages(t testing.TB) []corpusPage {
	t.Helper()
	out := []corpusPage{
		{"trsList", "http://www.ys.gov.cn/zfxxgk/zfxxgknb/", trsList, KindList},
		{"trsList/noslash", "http://www.ys.gov.cn/zfxxgk/zfxxgknb", trsList, KindList},
		{"trsDetail", "http://www.ys.gov.cn/zfxxgk/zfxxgknb/202401/t20240115_1001.html", trsDetail, KindDetail},
		{"gkShell", "http://whly.gd.gov.cn/gkmlpt/index#2629", gkShell, KindList},
		{"gkJSON", "http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=1&sid=175", gkJSON(101, 3795001, 3795007), KindList},
		{"hyColumn", "http://hunan.chinatax.gov.cn/xtsw/xxgk/bmnb/", hyColumn, KindList},
		{"hanwebColumn", "http://www.jiangsu.gov.cn/col/col31251/index.html", hanwebColumn, KindList},
		{"ilistPage", "http://www.deyang.gov.cn/info/iList.jsp?cat_id=1&cur_page=2", ilistPage(2, 3), KindList},
		{"vsbList", "http://www.dongbao.gov.cn/xxgk/xxgknb.htm", vsbList, KindList},
	}
	texts := htmltreetest.Texts(t)
	names := make([]string, 0, len(texts))
	for n := range texts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, corpusPage{"testdata/" + n, "http://www.x.gov.cn/zfxxgk/zfxxgknb/202401/t20240115_1001.html", texts[n], KindDetail})
	}
	return out
}

var (
	genOnce  sync.Once
	genPages []corpusPage
	impOnce  sync.Once
	impPages []corpusPage
)

// generatedPages is the crawl benchmark's generated TRS portal (a home
// page, list pages of 20 rows, one detail page per row).
func generatedPages(t testing.TB) []corpusPage {
	genOnce.Do(func() {
		genPages = portalPages(t, portal.Generated(400), 1000)
	})
	return genPages
}

// imitationPages is every page the imitation portal's sites serve.
func imitationPages(t testing.TB) []corpusPage {
	impOnce.Do(func() {
		impPages = portalPages(t, portal.New(portal.Options{}), 20000)
	})
	return impPages
}

// fewPages: -short under -race (CI's race run) reads this package's
// fixtures only; the analyses are single-threaded, and walking the
// portals there takes a minute.
func fewPages() bool { return testing.Short() && raceBuild }
