package portal

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// FleetOptions configures Fleet.
type FleetOptions struct {
	// PagesPerSite is about how many URLs each district serves (home, list
	// pages, reports); 0 means 35, so Fleet(40) is about 1,400 URLs.
	PagesPerSite int
	// Sizes, when set, overrides the size of site i (0-based) where it
	// returns more than 0, e.g. to give a benchmark one giant site among
	// small ones.
	Sizes func(i int) int
	// Latency delays every response by Latency × (1 ± Jitter), as a slow
	// portal does, so a crawl of many hosts is bound by waiting rather than
	// by CPU (which is what per-host parallelism and politeness are about).
	Latency time.Duration
	// Jitter is the relative spread of the delay, in [0, 1] (0.5 = ±50%).
	// Each request's delay is a hash of its URL and of how many times that
	// URL was asked for, so a run's delays repeat exactly.
	Jitter float64
}

// DefaultPagesPerSite is the size of a fleet district when
// FleetOptions.PagesPerSite is 0.
const DefaultPagesPerSite = 35

// FleetSite is the name of fleet site i ("d0007"), FleetHost its only host.
func FleetSite(i int) string { return fmt.Sprintf("d%04d", i) }

// FleetHost is the host of fleet site i ("www.d0007.fleet.gov.cn").
func FleetHost(i int) string { return "www." + FleetSite(i) + ".fleet.gov.cn" }

// Fleet returns a portal of n small district portals, sites FleetSite(0)
// to FleetSite(n-1), each on its own host and each a site entry of Sites()
// (region 测试省第i区, start http://<host>/). A district has Generated's
// shape: a home page linking its 政府信息公开年报 column, TRS list pages of
// 20 rows with a createPageHTML pager, and one small HTML report per row.
// It exists so crawl benchmarks and tests can exercise many hosts at once
// (per-host parallelism, politeness, scheduling across sites), which one
// big site cannot. Report titles name the district, so every title is
// unique; Expected(site) lists every report. All bytes are prebuilt and
// deterministic; only the optional latency is applied at serving time.
func Fleet(n int, opts FleetOptions) *Portal {
	per := opts.PagesPerSite
	if per <= 0 {
		per = DefaultPagesPerSite
	}
	defs := make([]*siteDef, 0, max(n, 0))
	for i := 0; i < n; i++ {
		size := per
		if opts.Sizes != nil {
			if s := opts.Sizes(i); s > 0 {
				size = s
			}
		}
		name, host := FleetSite(i), FleetHost(i)
		region := "测试省第" + strconv.Itoa(i) + "区"
		spec := genSpec{host: host, site: region + "人民政府", unit: region, id: name, pages: size}
		defs = append(defs, &siteDef{
			Name: name, Region: region, generated: true, order: i,
			Start: []string{"http://" + host + "/"},
			Hosts: []string{host},
			build: func(b *builder) { buildGen(b, spec) },
		})
	}
	p := newPortal(Options{}, defs)
	if opts.Latency > 0 {
		p.lat = &latency{base: opts.Latency, jitter: min(max(opts.Jitter, 0), 1), asked: map[string]uint64{}}
	}
	return p
}

// latency is the delay a Fleet adds to every response.
type latency struct {
	base   time.Duration
	jitter float64

	mu    sync.Mutex
	asked map[string]uint64 // requests per URL so far
}

// delay is the latency of the k-th request (0-based) for url: base ×
// (1 + jitter × u) with u in [-1, 1) drawn from a hash of both. The portal
// serves nothing random, so two runs see the same delays request by
// request. A nil latency is none.
func (l *latency) delay(url string, k uint64) time.Duration {
	if l == nil {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(url))
	x := h.Sum64() ^ (k+1)*0x9e3779b97f4a7c15
	// splitmix64 finalizer: FNV's high bits change little between close
	// inputs such as index_1.html and index_2.html.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	u := float64(x>>11)/(1<<53)*2 - 1
	return time.Duration(float64(l.base) * (1 + l.jitter*u))
}

// hold keeps the request for its delay. It runs inside the handler, after
// the arrival is recorded, so the request counts as in flight meanwhile,
// as on a slow server; a client that gives up ends it early.
func (l *latency) hold(r *http.Request) {
	key := requestKey(r)
	l.mu.Lock()
	k := l.asked[key]
	l.asked[key] = k + 1
	l.mu.Unlock()
	t := time.NewTimer(l.delay(key, k))
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// reset forgets the request counts (ResetStats), so a second crawl is
// delayed exactly as the first was.
func (l *latency) reset() {
	if l == nil {
		return
	}
	l.mu.Lock()
	clear(l.asked)
	l.mu.Unlock()
}
