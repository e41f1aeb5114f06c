package crawl

import (
	"context"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl/fetch"
	"github.com/nianbao/nianbao/portal"
)

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakHeap samples the heap in use until stop is closed.
func peakHeap(stop <-chan struct{}) *atomic.Uint64 {
	var peak atomic.Uint64
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return &peak
}

var benchPager = regexp.MustCompile(`createPageHTML\((\d+),\s*(\d+),\s*"([^"]+)",\s*"([^"]+)"\)`)

// BenchmarkCrawlGenerated crawls portal.Generated(10000) on loopback with
// politeness off: the full pipeline (colly fetch, charset decode, rules,
// archive commits; parsing skipped) against a bare colly crawl of the same
// portal in the same run. Run with -benchtime=1x.
func BenchmarkCrawlGenerated(b *testing.B) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	p := portal.Generated(n)
	p.Start()
	defer p.Close()
	rt := fetch.NewTransport(fetch.Options{Resolve: p.Resolve(), LoopbackOnly: true})
	site := p.Sites()[0]
	want := len(p.Expected(site.Name))
	for i := 0; i < b.N; i++ {
		// Bare colly.
		t0, c0 := time.Now(), cpuTime()
		bare, _, err := bareCollyFleet(context.Background(), []config.Site{site}, nil, rt, 0, 32)
		if err != nil {
			b.Fatal(err)
		}
		bareDur, bareCPU := time.Since(t0), cpuTime()-c0

		// Full pipeline into a fresh archive.
		a, err := archive.Open(filepath.Join(b.TempDir(), "bench.db"), archive.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		cfg := config.Default()
		cfg.Crawl.MaxPages = 2 * n
		e, err := New(Options{Store: a, Config: cfg, Transport: rt, NoPoliteness: true, SkipParse: true, MaxInFlight: 32})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := make(chan struct{})
		peak := peakHeap(stop)
		t1, c1 := time.Now(), cpuTime()
		run, err := e.CrawlSite(context.Background(), &site)
		fullDur, fullCPU := time.Since(t1), cpuTime()-c1
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		st, _ := a.Stats()
		a.Close()
		if st.Documents != want {
			b.Fatalf("pipeline archived %d documents, want %d (errors %v, blocked %v, notes %v)", st.Documents, want, run.Errors, run.Blocked, run.Notes)
		}
		fullRate := float64(run.Pages) / fullDur.Seconds()
		bareRate := float64(bare) / bareDur.Seconds()
		b.ReportMetric(fullRate, "pipeline_pages/s")
		b.ReportMetric(bareRate, "colly_pages/s")
		b.ReportMetric(fullRate/bareRate, "ratio")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak_heap_MiB")
		// CPU seconds per 1,000 pages: less sensitive than rates to other
		// processes on a shared machine (the portal's own serving is
		// included in both).
		b.ReportMetric(fullCPU.Seconds()*1000/float64(run.Pages), "pipeline_cpu_s/1k")
		b.ReportMetric(bareCPU.Seconds()*1000/float64(bare), "colly_cpu_s/1k")
		b.Logf("pages: pipeline %d in %v (CPU %v), bare colly %d in %v (CPU %v); documents %d", run.Pages, fullDur.Round(time.Millisecond), fullCPU.Round(time.Millisecond),
			bare, bareDur.Round(time.Millisecond), bareCPU.Round(time.Millisecond), st.Documents)
	}
}

// A small generated portal in the normal test run: every report archived
// through the createPageHTML pager, and no list page fetched twice.
func TestCrawlGeneratedPortal(t *testing.T) {
	h := newHarness(t, portal.Generated(400))
	var mu sync.Mutex
	fetched := map[string]int{}
	e := h.engine(t)
	e.opts.Progress = func(ev Event) {
		mu.Lock()
		fetched[ev.URL]++
		mu.Unlock()
	}
	run, err := e.CrawlSite(context.Background(), &h.sites[0])
	if err != nil {
		t.Fatal(err)
	}
	checkExpected(t, h)
	for u, n := range fetched {
		if n > 1 {
			t.Errorf("%s fetched %d times", u, n)
		}
	}
	if run.Status != "ok" {
		t.Errorf("run status %s (%v %v)", run.Status, run.Errors, run.Notes)
	}
}
