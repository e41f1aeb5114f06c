package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/portal"
	"github.com/nianbao/nianbao/search"
	"github.com/nianbao/nianbao/server"
)

func init() {
	register(5, func(app *App) *cobra.Command {
		var db string
		var maxList int
		var ocr, force, serve bool
		var addr string
		cmd := &cobra.Command{
			Use:   "demo",
			Short: "Crawl the built-in imitation portal into a fresh archive and show what was found (offline)",
			Long: `Serve the project's imitation government portal on 127.0.0.1 (a district
with an aggregation tree across hosts, department sites, a province, WAF'd and
robots-closed sites, GBK pages, look-alikes and duplicates), crawl it with
politeness off into a fresh archive (--db, recreated), parse what was found and
print a summary. Nothing leaves the machine. The file --db names is deleted
first only if it is an archive an earlier demo made (or with --force).

With --serve it then serves the demo archive on --addr (127.0.0.1:8080) as
` + "`crawler serve`" + ` does — the web page, the API — with the imitation portal kept
running, its sites on the sites page, and no crawl schedule: nothing is ever
crawled into the demo archive from outside. Ctrl-C stops it.

Then try: crawler --archive ` + "./data/demo.db" + ` stats`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				start := time.Now()
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					cfg = config.Default() // the demo never needs the user's config
				}
				// The global --archive names the demo archive too, unless --db was given.
				if app.ArchivePath != "" {
					if cmd.Flags().Changed("db") && filepath.Clean(db) != filepath.Clean(app.ArchivePath) {
						return withExit(2, fmt.Errorf("--db %s and --archive %s name different files: give one", db, app.ArchivePath))
					}
					db = app.ArchivePath
				}
				if err := checkDemoTarget(db, force, cfg.LockTimeout.D()); err != nil {
					return withExit(2, err)
				}
				if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
					return fmt.Errorf("demo archive dir: %w", err)
				}
				for _, p := range []string{db, db + ".lock-info"} {
					if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
						return fmt.Errorf("recreate demo archive: %w", err)
					}
				}
				// The old demo's search index describes the old archive.
				if err := os.RemoveAll(search.Path(db)); err != nil {
					return fmt.Errorf("recreate demo archive: %w", err)
				}
				arc, err := archive.Open(db, archive.Options{LockTimeout: cfg.LockTimeout.D(), Command: "crawler demo"})
				if err != nil {
					return err
				}
				defer arc.Close()
				if err := arc.SetMeta(demoMetaKey, "crawler demo "+time.Now().UTC().Format(time.RFC3339)); err != nil {
					return fmt.Errorf("mark demo archive: %w", err)
				}

				p := portal.New(portal.Options{})
				p.Start()
				defer p.Close()

				dcfg := config.Default()
				dcfg.Crawl.UserAgent = cfg.Crawl.UserAgent
				dcfg.Crawl.InsecureTLS = true // the portal's https hosts use a self-signed certificate
				dcfg.Crawl.MaxAttempts = 2
				parser := ingest.NewParser(cfg, ingest.Options{OCR: ocr, Log: app.Log})
				defer parser.Close()

				ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
				defer stop()
				// The sites keep real portals' host names, which the log lines
				// below name; say at once that none of them is reached.
				fmt.Fprintf(app.Stdout, "Imitation portal on %s (%d sites); crawling into %s …\n", p.Start(), len(p.Sites()), db)
				fmt.Fprintf(app.Stdout, "Its sites use real portals' host names, all answered by the imitation on %s: nothing leaves this machine.\n\n", p.Start())
				results := runCrawl(ctx, app, parser, crawl.Options{
					Store: arc, Config: dcfg, Resolve: p.Resolve(), LoopbackOnly: true, NoPoliteness: true,
				}, p.Sites())
				printRunTable(app.Stdout, results)
				if ctx.Err() != nil {
					return withExit(130, errors.New("interrupted"))
				}
				app.updateIndex(ctx, arc)
				if err := demoSummary(app, arc, p, maxList, time.Since(start)); err != nil || !serve {
					return err
				}
				return serveDemo(ctx, app, arc, p, addr)
			},
		}
		cmd.Flags().StringVar(&db, "db", "./data/demo.db", "demo archive file, recreated (only a previous demo archive is deleted); --archive, if given, replaces this default")
		cmd.Flags().BoolVar(&force, "force", false, "delete the --db file even if it is not a previous demo archive")
		cmd.Flags().IntVar(&maxList, "list", 12, "documents to list per site (0: none)")
		cmd.Flags().BoolVar(&serve, "serve", false, "then serve the demo archive's web page and API (no crawl schedule)")
		cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "listen address for --serve")
		cmd.Flags().BoolVar(&ocr, "ocr", false, "OCR scanned reports with tesseract (slow: about a minute each)")
		return cmd
	})
}

// demoServeConfig is the configuration `demo --serve` serves with: the
// portal's own sites (so the sites page shows them, not the user's config)
// and no schedule, webhooks or backups.
func demoServeConfig(p *portal.Portal) *config.Config {
	c := config.Default()
	c.Sites = p.Sites()
	c.Serve.Schedule, c.Serve.BusySchedule = "", ""
	c.Serve.Webhooks = nil
	c.Serve.Backup.Schedule = ""
	return c
}

// serveDemo serves the demo archive until ctx ends. No crawl engine is
// wired, so neither a schedule nor POST /api/crawl can fetch anything.
func serveDemo(ctx context.Context, app *App, arc *archive.Archive, p *portal.Portal, addr string) error {
	srv, err := server.New(server.Options{Archive: arc, Config: demoServeConfig(p), NoSchedule: true,
		Exporter: serveExporter{}, Logger: app.Log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	fmt.Fprintf(app.Stdout, "\nServing the demo archive on http://%s/ (Ctrl-C stops; no crawl schedule) …\n", ln.Addr())
	return srv.Run(ctx, ln)
}

// demoMetaKey marks an archive made by `crawler demo` (archive meta bucket),
// the only kind of file demo deletes without --force.
const demoMetaKey = "demo"

// checkDemoTarget refuses to let demo delete path unless it does not
// exist, is an archive a previous demo marked, or force is set.
func checkDemoTarget(path string, force bool, lockTimeout time.Duration) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo archive %s: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("demo archive %s is a directory: give --db a file path", path)
	}
	if force {
		return nil
	}
	refuse := func(why string) error {
		return fmt.Errorf("refusing to delete %s: %s; demo only recreates an archive an earlier `crawler demo` made. "+
			"Choose another --db, or add --force to delete it anyway", path, why)
	}
	if fi.Size() == 0 {
		return refuse("it is an empty file, not a demo archive")
	}
	arc, err := openArchiveFile(path, archive.Options{ReadOnly: true, LockTimeout: lockTimeout}, io.Discard)
	if err != nil {
		if errors.Is(err, archive.ErrLocked) {
			return err
		}
		return refuse("it is not a nianbao archive")
	}
	defer arc.Close()
	if _, err := arc.Meta(demoMetaKey); err != nil {
		if errors.Is(err, archive.ErrNotFound) {
			return refuse("it is a nianbao archive that demo did not make")
		}
		return fmt.Errorf("demo archive %s: %w", path, err)
	}
	return nil
}

// demoSummary prints what the archive now holds against the portal's truth.
func demoSummary(app *App, arc *archive.Archive, p *portal.Portal, maxList int, took time.Duration) error {
	w := app.Stdout
	bySite := map[string][]*archive.Document{}
	status := map[string]int{}
	if err := arc.ForEachDocument(func(d *archive.Document) error {
		bySite[d.Site] = append(bySite[d.Site], d)
		status[orDefault(d.ParseStatus, "unparsed")]++
		return nil
	}); err != nil {
		return fmt.Errorf("read demo archive: %w", err)
	}
	fmt.Fprintln(w)
	for _, s := range p.Sites() {
		docs := bySite[s.Name]
		exp := len(p.Expected(s.Name))
		fmt.Fprintf(w, "%s (%s): %s archived, %d expected\n", s.Name, orDefault(s.Region, "-"), plural(len(docs), "report", "reports"), exp)
		sort.Slice(docs, func(i, j int) bool {
			if docs[i].Year != docs[j].Year {
				return docs[i].Year > docs[j].Year
			}
			return docs[i].Title < docs[j].Title
		})
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for i, d := range docs {
			if i >= maxList {
				fmt.Fprintf(tw, "  …\t%d more\n", len(docs)-maxList)
				break
			}
			var kinds []string
			for _, f := range d.Files {
				kinds = append(kinds, shortType(f.MediaType))
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\n", d.Year, d.Title, orDefault(d.ParseStatus, "unparsed"), strings.Join(kinds, "+"))
		}
		_ = tw.Flush()
	}
	st, err := arc.Stats()
	if err != nil {
		return fmt.Errorf("demo stats: %w", err)
	}
	var parts []string
	for k, v := range status {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(parts)
	// Two sizes, named as stats names them: what the files take once
	// compressed in the archive, and the archive file itself, which bbolt
	// grows ahead of its data (the rest is free pages).
	fmt.Fprintf(w, "\n%s (%s), %s, %s (%s original, %s stored) in %s\n",
		plural(st.Documents, "document", "documents"), strings.Join(parts, ", "), plural(st.Captures, "capture", "captures"), plural(st.Blobs, "blob", "blobs"), humanBytes(st.BlobBytes), humanBytes(st.StoredBytes), took.Round(100*time.Millisecond))
	fmt.Fprintf(w, "Archive file: %s on disk, %s in use by bbolt (the rest is free pages)\n", humanBytes(st.FileBytes), humanBytes(st.DataBytes))
	fmt.Fprintf(w, "Archive: %s — try `crawler --archive %s stats`\n", arc.Path(), arc.Path())
	return nil
}

func shortType(mt string) string {
	switch {
	case strings.Contains(mt, "pdf"):
		return "pdf"
	case strings.Contains(mt, "wordprocessingml"):
		return "docx"
	case strings.Contains(mt, "msword"), strings.Contains(mt, "ole"):
		return "doc"
	case strings.Contains(mt, "sheet"), strings.Contains(mt, "excel"):
		return "xls"
	case strings.Contains(mt, "html"):
		return "html"
	}
	return mt
}
