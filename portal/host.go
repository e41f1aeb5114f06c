package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nianbao/nianbao/sniff"
)

// siteDef is one config site: its entry and the function that builds its
// hosts and pages. Each site_*.go file registers one (or a few).
type siteDef struct {
	Name   string
	Region string
	Start  []string
	Hosts  []string
	order  int
	// addable: the site has a main column that renders NewReports added
	// with AddReport (the build function must call b.added()).
	addable   bool
	generated bool // only used by Generated, never by New
	build     func(b *builder)
}

var (
	regMu sync.Mutex
	reg   []*siteDef
)

// register adds a site definition; called from init in site_*.go files.
func register(d *siteDef) {
	regMu.Lock()
	defer regMu.Unlock()
	reg = append(reg, d)
}

func registry() []*siteDef {
	regMu.Lock()
	defer regMu.Unlock()
	out := append([]*siteDef(nil), reg...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].order != out[j].order {
			return out[i].order < out[j].order
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Scheme policy of a host.
type schemeMode int

const (
	schemeBoth          schemeMode = iota // same content on http and https
	schemeHTTPOnly                        // TLS handshake fails (no certificate for the name)
	schemeHTTPSRedirect                   // http answers 301 to https
)

// Behaviour for a path with no route.
type missMode int

const (
	miss404     missMode = iota // plain 404
	missHome301                 // 301 to "/" (Mentougou)
	missSoft404                 // 200 "页面不存在" page
	missISO404                  // 404 page labelled iso-8859-1, GBK bytes
	missSoftGBK                 // 200 GBK soft-404 labelled iso-8859-1
)

// vhost is one fake host.
type vhost struct {
	name   string
	scheme schemeMode
	miss   missMode
	// canonical scheme for URLs the fixtures print.
	canon  string
	routes map[string]*resource
	// prefix routes (longest first) for dynamic paths such as /WZWSREL….
	prefixes []prefixRoute
	// alias: serve another host's routes (www/bare twins).
	alias *vhost
	// all: a resource that answers every path (WAF'd hosts).
	all *resource
}

type prefixRoute struct {
	prefix string
	res    *resource
}

// resource is one response. Static resources (handler == nil) support
// ETag / Last-Modified and 304s.
type resource struct {
	status  int
	ctype   string      // Content-Type exactly as sent ("" = none)
	headers [][2]string // extra headers, values as raw bytes (may be GBK)
	body    []byte
	etag    string
	mod     time.Time
	// gate: without a Referer, answer gateRes instead (Referer-gated downloads).
	gate    *resource
	handler http.HandlerFunc
}

func (v *vhost) url(path string) string { return v.canon + "://" + v.name + path }

func (v *vhost) lookup(r *http.Request) *resource {
	if v.all != nil {
		return v.all
	}
	routes := v.routes
	prefixes := v.prefixes
	if v.alias != nil {
		routes, prefixes = v.alias.routes, v.alias.prefixes
	}
	p := r.URL.Path
	if r.URL.RawQuery != "" {
		if res := routes[p+"?"+r.URL.RawQuery]; res != nil {
			return res
		}
	}
	if res := routes[p]; res != nil {
		return res
	}
	for _, pr := range prefixes {
		if strings.HasPrefix(p, pr.prefix) {
			return pr.res
		}
	}
	return nil
}

func (v *vhost) serve(w http.ResponseWriter, r *http.Request) {
	if v.scheme == schemeHTTPSRedirect && r.TLS == nil {
		http.Redirect(w, r, "https://"+v.name+r.URL.RequestURI(), http.StatusMovedPermanently)
		return
	}
	res := v.lookup(r)
	if res == nil {
		v.serveMiss(w, r)
		return
	}
	res.serve(w, r)
}

func (v *vhost) serveMiss(w http.ResponseWriter, r *http.Request) {
	switch v.miss {
	case missHome301:
		http.Redirect(w, r, "/", http.StatusMovedPermanently)
	case missSoft404:
		writeRaw(w, http.StatusOK, "text/html; charset=utf-8", soft404Page)
	case missISO404:
		writeRaw(w, http.StatusNotFound, "text/html; charset=iso-8859-1", isoErrorPage)
	case missSoftGBK:
		writeRaw(w, http.StatusOK, "text/html; charset=iso-8859-1", isoErrorPage)
	default:
		writeRaw(w, http.StatusNotFound, "text/html; charset=utf-8", plain404Page)
	}
}

func writeRaw(w http.ResponseWriter, status int, ctype string, body []byte) {
	h := w.Header()
	if ctype != "" {
		h["Content-Type"] = []string{ctype}
	} else {
		// Stop net/http from sniffing a Content-Type on its own: real
		// servers that omit it are what this fixture imitates.
		h["Content-Type"] = nil
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (res *resource) serve(w http.ResponseWriter, r *http.Request) {
	if res.gate != nil && r.Referer() == "" {
		res.gate.serve(w, r)
		return
	}
	if res.handler != nil {
		res.handler(w, r)
		return
	}
	h := w.Header()
	for _, kv := range res.headers {
		h[kv[0]] = append(h[kv[0]], kv[1])
	}
	if res.etag != "" {
		h.Set("ETag", res.etag)
		h.Set("Last-Modified", res.mod.UTC().Format(http.TimeFormat))
		if notModified(r, res) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	status := res.status
	if status == 0 {
		status = http.StatusOK
	}
	writeRaw(w, status, res.ctype, res.body)
}

// notModified applies RFC 9110: If-None-Match wins over If-Modified-Since.
func notModified(r *http.Request, res *resource) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == res.etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !res.mod.Truncate(time.Second).After(t) {
			return true
		}
	}
	return false
}

func etagOf(b []byte) string {
	s := sha256.Sum256(b)
	return `"` + hex.EncodeToString(s[:8]) + `"`
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// builder collects one site's hosts, resources and ground truth.
type builder struct {
	p        *Portal
	def      *siteDef
	hosts    map[string]*vhost
	expected []ExpectedReport
	decoys   []Decoy
	blocked  []Blocked
}

// host creates (or returns) a host.
func (b *builder) host(name string, scheme schemeMode, miss missMode) *vhost {
	if v := b.hosts[name]; v != nil {
		return v
	}
	canon := "http"
	if scheme == schemeHTTPSRedirect {
		canon = "https"
	}
	v := &vhost{name: name, scheme: scheme, miss: miss, canon: canon, routes: map[string]*resource{}}
	b.hosts[name] = v
	return v
}

// version of a report id (ReplaceReport count).
func (b *builder) version(id string) int { return b.p.versions[id] }

// added returns the reports added to this site with AddReport, with ids.
func (b *builder) added() []NewReport { return b.p.added[b.def.Name] }

func (b *builder) expect(e ExpectedReport) {
	e.Site = b.def.Name
	e.Version = b.version(e.ID)
	b.expected = append(b.expected, e)
}

func (b *builder) decoy(url, title, why string) {
	b.decoys = append(b.decoys, Decoy{Site: b.def.Name, URL: url, Title: title, Why: why})
}

func (b *builder) block(url, kind string) {
	b.blocked = append(b.blocked, Blocked{Site: b.def.Name, URL: url, Kind: kind})
}

// put registers a static resource and returns it.
func (v *vhost) put(path string, res *resource) *resource {
	if res.etag == "" && res.handler == nil && (res.status == 0 || res.status == http.StatusOK) {
		res.etag = etagOf(res.body)
	}
	v.routes[path] = res
	return res
}

// page registers a UTF-8 HTML page. mod is its Last-Modified.
func (v *vhost) page(path string, html string, mod time.Time) ExpectedFile {
	return v.raw(path, []byte(html), "text/html; charset=utf-8", mod)
}

// raw registers bytes with an exact Content-Type header ("" = none).
// The body is hashed once for both the ETag and the ground truth (large
// generated portals build tens of thousands of pages).
func (v *vhost) raw(path string, body []byte, ctype string, mod time.Time) ExpectedFile {
	sum := sha256.Sum256(body)
	full := hex.EncodeToString(sum[:])
	v.put(path, &resource{ctype: ctype, body: body, mod: mod, etag: `"` + full[:16] + `"`})
	return ExpectedFile{URL: v.url(path), SHA256: full, Size: int64(len(body)), MediaType: sniff.Detect(body)}
}

// dir registers a directory index under "dir/" and "dir/index.html".
func (v *vhost) dir(dir string, html string, mod time.Time) {
	if !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	v.page(dir, html, mod)
	v.page(dir+"index.html", html, mod)
}

// status registers a fixed response.
func (v *vhost) status(path string, code int, ctype string, body []byte, headers ...[2]string) {
	v.routes[path] = &resource{status: code, ctype: ctype, body: body, headers: headers}
}

// redirect registers a redirect to loc.
func (v *vhost) redirect(path string, code int, loc string) {
	v.routes[path] = &resource{handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", loc)
		w.WriteHeader(code)
	}}
}

// prefix registers a resource for every path starting with prefix.
func (v *vhost) prefix(prefix string, res *resource) {
	v.prefixes = append(v.prefixes, prefixRoute{prefix, res})
	sort.SliceStable(v.prefixes, func(i, j int) bool { return len(v.prefixes[i].prefix) > len(v.prefixes[j].prefix) })
}

// robots serves robots.txt (a host without one answers per its miss mode).
func (v *vhost) robots(txt string) {
	v.put("/robots.txt", &resource{ctype: "text/plain", body: []byte(txt), mod: day("2020-01-01")})
}

// day parses YYYY-MM-DD as 09:00 China time; fixture dates are constants,
// so a bad one is a programming error caught by the tests.
func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, cst)
	if err != nil {
		panic("portal: bad fixture date " + s)
	}
	return t.Add(9 * time.Hour)
}

var cst = time.FixedZone("CST", 8*3600)

// bumped is a resource's Last-Modified after v replacements.
func bumped(t time.Time, v int) time.Time { return t.Add(time.Duration(v) * 24 * time.Hour) }

// latest returns the latest of the given dates (list pages change when an
// item is added, so their Last-Modified follows the newest item).
func latest(ds ...string) time.Time {
	var m time.Time
	for _, d := range ds {
		if d == "" {
			continue
		}
		if t := day(d); t.After(m) {
			m = t
		}
	}
	if m.IsZero() {
		m = day("2020-01-01")
	}
	return m
}

// addAlt records another URL under which a published report is linked.
func (b *builder) addAlt(id, url string) {
	for i := range b.expected {
		if b.expected[i].ID == id {
			b.expected[i].AltURLs = append(b.expected[i].AltURLs, url)
		}
	}
}
