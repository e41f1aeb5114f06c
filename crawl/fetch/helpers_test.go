package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// hostMux routes by Host header so one loopback server plays many
// *.gov.cn hosts (reached through Options.Resolve).
type hostMux struct {
	mu    sync.Mutex
	hosts map[string]http.Handler
	hits  map[string]int // "host/path" → requests
}

func newHostMux() *hostMux {
	return &hostMux{hosts: map[string]http.Handler{}, hits: map[string]int{}}
}

func (m *hostMux) handle(host string, h http.Handler) {
	m.mu.Lock()
	m.hosts[host] = h
	m.mu.Unlock()
}

func (m *hostMux) count(hostPath string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hits[hostPath]
}

func (m *hostMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	m.mu.Lock()
	h := m.hosts[host]
	m.hits[host+r.URL.Path]++
	m.mu.Unlock()
	if h == nil {
		http.Error(w, "no such host "+host, http.StatusMisdirectedRequest)
		return
	}
	h.ServeHTTP(w, r)
}

// serve starts a loopback server for mux and returns a client that
// resolves each of hosts (port 80) to it, with LoopbackOnly on.
func serve(t testing.TB, mux http.Handler, hosts ...string) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, testClient(t, srv, Options{}, hosts...)
}

// testClient resolves hosts (ports 80 and 443) to srv, with LoopbackOnly
// on and the environment's proxy settings cleared.
func testClient(t testing.TB, srv *httptest.Server, opts Options, hosts ...string) *http.Client {
	t.Helper()
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(k, "")
	}
	addr := strings.TrimPrefix(strings.TrimPrefix(srv.URL, "http://"), "https://")
	if opts.Resolve == nil {
		opts.Resolve = map[string]string{}
	}
	for _, h := range hosts {
		opts.Resolve[h+":80"] = addr
		opts.Resolve[h+":443"] = addr
	}
	opts.LoopbackOnly = true
	return NewClient(opts)
}

// noSleep records waits instead of sleeping.
type noSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (n *noSleep) sleep(ctx context.Context, d time.Duration) error {
	n.mu.Lock()
	n.waits = append(n.waits, d)
	n.mu.Unlock()
	return ctx.Err()
}

func gbk(t testing.TB, s string) string {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("gbk encode %q: %v", s, err)
	}
	return b
}

func get(t testing.TB, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
