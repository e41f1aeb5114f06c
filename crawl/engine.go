package crawl

import (
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
	// Floor is the least time the site's waiting items need at its
	// politeness (Pending × delay ÷ parallelism): the run's ETA is the
	// largest floor of its sites.
	Floor time.Duration
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
	// parallelism×4, 32 without politeness); crawl.max_concurrent bounds
	// those of the whole run.
	MaxInFlight int
	// SkipParse leaves documents unparsed (ParseStatus "").
	SkipParse bool
	// Explain, when set, receives the rule's verdict on every analysed
	// page (`crawler sites check` prints them).
	Explain func(Explanation)
	// SiteStart and SiteDone, when set, are called as each site of a run
	// starts and ends (a fleet's progress display).
	SiteStart func(site string)
	SiteDone  func(Result)

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

func (e *Engine) now() time.Time { return e.opts.Now().UTC() }

// wrapf wraps err with context, keeping nil nil.
func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
