package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl"
	"github.com/nianbao/nianbao/ingest"
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
webhook alerts, and serves:

  /                     search page (机关, 年份, 地区), report pages, /sites
  GET  /api/reports     query filters body, year (2023 or 2019-2023), region,
                        site, format, failed_checks; limit, offset
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
				arc, err := app.openArchive(cmd, false)
				if err != nil {
					return err
				}
				defer arc.Close()
				crawler, closeCrawler, err := newServeCrawler(app, cfg, arc)
				if err != nil {
					return err
				}
				defer closeCrawler()
				srv, err := server.New(server.Options{Archive: arc, Config: cfg, Token: token, Crawler: crawler, Logger: app.Log})
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

// newServeCrawler wires the crawl engine and the parser to the archive.
// It is a variable so tests can substitute a fake engine.
var newServeCrawler = func(app *App, cfg *config.Config, arc *archive.Archive) (server.Crawler, func(), error) {
	eng, err := crawl.New(crawl.Options{Store: arc, Config: cfg, Log: app.Log})
	if err != nil {
		return nil, nil, fmt.Errorf("crawl engine: %w", err)
	}
	parser := ingest.NewParser(cfg)
	parser.Log = app.Log
	c := &engineCrawler{eng: eng, cfg: cfg, arc: arc, parser: parser, log: app.Log}
	return c, func() { _ = parser.Close() }, nil
}

// engineCrawler crawls the named sites, then parses the documents the run
// left unparsed (ParseStatus ""), through package ingest like `import`.
type engineCrawler struct {
	eng    *crawl.Engine
	cfg    *config.Config
	arc    *archive.Archive
	parser *ingest.Parser
	log    *slog.Logger
}

func (c *engineCrawler) Run(ctx context.Context, names []string) error {
	var sites []config.Site
	for _, n := range names {
		s, ok := c.cfg.Site(n)
		if !ok {
			return fmt.Errorf("unknown site %q", n)
		}
		sites = append(sites, *s)
	}
	var errs []error
	for _, res := range c.eng.Crawl(ctx, sites) {
		if res.Err != nil {
			errs = append(errs, fmt.Errorf("site %s: %w", res.Run.Site, res.Err))
		}
	}
	for _, s := range sites {
		if err := c.parsePending(ctx, s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *engineCrawler) parsePending(ctx context.Context, site config.Site) error {
	docs, err := c.arc.FindDocuments(archive.Query{Site: site.Name})
	if err != nil {
		return fmt.Errorf("parse %s: %w", site.Name, err)
	}
	for _, d := range docs {
		if ctx.Err() != nil {
			return nil // the next run parses the rest
		}
		if d.ParseStatus != "" || len(d.Files) == 0 {
			continue
		}
		// Parse outside the write transaction (bbolt: no read tx inside
		// a write tx on one goroutine), then store only the parse fields.
		p := *d
		c.parser.Apply(ctx, c.arc, &p, ingest.Hints{Region: site.Region})
		err := c.arc.UpdateDocument(d.ID, func(cur *archive.Document) error {
			cur.ParseStatus, cur.Format, cur.FailedChecks = p.ParseStatus, p.Format, p.FailedChecks
			cur.Warnings, cur.Parsed, cur.ParserVer = p.Warnings, p.Parsed, p.ParserVer
			if cur.Body == "" {
				cur.Body = p.Body
			}
			if cur.Year == 0 {
				cur.Year = p.Year
			}
			if cur.Region == "" {
				cur.Region = p.Region
			}
			if cur.Title == "" {
				cur.Title = p.Title
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store parse of %s: %w", d.ID, err)
		}
	}
	return nil
}
