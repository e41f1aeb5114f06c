package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/query"
)

func init() {
	register(10, func(app *App) *cobra.Command {
		var names []string
		cmd := &cobra.Command{
			Use:   "crawl [--site NAME]...",
			Short: "Crawl the configured sites for annual reports into the archive",
			Long: `Crawl every site in config.yaml (or only those named with --site), best
first within each site's page budget, politely (per-host delay and
parallelism, robots.txt), incrementally (conditional GETs; archived reports
are re-checked only after crawl.recheck) and resumably (the frontier lives in
the archive: after a kill, run it again). New documents are parsed.

Ends with a per-site table. Exit status 3 when a site failed entirely.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					return err
				}
				list, err := selectSites(cfg, names)
				if err != nil {
					return withExit(2, err)
				}
				arc, err := app.openArchive(cmd, false)
				if err != nil {
					return err
				}
				defer arc.Close()
				defer app.updateIndex(cmd.Context(), arc)
				ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
				defer stop()
				parser := ingest.NewParser(cfg, ingest.Options{OCR: cfg.Crawl.OCROn(), Log: app.Log})
				defer parser.Close()
				results := runCrawl(ctx, app, parser, crawl.Options{Store: arc, Config: cfg}, list)
				printRunTable(app.Stdout, results)
				return crawlExit(results)
			},
		}
		cmd.Flags().StringArrayVar(&names, "site", nil, "crawl only this site (repeatable; default: all)")
		return cmd
	})
}

// selectSites picks the named sites (all when none named).
func selectSites(cfg *config.Config, names []string) ([]config.Site, error) {
	if len(cfg.Sites) == 0 {
		return nil, fmt.Errorf("%s: add a sites: entry (name, region, start)", noSitesConfigured(cfg))
	}
	if len(names) == 0 {
		return cfg.Sites, nil
	}
	var out []config.Site
	for _, n := range names {
		s, ok := cfg.Site(n)
		if !ok {
			var known []string
			for _, s := range cfg.Sites {
				known = append(known, s.Name)
			}
			return nil, fmt.Errorf("unknown site %q (configured: %s)", n, strings.Join(known, ", "))
		}
		out = append(out, *s)
	}
	return out, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// runCrawl runs the engine over every listed site at once, with parser's
// file parser wired in and progress shown as one live line on a terminal
// (log lines, the parser's too, are printed above it), as log lines
// otherwise.
func runCrawl(ctx context.Context, app *App, parser *ingest.Parser, opts crawl.Options, list []config.Site) []crawl.Result {
	prog := newProgress(app.Stderr, app.Log, list, opts.Config)
	defer prog.close()
	log := prog.logger(app)
	opts.Parser = parser.FileParser(log)
	opts.Log = log
	opts.Progress = prog.event
	opts.SiteStart = prog.start
	opts.SiteDone = prog.finish
	e, err := crawl.New(opts)
	if err != nil {
		return []crawl.Result{{Err: err, Run: archive.Run{Status: "failed"}}}
	}
	return e.Crawl(ctx, list)
}

// progress shows a fleet crawl: on a terminal one live line (sites done,
// running and queued, pages, new reports, errors, and an ETA from the
// politeness floor: the longest time any running site's queue needs at
// its host's pace); otherwise a log line per site and every 10 s.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	log   *slog.Logger
	term  *termLines // nil: not a terminal
	bar   *progressbar.ProgressBar
	total int

	started, done, failed int
	pages, newDocs, errs  int
	floors                map[string]time.Duration
	siteNew               map[string]int
	lastLog               time.Time
}

func newProgress(w io.Writer, log *slog.Logger, list []config.Site, cfg *config.Config) *progress {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &progress{w: w, log: log, total: len(list), floors: map[string]time.Duration{}, siteNew: map[string]int{}, lastLog: time.Now()}
	if IsTerminal(w) {
		p.term = &termLines{w: w}
		p.bar = progressbar.NewOptions(len(list), progressbar.OptionSetWriter(p.term),
			progressbar.OptionSetDescription("sites"), progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(20), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
	}
	return p
}

// logger is the app's logger, writing above the live line on a terminal.
func (p *progress) logger(app *App) *slog.Logger {
	if p.term == nil || app.Log == nil {
		return p.log
	}
	level := slog.LevelInfo
	if app.Verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(p.term.above(), &slog.HandlerOptions{Level: level}))
}

func (p *progress) start(site string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started++
	if p.term == nil {
		p.log.Debug("crawl: site start", "site", site)
	}
	p.describe()
}

func (p *progress) event(ev crawl.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pages++
	if strings.HasPrefix(ev.Outcome, "error:") {
		p.errs++
	}
	p.floors[ev.Site] = ev.Floor
	// NewDocs is the site's running count.
	p.newDocs += ev.NewDocs - p.siteNew[ev.Site]
	p.siteNew[ev.Site] = ev.NewDocs
	if p.term != nil {
		p.describe()
		return
	}
	p.log.Debug("crawl: fetched", "site", ev.Site, "url", ev.URL, "kind", ev.Kind, "status", ev.Status, "outcome", ev.Outcome)
	if time.Since(p.lastLog) >= 10*time.Second {
		p.lastLog = time.Now()
		p.log.Info("crawl: progress", "sites_done", p.done, "sites_running", p.started-p.done, "sites_queued", p.total-p.started,
			"pages", p.pages, "errors", p.errs, "eta", p.eta())
	}
}

func (p *progress) finish(r crawl.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	run := r.Run
	p.done++
	p.newDocs += run.NewDocs - p.siteNew[run.Site]
	p.siteNew[run.Site] = run.NewDocs
	if run.Status == "failed" {
		p.failed++
	}
	delete(p.floors, run.Site)
	if p.bar != nil {
		_ = p.bar.Add(1)
		p.describe()
	}
	p.log.Info("crawl: site done", "site", run.Site, "status", run.Status, "pages", run.Pages, "new_docs", run.NewDocs, "duration", run.End.Sub(run.Start).Round(time.Millisecond))
}

// eta is the politeness floor of what is queued: the running site whose
// queue needs longest at its pace.
func (p *progress) eta() time.Duration {
	var m time.Duration
	for _, f := range p.floors {
		m = max(m, f)
	}
	return m.Round(time.Second)
}

// describe updates the live line. Callers hold mu.
func (p *progress) describe() {
	if p.bar == nil {
		return
	}
	p.bar.Describe(fmt.Sprintf("sites %d running, %d queued · %d pages · %d new · %d failed · %d errors · ETA ≥ %s",
		p.started-p.done, p.total-p.started, p.pages, p.newDocs, p.failed, p.errs, p.eta()))
}

func (p *progress) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

// termLines keeps a live line at the bottom of a terminal: what the bar
// writes is remembered, and a log line written above() clears the line,
// is printed, and the bar is drawn again under it.
type termLines struct {
	mu   sync.Mutex
	w    io.Writer
	last []byte
}

func (t *termLines) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last = append(t.last[:0], b...)
	return t.w.Write(b)
}

func (t *termLines) above() io.Writer { return aboveWriter{t} }

type aboveWriter struct{ t *termLines }

func (a aboveWriter) Write(b []byte) (int, error) {
	t := a.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.last) > 0 {
		_, _ = io.WriteString(t.w, "\r\033[K")
	}
	n, err := t.w.Write(b)
	if len(t.last) > 0 {
		_, _ = t.w.Write(t.last)
	}
	return n, err
}

// printRunTable prints one row per site run, failures first.
func printRunTable(w io.Writer, results []crawl.Result) {
	results = crawl.SortForReport(results)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tSTATUS\tFAMILY\tPAGES\tBYTES\tNEW\tDOCS\tBLOCKED\tERRORS\tTIME")
	for _, r := range results {
		run := r.Run
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\t%d\t%s\t%s\t%s\n", run.Site, run.Status, orDefault(run.Family, "-"),
			run.Pages, humanBytes(run.Bytes), run.NewDocs, run.Docs, countsString(run.Blocked), countsString(run.Errors),
			run.End.Sub(run.Start).Round(10*time.Millisecond))
	}
	_ = tw.Flush()
	for _, r := range results {
		for _, n := range r.Run.Notes {
			fmt.Fprintf(w, "  %s: %s\n", r.Run.Site, query.Printable(n)) // notes name URLs from pages
		}
	}
}

func countsString(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// crawlExit is exit status 3 when a site failed entirely (or the crawl was
// interrupted: 130 like a shell).
func crawlExit(results []crawl.Result) error {
	if down, line := crawl.NetworkDown(results); down {
		return withExit(3, errors.New(line))
	}
	var failed []string
	for _, r := range results {
		if r.Run.Status == "interrupted" {
			return withExit(130, fmt.Errorf("interrupted; run again to resume"))
		}
		if r.Run.Status == "failed" {
			failed = append(failed, r.Run.Site)
		}
	}
	if len(failed) > 0 {
		return withExit(3, fmt.Errorf("%s failed entirely: %s", plural(len(failed), "site", "sites"), strings.Join(failed, ", ")))
	}
	return nil
}
