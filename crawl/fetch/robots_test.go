package fetch

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testUA = "nianbao/0.1 (+https://example.org/contact)"

func robotsHandler(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			io.WriteString(w, "page")
			return
		}
		if status == 0 { // hang up
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

func TestRobotsPolicy(t *testing.T) {
	mux := newHostMux()
	sites := map[string]http.Handler{
		"www.bjshy.gov.cn":   robotsHandler(200, "User-agent: *\nDisallow: /\n"),
		"www.safe.gov.cn":    robotsHandler(404, "<html><title>404</title></html>"),
		"gone.gov.cn":        robotsHandler(410, ""),
		"forbid.gov.cn":      robotsHandler(403, "Forbidden"),
		"down.gov.cn":        robotsHandler(503, "busy"),
		"busy.gov.cn":        robotsHandler(429, ""),
		"hangup.gov.cn":      robotsHandler(0, ""),
		"www.bjyouth.gov.cn": robotsHandler(200, "User-agent: *\nAllow: /\n\nSitemap: http://www.bjyouth.gov.cn/sitemap.xml\n"),
		"agent.gov.cn":       robotsHandler(200, "\ufeffUser-agent: *\nDisallow: /\n\nUser-agent: Nianbao\nDisallow: /private/\nCrawl-delay: 2\n"),
		"delay.gov.cn":       robotsHandler(200, "User-agent: *\nCrawl-delay: 5\nDisallow: /search\nDisallow: /*.jsp$\n"),
		"slow.gov.cn":        robotsHandler(200, "User-agent: *\nCrawl-delay: 86400\n"),
		"html.gov.cn": robotsHandler(200, "<!DOCTYPE html><html><head><title>首页</title></head><body><a href=\"/x\">x</a>\n"+
			"<p>Disallow everything? no: this is the home page served as robots.txt</p></body></html>"),
		"waf.gov.cn":   robotsHandler(200, `<html><noscript>请开启JavaScript并刷新该页.</noscript></html>`),
		"empty.gov.cn": robotsHandler(200, ""),
	}
	hosts := []string{}
	for h, hd := range sites {
		mux.handle(h, hd)
		hosts = append(hosts, h)
	}
	_, client := serve(t, mux, hosts...)
	l := NewLimiter(100*time.Millisecond, 1)
	r := NewRobots(client, RobotsOptions{UserAgent: testUA, Limiter: l, MaxCrawlDelay: 30 * time.Second, Log: quiet,
		Retry: RetryPolicy{MaxAttempts: 2, Sleep: (&noSleep{}).sleep}})
	for _, tc := range []struct {
		url     string
		allowed bool
		reason  string
		delay   time.Duration
	}{
		{"http://www.bjshy.gov.cn/xxgk/zfxxgknb/", false, RobotsDisallowed, 0},
		{"http://www.bjshy.gov.cn/", false, RobotsDisallowed, 0},
		{"http://www.safe.gov.cn/safe/zfxxgknb/", true, RobotsNone, 0},
		{"http://gone.gov.cn/a", true, RobotsNone, 0},
		{"http://forbid.gov.cn/a", true, RobotsNone, 0},
		{"http://down.gov.cn/a", false, RobotsError, 0},
		{"http://busy.gov.cn/a", false, RobotsError, 0},
		{"http://hangup.gov.cn/a", false, RobotsError, 0},
		{"http://www.bjyouth.gov.cn/zwgk/", true, RobotsAllowed, 0},
		{"http://agent.gov.cn/xxgk/", true, RobotsAllowed, 2 * time.Second}, // our own group, not "*"
		{"http://agent.gov.cn/private/a.html", false, RobotsDisallowed, 2 * time.Second},
		{"http://delay.gov.cn/xxgk/", true, RobotsAllowed, 5 * time.Second},
		{"http://delay.gov.cn/search?q=年报", false, RobotsDisallowed, 5 * time.Second},
		{"http://delay.gov.cn/info/iList.jsp", false, RobotsDisallowed, 5 * time.Second},
		{"http://delay.gov.cn/info/iList.jsp?cur_page=2", true, RobotsAllowed, 5 * time.Second},
		{"http://slow.gov.cn/", true, RobotsAllowed, 30 * time.Second},
		{"http://html.gov.cn/xxgk/", true, RobotsAllowed, 0},
		{"http://waf.gov.cn/xxgk/", false, RobotsError, 0},
		{"http://empty.gov.cn/xxgk/", true, RobotsAllowed, 0},
	} {
		d, err := r.Check(context.Background(), tc.url)
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		if d.Allowed != tc.allowed || d.Reason != tc.reason || d.CrawlDelay != tc.delay {
			t.Errorf("%s: %+v, want allowed=%v reason=%s delay=%v", tc.url, d, tc.allowed, tc.reason, tc.delay)
		}
		if r.Allowed(context.Background(), tc.url) != tc.allowed {
			t.Errorf("%s: Allowed disagrees with Check", tc.url)
		}
	}
	// Crawl-delay raised the limiter (capped), never lowered it.
	for host, want := range map[string]time.Duration{
		"agent.gov.cn": 2 * time.Second, "delay.gov.cn": 5 * time.Second, "slow.gov.cn": 30 * time.Second,
		"www.bjyouth.gov.cn": 100 * time.Millisecond,
	} {
		if got := l.Delay(host); got != want {
			t.Errorf("limiter delay for %s = %v, want %v", host, got, want)
		}
	}
	// robots.txt was fetched once per host (twice with retry for the 503).
	if n := mux.count("delay.gov.cn/robots.txt"); n != 1 {
		t.Errorf("delay.gov.cn robots.txt fetched %d times", n)
	}
	if n := mux.count("down.gov.cn/robots.txt"); n != 2 {
		t.Errorf("down.gov.cn robots.txt fetched %d times, want 2 (one retry)", n)
	}
	if _, err := r.Check(context.Background(), "mailto:a@b.gov.cn"); err == nil {
		t.Error("a mailto URL was accepted")
	}
}

func TestRobotsFetchedOnceUnderConcurrency(t *testing.T) {
	mux := newHostMux()
	var n atomic.Int32
	mux.handle("www.yanshi.gov.cn", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(20 * time.Millisecond)
		io.WriteString(w, "User-agent: *\nDisallow: /admin/\n")
	}))
	_, client := serve(t, mux, "www.yanshi.gov.cn")
	r := NewRobots(client, RobotsOptions{UserAgent: testUA})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !r.Allowed(context.Background(), "http://www.yanshi.gov.cn/xxgk/") {
				t.Error("disallowed")
			}
		}()
	}
	wg.Wait()
	if n.Load() != 1 {
		t.Errorf("robots.txt fetched %d times, want 1", n.Load())
	}
}

func TestRobotsUnreachableIsRetriedAfterTTL(t *testing.T) {
	mux := newHostMux()
	var status atomic.Int32
	status.Store(500)
	mux.handle("flaky.gov.cn", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(status.Load()))
		io.WriteString(w, "User-agent: *\nDisallow: /private/\n")
	}))
	_, client := serve(t, mux, "flaky.gov.cn")
	now := time.Date(2024, 1, 1, 2, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	r := NewRobots(client, RobotsOptions{UserAgent: testUA, Now: clock, Log: quiet, UnreachableTTL: 10 * time.Minute,
		Retry: RetryPolicy{MaxAttempts: 1}})
	const u = "http://flaky.gov.cn/xxgk/"
	check := func(wantAllowed bool, wantReason string) {
		t.Helper()
		d, err := r.Check(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != wantAllowed || d.Reason != wantReason {
			t.Errorf("%+v, want %v %s", d, wantAllowed, wantReason)
		}
	}
	check(false, RobotsError)
	status.Store(200)
	advance(5 * time.Minute)
	check(false, RobotsError) // still inside the TTL: cached
	advance(6 * time.Minute)
	check(true, RobotsAllowed) // refetched
	if n := mux.count("flaky.gov.cn/robots.txt"); n != 2 {
		t.Errorf("fetched %d times, want 2", n)
	}
	advance(23 * time.Hour)
	check(true, RobotsAllowed)
	advance(2 * time.Hour) // past the 24h TTL
	check(true, RobotsAllowed)
	if n := mux.count("flaky.gov.cn/robots.txt"); n != 3 {
		t.Errorf("fetched %d times, want 3 (24h TTL)", n)
	}
}

func TestRobotsCancelledFetchDecidesNothing(t *testing.T) {
	mux := newHostMux()
	mux.handle("slow.gov.cn", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	_, client := serve(t, mux, "slow.gov.cn")
	r := NewRobots(client, RobotsOptions{UserAgent: testUA})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := r.Check(ctx, "http://slow.gov.cn/"); err == nil {
		t.Fatal("no error from a cancelled check")
	}
	r.mu.Lock()
	n := len(r.cache)
	r.mu.Unlock()
	if n != 0 {
		t.Errorf("a cancelled fetch left %d cache entries", n)
	}
}

func TestProductToken(t *testing.T) {
	for in, want := range map[string]string{
		testUA:                "nianbao",
		"Nianbao":             "nianbao",
		"nianbao-bot (+url)":  "nianbao-bot",
		"":                    "*",
		"  MyCrawler/2.0 foo": "mycrawler",
	} {
		if got := ProductToken(in); got != want {
			t.Errorf("ProductToken(%q) = %q, want %q", in, got, want)
		}
	}
}

var quiet = slog.New(slog.DiscardHandler)
