package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/sniff"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var (
	sharedOnce sync.Once
	shared     *Portal
)

// sharedPortal is one started, never-mutated portal for read-only tests.
func sharedPortal(t *testing.T) *Portal {
	t.Helper()
	sharedOnce.Do(func() {
		shared = New(Options{})
		shared.Start()
	})
	return shared
}

type fetched struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, p *Portal, u string, hdr ...string) fetched {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatalf("request %s: %v", u, err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := p.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return fetched{resp.StatusCode, resp.Header, b}
}

func hexsha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func findExpected(t *testing.T, p *Portal, site, id string) ExpectedReport {
	t.Helper()
	for _, e := range p.Expected(site) {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no expected report %s in %s", id, site)
	return ExpectedReport{}
}

// Every expected page and attachment is served with the recorded bytes;
// the page carries the title; numbers obey format.md §5.
func TestExpectedMatchesServed(t *testing.T) {
	p := sharedPortal(t)
	total := 0
	for _, site := range Names() {
		for _, e := range p.Expected(site) {
			total++
			if e.Title == "" || e.Body == "" || e.Year < 2000 || len(e.Published) != 10 || len(e.Pages) == 0 {
				t.Errorf("%s: incomplete expected entry %+v", e.ID, e)
			}
			if e.Data != nil {
				if err := e.Data.Check(); err != nil {
					t.Errorf("%s: numbers inconsistent: %v", e.ID, err)
				}
			}
			for i, pg := range e.Pages {
				f := get(t, p, pg.URL)
				if f.status != 200 || hexsha(f.body) != pg.SHA256 || int64(len(f.body)) != pg.Size {
					t.Errorf("%s page %d %s: status %d sha mismatch=%v", e.ID, i, pg.URL, f.status, hexsha(f.body) != pg.SHA256)
				}
				text, _ := charset.Decode(f.body, f.header.Get("Content-Type"), true)
				if i == 0 && !strings.Contains(text, `name="ArticleTitle" content="`+esc(e.Title)+`"`) {
					t.Errorf("%s: page does not carry its title %q (decoded as GB18030-aware)", e.ID, e.Title)
				}
			}
			for _, a := range e.Attachments {
				f := get(t, p, a.URL, "Referer", e.DetailURL)
				if f.status != 200 || hexsha(f.body) != a.SHA256 || sniff.Detect(f.body) != a.MediaType {
					t.Errorf("%s attachment %s: status %d, media %s want %s", e.ID, a.URL, f.status, sniff.Detect(f.body), a.MediaType)
				}
				if a.MediaType == sniff.HTML || a.MediaType == sniff.Text {
					t.Errorf("%s attachment %s is not a document", e.ID, a.URL)
				}
				if a.Referer {
					g := get(t, p, a.URL)
					if g.status == 200 && hexsha(g.body) == a.SHA256 {
						t.Errorf("%s: Referer-gated %s served the file without a Referer", e.ID, a.URL)
					}
				}
			}
			for _, alt := range e.AltURLs {
				u := alt
				f := get(t, p, u)
				if f.status == http.StatusMovedPermanently {
					u = f.header.Get("Location")
					f = get(t, p, u)
				}
				if f.status != 200 || hexsha(f.body) != e.Pages[0].SHA256 {
					t.Errorf("%s: alt URL %s (→%s) status %d, same bytes=%v", e.ID, alt, u, f.status, hexsha(f.body) == e.Pages[0].SHA256)
				}
			}
		}
	}
	if total < 30 {
		t.Errorf("only %d expected reports", total)
	}
}

// Every expected report (pages and attachments) is reachable by links from
// the site's start URLs within its allowed hosts; decoys are reachable too
// (so they really are traps); the mirror is linked but outside the hosts.
func TestReachableFromStart(t *testing.T) {
	p := sharedPortal(t)
	for _, s := range p.Sites() {
		if len(p.Expected(s.Name)) == 0 {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			w := walk(t, p, s, 2000)
			for _, e := range p.Expected(s.Name) {
				for _, pg := range e.Pages {
					if w.status[pg.URL] != 200 {
						t.Errorf("%s: page %s not reached (status %d)", e.ID, pg.URL, w.status[pg.URL])
					}
				}
				for _, a := range e.Attachments {
					if w.status[a.URL] != 200 || hexsha(w.body[a.URL]) != a.SHA256 {
						t.Errorf("%s: attachment %s not reached intact", e.ID, a.URL)
					}
				}
			}
			for _, d := range p.Decoys(s.Name) {
				if d.Why == "mirror" {
					if !w.offer[d.URL] {
						t.Errorf("mirror %s is not linked from the site", d.URL)
					}
					if _, ok := w.status[d.URL]; ok {
						t.Errorf("mirror %s was inside the allowed hosts", d.URL)
					}
					continue
				}
				if w.status[d.URL] != 200 {
					t.Errorf("decoy %s (%s) not reachable", d.URL, d.Why)
				}
			}
			for _, bl := range p.Blocked(s.Name) {
				if _, ok := w.status[bl.URL]; !ok {
					t.Errorf("blocked URL %s not linked", bl.URL)
				}
			}
		})
	}
}

// Table of checklist items (portals.md §6) answered as specified.
func TestChecklistResponses(t *testing.T) {
	p := sharedPortal(t)
	gxj20 := findExpected(t, p, "yanshi", "gxj-2020")
	gxj22 := findExpected(t, p, "yanshi", "gxj-2022")
	gxj24 := findExpected(t, p, "yanshi", "gxj-2024")
	wrongDir := strings.Replace(gxj24.DetailURL, "/xxgk/xxgknb/", "/xxgk/", 1)
	tests := []struct {
		name   string
		url    string
		hdr    []string
		status int
		check  func(t *testing.T, f fetched)
	}{
		{"classic pager page 3", "http://gxj.yanshi.gov.cn/xxgk/xxgknb/index_2.html", nil, 200, contains(`createPageHTML(3, 2, "index", "html")`)},
		{"classic 404 past the end", "http://gxj.yanshi.gov.cn/xxgk/xxgknb/index_3.html", nil, 404, nil},
		{"list without trailing slash", "http://gxj.yanshi.gov.cn/xxgk/xxgknb", nil, 200, contains(`href="./2025`)},
		{"./x resolved against the slash-less list", wrongDir, nil, 404, nil},
		{"bare directory 403", "http://gxj.yanshi.gov.cn/xxgk/", nil, 403, nil},
		{"6-arg pager page 2", "http://jyj.yanshi.gov.cn/zwgk_64769/zfxxgknb_64786/list_2.shtml", nil, 200, contains(`createPageHTML('page_div',3, 2,'list','shtml',7)`)},
		{"6-arg past the end refresh", "http://jyj.yanshi.gov.cn/zwgk_64769/zfxxgknb_64786/list_4.shtml", nil, 200, contains(`http-equiv="refresh" content="0;url=./"`)},
		{"onclick link", "http://jyj.yanshi.gov.cn/zwgk_64769/zfxxgknb_64786/list.shtml", nil, 200, contains(`href="javascript:void(0)" onclick="jumpToDetail('./2024`)},
		{"&amp; in href", findExpected(t, p, "yanshi", "jyj-2021").DetailURL, nil, 200, contains(`download.jsp?urltype=news.DownloadAttachUrl&amp;owner=`)},
		{"multi-page article", strings.TrimSuffix(gxj20.DetailURL, ".html") + "_1.html", nil, 200, contains(`createPageHTML(2, 1, "t2021`)},
		{"TRS meta and attachment", gxj22.DetailURL, nil, 200, contains(`<meta name="PubDate" content="2023-01-16 09:30">`, `class="TRS_Editor"`, `OLDSRC="/protect/P0202301/`, `href="./P020230116`, "详见附件")},
		{"dead OLDSRC", "http://gxj.yanshi.gov.cn" + oldsrcOf(t, p, gxj22.DetailURL), nil, 404, nil},
		{"wap twin", strings.TrimSuffix(gxj24.DetailURL, ".html") + "_wap.html", nil, 200, nil},
		{"word paste table", findExpected(t, p, "yanshi", "jyj-2024").DetailURL, nil, 200, contains(`class="MsoNormalTable"`, "mso-yfti-irow", "<o:p></o:p>", "仿宋_GB2312", "2024 年政府信息公开")},
		{"rich editor table", gxj24.DetailURL, nil, 200, contains(`<p align="center">`, "本年新收政府信息公开申请数量", `rowspan="22"`, "<br />")},
		{"soft 404 with 200", "http://www.yanshi.gov.cn/no/such/page.html", nil, 200, contains("页面不存在")},
		{"location.replace shell", "http://xxgk.yanshi.gov.cn/zfxxgk/", nil, 200, func(t *testing.T, f fetched) {
			if len(f.body) > 200 || !bytes.Contains(f.body, []byte("location.replace('./zfxxgknb/')")) {
				t.Errorf("shell is %d bytes: %s", len(f.body), f.body)
			}
		}},
		{"http to https", "http://www.henan.gov.cn/zwgk/zfxxgknb/", nil, 301, header("Location", "https://www.henan.gov.cn/zwgk/zfxxgknb/")},
		{"301 to home", "https://www.henan.gov.cn/zwgk/nosuchcolumn/", nil, 301, header("Location", "/")},
		{"robots allow + sitemap", "https://www.henan.gov.cn/robots.txt", nil, 200, contains("Allow: /", "Sitemap: https://www.henan.gov.cn/sitemap.xml")},
		{"robots disallow all", "http://www.bjshy.gov.cn/robots.txt", nil, 200, contains("Disallow: /\n")},
		{"robots 404", "http://gxj.yanshi.gov.cn/robots.txt", nil, 404, nil},
		{"ruishu 412", "http://www.nhc.gov.cn/", nil, 412, func(t *testing.T, f fetched) {
			contains("$_ts", "r='m'")(t, f)
			c := f.header.Get("Set-Cookie")
			if name, _, _ := strings.Cut(c, "="); !strings.HasSuffix(name, "S") {
				t.Errorf("cookie %q does not end in S", name)
			}
		}},
		{"ruishu on robots too", "http://www.nhc.gov.cn/robots.txt", nil, 412, nil},
		{"jiasule 521", "http://www.miit.gov.cn/zwgk/", nil, 521, contains("document.cookie=", "location.href")},
		{"wzws 200", "https://www.henan.gov.cn/zwgk/bgt/202301/t20230130_3002.html", nil, 200, contains("请开启JavaScript并刷新该页")},
		{"wzws 302", "https://www.henan.gov.cn/zwgk/bgt/202401/t20240130_3001.html", nil, 302, func(t *testing.T, f fetched) {
			loc := f.header.Get("Location")
			enc, q, ok := strings.Cut(strings.TrimPrefix(loc, "/WZWSREL"), "?")
			dec, err := base64.StdEncoding.DecodeString(enc)
			if !ok || err != nil || string(dec) != "/zwgk/bgt/202401/t20240130_3001.html" || !strings.HasPrefix(q, "wzwschallenge=") {
				t.Errorf("Location %q (decoded %q, %v)", loc, dec, err)
			}
		}},
		{"gbk no header charset", findExpected(t, p, "yanshi", "wsj-2024").DetailURL, nil, 200, func(t *testing.T, f fetched) {
			if ct := f.header.Get("Content-Type"); ct != "text/html" {
				t.Errorf("Content-Type %q", ct)
			}
			contains(`content="text/html; charset=gb2312"`)(t, f)
			gbkOnly(t, f.body, "王堃", "陈镕")
		}},
		{"charset=gbk meta", findExpected(t, p, "yanshi", "wsj-2023").DetailURL, nil, 200, contains(`<meta http-equiv="Content-Type" content="charset=gbk">`)},
		{"header vs meta mismatch", findExpected(t, p, "yanshi", "wsj-2022").DetailURL, nil, 200, func(t *testing.T, f fetched) {
			if ct := f.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			contains("charset=gb2312")(t, f)
			if bytes.Equal(f.body, []byte(string([]rune(string(f.body))))) {
				t.Error("body is valid UTF-8; want GBK bytes")
			}
		}},
		{"iso-8859-1 error page", "http://wsj.yanshi.gov.cn/nothing", nil, 404, header("Content-Type", "text/html; charset=iso-8859-1")},
		{"referer gate 200", findExpected(t, p, "yanshi", "jyj-2023").Attachments[0].URL, nil, 200, func(t *testing.T, f fetched) {
			if sniff.Detect(f.body) != sniff.HTML {
				t.Errorf("without Referer got %s, want an HTML error page", sniff.Detect(f.body))
			}
		}},
		{"referer gate 501", findExpected(t, p, "henan", "hn-2021").Attachments[0].URL, nil, 501, nil},
		{"extension-less download", findExpected(t, p, "yanshi", "jyj-2021").Attachments[0].URL, nil, 200, func(t *testing.T, f fetched) {
			if sniff.Detect(f.body) != sniff.DOCX {
				t.Errorf("got %s", sniff.Detect(f.body))
			}
		}},
		{"image-only report", findExpected(t, p, "yanshi", "jyj-2020").Attachments[0].URL, nil, 200, func(t *testing.T, f fetched) {
			if !bytes.HasPrefix(f.body, []byte("%PDF")) || bytes.Contains(f.body, []byte("/ToUnicode")) {
				t.Error("want a PDF without a text layer")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := get(t, p, tc.url, tc.hdr...)
			if f.status != tc.status {
				t.Fatalf("%s: status %d, want %d", tc.url, f.status, tc.status)
			}
			if tc.check != nil {
				tc.check(t, f)
			}
		})
	}
}

func contains(subs ...string) func(*testing.T, fetched) {
	return func(t *testing.T, f fetched) {
		t.Helper()
		for _, s := range subs {
			if !bytes.Contains(f.body, []byte(s)) {
				t.Errorf("body lacks %q", s)
			}
		}
	}
}

func header(k, v string) func(*testing.T, fetched) {
	return func(t *testing.T, f fetched) {
		t.Helper()
		if got := f.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// gbkOnly asserts the GBK bytes of each string are present and that the
// characters are outside GB2312 (a strict GB2312 decoder would fail).
func gbkOnly(t *testing.T, body []byte, ss ...string) {
	t.Helper()
	for _, s := range ss {
		enc, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		if err != nil || !bytes.Contains(body, enc) {
			t.Errorf("GBK bytes of %q missing", s)
		}
	}
	if _, err := simplifiedchinese.HZGB2312.NewEncoder().String("堃"); err == nil {
		t.Error("堃 encodes in GB2312; the fixture needs a GBK-only character")
	}
	text, _ := charset.Decode(body, "text/html", true)
	for _, s := range ss {
		if !strings.Contains(text, s) {
			t.Errorf("GB18030-aware decode lacks %q", s)
		}
	}
}

func oldsrcOf(t *testing.T, p *Portal, detail string) string {
	t.Helper()
	f := get(t, p, detail)
	_, rest, ok := bytes.Cut(f.body, []byte(`OLDSRC="`))
	if !ok {
		t.Fatalf("no OLDSRC on %s", detail)
	}
	v, _, _ := bytes.Cut(rest, []byte(`"`))
	return string(v)
}

// Content-Disposition in all three styles names the same file.
func TestContentDisposition(t *testing.T) {
	p := sharedPortal(t)
	tests := []struct {
		id     string
		file   int // attachment index
		decode func(string) (string, error)
	}{
		{"gxj-2023", 1, func(h string) (string, error) { // raw GBK bytes
			_, v, _ := strings.Cut(h, `filename="`)
			v = strings.TrimSuffix(v, `"`)
			b, err := simplifiedchinese.GBK.NewDecoder().Bytes([]byte(v))
			return string(b), err
		}},
		{"gxj-2019", 0, func(h string) (string, error) { // percent-encoded UTF-8, + for space
			_, v, _ := strings.Cut(h, `filename="`)
			if !strings.Contains(v, "+") {
				t.Errorf("no + in %q", v)
			}
			return url.QueryUnescape(strings.TrimSuffix(v, `"`))
		}},
		{"gxj-2021", 0, func(h string) (string, error) { // RFC 5987
			_, params, err := mime.ParseMediaType(h)
			return params["filename"], err
		}},
	}
	for _, tc := range tests {
		e := findExpected(t, p, "yanshi", tc.id)
		a := e.Attachments[tc.file]
		f := get(t, p, a.URL, "Referer", e.DetailURL)
		got, err := tc.decode(f.header.Get("Content-Disposition"))
		if err != nil || got != a.Filename {
			t.Errorf("%s: Content-Disposition %q decodes to %q (%v), want %q", tc.id, f.header.Get("Content-Disposition"), got, err, a.Filename)
		}
	}
}

func TestConditionalGET(t *testing.T) {
	p := sharedPortal(t)
	e := findExpected(t, p, "yanshi", "gxj-2022")
	for _, u := range []string{e.DetailURL, e.Attachments[0].URL} {
		f := get(t, p, u, "Referer", e.DetailURL)
		etag, lm := f.header.Get("ETag"), f.header.Get("Last-Modified")
		if etag == "" || lm == "" {
			t.Fatalf("%s: no validators", u)
		}
		if g := get(t, p, u, "Referer", e.DetailURL, "If-None-Match", etag); g.status != 304 || len(g.body) != 0 {
			t.Errorf("%s If-None-Match: %d", u, g.status)
		}
		if g := get(t, p, u, "Referer", e.DetailURL, "If-Modified-Since", lm); g.status != 304 {
			t.Errorf("%s If-Modified-Since: %d", u, g.status)
		}
		if g := get(t, p, u, "Referer", e.DetailURL, "If-None-Match", `"other"`, "If-Modified-Since", lm); g.status != 200 {
			t.Errorf("%s: a stale ETag must win over If-Modified-Since, got %d", u, g.status)
		}
	}
}

// The TLS side: https hosts verify against CertPool; the http-only host
// fails its handshake.
func TestTLS(t *testing.T) {
	p := sharedPortal(t)
	if f := get(t, p, "https://xxgk.yanshi.gov.cn/zfxxgk/zfxxgknb/"); f.status != 200 {
		t.Errorf("https twin: %d", f.status)
	}
	if _, err := p.Client().Get("https://wsj.yanshi.gov.cn/"); err == nil {
		t.Error("http-only host completed a TLS handshake")
	}
	res := p.Resolve()
	if res["www.yanshi.gov.cn:80"] == "" || res["www.henan.gov.cn:443"] == "" || res["www.yanshi.gov.cn:80"] == res["www.henan.gov.cn:443"] {
		t.Errorf("Resolve: %v", res)
	}
}

// Two portals built independently serve identical bytes.
func TestDeterministic(t *testing.T) {
	a, b := New(Options{}), New(Options{})
	for _, s := range Names() {
		ja, _ := json.Marshal(a.Expected(s))
		jb, _ := json.Marshal(b.Expected(s))
		if !bytes.Equal(ja, jb) {
			t.Errorf("site %s differs between two builds", s)
		}
	}
	ha, hb := a.hosts["gxj.yanshi.gov.cn"].routes["/xxgk/xxgknb/"], b.hosts["gxj.yanshi.gov.cn"].routes["/xxgk/xxgknb/"]
	if ha == nil || !bytes.Equal(ha.body, hb.body) || ha.etag != hb.etag || !ha.mod.Equal(hb.mod) {
		t.Error("list page differs between builds")
	}
}

func TestSitesConfig(t *testing.T) {
	p := New(Options{})
	names := map[string]bool{}
	for _, s := range p.Sites() {
		names[s.Name] = true
		if len(s.Start) == 0 || len(s.Hosts) == 0 {
			t.Errorf("%s: incomplete %+v", s.Name, s)
		}
		for _, st := range s.Start {
			u, err := url.Parse(st)
			if err != nil || !hostAllowed(s, u.Hostname()) || p.hosts[u.Hostname()] == nil {
				t.Errorf("%s: start %s not served / not allowed", s.Name, st)
			}
		}
		for _, e := range p.Expected(s.Name) {
			for _, f := range append(append([]ExpectedFile{}, e.Pages...), e.Attachments...) {
				u, _ := url.Parse(f.URL)
				if !hostAllowed(s, u.Hostname()) {
					t.Errorf("%s: expected file %s outside the site's hosts", s.Name, f.URL)
				}
			}
		}
	}
	for _, want := range []string{"yanshi", "henan", "nhc", "miit", "bjshy"} {
		if !names[want] {
			t.Errorf("site %s missing", want)
		}
	}
	if got := New(Options{Sites: []string{"henan"}}).Sites(); len(got) != 1 || got[0].Name != "henan" {
		t.Errorf("Options.Sites filter: %v", got)
	}
}
