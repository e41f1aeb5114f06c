package sites

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/htmltree"
)

// benchPage is a corpus page with the family the crawl would read it with.
type benchPage struct {
	corpusPage
	family string
}

// BenchmarkAnalyzePages measures NewPage + Analyze (the crawl's per-page
// analysis) over realistic pages. It reports pages per CPU-second
// (process user+sys time, GC included) and allocations and bytes per page.
//
//	go test ./sites -run '^$' -bench AnalyzePages -benchtime 20x
func BenchmarkAnalyzePages(b *testing.B) {
	// TestMain's check parses every tree a second time with html.Parse.
	prev := htmltree.SetCheck(nil)
	defer htmltree.SetCheck(prev)
	var gen, imp []benchPage
	for _, p := range generatedPages(b) {
		gen = append(gen, benchPage{p, "trs"}) // the crawl benchmark's site is configured trs
	}
	for _, p := range imitationPages(b) {
		pg, err := NewPage(p.URL, p.HTML, p.Kind, "")
		if err != nil {
			b.Fatal(err)
		}
		r, _ := Detect(pg)
		imp = append(imp, benchPage{p, r.Name()})
	}
	for _, c := range []struct {
		name  string
		pages []benchPage
	}{{"generated", gen}, {"imitation", imp}} {
		b.Run(c.name, func(b *testing.B) { benchPages(b, c.pages) })
	}
}

func benchPages(b *testing.B, pages []benchPage) {
	run := func() {
		for _, p := range pages {
			pg, err := NewPage(p.URL, p.HTML, p.Kind, "")
			if err != nil {
				b.Fatal(err)
			}
			r, _ := Lookup(p.family)
			r.Analyze(pg)
		}
	}
	var cpu time.Duration
	var allocs, bytes uint64
	for b.Loop() {
		c, a, by := measure(run)
		cpu, allocs, bytes = cpu+c, allocs+a, bytes+by
	}
	n := float64(b.N * len(pages))
	b.ReportMetric(n/cpu.Seconds(), "pages/cpu-s")
	b.ReportMetric(float64(allocs)/n, "allocs/page")
	b.ReportMetric(float64(bytes)/n, "B/page")
}

// measure runs f and returns the process CPU time, heap allocations and
// bytes it took (with a GC first, so one run's garbage is not charged to
// the next).
func measure(f func()) (time.Duration, uint64, uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	allocs, bytes := ms.Mallocs, ms.TotalAlloc
	c0 := cpuTime()
	f()
	c := cpuTime() - c0
	runtime.ReadMemStats(&ms)
	return c, ms.Mallocs - allocs, ms.TotalAlloc - bytes
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
