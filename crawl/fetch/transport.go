package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nianbao/nianbao/internal/urlcanon"
	"golang.org/x/net/http/httpproxy"
)

// Defaults for Options fields left zero.
const (
	DefaultConnectTimeout        = 15 * time.Second
	DefaultTLSHandshakeTimeout   = 15 * time.Second
	DefaultResponseHeaderTimeout = 30 * time.Second
	// DefaultStallTimeout aborts a body that delivers less than
	// StallMinBytes in this long: slow portals are slow, dead ones stop or
	// trickle (a body at 1 byte/s would otherwise last until Timeout).
	DefaultStallTimeout = 60 * time.Second
	// StallMinBytes is the progress that restarts the stall clock.
	StallMinBytes = 1 << 10
	// DefaultTimeout bounds a whole exchange, body included: a 100 MB
	// attachment at 300 KB/s needs about six minutes.
	DefaultTimeout = 15 * time.Minute
	// DefaultMaxBody is the body cap: attachments of 100 MB+ exist.
	DefaultMaxBody int64 = 512 << 20
	// DefaultMaxRedirects bounds redirect chains followed by NewClient.
	DefaultMaxRedirects = 10
)

// ErrNonLoopback is returned by the dialer when Options.LoopbackOnly is set
// and the address to dial is not a loopback address.
var ErrNonLoopback = errors.New("fetch: refusing to dial a non-loopback address")

// Options configures NewTransport and NewClient. The zero value is usable.
type Options struct {
	ConnectTimeout        time.Duration // TCP connect; default 15s
	TLSHandshakeTimeout   time.Duration // default 15s
	ResponseHeaderTimeout time.Duration // request written → headers read; default 30s
	// StallTimeout aborts a response body that delivers less than
	// StallMinBytes in this long; default 60s, negative disables.
	StallTimeout time.Duration
	// Timeout bounds a whole exchange including the body (http.Client.Timeout
	// for NewClient); default 15m. Per-request deadlines come from ctx.
	Timeout time.Duration

	// Proxy is a proxy URL (http://, https:// or socks5://) used for every
	// request. Empty: HTTP_PROXY/HTTPS_PROXY/NO_PROXY from the environment,
	// read when the transport is built.
	Proxy string
	// Resolve maps "host:port" to another "host:port", like curl --resolve,
	// e.g. "www.yanshi.gov.cn:80" → "127.0.0.1:38211". The request keeps its
	// Host header and TLS server name; only the dialled address changes.
	Resolve map[string]string
	// LoopbackOnly makes the dialer refuse any address that is not a
	// loopback IP (or "localhost"), before any DNS lookup. Tests set it.
	LoopbackOnly bool
	// InsecureTLS accepts broken TLS: self-signed or mismatched
	// certificates, TLS 1.0, legacy cipher suites and renegotiation. Many
	// government hosts need it; it is never on by default.
	InsecureTLS bool

	// UserAgent is set on requests that carry none.
	UserAgent string
	// MaxConnsPerHost caps connections per host (0: unlimited; the
	// Limiter enforces politeness).
	MaxConnsPerHost int
	// MaxRedirects bounds redirect chains in NewClient; default 10.
	MaxRedirects int
}

func (o Options) withDefaults() Options {
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.TLSHandshakeTimeout == 0 {
		o.TLSHandshakeTimeout = DefaultTLSHandshakeTimeout
	}
	if o.ResponseHeaderTimeout == 0 {
		o.ResponseHeaderTimeout = DefaultResponseHeaderTimeout
	}
	if o.StallTimeout == 0 {
		o.StallTimeout = DefaultStallTimeout
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	return o
}

// NewTransport returns a RoundTripper built from opts. It can be handed to
// colly (Collector.WithTransport) or used through NewClient. Invalid
// options (a malformed Proxy URL) surface as an error on every request
// rather than a panic.
func NewTransport(opts Options) http.RoundTripper {
	opts = opts.withDefaults()
	proxy, perr := proxyFunc(opts.Proxy)
	if perr != nil {
		return errTransport{perr}
	}
	d := &dialer{
		net: net.Dialer{
			Timeout:   opts.ConnectTimeout,
			KeepAlive: 30 * time.Second,
		},
		resolve:      normResolve(opts.Resolve),
		loopbackOnly: opts.LoopbackOnly,
	}
	if opts.LoopbackOnly {
		// Defence in depth: check the final IP too (covers "localhost").
		d.net.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("%w: %s", ErrNonLoopback, address)
			}
			return nil
		}
	}
	t := &http.Transport{
		Proxy:                 proxy,
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   opts.TLSHandshakeTimeout,
		ResponseHeaderTimeout: opts.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          256,
		// As many idle connections per host as the engine runs requests
		// (32 without politeness): a smaller pool closes and redials
		// connections on every burst.
		MaxIdleConnsPerHost: 32,
		MaxConnsPerHost:     opts.MaxConnsPerHost,
		ForceAttemptHTTP2:   true,
		TLSClientConfig:     tlsConfig(opts.InsecureTLS),
	}
	return &transport{base: t, ua: opts.UserAgent, stall: opts.StallTimeout}
}

// NewClient returns an http.Client on NewTransport(opts) with the whole
// exchange bounded by opts.Timeout and CheckRedirect as its redirect policy.
func NewClient(opts Options) *http.Client {
	opts = opts.withDefaults()
	max := opts.MaxRedirects
	return &http.Client{
		Transport: NewTransport(opts),
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return checkRedirect(req, via, max)
		},
	}
}

// CheckRedirect is the redirect policy of NewClient, exported for colly
// (Collector.SetRedirectHandler). It stops (returning the 3xx response
// itself, for Classify) on a WZWS challenge redirect and on a loop back to
// an earlier URL of the chain, and fails after DefaultMaxRedirects hops.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	return checkRedirect(req, via, DefaultMaxRedirects)
}

func checkRedirect(req *http.Request, via []*http.Request, max int) error {
	if len(via) >= max {
		return fmt.Errorf("fetch: stopped after %d redirects", len(via))
	}
	if urlcanon.IsWZWS(req.URL.Path) {
		return http.ErrUseLastResponse
	}
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return http.ErrUseLastResponse
		}
	}
	return nil
}

func proxyFunc(p string) (func(*http.Request) (*url.URL, error), error) {
	if p == "" {
		// Read the environment now, not once per process as
		// http.ProxyFromEnvironment does, so a config reload or a test's
		// environment is honoured.
		f := httpproxy.FromEnvironment().ProxyFunc()
		return func(r *http.Request) (*url.URL, error) { return f(r.URL) }, nil
	}
	u, err := url.Parse(p)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("fetch: invalid proxy URL %q", p)
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, fmt.Errorf("fetch: unsupported proxy scheme %q", u.Scheme)
	}
	return http.ProxyURL(u), nil
}

func tlsConfig(insecure bool) *tls.Config {
	if !insecure {
		return &tls.Config{MinVersion: tls.VersionTLS12}
	}
	var suites []uint16
	for _, s := range tls.CipherSuites() {
		suites = append(suites, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		suites = append(suites, s.ID)
	}
	return &tls.Config{
		InsecureSkipVerify: true, //nolint:gosec // opt-in for broken government TLS
		MinVersion:         tls.VersionTLS10,
		CipherSuites:       suites,
		Renegotiation:      tls.RenegotiateFreelyAsClient,
	}
}

func normResolve(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out
}

type dialer struct {
	net          net.Dialer
	resolve      map[string]string
	loopbackOnly bool
}

func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if to, ok := d.resolve[strings.ToLower(addr)]; ok {
		addr = to
	}
	if d.loopbackOnly {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("fetch: dial %s: %w", addr, err)
		}
		// Refuse before any DNS query: a lookup is itself traffic.
		if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && !strings.EqualFold(host, "localhost") {
			return nil, fmt.Errorf("%w: %s", ErrNonLoopback, addr)
		}
	}
	return d.net.DialContext(ctx, network, addr)
}

// transport adds the User-Agent and the body stall timeout.
type transport struct {
	base  *http.Transport
	ua    string
	stall time.Duration
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.ua != "" && req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.ua)
	}
	if t.stall <= 0 {
		return t.base.RoundTrip(req)
	}
	ctx, cancel := context.WithCancel(req.Context())
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = newStallBody(resp.Body, t.stall, cancel)
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the pool.
func (t *transport) CloseIdleConnections() { t.base.CloseIdleConnections() }

type errTransport struct{ err error }

func (e errTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, e.err }

// stallError reports a body that stopped delivering bytes; it is a
// net.Error timeout so retry logic treats it like any other timeout.
type stallError struct{ d time.Duration }

func (e stallError) Error() string   { return fmt.Sprintf("fetch: body stalled for %s", e.d) }
func (e stallError) Timeout() bool   { return true }
func (e stallError) Temporary() bool { return true }

type stallBody struct {
	rc       io.ReadCloser
	d        time.Duration
	cancel   context.CancelFunc
	timer    *time.Timer
	progress int // bytes since the clock last restarted

	mu      sync.Mutex
	stalled bool
}

func newStallBody(rc io.ReadCloser, d time.Duration, cancel context.CancelFunc) *stallBody {
	b := &stallBody{rc: rc, d: d, cancel: cancel}
	b.timer = time.AfterFunc(d, func() {
		b.mu.Lock()
		b.stalled = true
		b.mu.Unlock()
		cancel()
	})
	return b
}

func (b *stallBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if b.progress += n; b.progress >= StallMinBytes {
		b.progress = 0
		b.timer.Reset(b.d)
	}
	if err != nil && err != io.EOF {
		b.mu.Lock()
		stalled := b.stalled
		b.mu.Unlock()
		if stalled {
			return n, stallError{b.d}
		}
	}
	return n, err
}

func (b *stallBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel()
	return err
}
