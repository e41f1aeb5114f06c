package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/gocolly/colly/v2"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl/fetch"
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

	runStart time.Time
	resumed  bool // a persisted frontier was resumed

	mu       sync.Mutex
	cond     *sync.Cond
	q        itemHeap
	queued   map[string]bool // frontier keys known this run (pending or done)
	seq      int
	inflight int
	run      archive.Run
	fetches  int // fetches this run, resumptions included (budget)
	okPages  int
	families map[string]int
	// listFamilies tallies the families of list pages only: lists are
	// where families differ (details look alike), so they name the site's.
	listFamilies map[string]int
	noteSeen     map[string]bool // rule notes already in the run report
	fatal        error
	docsSeen     map[string]bool
	// docWait counts the queued items that add files to a document
	// (attachments, continuation pages): at 0 it is complete and parsed
	// while the crawl goes on (early.go). docStored is each document's
	// last write.
	docWait   map[string]int
	docStored map[string]<-chan struct{}
	parsing   sync.WaitGroup // early parses of this site under way
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
		hosts:   newHostMatcher(site),
		pol:     cfg.PolitenessFor(site),
		queued:  map[string]bool{},
		docs:    newDocCache(e.opts.Store, site.Name),
		docWait: map[string]int{}, docStored: map[string]<-chan struct{}{},
		families: map[string]int{}, listFamilies: map[string]int{},
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

// finishReport sets the status and family of the run report.
func (r *siteRun) finishReport() {
	if r.rule != nil {
		r.run.Family = r.rule.Name()
	} else {
		r.run.Family = siteFamily(r.listFamilies, r.families)
	}
	if r.run.Status != "" {
		return
	}
	defer r.flagOnlyBlocks()
	errs := 0
	for _, n := range r.run.Errors {
		errs += n
	}
	for _, n := range r.run.Blocked {
		errs += n
	}
	switch {
	case r.okPages == 0 && (r.run.Pages > 0 || errs > 0):
		r.run.Status = "failed"
	case errs > 0:
		r.run.Status = "partial"
	default:
		r.run.Status = "ok"
	}
}

// blockedNeedsBrowser counts, in run.Blocked, the report lists only a
// browser can render (sites.NoteNeedsBrowser): "a list we cannot read" is
// not "no reports".
const blockedNeedsBrowser = "needs_browser"

// siteFamily names the site's family: the most frequent non-generic
// family of its list pages, else the most frequent family of all pages.
func siteFamily(lists, all map[string]int) string {
	best := func(m map[string]int, skipGeneric bool) string {
		b, n := "", 0
		for f, c := range m {
			if skipGeneric && f == "generic" {
				continue
			}
			if c > n || c == n && f < b {
				b, n = f, c
			}
		}
		return b
	}
	if f := best(lists, true); f != "" {
		return f
	}
	return best(all, false)
}

// runLister is the part of the archive that lists past runs (the dry-run
// MemStore has none: nothing to compare with).
type runLister interface {
	Runs(site string, limit int) ([]archive.Run, error)
}

// flagOnlyBlocks flags a site that served reports in its previous run and
// now answers only with blocks (WAF, robots): the reports did not vanish,
// the crawler was shut out.
func (r *siteRun) flagOnlyBlocks() {
	blocked := 0
	for k, n := range r.run.Blocked {
		if k != blockedNeedsBrowser {
			blocked += n
		}
	}
	if r.okPages > 0 || blocked == 0 || r.run.Docs > 0 {
		return
	}
	rl, ok := r.st.(runLister)
	if !ok {
		return
	}
	// The last run that was not itself shut out decides: blocked runs in
	// a row keep the flag.
	prev, err := rl.Runs(r.site.Name, 20)
	if err != nil {
		return
	}
	for _, pr := range prev {
		if hasNotePrefix(pr.Notes, NoteOnlyBlocks) || pr.Status == "interrupted" {
			continue
		}
		if pr.Docs == 0 {
			return
		}
		r.run.Status = "failed"
		r.run.Notes = append(r.run.Notes, fmt.Sprintf("%s: the site served %d reports in the run of %s and only blocked responses now (%s)",
			NoteOnlyBlocks, pr.Docs, pr.Start.Format("2006-01-02"), summarizeCounts(r.run.Blocked)))
		return
	}
}

func hasNotePrefix(notes []string, prefix string) bool {
	for _, n := range notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// NoteOnlyBlocks starts the run-report note of a site that went from
// reports to only blocked responses.
const NoteOnlyBlocks = "blocked: went from reports to only blocks"

func summarizeCounts(ms ...map[string]int) string {
	var parts []string
	for _, m := range ms {
		for k, v := range m {
			parts = append(parts, k+"="+strconv.Itoa(v))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "no response"
	}
	return fmt.Sprint(parts)
}

// loadFrontier resumes a persisted frontier or starts a new run.
func (r *siteRun) loadFrontier() error {
	pending, err := r.st.FrontierPending(r.site.Name)
	if err != nil {
		return wrapf(err, "load frontier of %s", r.site.Name)
	}
	var marker *archive.FrontierItem
	for i := range pending {
		if pending[i].Kind == kindRun {
			marker = &pending[i]
		}
	}
	if marker != nil {
		r.resumed = true
		if t, err := time.Parse(time.RFC3339Nano, marker.Extra["start"]); err == nil {
			r.runStart = t
		}
		// The budget continues: every fetch of the run marks its URL done
		// in the same transaction as its results, so the done-marks count
		// the fetches the killed processes completed.
		if fc, ok := r.st.(frontierCounter); ok {
			_, done, err := fc.FrontierLen(r.site.Name)
			if err != nil {
				return wrapf(err, "count frontier of %s", r.site.Name)
			}
			r.fetches = done
		}
		r.run.Notes = append(r.run.Notes, fmt.Sprintf("resumed a run started %s with %d URLs pending and %d of the page budget spent",
			r.runStart.Format(time.RFC3339), len(pending)-1, r.fetches))
	} else {
		// A new run. Stale done-marks of a run that finished without
		// clearing (killed after its report) must not hide URLs.
		if err := r.st.FrontierClear(r.site.Name); err != nil {
			return wrapf(err, "reset frontier of %s", r.site.Name)
		}
		r.runStart = r.e.now()
		items := []archive.FrontierItem{{
			URL: runMarkerURL, Site: r.site.Name, Kind: kindRun, Score: scoreRun,
			Extra: map[string]string{"start": r.runStart.Format(time.RFC3339Nano)},
		}}
		for i, s := range r.site.Start {
			items = append(items, archive.FrontierItem{
				URL: fetch.CanonicalURL(s), Site: r.site.Name, Kind: sites.KindStart,
				Score: 1000 - float64(i), Extra: map[string]string{"url": s},
			})
		}
		if _, err := r.st.FrontierAdd(items...); err != nil {
			return wrapf(err, "seed frontier of %s", r.site.Name)
		}
		pending, err = r.st.FrontierPending(r.site.Name)
		if err != nil {
			return wrapf(err, "load frontier of %s", r.site.Name)
		}
	}
	for _, fi := range pending {
		if !r.queued[fi.URL] {
			r.queued[fi.URL] = true
			r.pushLocked(fi)
		}
	}
	return nil
}

// frontierCounter counts a site's pending and done frontier URLs
// (*archive.Archive, MemStore).
type frontierCounter interface {
	FrontierLen(site string) (pending, done int, err error)
}

// pushLocked queues an item already marked in r.queued (see claim).
func (r *siteRun) pushLocked(fi archive.FrontierItem) {
	r.seq++
	r.q.push(&item{FrontierItem: fi, seq: r.seq})
	if d := fi.Extra["doc"]; d != "" && fi.Kind != kindSighting {
		r.docWait[d]++
	}
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
					if u, err := url.Parse(it.fetchURL()); err == nil {
						_ = r.f.limiter.Ready(ctx, fetch.HostKey(u))
					}
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

// count updates the run report under the lock.
func (r *siteRun) count(fn func(run *archive.Run)) {
	r.mu.Lock()
	fn(&r.run)
	r.mu.Unlock()
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
