package fetch

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestResolveServesManyHostsFromLoopback(t *testing.T) {
	mux := newHostMux()
	hosts := []string{"www.yanshi.gov.cn", "yanshi.gov.cn", "gtzy.yanshi.gov.cn", "www.ly.gov.cn"}
	for _, h := range hosts {
		h := h
		mux.handle(h, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, h+" "+r.URL.Path)
		}))
	}
	_, client := serve(t, mux, hosts...)
	for _, h := range hosts {
		for _, scheme := range []string{"http"} {
			t.Run(h, func(t *testing.T) {
				resp, err := Do(context.Background(), client, get(t, scheme+"://"+h+"/xxgk/zfxxgknb/"), RetryPolicy{MaxAttempts: 1})
				if err != nil {
					t.Fatal(err)
				}
				if want := h + " /xxgk/zfxxgknb/"; string(resp.Body) != want {
					t.Errorf("body %q, want %q", resp.Body, want)
				}
			})
		}
	}
}

func TestLoopbackOnlyRefusesBeforeDialOrDNS(t *testing.T) {
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"} {
		t.Setenv(k, "")
	}
	client := NewClient(Options{LoopbackOnly: true, ConnectTimeout: time.Second})
	for _, u := range []string{
		"http://192.0.2.7/x",          // TEST-NET-1 literal
		"http://[2001:db8::1]:8080/",  // documentation IPv6
		"http://www.yanshi.gov.cn/",   // a name: must not even be looked up
		"https://www.example.gov.cn/", // TLS too
	} {
		t.Run(u, func(t *testing.T) {
			start := time.Now()
			_, err := Do(context.Background(), client, get(t, u), RetryPolicy{MaxAttempts: 3, Sleep: (&noSleep{}).sleep})
			if !errors.Is(err, ErrNonLoopback) {
				t.Fatalf("err = %v, want ErrNonLoopback", err)
			}
			if RetryableError(err) {
				t.Error("a refused non-loopback dial must not be retried")
			}
			if d := time.Since(start); d > 3*time.Second { // generous for loaded CI; a dial attempt would hang far longer
				t.Errorf("took %v: it must fail without dialling", d)
			}
		})
	}
}

func TestLoopbackOnlyAllowsLocalhost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	client := testClient(t, srv, Options{})
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	resp, err := Do(context.Background(), client, get(t, u), RetryPolicy{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "ok" {
		t.Errorf("body %q", resp.Body)
	}
}

func TestInsecureTLSOnlyWhenAsked(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "tls "+r.Host)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	const host = "www.selfsigned.gov.cn"
	for _, tc := range []struct {
		insecure bool
		wantOK   bool
	}{{false, false}, {true, true}} {
		client := testClient(t, srv, Options{InsecureTLS: tc.insecure}, host)
		resp, err := Do(context.Background(), client, get(t, "https://"+host+"/"), RetryPolicy{MaxAttempts: 3, Sleep: (&noSleep{}).sleep})
		if tc.wantOK {
			if err != nil {
				t.Fatalf("insecure: %v", err)
			}
			if string(resp.Body) != "tls "+host {
				t.Errorf("body %q", resp.Body)
			}
			continue
		}
		if err == nil {
			t.Fatal("self-signed certificate accepted without InsecureTLS")
		}
		if RetryableError(err) {
			t.Errorf("certificate error %v must not be retried", err)
		}
	}
}

func TestProxyOption(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.String()) // absolute-form request target
		mu.Unlock()
		io.WriteString(w, "via proxy")
	}))
	defer proxy.Close()
	direct := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "direct") }))
	defer direct.Close()

	t.Run("explicit", func(t *testing.T) {
		client := testClient(t, direct, Options{Proxy: proxy.URL}, "www.yanshi.gov.cn")
		resp, err := Do(context.Background(), client, get(t, "http://www.yanshi.gov.cn/a?b=1"), RetryPolicy{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != "via proxy" {
			t.Errorf("body %q, want the proxy's", resp.Body)
		}
	})
	t.Run("environment with NO_PROXY", func(t *testing.T) {
		for _, k := range []string{"http_proxy", "HTTPS_PROXY", "https_proxy", "no_proxy"} {
			t.Setenv(k, "")
		}
		t.Setenv("HTTP_PROXY", proxy.URL)
		t.Setenv("NO_PROXY", "intranet.gov.cn")
		client := NewClient(Options{LoopbackOnly: true, Resolve: map[string]string{
			"www.yanshi.gov.cn:80": strings.TrimPrefix(direct.URL, "http://"),
			"intranet.gov.cn:80":   strings.TrimPrefix(direct.URL, "http://"),
		}})
		for _, tc := range []struct{ url, want string }{
			{"http://www.yanshi.gov.cn/x", "via proxy"},
			{"http://intranet.gov.cn/x", "direct"},
		} {
			resp, err := Do(context.Background(), client, get(t, tc.url), RetryPolicy{MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != tc.want {
				t.Errorf("%s: body %q, want %q", tc.url, resp.Body, tc.want)
			}
		}
	})
	mu.Lock()
	defer mu.Unlock()
	want := []string{"http://www.yanshi.gov.cn/a?b=1", "http://www.yanshi.gov.cn/x"}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("proxy saw %v, want %v", seen, want)
	}
}

func TestInvalidProxyIsAnError(t *testing.T) {
	for _, p := range []string{"::bad", "ftp://proxy.example:21", "http://"} {
		client := NewClient(Options{Proxy: p, LoopbackOnly: true})
		if _, err := Do(context.Background(), client, get(t, "http://127.0.0.1:1/"), RetryPolicy{MaxAttempts: 1}); err == nil {
			t.Errorf("proxy %q: no error", p)
		}
	}
}

func TestResponseHeaderTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	client := testClient(t, srv, Options{ResponseHeaderTimeout: 50 * time.Millisecond})
	_, err := Do(context.Background(), client, get(t, srv.URL), RetryPolicy{MaxAttempts: 1})
	if err == nil {
		t.Fatal("no timeout")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !RetryableError(err) {
		t.Errorf("err %v: want a retryable timeout", err)
	}
}

func TestStallTimeoutAbortsABodyThatStops(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.Write([]byte(strings.Repeat("x", 1000)))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	client := testClient(t, srv, Options{StallTimeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := Do(context.Background(), client, get(t, srv.URL), RetryPolicy{MaxAttempts: 1})
	var se stallError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a stall error", err)
	}
	if !RetryableError(err) {
		t.Error("a stalled body should be retryable")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestAttemptTimeoutBoundsWholeBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Trickle: never stalls long enough for the stall timer.
		for i := 0; i < 100; i++ {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(20 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	}))
	defer srv.Close()
	client := testClient(t, srv, Options{StallTimeout: time.Second})
	ns := &noSleep{}
	_, err := Do(context.Background(), client, get(t, srv.URL), RetryPolicy{MaxAttempts: 2, AttemptTimeout: 150 * time.Millisecond, Sleep: ns.sleep})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if len(ns.waits) != 1 {
		t.Errorf("waits %v: a timed-out attempt should be retried once", ns.waits)
	}
}

func TestUserAgent(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.UserAgent())
		mu.Unlock()
	}))
	defer srv.Close()
	const ua = "nianbao/0.1 (+https://example.org/contact)"
	client := testClient(t, srv, Options{UserAgent: ua})
	req := get(t, srv.URL)
	if _, err := Do(context.Background(), client, req, RetryPolicy{MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("User-Agent") != "" {
		t.Error("the caller's request was modified")
	}
	req = get(t, srv.URL)
	req.Header.Set("User-Agent", "custom/1")
	if _, err := Do(context.Background(), client, req, RetryPolicy{MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	if want := []string{ua, "custom/1"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("user agents %q, want %q", got, want)
	}
}

func TestCheckRedirectStopsOnChallengeAndLoops(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusFound) })
	mux.HandleFunc("/doc", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/WZWSREL3h4Z2svemZ4eGdrbmIv?wzwschallenge=V1pXU19DT05GSVJN", http.StatusFound)
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "new") })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := testClient(t, srv, Options{})
	for _, tc := range []struct {
		path       string
		wantStatus int
		wantURL    string
	}{
		{"/old", 200, "/new"},
		{"/a", 302, "/b"}, // /b → /a again: stop and return /b's 302
		{"/doc", 302, "/doc"},
	} {
		resp, err := Do(context.Background(), client, get(t, srv.URL+tc.path), RetryPolicy{MaxAttempts: 1})
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if resp.StatusCode != tc.wantStatus || resp.URL != srv.URL+tc.wantURL {
			t.Errorf("%s: %d at %s, want %d at %s", tc.path, resp.StatusCode, resp.URL, tc.wantStatus, srv.URL+tc.wantURL)
		}
	}
}

// A body that trickles (a byte every 10 ms) never stops, but delivers far
// less than StallMinBytes per stall window: it is cut by the stall
// timeout, not after the whole-exchange Timeout.
func TestStallTimeoutCutsATrickle(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		for i := 0; i < 100000; i++ {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(10 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	}))
	defer srv.Close()
	client := testClient(t, srv, Options{StallTimeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := Do(context.Background(), client, get(t, srv.URL), RetryPolicy{MaxAttempts: 1})
	var se stallError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a stall error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a trickle took %v to cut", d)
	}
}
