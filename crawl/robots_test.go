package crawl

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/internal/nettest"
)

// A robots.txt that cannot be reached (refused, 5xx) disallows the host
// (RFC 9309) but is an error of the run, not a block by the site; a host
// that does not answer at all is named by its network failure (refused),
// never as a robots problem; a robots.txt that disallows, or a WAF status
// on it, is a block.
func TestRobotsUnreachableIsAnErrorNotABlock(t *testing.T) {
	// A port nothing listens on: every connection is refused.
	refused := "http://" + nettest.RefusedAddr(t) + "/"

	status := func(code int) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				w.WriteHeader(code)
				return
			}
			_, _ = w.Write([]byte("<html><title>首页</title><body>home</body></html>"))
		}))
	}
	s503, s521 := status(http.StatusServiceUnavailable), status(521)
	defer s503.Close()
	defer s521.Close()
	disallow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			_, _ = w.Write([]byte("User-agent: *\nDisallow: /\n"))
			return
		}
		_, _ = w.Write([]byte("<html><title>首页</title><body>home</body></html>"))
	}))
	defer disallow.Close()

	cases := []struct {
		name        string
		start       string
		wantErrors  map[string]int
		wantBlocked map[string]int
	}{
		{"refused", refused, map[string]int{"refused": 1}, map[string]int{}},
		{"5xx", s503.URL + "/", map[string]int{"robots_unreachable": 1}, map[string]int{}},
		{"waf status", s521.URL + "/", map[string]int{}, map[string]int{"robots": 1}},
		{"disallowed", disallow.URL + "/", map[string]int{}, map[string]int{"robots": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), archive.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			cfg := config.Default()
			cfg.Crawl.MaxAttempts = 1
			e, err := New(Options{Store: a, Config: cfg, LoopbackOnly: true, NoPoliteness: true})
			if err != nil {
				t.Fatal(err)
			}
			site := config.Site{Name: "s", Region: "测试", Start: []string{tc.start}}
			run, _ := e.CrawlSite(context.Background(), &site)
			if !equalCounts(run.Errors, tc.wantErrors) || !equalCounts(run.Blocked, tc.wantBlocked) {
				t.Errorf("errors %v blocked %v, want errors %v blocked %v", run.Errors, run.Blocked, tc.wantErrors, tc.wantBlocked)
			}
			if run.Pages != 0 {
				t.Errorf("%d pages fetched past robots", run.Pages)
			}
			if run.Status != "failed" {
				t.Errorf("status %q, want failed (nothing could be fetched)", run.Status)
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	n := 0
	for k, v := range a {
		if v != 0 {
			n++
			if b[k] != v {
				return false
			}
		}
	}
	return n == len(b)
}
