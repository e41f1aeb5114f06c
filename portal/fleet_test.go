package portal

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"
)

// A fleet's sites are real config entries, every report is reachable from
// its site's start URL through that site's host only, and is served (via
// Resolve, as a crawler dials) with the bytes Expected records.
func TestFleetSites(t *testing.T) {
	p := Fleet(3, FleetOptions{})
	p.Start()
	defer p.Close()
	sites := p.Sites()
	if len(sites) != 3 {
		t.Fatalf("%d sites, want 3", len(sites))
	}
	titles := map[string]string{}
	for i, s := range sites {
		host := "www.d000" + strconv.Itoa(i) + ".fleet.gov.cn"
		if s.Name != "d000"+strconv.Itoa(i) || s.Region != "测试省第"+strconv.Itoa(i)+"区" ||
			!slices.Equal(s.Start, []string{"http://" + host + "/"}) || !slices.Equal(s.Hosts, []string{host}) {
			t.Errorf("site %d: %+v", i, s)
		}
		if FleetSite(i) != s.Name || FleetHost(i) != host {
			t.Errorf("site %d: FleetSite %q FleetHost %q", i, FleetSite(i), FleetHost(i))
		}
		exp := p.Expected(s.Name)
		// 35 URLs: home, 2 list pages (index.html, index_1.html), 32 reports;
		// the column directory is one more URL for list page 1.
		if len(exp) != 32 {
			t.Errorf("%s: %d reports, want 32", s.Name, len(exp))
		}
		w := walk(t, p, s, 100)
		ok := 0
		for _, st := range w.status {
			if st == 200 {
				ok++
			}
		}
		if ok != DefaultPagesPerSite+1 || len(w.offer) != 0 {
			t.Errorf("%s: walk fetched %d pages (want %d), offered %d off-site links", s.Name, ok, DefaultPagesPerSite+1, len(w.offer))
		}
		for _, e := range exp {
			if e.Site != s.Name || e.Body == "" || e.Year < 2015 || len(e.Pages) != 1 || e.Pages[0].URL != e.DetailURL {
				t.Errorf("%s: bad entry %+v", s.Name, e)
			}
			if w.status[e.DetailURL] != 200 || hexsha(w.body[e.DetailURL]) != e.Pages[0].SHA256 {
				t.Errorf("%s: %s not reached intact (status %d)", s.Name, e.DetailURL, w.status[e.DetailURL])
			}
			if prev, dup := titles[e.Title]; dup {
				t.Errorf("title %q of %s also on %s", e.Title, e.ID, prev)
			}
			titles[e.Title] = e.ID
		}
	}
	if e := p.Expected("d0002")[3]; e.Title != "测试省第2区第1单位2018年政府信息公开工作年度报告" || e.Body != "测试省第2区第1单位" {
		t.Errorf("d0002 report 3: %q by %q", e.Title, e.Body)
	}
}

// A fleet district has Generated's paths (so the same crawl rules apply),
// and sizes follow PagesPerSite and Sizes: a site of s pages serves s+1
// URLs (the column directory repeats list page 1).
func TestFleetSizes(t *testing.T) {
	gen := Generated(35)
	if a, b := routePaths(gen, "www.gen.gov.cn"), routePaths(Fleet(1, FleetOptions{}), FleetHost(0)); !slices.Equal(a, b) {
		t.Errorf("fleet paths differ from Generated's:\n%v\n%v", a, b)
	}
	giant := func(i int) int {
		if i == 1 {
			return 500
		}
		return 0 // the default
	}
	for _, tc := range []struct {
		name  string
		n     int
		opts  FleetOptions
		sizes []int
	}{
		{"default", 2, FleetOptions{}, []int{35, 35}},
		{"per site", 2, FleetOptions{PagesPerSite: 10}, []int{10, 10}},
		{"one giant", 3, FleetOptions{PagesPerSite: 10, Sizes: giant}, []int{10, 500, 10}},
		{"tiny", 1, FleetOptions{PagesPerSite: 3}, []int{3}},
		{"empty", 0, FleetOptions{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Fleet(tc.n, tc.opts)
			if len(p.Sites()) != len(tc.sizes) {
				t.Fatalf("%d sites", len(p.Sites()))
			}
			for i, size := range tc.sizes {
				urls := len(p.hosts[FleetHost(i)].routes)
				lists := (size + 20) / 21
				reports := len(p.Expected(FleetSite(i)))
				if urls != size+1 || reports != max(size-lists-1, 1) {
					t.Errorf("site %d: %d URLs, %d reports; want %d URLs for size %d", i, urls, reports, size+1, size)
				}
			}
		})
	}
}

func routePaths(p *Portal, host string) []string {
	return slices.Sorted(maps.Keys(p.hosts[host].routes))
}

// fleetDigest hashes everything a portal serves and its ground truth.
func fleetDigest(t *testing.T, p *Portal) string {
	t.Helper()
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(p.hosts)) {
		v := p.hosts[name]
		for _, path := range routePaths(p, name) {
			r := v.routes[path]
			fmt.Fprintf(h, "%s|%s|%d|%s|%s|%d|%d\n", name, path, r.status, r.ctype, r.etag, r.mod.Unix(), len(r.body))
			h.Write(r.body)
		}
	}
	for _, s := range p.Sites() {
		j, err := json.Marshal(p.Expected(s.Name))
		if err != nil {
			t.Fatal(err)
		}
		h.Write(j)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// Two builds serve the same bytes, ETags and dates; latency changes when,
// never what, the portal serves.
func TestFleetDeterministic(t *testing.T) {
	a := fleetDigest(t, Fleet(3, FleetOptions{PagesPerSite: 50}))
	b := fleetDigest(t, Fleet(3, FleetOptions{PagesPerSite: 50, Latency: time.Second, Jitter: 0.5}))
	if a != b {
		t.Errorf("two builds differ: %s vs %s", a, b)
	}
	p := Fleet(2, FleetOptions{})
	for _, path := range routePaths(p, FleetHost(0)) {
		if string(p.hosts[FleetHost(0)].routes[path].body) == string(p.hosts[FleetHost(1)].routes[path].body) {
			t.Errorf("%s: districts 0 and 1 serve the same bytes", path)
		}
	}
}

// The latency delay stays within Latency × (1 ± Jitter), is a function of the URL
// and the request's ordinal only, and spreads over the range.
func TestFleetDelay(t *testing.T) {
	for _, tc := range []struct {
		latency time.Duration
		jitter  float64
	}{
		{40 * time.Millisecond, 0.5},
		{time.Second, 0.1},
		{40 * time.Millisecond, 0},
		{0, 0.5},
		{time.Second, 7}, // clamped to 1
	} {
		t.Run(fmt.Sprintf("%v±%v", tc.latency, tc.jitter), func(t *testing.T) {
			p := Fleet(0, FleetOptions{Latency: tc.latency, Jitter: tc.jitter})
			q := Fleet(0, FleetOptions{Latency: tc.latency, Jitter: tc.jitter})
			j := min(tc.jitter, 1)
			lo := time.Duration(float64(tc.latency) * (1 - j))
			hi := time.Duration(float64(tc.latency) * (1 + j))
			var sum time.Duration
			seen := map[time.Duration]bool{}
			const n = 2000
			for i := range n {
				url := "http://" + FleetHost(i%40) + "/zfxxgk/zfxxgknb/index_" + strconv.Itoa(i%7) + ".html"
				k := uint64(i / 280)
				d := p.lat.delay(url, k)
				if d < lo || d > hi || d != q.lat.delay(url, k) {
					t.Fatalf("%s #%d: %v (other build %v), want in [%v, %v]", url, k, d, q.lat.delay(url, k), lo, hi)
				}
				sum += d
				seen[d] = true
			}
			if mean := sum / n; mean < tc.latency*95/100 || mean > tc.latency*105/100 {
				t.Errorf("mean delay %v, want about %v", mean, tc.latency)
			}
			if tc.jitter > 0 && tc.latency > 0 && len(seen) < n/2 {
				t.Errorf("only %d distinct delays in %d", len(seen), n)
			}
		})
	}
}

// Served requests are held at least their delay, and a request's delay is
// the one its URL and ordinal give.
func TestFleetLatency(t *testing.T) {
	const lat, jit = 40 * time.Millisecond, 0.5
	p := Fleet(1, FleetOptions{Latency: lat, Jitter: jit})
	p.Start()
	defer p.Close()
	home := "http://" + FleetHost(0) + "/"
	report := p.Expected(FleetSite(0))[0].DetailURL
	urls := []string{home, home, report, home, report}
	var delays []time.Duration
	asked := map[string]uint64{}
	for _, u := range urls {
		start := time.Now()
		if f := get(t, p, u); f.status != 200 {
			t.Fatalf("%s: %d", u, f.status)
		}
		took := time.Since(start)
		d := p.lat.delay(u, asked[u])
		asked[u]++
		delays = append(delays, d)
		if took < d || took < time.Duration(float64(lat)*(1-jit))-time.Millisecond {
			t.Errorf("%s took %v, its delay is %v", u, took, d)
		}
	}
	spans := p.polite.snapshot()[FleetHost(0)]
	if len(spans) != len(urls) {
		t.Fatalf("%d requests recorded, want %d", len(spans), len(urls))
	}
	for i, s := range spans {
		if held := time.Duration(s.fin - s.arr); held < delays[i] || held > delays[i]+500*time.Millisecond {
			t.Errorf("request %d held %v, its delay is %v", i, held, delays[i])
		}
	}
	if delays[0] == delays[1] {
		t.Errorf("the home page's first two requests got the same delay %v", delays[0])
	}
}

func BenchmarkFleetBuild(b *testing.B) {
	for _, n := range []int{40, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				Fleet(n, FleetOptions{})
			}
		})
	}
}
