package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/gocolly/colly/v2"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/sites"
)

// siteRun is one site's crawl run (or its resumption after a kill):
// its frontier, page budget and run report. The machinery it shares with
// the other sites of the run (politeness, robots, the committer) is the
// fleet's.
type siteRun struct {
	e     *Engine
	f     *fleet
	site  *config.Site
	st    Store
	hosts hostMatcher
	pol   config.Politeness
	rule  sites.Rule // nil: detect per page
	// selectors: the site's list/date selectors for the rules.
	selectors sites.Selectors

	maxPages    int
	recheck     time.Duration
	stopPaging  bool
	maxDepth    int
	maxInFlight int

	col  *colly.Collector
	docs *docCache

	// mu guards the site's frontier, report and early-parse bookkeeping
	// (the embedded parts below), inflight and fatal; cond signals the
	// loop that a fetch ended or an item was queued.
	mu       sync.Mutex
	cond     *sync.Cond
	inflight int
	fatal    error
	frontier // frontier.go
	tally    // report.go
	ripening // early.go
}

func newSiteRun(e *Engine, f *fleet, site *config.Site) (*siteRun, error) {
	if len(site.Start) == 0 {
		return nil, fmt.Errorf("site %q: no start URL", site.Name)
	}
	for _, s := range site.Start {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("site %q: bad start URL %q", site.Name, s)
		}
	}
	cfg := &e.opts.Config.Crawl
	r := &siteRun{
		e: e, f: f, site: site, st: e.opts.Store,
		hosts:    newHostMatcher(site),
		pol:      cfg.PolitenessFor(site),
		docs:     newDocCache(e.opts.Store, site.Name),
		frontier: frontier{queued: map[string]bool{}},
		tally:    tally{families: map[string]int{}, listFamilies: map[string]int{}},
		ripening: ripening{docWait: map[string]int{}, docStored: map[string]<-chan struct{}{}},
		maxDepth: cfg.MaxDepth,
	}
	r.maxPages, r.recheck, r.stopPaging = cfg.BudgetFor(site)
	for name, sel := range map[string]string{"list": site.Selectors.List, "date": site.Selectors.Date} {
		if _, err := cascadia.Compile(sel); sel != "" && err != nil {
			return nil, fmt.Errorf("site %q: selectors.%s %q: %w", site.Name, name, sel, err)
		}
	}
	r.selectors = sites.Selectors{List: site.Selectors.List, Date: site.Selectors.Date}
	if e.opts.MaxPages > 0 {
		r.maxPages = e.opts.MaxPages
	}
	if site.Family != "" {
		rule, ok := sites.Lookup(site.Family)
		if !ok {
			return nil, fmt.Errorf("site %q: unknown family %q (known: %v)", site.Name, site.Family, sites.Families())
		}
		r.rule = rule
	}
	if e.opts.NoPoliteness {
		r.pol.Delay = 0
		r.pol.Parallelism = 16
	}
	r.maxInFlight = e.opts.MaxInFlight
	if r.maxInFlight <= 0 {
		r.maxInFlight = min(max(r.pol.Parallelism*4, 4), 32)
	}
	r.cond = sync.NewCond(&r.mu)
	return r, nil
}

// commit hands f to the run's committer; a storage failure stops this
// site's run. Nothing read back from the store depends on it during the
// run: documents come from docs, known URLs from r.queued.
func (r *siteRun) commit(f archive.Fetch) { r.f.commits.commit(f, r.setFatal) }

func mergeResolve(a, b map[string]string) map[string]string {
	if len(b) == 0 {
		return a
	}
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// run crawls until the frontier is exhausted, the budget is spent or ctx ends.
func (r *siteRun) crawl(ctx context.Context) (archive.Run, error) {
	r.run.Site = r.site.Name
	r.run.Start = r.e.now()
	r.run.Errors = map[string]int{}
	r.run.Blocked = map[string]int{}
	if err := r.loadFrontier(); err != nil {
		return r.finishFailed(err)
	}
	r.col = r.f.collector(ctx, r.hosts)
	stop := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-stop:
		}
		r.mu.Lock()
		r.cond.Broadcast()
		r.mu.Unlock()
	}()
	exhausted := r.loop(ctx)
	close(stop)
	// This site's fetches are durable before its report is written and
	// its documents are read back for parsing.
	if err := r.f.commits.flush(); err != nil {
		r.setFatal(err)
	}
	r.parsing.Wait()
	r.docs = nil // committed: a thousand sites' caches must not outlive their crawl

	r.run.End = r.e.now()
	if ctx.Err() != nil {
		r.run.Status = "interrupted"
		r.run.Notes = append(r.run.Notes, "interrupted; the frontier is kept and the next run resumes it")
		r.finishReport()
		_ = r.st.AddRun(&r.run)
		return r.run, ctx.Err()
	}
	if r.fatal != nil {
		return r.finishFailed(r.fatal)
	}
	if !r.e.opts.SkipParse {
		if err := r.parseDocs(ctx); err != nil {
			r.run.Notes = append(r.run.Notes, "parse: "+err.Error())
		}
	}
	r.run.End = r.e.now()
	r.finishReport()
	if exhausted {
		r.run.Notes = append(r.run.Notes, fmt.Sprintf("page budget of %d spent; %d URLs stay in the frontier for the next run", r.maxPages, r.q.Len()))
		if r.run.Status == "ok" {
			r.run.Status = "partial"
		}
	}
	if err := r.st.AddRun(&r.run); err != nil {
		return r.run, wrapf(err, "store run report of %s", r.site.Name)
	}
	if !exhausted {
		if err := r.st.FrontierClear(r.site.Name); err != nil {
			return r.run, wrapf(err, "clear frontier of %s", r.site.Name)
		}
	}
	if r.run.Status == "failed" {
		return r.run, fmt.Errorf("site %s: nothing could be fetched (%s)", r.site.Name, summarizeCounts(r.run.Errors, r.run.Blocked))
	}
	return r.run, nil
}

func (r *siteRun) finishFailed(err error) (archive.Run, error) {
	r.run.End = r.e.now()
	r.run.Status = "failed"
	r.run.Notes = append(r.run.Notes, err.Error())
	_ = r.st.AddRun(&r.run)
	return r.run, err
}

// loop dispatches frontier items best first. It returns true when the
// page budget stopped it.
func (r *siteRun) loop(ctx context.Context) (exhausted bool) {
	var wg sync.WaitGroup
	defer wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		if ctx.Err() != nil || r.fatal != nil {
			r.waitIdleLocked()
			return false
		}
		if it := r.takeLocked(); it != nil {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// A worker goes on with the next fetchable item while there
				// is one: a goroutine per fetch grew a fresh stack through
				// colly and net/http every time.
				for it != nil {
					newItems := r.fetchOne(ctx, it)
					r.mu.Lock()
					r.inflight--
					for _, fi := range newItems {
						r.pushLocked(fi)
					}
					r.docDoneLocked(it)
					it = nil
					if ctx.Err() == nil && r.fatal == nil {
						it = r.takeLocked()
					}
					r.cond.Broadcast()
					r.mu.Unlock()
				}
			}()
			continue
		}
		top := r.q.peek()
		budget := r.fetches >= r.maxPages
		switch {
		case top == nil && r.inflight == 0:
			return false
		case top != nil && top.fetchable() && budget && r.inflight == 0:
			return true
		case top != nil && top.Kind == kindSighting && r.inflight == 0:
			it := r.q.pop()
			r.mu.Unlock()
			r.recordSighting(it)
			r.mu.Lock()
		case top != nil && top.Kind == kindRun && r.inflight == 0 && r.q.Len() == 1:
			return false
		case top != nil && top.Kind == kindRun && r.inflight == 0:
			// Only the marker and items below it: impossible by scores, but never spin.
			r.q.pop()
		default:
			r.cond.Wait()
		}
	}
}

// takeLocked pops the best item if it may be fetched now: a fetch (not a
// sighting or the run marker), within the page budget and the in-flight
// limit. It counts the fetch as started.
func (r *siteRun) takeLocked() *item {
	top := r.q.peek()
	if top == nil || !top.fetchable() || r.fetches >= r.maxPages || r.inflight >= r.maxInFlight {
		return nil
	}
	it := r.q.pop()
	r.inflight++
	r.fetches++
	return it
}

func (r *siteRun) waitIdleLocked() {
	for r.inflight > 0 {
		r.cond.Wait()
	}
}

func (r *siteRun) pending() int {
	return r.q.Len()
}

func (r *siteRun) progress(ev Event) {
	if r.e.opts.Progress == nil {
		return
	}
	r.mu.Lock()
	ev.Site = r.site.Name
	ev.Pages = r.run.Pages
	ev.Pending = r.q.Len()
	ev.NewDocs = r.run.NewDocs
	ev.Floor = time.Duration(ev.Pending) * r.pol.Delay / time.Duration(r.pol.Parallelism)
	r.mu.Unlock()
	r.e.opts.Progress(ev)
}

func isNotFound(err error) bool { return errors.Is(err, archive.ErrNotFound) }

// conditionalHeaders builds the request headers: Referer, and the stored
// validators when the archived copy can stand in for a 304.
func conditionalHeaders(st *archive.URLState, referer string) http.Header {
	h := http.Header{}
	if referer != "" {
		h.Set("Referer", referer)
	}
	if st != nil && st.SHA256 != "" {
		if st.ETag != "" {
			h.Set("If-None-Match", st.ETag)
		}
		if st.LastModified != "" {
			h.Set("If-Modified-Since", st.LastModified)
		}
	}
	return h
}
