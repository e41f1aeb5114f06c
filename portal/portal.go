package portal

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"

	"github.com/nianbao/nianbao/config"
)

// Options configures New.
type Options struct {
	// Sites limits the portal to the named sites (see Names); nil serves all.
	// Hosts shared by several sites (none today) are served if any is kept.
	Sites []string
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
}

// ExpectedFile is one stored object of a report: a detail page or an
// attachment, with the bytes the portal serves for it right now.
type ExpectedFile struct {
	URL       string `json:"url"`
	Filename  string `json:"filename,omitempty"` // as the server names it (Content-Disposition or link text)
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"` // sniff.* constant of the served bytes
	// Referer is true when the server refuses the file without a Referer.
	Referer bool `json:"referer,omitempty"`
	// Scan is true for an image-only PDF (no text layer): its body and
	// year can be read only by OCR, if at all.
	Scan bool `json:"scan,omitempty"`
}

// ExpectedReport is one annual report the portal holds: the ground truth a
// crawl of the site is compared against. Look-alikes (解读, 图解, notices,
// the format notice, 网站工作年度报表, 政府工作报告, guides) are never listed
// here; they are listed by Decoys so tests can assert they were not archived.
type ExpectedReport struct {
	ID        string `json:"id"` // stable portal id, for ReplaceReport
	Site      string `json:"site"`
	Title     string `json:"title"` // full title (title= / ArticleTitle), decoded to UTF-8
	Body      string `json:"body"`  // issuing body
	Year      int    `json:"year"`  // data year
	Published string `json:"published"`
	Format    string `json:"format"` // "2021", "2019", "legacy": the table layout of the report's content
	// DetailURL is the report's page as most lists link it (canonical form).
	DetailURL string `json:"detail_url"`
	// AltURLs are other URLs serving the same report (_wap twin, bare-host
	// twin, other scheme): one document, several sightings.
	AltURLs []string `json:"alt_urls,omitempty"`
	// Pages are the detail page(s) (a multi-page article has several).
	Pages []ExpectedFile `json:"pages"`
	// Attachments are the files linked from the page that belong to the
	// report (the report itself as PDF/DOC/DOCX, a 统计表 .xls, a scan).
	Attachments []ExpectedFile `json:"attachments,omitempty"`
	// Data are the numbers in the report's tables when the portal generated
	// them (HTML pages, generated DOCX and 统计表 attachments); nil when the
	// report's only file is the sample report or an illegible scan.
	Data *ReportData `json:"data,omitempty"`
	// Version counts ReplaceReport calls (0 = original).
	Version int `json:"version"`
}

// Decoy is a page that looks like a report (or sits where reports sit) but
// must NOT be archived as one.
type Decoy struct {
	Site  string `json:"site"`
	URL   string `json:"url"`
	Title string `json:"title"`
	Why   string `json:"why"` // "解读", "图解", "notice", "format-notice", "网站年报", "政府工作报告", "指南", "mirror", …
}

// Blocked is a URL linked from a site that always answers with a WAF
// challenge or another page a crawler must record as blocked, never archive.
type Blocked struct {
	Site string `json:"site"`
	URL  string `json:"url"`
	Kind string `json:"kind"` // "ruishu", "jiasule", "wzws", "robots"
}

// NewReport describes a report added with AddReport.
type NewReport struct {
	Title     string // full title; the body and year are read from it when empty below
	Body      string
	Year      int
	Published string // YYYY-MM-DD
}

// Portal is the imitation web. It is an http.Handler; Start serves it.
type Portal struct {
	opts Options
	defs []*siteDef

	mu       sync.RWMutex
	hosts    map[string]*vhost
	expected map[string][]ExpectedReport
	decoys   map[string][]Decoy
	blocked  map[string][]Blocked
	versions map[string]int
	added    map[string][]NewReport
	shut     map[string]string // site -> WAF kind it now answers with (BlockSite)
	known    map[string]string // report id -> site

	stats statsTable
	// polite records every request's arrival and finish per host.
	polite politeLog
	// lat delays every response (Fleet's Latency; nil: no delay).
	lat *latency

	srv, tlsSrv *httptest.Server
	cert        tls.Certificate
	pool        *x509.CertPool
}

// New builds the portal with the registered sites (all, or opts.Sites).
func New(opts Options) *Portal {
	var defs []*siteDef
	for _, d := range registry() {
		if d.generated {
			continue
		}
		if opts.Sites == nil || slices.Contains(opts.Sites, d.Name) {
			defs = append(defs, d)
		}
	}
	return newPortal(opts, defs)
}

func newPortal(opts Options, defs []*siteDef) *Portal {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Portal{
		opts:     opts,
		defs:     defs,
		versions: map[string]int{},
		added:    map[string][]NewReport{},
		shut:     map[string]string{},
	}
	p.stats.init()
	p.polite.init()
	p.rebuild()
	return p
}

// Names lists the sites New can serve, in a stable order.
func Names() []string {
	var out []string
	for _, d := range registry() {
		if !d.generated {
			out = append(out, d.Name)
		}
	}
	return out
}

// rebuild regenerates every host from the model (sites, versions, added
// reports). Output depends only on the model, so unchanged resources keep
// their bytes, ETag and Last-Modified.
func (p *Portal) rebuild() {
	hosts := map[string]*vhost{}
	exp := map[string][]ExpectedReport{}
	dec := map[string][]Decoy{}
	blk := map[string][]Blocked{}
	known := map[string]string{}
	for _, d := range p.defs {
		b := &builder{p: p, def: d, hosts: hosts}
		d.build(b)
		exp[d.Name] = b.expected
		dec[d.Name] = b.decoys
		blk[d.Name] = b.blocked
		if kind := p.shut[d.Name]; kind != "" {
			// Every host of the site now answers the challenge, robots.txt included.
			for _, h := range d.Hosts {
				if vh := hosts[h]; vh != nil {
					vh.all = wafPages[kind]
					blk[d.Name] = append(blk[d.Name], Blocked{Site: d.Name, URL: vh.url("/"), Kind: kind})
				}
			}
			b.expected = nil
		}
		for _, e := range b.expected {
			known[e.ID] = d.Name
		}
	}
	p.hosts, p.expected, p.decoys, p.blocked, p.known = hosts, exp, dec, blk, known
}

// Sites returns the config entries a user would write for each site:
// name, region, start URLs and hosts only.
func (p *Portal) Sites() []config.Site {
	var out []config.Site
	for _, d := range p.defs {
		out = append(out, config.Site{
			Name:   d.Name,
			Region: d.Region,
			Start:  slices.Clone(d.Start),
			Hosts:  slices.Clone(d.Hosts),
		})
	}
	return out
}

// Expected returns the reports a crawl of site (default config: robots
// honoured) must archive — all of them and nothing else. A site whose
// every page is blocked or robots-closed has none.
func (p *Portal) Expected(site string) []ExpectedReport {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return cloneExpected(p.expected[site])
}

// Decoys returns the look-alike pages of site that must not be archived
// as reports.
func (p *Portal) Decoys(site string) []Decoy {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return slices.Clone(p.decoys[site])
}

// Blocked returns the URLs of site that always answer with a WAF challenge
// (or are closed by robots.txt): a crawl records them as blocked.
func (p *Portal) Blocked(site string) []Blocked {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return slices.Clone(p.blocked[site])
}

func cloneExpected(in []ExpectedReport) []ExpectedReport {
	out := make([]ExpectedReport, len(in))
	for i, e := range in {
		e.AltURLs = slices.Clone(e.AltURLs)
		e.Pages = slices.Clone(e.Pages)
		e.Attachments = slices.Clone(e.Attachments)
		out[i] = e
	}
	return out
}

// ReplaceReport changes the bytes a report serves at the same URLs (its
// HTML body numbers or its attachment bytes), as a corrected re-upload does.
func (p *Portal) ReplaceReport(id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.known[id]; !ok {
		return fmt.Errorf("portal: no report %q", id)
	}
	p.versions[id]++
	p.rebuild()
	return nil
}

// BlockSite puts every host of site behind a WAF ("ruishu", "jiasule"
// or "wzws") from now on, as when a portal starts blocking the crawler's
// address: its reports are still there, but no crawl can reach them
// (Expected is then empty, Blocked lists the hosts).
func (p *Portal) BlockSite(site, kind string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if wafPages[kind] == nil {
		return fmt.Errorf("portal: unknown WAF kind %q (ruishu, jiasule, wzws)", kind)
	}
	found := false
	for _, d := range p.defs {
		found = found || d.Name == site
	}
	if !found {
		return fmt.Errorf("portal: no site %q", site)
	}
	p.shut[site] = kind
	p.rebuild()
	return nil
}

// AddReport publishes a new HTML report at the top of the site's main
// report column (the list pages change; nothing else does) and returns its
// expected entry.
func (p *Portal) AddReport(site string, r NewReport) (ExpectedReport, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var def *siteDef
	for _, d := range p.defs {
		if d.Name == site {
			def = d
		}
	}
	if def == nil {
		return ExpectedReport{}, fmt.Errorf("portal: no site %q", site)
	}
	if !def.addable {
		return ExpectedReport{}, fmt.Errorf("portal: site %q has no column that takes new reports", site)
	}
	if r.Title == "" || r.Year < 1990 || len(r.Published) != 10 {
		return ExpectedReport{}, fmt.Errorf("portal: AddReport needs a title, a year and a YYYY-MM-DD date (got %q, %d, %q)", r.Title, r.Year, r.Published)
	}
	if r.Body == "" {
		r.Body = bodyFromTitle(r.Title)
	}
	p.added[site] = append(p.added[site], r)
	p.rebuild()
	id := addedID(site, len(p.added[site])-1)
	for _, e := range p.expected[site] {
		if e.ID == id {
			return cloneExpected([]ExpectedReport{e})[0], nil
		}
	}
	return ExpectedReport{}, fmt.Errorf("portal: site %q did not publish added report %s", site, id)
}

func addedID(site string, i int) string { return fmt.Sprintf("%s-added-%d", site, i+1) }

// bodyFromTitle takes what precedes the year in a title.
func bodyFromTitle(t string) string {
	for i, r := range t {
		if r >= '0' && r <= '9' {
			return strings.TrimSpace(t[:i])
		}
	}
	return ""
}

// ServeHTTP routes by the Host header (port ignored).
// Every request is recorded for Politeness (arrival before any latency,
// finish after the response) and delayed by a Fleet's latency.
func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := p.polite.now()
	cw := &countingWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			// A fixture bug must not kill the test server; report it as a 500.
			p.opts.Logger.Error("portal: handler panic", "url", r.URL.String(), "panic", v)
			if !cw.wrote {
				http.Error(cw, "internal error", http.StatusInternalServerError)
			}
		}
		p.polite.record(politeKey(r), arrived, p.polite.now())
		key := requestKey(r)
		p.stats.record(key, cw.status, cw.n)
		if p.opts.Logger.Enabled(r.Context(), slog.LevelDebug) {
			p.opts.Logger.Debug("portal", "method", r.Method, "url", key, "status", cw.status, "bytes", cw.n)
		}
	}()
	if p.lat != nil {
		p.lat.hold(r)
	}
	host := hostOnly(r.Host)
	p.mu.RLock()
	vh := p.hosts[host]
	p.mu.RUnlock()
	if vh == nil {
		http.Error(cw, "unknown host "+host, http.StatusMisdirectedRequest)
		return
	}
	vh.serve(cw, r)
}

func hostOnly(h string) string {
	h = strings.ToLower(h)
	if hh, _, err := net.SplitHostPort(h); err == nil {
		return hh
	}
	return h
}

func requestKey(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + hostOnly(r.Host) + r.URL.RequestURI()
}

// Start serves the portal on 127.0.0.1 (plain HTTP, and TLS for https
// hosts) and returns the plain server's base URL. Use Resolve to reach the
// fake hosts. Start is idempotent.
func (p *Portal) Start() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		return p.srv.URL
	}
	p.srv = httptest.NewServer(p)
	p.cert, p.pool = p.makeCert()
	p.tlsSrv = httptest.NewUnstartedServer(p)
	p.tlsSrv.TLS = &tls.Config{GetCertificate: p.getCertificate, MinVersion: tls.VersionTLS12}
	// Refused handshakes (http-only hosts) are expected; keep them out of test logs.
	p.tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	p.tlsSrv.StartTLS()
	return p.srv.URL
}

// TLSBase returns the TLS server's base URL ("" before Start).
func (p *Portal) TLSBase() string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.tlsSrv == nil {
		return ""
	}
	return p.tlsSrv.URL
}

// Close stops the servers.
func (p *Portal) Close() {
	p.mu.Lock()
	srv, tlsSrv := p.srv, p.tlsSrv
	p.srv, p.tlsSrv = nil, nil
	p.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
	if tlsSrv != nil {
		tlsSrv.Close()
	}
}

// Resolve maps "host:80" and "host:443" of every fake host to the loopback
// servers (like curl --resolve). Empty before Start.
func (p *Portal) Resolve() map[string]string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := map[string]string{}
	if p.srv == nil {
		return out
	}
	plain := p.srv.Listener.Addr().String()
	tlsAddr := p.tlsSrv.Listener.Addr().String()
	for name := range p.hosts {
		out[name+":80"] = plain
		out[name+":443"] = tlsAddr
	}
	return out
}

// CertPool trusts the portal's self-signed certificate (nil before Start).
// Its names cover every https host; http-only hosts fail the handshake,
// like real ones.
func (p *Portal) CertPool() *x509.CertPool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.pool
}

// Client returns an http.Client that reaches the fake hosts through
// Resolve and trusts CertPool. It does not follow redirects, so tests see
// every 301/302 the portal sends.
func (p *Portal) Client() *http.Client {
	res := p.Resolve()
	d := &net.Dialer{}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if to, ok := res[addr]; ok {
				return d.DialContext(ctx, network, to)
			}
			return nil, fmt.Errorf("portal client: %s is not a portal host", addr)
		},
		TLSClientConfig:   &tls.Config{RootCAs: p.CertPool(), MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: false,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// countingWriter records the status and body bytes of one response.
type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
	wrote  bool
}

func (c *countingWriter) WriteHeader(code int) {
	if !c.wrote {
		c.status = code
		c.wrote = true
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.wrote = true
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}
