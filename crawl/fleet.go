package crawl

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl/fetch"
)

// earlyParseQueue bounds the documents waiting for an early parse; more
// wait for their site's end-of-run pass.
const earlyParseQueue = 1 << 14

// DefaultMaxConcurrent is the default of crawl.max_concurrent: requests
// in flight at once across all hosts of a run.
const DefaultMaxConcurrent = 128

// fleet is what the sites of one run share: one politeness limiter (per
// host, process-wide, with the cap across hosts), one robots.txt cache,
// one transport stack, one committer (bbolt has one writer) and a bound
// on parsers running at once. Each site keeps its own frontier, budget,
// documents and report (siteRun).
//
// A fetch flows: siteRun.loop → fetchOne → colly (the site's collector:
// its redirect policy and allowed hosts) → retryTransport (fetch.Do:
// retries) → Limiter (the host's turn, a global slot, the exchange's
// timeout) → fetch transport (resolve, loopback guard, stall) — and
// its results go once to the committer.
type fleet struct {
	e       *Engine
	limiter *fetch.Limiter
	rt      *retryTransport // retries over the limiter over the network
	robots  *fetch.Robots
	commits *committer
	parse   chan struct{} // parsers running at once
	parseQ  chan parseJob // early parses (nil: parsing off)
}

func newFleet(e *Engine, list []config.Site) *fleet {
	cfg := &e.opts.Config.Crawl
	base := e.opts.Transport
	if base == nil {
		base = fetch.NewTransport(fetch.Options{
			Proxy: cfg.Proxy, Resolve: mergeResolve(cfg.Resolve, e.opts.Resolve),
			LoopbackOnly: e.opts.LoopbackOnly, InsecureTLS: cfg.InsecureTLS,
			UserAgent: cfg.UserAgent, Timeout: cfg.Timeout.D(),
		})
	}
	timeout := cfg.Timeout.D()
	if timeout <= 0 {
		timeout = fetch.DefaultTimeout
	}
	pol := cfg.PolitenessFor(nil)
	lo := fetch.LimiterOptions{Delay: pol.Delay, Parallelism: pol.Parallelism, MaxInFlight: cfg.MaxConcurrent, Timeout: timeout}
	if lo.MaxInFlight <= 0 {
		lo.MaxInFlight = DefaultMaxConcurrent
	}
	if e.opts.NoPoliteness {
		lo.Delay, lo.Parallelism = 0, 16
	} else {
		lo.Policy = strictest(cfg, list)
	}
	f := &fleet{e: e, limiter: fetch.NewLimiterWith(lo), parse: make(chan struct{}, runtime.GOMAXPROCS(0))}
	policy := fetch.RetryPolicy{MaxAttempts: cfg.MaxAttempts, MaxBody: maxBody, Logger: e.log}
	if e.opts.NoPoliteness {
		policy.BaseDelay = 50 * time.Millisecond
		policy.MaxDelay = 500 * time.Millisecond
		policy.MaxRetryAfter = 2 * time.Second
	}
	f.rt = newRetryTransport(f.limiter.Transport(base), policy)
	ro := fetch.RobotsOptions{UserAgent: cfg.UserAgent, Log: e.log, Now: e.opts.Now}
	if !e.opts.NoPoliteness {
		ro.Limiter = f.limiter // Crawl-delay slows a host down, for every site
	}
	// No client timeout: the limiter times each exchange from its turn.
	f.robots = fetch.NewRobots(&http.Client{Transport: f.rt}, ro)
	f.commits = newCommitter(e.opts.Store, e.opts.commitEvery)
	return f
}

// strictest gives a host the politeness of the sites whose hosts include
// it: the longest delay and the lowest parallelism among them. Several
// entries may reach one host (a district's aggregation tree and a
// bureau's own entry); the host must not be asked faster because the
// laxer one happened to ask first.
func strictest(cfg *config.Crawl, list []config.Site) func(string) (time.Duration, int, bool) {
	type entry struct {
		m   hostMatcher
		pol config.Politeness
	}
	entries := make([]entry, len(list))
	for i := range list {
		entries[i] = entry{newHostMatcher(&list[i]), cfg.PolitenessFor(&list[i])}
	}
	return func(host string) (time.Duration, int, bool) {
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		var d time.Duration
		p, found := 0, false
		for _, en := range entries {
			if !en.m.allowedHost(host) {
				continue
			}
			if !found || en.pol.Delay > d {
				d = en.pol.Delay
			}
			if !found || en.pol.Parallelism < p {
				p = en.pol.Parallelism
			}
			found = true
		}
		return d, p, found
	}
}

// collector is a site's colly collector over the run's transport: the
// site's allowed hosts decide its redirects.
func (f *fleet) collector(ctx context.Context, hosts hostMatcher) *colly.Collector {
	return newCollector(ctx, f.rt, f.e.opts.Config.Crawl.UserAgent, hosts)
}

// Crawl crawls the sites at once, each at its hosts' politeness, and
// stores a run report for each; the results are in the order of sites.
// It returns the results even when ctx is cancelled (an interrupted site
// is reported as such; its frontier stays for the next run).
func (e *Engine) Crawl(ctx context.Context, list []config.Site) []Result {
	f := newFleet(e, list)
	defer f.commits.close()
	defer f.rt.closeAll()
	if e.opts.Parser != nil && !e.opts.SkipParse {
		f.parseQ = make(chan parseJob, earlyParseQueue)
		f.startParsers(ctx)
		defer close(f.parseQ) // every site waited for its jobs
	}
	out := make([]Result, len(list))
	var wg sync.WaitGroup
	for i := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			site := &list[i]
			if e.opts.SiteStart != nil {
				e.opts.SiteStart(site.Name)
			}
			run, err := f.crawlSite(ctx, site)
			out[i] = Result{Run: run, Err: err}
			if e.opts.SiteDone != nil {
				e.opts.SiteDone(out[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// CrawlSite runs (or resumes) one site's crawl to the end of its frontier
// or budget, parses new documents and stores the run report.
func (e *Engine) CrawlSite(ctx context.Context, site *config.Site) (archive.Run, error) {
	r := e.Crawl(ctx, []config.Site{*site})[0]
	return r.Run, r.Err
}

func (f *fleet) crawlSite(ctx context.Context, site *config.Site) (archive.Run, error) {
	e := f.e
	r, err := newSiteRun(e, f, site)
	if err != nil {
		run := archive.Run{Site: site.Name, Start: e.now(), End: e.now(), Status: "failed", Notes: []string{err.Error()}}
		_ = e.opts.Store.AddRun(&run)
		return run, err
	}
	return r.crawl(ctx)
}
