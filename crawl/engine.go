package crawl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/sites"
)

// The parser is injected (package ingest's ParseFile in the CLI; fakes in
// tests); choosing a document's best file is ingest.Best.
type (
	ParseInput  = ingest.Input
	ParseOutput = ingest.Outcome
	Parser      = ingest.FileParser
)

// Event is one progress report: a fetch finished.
type Event struct {
	Site    string
	URL     string
	Kind    string // frontier kind
	Status  int    // HTTP status, 0 on transport error
	Outcome string // "ok", "not_modified", "blocked:<kind>", "error:<kind>", "skipped"
	Bytes   int
	Pages   int // fetches so far in this site's run
	Pending int // frontier items waiting
	NewDocs int
}

// Options configure an Engine.
type Options struct {
	Store  Store
	Config *config.Config
	// Transport overrides the network transport (tests: fetch with a
	// Resolve map to the imitation portal and LoopbackOnly).
	Transport http.RoundTripper
	// Resolve and LoopbackOnly are passed to fetch.NewTransport when
	// Transport is nil.
	Resolve      map[string]string
	LoopbackOnly bool
	// NoPoliteness drops delays and raises parallelism (demo, benchmarks,
	// tests against the loopback portal). robots.txt is still honoured
	// unless the config turns it off.
	NoPoliteness bool
	// MaxPages overrides the page budget (sites check uses a small one).
	MaxPages int
	Parser   Parser
	Log      *slog.Logger
	Progress func(Event)
	// Now is the clock (tests move it past recheck intervals).
	Now func() time.Time
	// MaxInFlight bounds concurrent fetches of one site (default
	// parallelism×4, 32 without politeness).
	MaxInFlight int
	// SkipParse leaves documents unparsed (ParseStatus "").
	SkipParse bool
	// Explain, when set, receives the rule's verdict on every analysed
	// page (`crawler sites check` prints them).
	Explain func(Explanation)

	// commitEvery overrides how long the committer gathers a group (the
	// kill test varies it so kills land between many commits).
	commitEvery time.Duration
}

// Explanation is what the rules made of one page.
type Explanation struct {
	Site       string
	URL        string
	Kind       string // frontier kind that led here
	Family     string // rule used
	Detections []sites.Detection
	Analysis   sites.Analysis
}

// Engine crawls sites into a Store.
type Engine struct {
	opts Options
	log  *slog.Logger
}

// New checks opts and returns an engine.
func New(opts Options) (*Engine, error) {
	if opts.Store == nil {
		return nil, errors.New("crawl: no store")
	}
	if opts.Config == nil {
		opts.Config = config.Default()
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Engine{opts: opts, log: opts.Log}, nil
}

// Result is one site's outcome.
type Result struct {
	Run archive.Run
	Err error // set when the site could not be crawled at all
}

// Crawl crawls each site in turn and stores a run report for each. It
// returns the results even when ctx is cancelled (the interrupted run is
// reported as such; its frontier stays for the next run).
func (e *Engine) Crawl(ctx context.Context, sites []config.Site) []Result {
	var out []Result
	for i := range sites {
		if ctx.Err() != nil {
			break
		}
		run, err := e.CrawlSite(ctx, &sites[i])
		out = append(out, Result{Run: run, Err: err})
	}
	return out
}

// CrawlSite runs (or resumes) one site's crawl to the end of its frontier
// or budget, parses new documents and stores the run report.
func (e *Engine) CrawlSite(ctx context.Context, site *config.Site) (archive.Run, error) {
	r, err := newSiteRun(e, site)
	if err != nil {
		run := archive.Run{Site: site.Name, Start: e.opts.Now().UTC(), End: e.opts.Now().UTC(), Status: "failed", Notes: []string{err.Error()}}
		_ = e.opts.Store.AddRun(&run)
		return run, err
	}
	return r.crawl(ctx)
}

func (e *Engine) now() time.Time { return e.opts.Now().UTC() }

// wrapf wraps err with context, keeping nil nil.
func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
