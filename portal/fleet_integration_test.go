package portal

import (
	"runtime"
	"testing"
	"time"
)

// Fleet(1000) is the size of a many-host benchmark: it must build quickly
// and hold little. The numbers are logged (go test -v -run BuildCost).
func TestFleetBuildCost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 35,000 pages")
	}
	const n = 1000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	p := Fleet(n, FleetOptions{})
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	urls, reports := 0, 0
	for _, v := range p.hosts {
		urls += len(v.routes)
	}
	for _, s := range p.Sites() {
		reports += len(p.Expected(s.Name))
	}
	runtime.KeepAlive(p)
	t.Logf("Fleet(%d): %d URLs, %d reports, built in %v, heap %.1f MB (%d B/URL)",
		n, urls, reports, took.Round(time.Millisecond), float64(heap)/(1<<20), heap/int64(urls))
	if urls != n*(DefaultPagesPerSite+1) || reports != n*32 {
		t.Errorf("%d URLs, %d reports", urls, reports)
	}
	// Generous bounds (the machine is shared); they catch a regression to
	// per-page copies or quadratic building, not noise.
	if heap > 2048*int64(urls) || took > 10*time.Second {
		t.Errorf("Fleet(%d) too costly: %v, %d bytes", n, took, heap)
	}
}
