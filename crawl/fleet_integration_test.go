package crawl

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl/fetch"
	"github.com/nianbao/nianbao/internal/nettest"
	"github.com/nianbao/nianbao/portal"
)

// hostLog records, server side, when each request to a host arrived and
// how many were in flight at once.
type hostLog struct {
	mu       sync.Mutex
	arrivals map[string][]time.Time
	inFlight map[string]int
	peak     map[string]int
}

func newHostLog() *hostLog {
	return &hostLog{arrivals: map[string][]time.Time{}, inFlight: map[string]int{}, peak: map[string]int{}}
}

func (l *hostLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		l.mu.Lock()
		l.arrivals[host] = append(l.arrivals[host], time.Now())
		l.inFlight[host]++
		l.peak[host] = max(l.peak[host], l.inFlight[host])
		l.mu.Unlock()
		defer func() {
			l.mu.Lock()
			l.inFlight[host]--
			l.mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

// minGap is the shortest time between two arrivals on host.
func (l *hostLog) minGap(host string) (time.Duration, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.arrivals[host]
	gap := time.Duration(1 << 62)
	for i := 1; i < len(a); i++ {
		gap = min(gap, a[i].Sub(a[i-1]))
	}
	return gap, len(a)
}

// reportSite serves a tiny portal: a list at /list/ linking n reports
// (/r/i.html), and a home page at / linking the list. Each page names
// its report in its title, so the generic rule archives them.
func reportSite(n int, latency time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case r.URL.Path == "/robots.txt":
			http.NotFound(w, r)
		case r.URL.Path == "/":
			fmt.Fprint(w, `<html><head><title>测试区人民政府</title></head><body><a href="/list/">政府信息公开年报</a></body></html>`)
		case r.URL.Path == "/list/":
			var b strings.Builder
			b.WriteString(`<html><head><title>政府信息公开年报</title></head><body><ul>`)
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, `<li><a href="/r/%d.html">测试区第%d局%d年政府信息公开工作年度报告</a><span>2024-01-%02d</span></li>`, i, i, 2015+i%9, 1+i%28)
			}
			b.WriteString(`</ul></body></html>`)
			fmt.Fprint(w, b.String())
		case strings.HasPrefix(r.URL.Path, "/r/"):
			var i int
			fmt.Sscanf(r.URL.Path, "/r/%d.html", &i)
			title := fmt.Sprintf("测试区第%d局%d年政府信息公开工作年度报告", i, 2015+i%9)
			fmt.Fprintf(w, `<html><head><title>%s</title></head><body><h1>%s</h1><p>一、总体情况</p><p>本年度主动公开政府信息%d条。</p></body></html>`, title, title, 100+i)
		default:
			http.NotFound(w, r)
		}
	})
}

func fleetEngine(t *testing.T, cfg *config.Config, resolve map[string]string, opts Options) (*Engine, *archive.Archive) {
	t.Helper()
	a, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	opts.Store, opts.Config, opts.Resolve, opts.LoopbackOnly = a, cfg, resolve, true
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e, a
}

// Two site entries reaching one host (a district's tree and a bureau's
// own entry) crawl at once, yet the host sees one request at a time and
// never two starts closer than 0.9 × delay.
func TestSitesSharingAHostKeepItsDelay(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: crawls with real politeness delays (runs without -short)")
	}
	const delay = 60 * time.Millisecond
	log := newHostLog()
	srv := httptest.NewServer(log.wrap(reportSite(12, 5*time.Millisecond)))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	resolve := map[string]string{"www.shared.gov.cn:80": addr}
	cfg := config.Default()
	cfg.Crawl.Delay = config.Duration(delay)
	cfg.Crawl.Parallelism = 1
	// The bureau asks for a shorter delay and more parallelism than the
	// district: the strictest politeness wins for the shared host.
	fast := config.Duration(10 * time.Millisecond)
	sites := []config.Site{
		{Name: "district", Region: "测试区", Start: []string{"http://www.shared.gov.cn/"}},
		{Name: "bureau", Region: "测试区", Start: []string{"http://www.shared.gov.cn/list/"}, Delay: &fast, Parallelism: 3},
	}
	e, a := fleetEngine(t, cfg, resolve, Options{})
	res := e.Crawl(context.Background(), sites)
	for _, r := range res {
		if r.Err != nil || r.Run.Status != "ok" {
			t.Fatalf("site %s: %s %v %v", r.Run.Site, r.Run.Status, r.Err, r.Run.Errors)
		}
	}
	gap, n := log.minGap("www.shared.gov.cn")
	// robots.txt once for the run; the district / and /list/, the bureau
	// /list/, and each site its own copy of the 12 reports, whichever
	// reached them first.
	if n != 28 {
		t.Errorf("%d requests reached the host, want 28", n)
	}
	for _, site := range []string{"district", "bureau"} {
		docs, err := a.FindDocuments(archive.Query{Site: site})
		if err != nil || len(docs) != 12 {
			t.Errorf("site %s: %d documents (%v), want its own 12", site, len(docs), err)
		}
	}
	if gap < delay*9/10 {
		t.Errorf("two requests %v apart on the shared host, want ≥ %v", gap, delay*9/10)
	}
	if p := log.peak["www.shared.gov.cn"]; p > 1 {
		t.Errorf("%d requests at once on the shared host, want 1", p)
	}
	// Both sites ran at once: their runs overlap in time.
	r0, r1 := res[0].Run, res[1].Run
	if !r0.Start.Before(r1.End) || !r1.Start.Before(r0.End) {
		t.Errorf("site runs did not overlap: %v–%v and %v–%v", r0.Start, r0.End, r1.Start, r1.End)
	}
}

// silentListener accepts connections and never answers.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// A host that does not answer costs its site one timeout and is parked
// for the run; the other sites go on at their own pace meanwhile.
func TestSilentHostDoesNotSlowOtherSites(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: crawls with real politeness delays (runs without -short)")
	}
	srv := httptest.NewServer(reportSite(15, 2*time.Millisecond))
	defer srv.Close()
	resolve := map[string]string{
		"www.alive.gov.cn:80":  srv.Listener.Addr().String(),
		"www.silent.gov.cn:80": silentListener(t),
	}
	const timeout = 2 * time.Second
	cfg := config.Default()
	cfg.Crawl.Delay = config.Duration(20 * time.Millisecond)
	cfg.Crawl.Parallelism = 1
	cfg.Crawl.Timeout = config.Duration(timeout)
	sites := []config.Site{
		{Name: "silent", Region: "测试区", Start: []string{"http://www.silent.gov.cn/", "http://www.silent.gov.cn/a/", "http://www.silent.gov.cn/b/"}},
		{Name: "alive", Region: "测试区", Start: []string{"http://www.alive.gov.cn/"}},
	}
	var mu sync.Mutex
	var order []string
	e, a := fleetEngine(t, cfg, resolve, Options{SiteDone: func(r Result) {
		mu.Lock()
		order = append(order, r.Run.Site)
		mu.Unlock()
	}})
	start := time.Now()
	res := e.Crawl(context.Background(), sites)
	elapsed := time.Since(start)
	silent, alive := res[0].Run, res[1].Run
	if alive.Status != "ok" || alive.NewDocs != 15 {
		t.Errorf("alive site: status %s, %d new documents, want ok and 15 (%v)", alive.Status, alive.NewDocs, alive.Errors)
	}
	if order[0] != "alive" {
		t.Errorf("sites finished in order %v: the live site waited for the silent one", order)
	}
	if silent.Status != "failed" || silent.Errors["timeout"] == 0 {
		t.Errorf("silent site: status %s errors %v, want failed with timeouts", silent.Status, silent.Errors)
	}
	// One timeout parks the host: its three start URLs (and robots.txt)
	// do not each cost a timeout and retries.
	if elapsed > 3*timeout {
		t.Errorf("the run took %v: the silent host cost more than one timeout (%v)", elapsed, timeout)
	}
	docs, err := a.FindDocuments(archive.Query{Site: "alive"})
	if err != nil || len(docs) != 15 {
		t.Errorf("alive: %d documents archived (%v), want 15", len(docs), err)
	}
}

// When no host answers at all, the run ends in seconds and says so in
// one line naming the failure.
func TestNetworkDownRunEndsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: crawls with real politeness delays (runs without -short)")
	}
	closed := nettest.RefusedAddr(t) // every connection refused
	resolve := map[string]string{}
	var sites []config.Site
	for i := 0; i < 40; i++ {
		host := fmt.Sprintf("www.d%02d.gov.cn", i)
		resolve[host+":80"] = closed
		sites = append(sites, config.Site{Name: fmt.Sprintf("d%02d", i), Region: "测试区",
			Start: []string{"http://" + host + "/", "http://" + host + "/xxgk/"}})
	}
	cfg := config.Default()
	cfg.Crawl.Delay = config.Duration(time.Second)
	e, _ := fleetEngine(t, cfg, resolve, Options{})
	start := time.Now()
	res := e.Crawl(context.Background(), sites)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a run with the network down took %v", d)
	}
	t.Logf("network down: %d sites ended in %v", len(sites), time.Since(start))
	down, line := NetworkDown(res)
	if !down || !strings.Contains(line, "refused=") || !strings.Contains(line, "40 sites") {
		t.Errorf("NetworkDown = %v %q", down, line)
	}
	for _, r := range res {
		if r.Run.Errors[fetch.RobotsError] > 0 {
			t.Errorf("site %s: a dead host reported as robots_unreachable: %v", r.Run.Site, r.Run.Errors)
		}
	}
	// One live host makes it a normal run with failures, not a dead network.
	srv := httptest.NewServer(reportSite(1, 0))
	defer srv.Close()
	resolve["www.d00.gov.cn:80"] = srv.Listener.Addr().String()
	cfg.Crawl.Delay = config.Duration(10 * time.Millisecond)
	e, _ = fleetEngine(t, cfg, resolve, Options{})
	if down, line := NetworkDown(e.Crawl(context.Background(), sites[:3])); down {
		t.Errorf("NetworkDown with a live host: %q", line)
	}
}

// The strictest politeness of the sites reaching a host applies to it,
// whichever site asks first; a site alone on its host keeps its own.
func TestStrictestPoliteness(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: crawls with real politeness delays (runs without -short)")
	}
	cfg := &config.Default().Crawl
	cfg.Delay, cfg.Parallelism = config.Duration(time.Second), 2
	half, tenth := config.Duration(500*time.Millisecond), config.Duration(100*time.Millisecond)
	pol := strictest(cfg, []config.Site{
		{Name: "district", Start: []string{"http://www.yanshi.gov.cn/"}, Hosts: []string{"www.yanshi.gov.cn", "*.yanshi.gov.cn"}, Delay: &half, Parallelism: 4},
		{Name: "bureau", Start: []string{"http://gxj.yanshi.gov.cn/"}, Delay: &tenth, Parallelism: 1},
		{Name: "other", Start: []string{"http://www.other.gov.cn:8080/"}, Delay: &tenth},
	})
	for _, c := range []struct {
		host  string
		delay time.Duration
		par   int
		ok    bool
	}{
		{"gxj.yanshi.gov.cn", 500 * time.Millisecond, 1, true}, // both: the longest delay, the lowest parallelism
		{"www.yanshi.gov.cn", 500 * time.Millisecond, 4, true},
		{"jyj.yanshi.gov.cn:8443", 500 * time.Millisecond, 4, true},
		{"www.other.gov.cn:8080", 100 * time.Millisecond, 2, true},
		{"www.elsewhere.gov.cn", 0, 0, false},
	} {
		d, p, ok := pol(c.host)
		if d != c.delay || p != c.par || ok != c.ok {
			t.Errorf("%s: %v/%d/%v, want %v/%d/%v", c.host, d, p, ok, c.delay, c.par, c.ok)
		}
	}
}

// One giant site does not hold the rest, even with a cap of two requests
// in flight for the whole run: a site takes the cap only as fast as its
// hosts' politeness lets it, and the small sites finish first.
func TestGiantSiteDoesNotHoldTheRest(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: crawls with real politeness delays (runs without -short)")
	}
	p := portal.Fleet(6, portal.FleetOptions{Sizes: func(i int) int {
		if i == 0 {
			return 400
		}
		return 30
	}})
	h := newHarness(t, p)
	h.cfg.Crawl.Delay = config.Duration(5 * time.Millisecond)
	h.cfg.Crawl.Parallelism = 1
	h.cfg.Crawl.MaxConcurrent = 2
	var mu sync.Mutex
	var order []string
	e, err := New(Options{Store: h.a, Config: h.cfg, Resolve: h.p.Resolve(), LoopbackOnly: true, Parser: h.fp.parse, Now: h.clk.now,
		SiteDone: func(r Result) {
			mu.Lock()
			order = append(order, r.Run.Site)
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Crawl(context.Background(), h.sites) {
		if r.Run.Status != "ok" {
			t.Errorf("site %s: %s %v", r.Run.Site, r.Run.Status, r.Run.Errors)
		}
	}
	if order[len(order)-1] != portal.FleetSite(0) {
		t.Errorf("sites ended in order %v: the giant %s held the others", order, portal.FleetSite(0))
	}
	checkExpected(t, h)
}
