package crawl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl/fetch"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/internal/urlcanon"
	"github.com/nianbao/nianbao/portal"
)

// bareCollyFleet crawls every site of p with a plain async colly
// collector, one LimitRule per host (parallelism, delay): fetch, follow
// every same-host link and the TRS pager, store nothing. It returns the
// pages fetched and the expected report URLs among them.
func bareCollyFleet(ctx context.Context, sites []config.Site, reports []string, rt http.RoundTripper, delay time.Duration, par int) (pages int, found int, err error) {
	var hosts []string
	want := map[string]bool{}
	for _, s := range sites {
		hosts = append(hosts, s.Hosts...)
	}
	for _, u := range reports {
		want[urlcanon.Key(u)] = true
	}
	c := colly.NewCollector(colly.Async(true), colly.StdlibContext(ctx), colly.AllowedDomains(hosts...))
	c.WithTransport(rt)
	for _, h := range hosts {
		if err := c.Limit(&colly.LimitRule{DomainGlob: h, Parallelism: par, Delay: delay}); err != nil {
			return 0, 0, err
		}
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	c.OnResponse(func(r *colly.Response) {
		mu.Lock()
		pages++
		if u := urlcanon.Key(r.Request.URL.String()); want[u] {
			seen[u] = true
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
	for _, s := range sites {
		if err := c.Visit(s.Start[0]); err != nil {
			return 0, 0, err
		}
	}
	c.Wait()
	return pages, len(seen), nil
}

// procStatus reads a kB field of /proc/self/status in MiB: VmHWM is the
// peak resident set, RssAnon the memory the process holds itself (the
// rest of RSS is the archive file's pages mapped by bbolt: page cache).
func procStatus(field string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte(field+":")); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(v)), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// benchSpec is what a benchmark child crawls (in a file named by
// NB_BENCH_CHILD): the crawler runs in its own process, so its peak RSS
// is its own and not the imitation portal's.
type benchSpec struct {
	Mode        string            `json:"mode"` // "pipeline" or "colly"
	Archive     string            `json:"archive"`
	Resolve     map[string]string `json:"resolve"`
	Sites       []config.Site     `json:"sites"`
	Reports     []string          `json:"reports"` // expected report URLs (colly counts them)
	Delay       time.Duration     `json:"delay"`
	Parallelism int               `json:"parallelism"`
	// SkipParse leaves documents unparsed (a memory test of the crawl
	// itself: parsing reads a file whole, within the parser's limit).
	SkipParse bool `json:"skip_parse"`
}

// benchResult is what a benchmark child reports on stdout.
type benchResult struct {
	Wall      time.Duration `json:"wall"`
	LastFetch time.Duration `json:"last_fetch"` // pipeline: when the last fetch ended
	Pages     int           `json:"pages"`
	Reports   int           `json:"reports"` // colly: expected report URLs fetched
	NotOK     []string      `json:"not_ok"`  // pipeline: sites whose run was not ok
	RSS       float64       `json:"rss_mib"`
	Anon      float64       `json:"anon_mib"`  // peak RssAnon, sampled
	Heap      uint64        `json:"heap_mib"`  // peak Go heap in use
	Stack     uint64        `json:"stack_mib"` // peak goroutine stacks
}

func benchChild() int {
	var spec benchSpec
	b, err := os.ReadFile(os.Getenv("NB_BENCH_CHILD"))
	if err == nil {
		err = json.Unmarshal(b, &spec)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench child spec:", err)
		return 2
	}
	var peakHeap, peakStack, peakAnon atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peakHeap.Store(max(peakHeap.Load(), ms.HeapInuse))
			peakStack.Store(max(peakStack.Load(), ms.StackInuse))
			peakAnon.Store(max(peakAnon.Load(), uint64(procStatus("RssAnon"))))
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	var res benchResult
	start := time.Now()
	if pf := os.Getenv("NIANBAO_HEAPPROF"); pf != "" {
		// Heap profiles of the child every 4 s, for memory work.
		go func() {
			for i := 1; ; i++ {
				time.Sleep(time.Until(start.Add(time.Duration(4*i) * time.Second)))
				f, err := os.Create(fmt.Sprintf("%s.%s.%d", pf, spec.Mode, 4*i))
				if err != nil {
					return
				}
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}()
	}
	switch spec.Mode {
	case "colly":
		rt := fetch.NewTransport(fetch.Options{Resolve: spec.Resolve, LoopbackOnly: true})
		res.Pages, res.Reports, err = bareCollyFleet(context.Background(), spec.Sites, spec.Reports, rt, spec.Delay, spec.Parallelism)
		res.Wall = time.Since(start)
	default:
		res, err = pipelineFleet(spec, start)
	}
	close(stop)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 1
	}
	res.RSS, res.Anon, res.Heap, res.Stack = procStatus("VmHWM"), float64(peakAnon.Load()), peakHeap.Load()>>20, peakStack.Load()>>20
	_ = json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// pipelineFleet crawls as `crawler crawl` does: robots, archive commits
// with fsync, the real parser.
func pipelineFleet(spec benchSpec, start time.Time) (benchResult, error) {
	var res benchResult
	a, err := archive.Open(spec.Archive, archive.Options{})
	if err != nil {
		return res, err
	}
	defer a.Close()
	cfg := config.Default()
	cfg.Crawl.Delay = config.Duration(spec.Delay)
	cfg.Crawl.Parallelism = spec.Parallelism
	var mu sync.Mutex
	var last time.Time
	e, err := New(Options{Store: a, Config: cfg, Resolve: spec.Resolve, LoopbackOnly: true,
		Parser: ingest.ParseFile(ingest.Options{}), SkipParse: spec.SkipParse,
		Progress: func(Event) { mu.Lock(); last = time.Now(); mu.Unlock() }})
	if err != nil {
		return res, err
	}
	for _, r := range e.Crawl(context.Background(), spec.Sites) {
		res.Pages += r.Run.Pages
		if r.Run.Status != "ok" {
			res.NotOK = append(res.NotOK, fmt.Sprintf("%s: %s %v %v %v", r.Run.Site, r.Run.Status, r.Run.Errors, r.Run.Blocked, r.Run.Notes))
		}
	}
	res.Wall, res.LastFetch = time.Since(start), last.Sub(start)
	return res, nil
}

// runBenchChild runs spec in a child process and decodes its result.
func runBenchChild(b testing.TB, spec benchSpec) benchResult {
	b.Helper()
	js, _ := json.Marshal(spec)
	path := filepath.Join(b.TempDir(), "spec.json")
	if err := os.WriteFile(path, js, 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "NB_BENCH_CHILD="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s child: %v\n%s", spec.Mode, err, stderr.String())
	}
	var res benchResult
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("%s child output %q: %v", spec.Mode, out, err)
	}
	return res
}

// BenchmarkFleet is the nightly crawl at scale: N small district portals
// (NIANBAO_FLEET, default 40; ~35 URLs each) on their own virtual hosts,
// every response delayed 40 ms ± 50 %, politeness on (delay 500 ms,
// parallelism 1), crawled by the whole pipeline (robots, archive commits
// with fsync, the real parser) and, in the same run, by bare colly
// (async, a LimitRule per host), each in a child process of its own (the
// portal stays in this one). Reported for both: wall time, the politeness
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
	spec := benchSpec{Resolve: p.Resolve(), Sites: p.Sites(), Delay: delay, Parallelism: par}
	for _, s := range spec.Sites {
		for _, e := range p.Expected(s.Name) {
			spec.Reports = append(spec.Reports, e.DetailURL)
		}
	}
	want := len(spec.Reports)
	for i := 0; i < b.N; i++ {
		p.ResetStats()
		spec.Mode = "colly"
		bare := runBenchChild(b, spec)
		barePol := p.Politeness(delay, par)

		p.ResetStats()
		spec.Mode, spec.Archive = "pipeline", filepath.Join(b.TempDir(), "fleet.db")
		full := runBenchChild(b, spec)
		pol := p.Politeness(delay, par)
		a, err := archive.Open(spec.Archive, archive.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		st, _ := a.Stats()
		a.Close()
		b.Logf("archive: %d documents, file %d MiB, pages in use %d MiB", st.Documents, st.FileBytes>>20, st.DataBytes>>20)
		for _, s := range full.NotOK {
			b.Logf("site not ok: %s", s)
		}
		if st.Documents != want || len(full.NotOK) > 0 {
			b.Errorf("pipeline archived %d documents, want %d; %d sites not ok", st.Documents, want, len(full.NotOK))
		}
		b.ReportMetric(full.Wall.Seconds(), "pipeline_s")
		b.ReportMetric(bare.Wall.Seconds(), "colly_s")
		b.ReportMetric(bare.Wall.Seconds()/full.Wall.Seconds(), "speed_vs_colly")
		b.ReportMetric(full.Wall.Seconds()/pol.Floor.Seconds(), "x_floor")
		b.ReportMetric(float64(pol.Violations), "violations")
		b.ReportMetric(full.RSS, "peak_rss_MiB")
		b.ReportMetric(full.Anon, "peak_anon_MiB")
		b.Logf("N=%d: pipeline %v (last fetch at %v), floor %v (%.2f×), %d requests, %d violations (worst gap %v on %s), %d/%d reports, peak RSS %.0f MiB (anonymous %.0f, Go heap %d MiB, stacks %d MiB)",
			n, full.Wall.Round(time.Millisecond), full.LastFetch.Round(time.Millisecond), pol.Floor, full.Wall.Seconds()/pol.Floor.Seconds(), pol.Requests,
			pol.Violations, pol.WorstGap, pol.WorstGapHost, st.Documents, want, full.RSS, full.Anon, full.Heap, full.Stack)
		b.Logf("N=%d: bare colly %v, floor %v (%.2f×), %d pages, %d violations, %d/%d reports, peak RSS %.0f MiB (anonymous %.0f, Go heap %d MiB, stacks %d MiB); pipeline speed %.2f× colly's",
			n, bare.Wall.Round(time.Millisecond), barePol.Floor, bare.Wall.Seconds()/barePol.Floor.Seconds(), bare.Pages, barePol.Violations,
			bare.Reports, want, bare.RSS, bare.Anon, bare.Heap, bare.Stack, bare.Wall.Seconds()/full.Wall.Seconds())
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
