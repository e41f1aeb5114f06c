package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl"
	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/server"
)

func init() {
	register(70, func(app *App) *cobra.Command {
		var addr string
		cmd := &cobra.Command{
			Use:   "serve",
			Short: "Run the nightly crawl on a schedule and serve the web page and HTTP API",
			Long: `serve is the long-running service: it holds the archive open (bbolt allows one
writer, so crawls and reads all go through this process), crawls every
configured site on serve.schedule (timezone serve.timezone, Asia/Shanghai by
default) plus serve.busy_schedule in January–April when reports are due, sends
webhook alerts, makes scheduled backups (serve.backup), and serves:

  /                     search page (机关, 年份, 地区; facets, sorting, CSV/XLSX/ZIP),
                        report pages, /series, /compare, /sites
  GET  /api/reports     filters body, year (2023 or 2019-2023), region, site,
                        format, failed_checks (as crawler query); limit, offset
  GET  /api/reports/ID  parsed JSON (docs/schema.md) plus provenance
  GET  /raw/SHA256      an original file, byte for byte
  GET  /api/export?...  ZIP bundle of the matching reports, streamed
  GET  /api/sites       each site's recent runs and health
  POST /api/crawl       start a crawl now (Authorization: Bearer TOKEN)
  GET  /healthz, /metrics (Prometheus)

It binds 127.0.0.1:8080 by default. SIGTERM or Ctrl-C stops it cleanly: a
running crawl stops at a commit boundary and resumes on the next start.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					return err
				}
				if addr != "" {
					cfg.Serve.Addr = addr
				}
				token, err := cfg.Serve.ResolveToken()
				if err != nil {
					return fmt.Errorf("serve.token_file: %w", err)
				}
				// The webhooks' event names are alert's to know (the rest of
				// serve: was checked with the config): before the archive
				// is opened, or created.
				if _, err := alert.NewNotifier(cfg.Serve.Webhooks, nil, app.Log); err != nil {
					return err
				}
				arc, err := app.openArchive(cmd, false)
				if err != nil {
					return err
				}
				defer arc.Close()
				// Readers of the archive (query, show, export, backup, …)
				// run their commands here while the service holds it.
				relay, err := startRelay(cfg, arc, app.Log)
				if err != nil {
					return err
				}
				defer relay.Close()
				crawler, closeCrawler, err := newServeCrawler(app, cfg, arc)
				if err != nil {
					return err
				}
				defer closeCrawler()
				srv, err := server.New(server.Options{Archive: arc, Config: cfg, Token: token, Crawler: crawler,
					Exporter: serveExporter{}, Logger: app.Log})
				if err != nil {
					return err
				}
				if token == "" {
					app.Log.Info("no serve.token: the API is read-only (POST /api/crawl disabled)")
				}
				return srv.ListenAndRun(cmd.Context(), cfg.Serve.Addr)
			},
		}
		cmd.Flags().StringVar(&addr, "addr", "", "listen address (default serve.addr, 127.0.0.1:8080)")
		return cmd
	})
}

// newServeCrawler wires the crawl engine and its parser to the archive, as
// `crawler crawl` does. A variable so tests can substitute a fake engine.
var newServeCrawler = func(app *App, cfg *config.Config, arc *archive.Archive) (server.Crawler, func(), error) {
	parser := ingest.NewParser(cfg, ingest.Options{OCR: true, Log: app.Log})
	eng, err := crawl.New(crawl.Options{Store: arc, Config: cfg, Log: app.Log, Parser: parser.FileParser(nil)})
	if err != nil {
		parser.Close()
		return nil, nil, fmt.Errorf("crawl engine: %w", err)
	}
	return &engineCrawler{eng: eng, cfg: cfg}, func() { _ = parser.Close() }, nil
}

// engineCrawler crawls the named sites at once; the engine stores each
// site's run report (an interrupted one too) and keeps the frontier.
type engineCrawler struct {
	eng *crawl.Engine
	cfg *config.Config
}

func (c *engineCrawler) Run(ctx context.Context, names []string) error {
	list, err := selectSites(c.cfg, names)
	if err != nil {
		return err
	}
	var errs []error
	results := c.eng.Crawl(ctx, list)
	if down, line := crawl.NetworkDown(results); down {
		return errors.New(line)
	}
	for i, r := range results {
		if r.Err != nil && ctx.Err() == nil {
			errs = append(errs, fmt.Errorf("site %s: %w", list[i].Name, r.Err))
		}
	}
	return errors.Join(errs...)
}

// serveExporter streams package export's ZIP bundle (the one `crawler
// export -o x.zip` writes).
type serveExporter struct{}

func (serveExporter) WriteZIP(ctx context.Context, w io.Writer, arc *archive.Archive, docs []*archive.Document, selection string) error {
	refs := make([]query.Ref, 0, len(docs))
	for _, d := range docs {
		refs = append(refs, query.Ref{ID: d.ID, Year: d.Year, Body: d.Body, Region: d.Region, Site: d.Site, URL: d.URL})
	}
	if selection == "" {
		selection = "(all reports)"
	}
	_, err := export.Export(ctx, arc, refs, w, export.Options{Format: export.FormatZip, Query: "GET /api/export?" + selection})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
