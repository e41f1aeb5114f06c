package crawl

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl/fetch"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/portal"
)

// bareCollyFleet crawls every site of p with a plain async colly
// collector, one LimitRule per host (parallelism, delay): fetch, follow
// every same-host link and the TRS pager, store nothing. It returns the
// pages fetched and the expected report URLs among them.
func bareCollyFleet(ctx context.Context, p *portal.Portal, rt http.RoundTripper, delay time.Duration, par int) (pages int, reports int, err error) {
	var hosts []string
	want := map[string]bool{}
	for _, s := range p.Sites() {
		hosts = append(hosts, s.Hosts...)
		for _, e := range p.Expected(s.Name) {
			want[fetch.CanonicalURL(e.DetailURL)] = true
		}
	}
	c := colly.NewCollector(colly.Async(true), colly.StdlibContext(ctx), colly.AllowedDomains(hosts...))
	c.WithTransport(rt)
	for _, h := range hosts {
		if err := c.Limit(&colly.LimitRule{DomainGlob: h, Parallelism: par, Delay: delay}); err != nil {
			return 0, 0, err
		}
	}
	var mu sync.Mutex
	found := map[string]bool{}
	c.OnResponse(func(r *colly.Response) {
		mu.Lock()
		pages++
		if u := fetch.CanonicalURL(r.Request.URL.String()); want[u] {
			found[u] = true
		}
		mu.Unlock()
		if m := benchPager.FindSubmatch(r.Body); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			k, _ := strconv.Atoi(string(m[2]))
			if k+1 < n {
				_ = r.Request.Visit("./" + string(m[3]) + "_" + strconv.Itoa(k+1) + "." + string(m[4]))
			}
		}
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) { _ = e.Request.Visit(e.Attr("href")) })
	for _, s := range p.Sites() {
		if err := c.Visit(s.Start[0]); err != nil {
			return 0, 0, err
		}
	}
	c.Wait()
	return pages, len(found), nil
}

// peakRSS is the process's peak resident set (VmHWM) in MiB;
// resetPeakRSS restarts it (Linux clear_refs 5), so one phase of a
// benchmark can be measured after another.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(v)), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// BenchmarkFleet is the nightly crawl at scale: N small district portals
// (NIANBAO_FLEET, default 40; ~35 URLs each) on their own virtual hosts,
// every response delayed 40 ms ± 50 %, politeness on (delay 500 ms,
// parallelism 1), crawled by the whole pipeline (robots, archive commits
// with fsync, the real parser) and, in the same run, by bare colly (async,
// a LimitRule per host). Reported for both: wall time, the politeness
// floor (max over hosts of (requests − 1) × delay ÷ parallelism, from the
// server's own log), violations the server saw (two arrivals on a host
// closer than 0.9 × delay, or more than parallelism at once), reports
// found, peak RSS. Run with -benchtime 1x.
func BenchmarkFleet(b *testing.B) {
	n := 40
	if v, err := strconv.Atoi(os.Getenv("NIANBAO_FLEET")); err == nil && v > 0 {
		n = v
	}
	const delay, par = 500 * time.Millisecond, 1
	p := portal.Fleet(n, portal.FleetOptions{Latency: 40 * time.Millisecond, Jitter: 0.5})
	p.Start()
	defer p.Close()
	wantReports := 0
	for _, s := range p.Sites() {
		wantReports += len(p.Expected(s.Name))
	}
	for i := 0; i < b.N; i++ {
		// Bare colly.
		p.ResetStats()
		rt := fetch.NewTransport(fetch.Options{Resolve: p.Resolve(), LoopbackOnly: true})
		t0 := time.Now()
		pages, found, err := bareCollyFleet(context.Background(), p, rt, delay, par)
		if err != nil {
			b.Fatal(err)
		}
		bareWall := time.Since(t0)
		barePol := p.Politeness(delay, par)
		bareRSS := peakRSS()

		// The pipeline, as `crawler crawl` runs it.
		p.ResetStats()
		debug.FreeOSMemory() // what bare colly used is not the pipeline's
		resetPeakRSS()
		a, err := archive.Open(filepath.Join(b.TempDir(), "fleet.db"), archive.Options{})
		if err != nil {
			b.Fatal(err)
		}
		cfg := config.Default()
		cfg.Crawl.Delay = config.Duration(delay)
		cfg.Crawl.Parallelism = par
		e, err := New(Options{Store: a, Config: cfg, Resolve: p.Resolve(), LoopbackOnly: true,
			Parser: ingest.ParseFile(ingest.Options{})})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var lastFetch time.Time
		var mu sync.Mutex
		e.opts.Progress = func(Event) { mu.Lock(); lastFetch = time.Now(); mu.Unlock() }
		res := e.Crawl(context.Background(), p.Sites())
		wall := time.Since(t1)
		crawlWall := lastFetch.Sub(t1)
		pol := p.Politeness(delay, par)
		rss := peakRSS()
		st, _ := a.Stats()
		a.Close()
		failed := 0
		for _, r := range res {
			if r.Run.Status != "ok" {
				failed++
				b.Logf("site %s: %s, errors %v, blocked %v, notes %v, err %v", r.Run.Site, r.Run.Status, r.Run.Errors, r.Run.Blocked, r.Run.Notes, r.Err)
			}
		}
		if st.Documents != wantReports || failed > 0 {
			b.Errorf("pipeline archived %d documents, want %d; %d sites not ok", st.Documents, wantReports, failed)
		}
		b.ReportMetric(wall.Seconds(), "pipeline_s")
		b.ReportMetric(crawlWall.Seconds(), "pipeline_fetch_s")
		b.ReportMetric(bareWall.Seconds(), "colly_s")
		b.ReportMetric(bareWall.Seconds()/wall.Seconds(), "speed_vs_colly")
		b.ReportMetric(wall.Seconds()/pol.Floor.Seconds(), "x_floor")
		b.ReportMetric(float64(pol.Violations), "violations")
		b.ReportMetric(rss, "peak_rss_MiB")
		b.Logf("N=%d: pipeline %v (last fetch at %v), floor %v (%.2f×), %d requests, %d violations (worst gap %v on %s), %d/%d reports, peak RSS %.0f MiB",
			n, wall.Round(time.Millisecond), crawlWall.Round(time.Millisecond), pol.Floor, wall.Seconds()/pol.Floor.Seconds(), pol.Requests,
			pol.Violations, pol.WorstGap, pol.WorstGapHost, st.Documents, wantReports, rss)
		b.Logf("N=%d: bare colly %v, floor %v (%.2f×), %d pages, %d violations, %d/%d reports, peak RSS %.0f MiB; pipeline speed %.2f× colly's",
			n, bareWall.Round(time.Millisecond), barePol.Floor, bareWall.Seconds()/barePol.Floor.Seconds(), pages, barePol.Violations,
			found, wantReports, bareRSS, bareWall.Seconds()/wall.Seconds())
	}
}

// 200 generated district portals crawled in one run: every site's
// archive is exactly its expected reports.
func TestFleetOf200SitesExactReports(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 40
	}
	h := newHarness(t, portal.Fleet(n, portal.FleetOptions{PagesPerSite: 30}))
	res := h.crawl(t)
	for _, r := range res {
		if r.Run.Status != "ok" {
			t.Errorf("site %s: %s %v %v", r.Run.Site, r.Run.Status, r.Run.Errors, r.Run.Notes)
		}
	}
	checkExpected(t, h)
}
