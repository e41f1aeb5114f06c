package cli

import (
	"context"
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
	"github.com/nianbao/nianbao/parse/pdf"
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
				ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
				defer stop()
				pdf.SetDefaultConfig(pdf.Config{CacheDir: cfg.CacheDir(), Logger: app.Log})
				defer func() { _ = pdf.CloseDefault() }()
				results := runCrawl(ctx, app, crawl.Options{Store: arc, Config: cfg}, list)
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
		return nil, fmt.Errorf("no sites in %s: add a sites: entry (name, region, start)", orDefault(cfg.Path, "config.yaml"))
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

// runCrawl runs the engine with the parser wired in and progress shown as
// a bar on a terminal, as log lines otherwise.
func runCrawl(ctx context.Context, app *App, opts crawl.Options, list []config.Site) []crawl.Result {
	if opts.Parser == nil {
		opts.Parser = archiveParser(app.Log, opts.Config == nil || opts.Config.Crawl.OCROn())
	}
	opts.Log = app.Log
	prog := newProgress(app.Stderr, app.Log)
	opts.Progress = prog.event
	e, err := crawl.New(opts)
	if err != nil {
		return []crawl.Result{{Err: err, Run: archive.Run{Status: "failed"}}}
	}
	var out []crawl.Result
	for i := range list {
		if ctx.Err() != nil {
			break
		}
		prog.start(list[i].Name)
		run, err := e.CrawlSite(ctx, &list[i])
		prog.finish(run)
		out = append(out, crawl.Result{Run: run, Err: err})
	}
	return out
}

// archiveParser is the engine's file parser (package ingest over package
// parse). With ocr false, pages without a text layer are only flagged
// (needs_ocr): tesseract takes about a minute per scanned report.
func archiveParser(log *slog.Logger, ocr bool) crawl.Parser {
	return ingest.ParseFile(ingest.Options{OCR: ocr, Log: log})
}

// progress shows crawl progress: a spinner bar on a terminal, else a log
// line every 50 fetches and one per site.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	log  *slog.Logger
	tty  bool
	bar  *progressbar.ProgressBar
	site string
	n    int
}

func newProgress(w io.Writer, log *slog.Logger) *progress {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &progress{w: w, log: log, tty: IsTerminal(w)}
}

func (p *progress) start(site string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.site, p.n = site, 0
	if p.tty {
		p.bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(site), progressbar.OptionSpinnerType(14),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("pages"),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		return
	}
	p.log.Info("crawl: site start", "site", site)
}

func (p *progress) event(ev crawl.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s: %d new, %d queued", ev.Site, ev.NewDocs, ev.Pending))
		_ = p.bar.Add(1)
		return
	}
	p.log.Debug("crawl: fetched", "site", ev.Site, "url", ev.URL, "kind", ev.Kind, "status", ev.Status, "outcome", ev.Outcome)
	if p.n%50 == 0 {
		p.log.Info("crawl: progress", "site", ev.Site, "pages", ev.Pages, "queued", ev.Pending, "new_docs", ev.NewDocs)
	}
}

func (p *progress) finish(run archive.Run) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
	p.log.Info("crawl: site done", "site", run.Site, "status", run.Status, "pages", run.Pages, "new_docs", run.NewDocs, "duration", run.End.Sub(run.Start).Round(time.Millisecond))
}

// printRunTable prints one row per site run.
func printRunTable(w io.Writer, results []crawl.Result) {
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
			fmt.Fprintf(w, "  %s: %s\n", r.Run.Site, n)
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
