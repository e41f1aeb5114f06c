package cli

import (
	"errors"
	"fmt"
	"io/fs"
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
	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/portal"
)

func init() {
	register(5, func(app *App) *cobra.Command {
		var db string
		var maxList int
		var ocr bool
		cmd := &cobra.Command{
			Use:   "demo",
			Short: "Crawl the built-in imitation portal into a fresh archive and show what was found (offline)",
			Long: `Serve the project's imitation government portal on 127.0.0.1 (a district
with an aggregation tree across hosts, department sites, a province, WAF'd and
robots-closed sites, GBK pages, look-alikes and duplicates), crawl it with
politeness off into a fresh archive (--db, recreated), parse what was found and
print a summary. Nothing leaves the machine.

Then try: crawler --archive ` + "./data/demo.db" + ` stats`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				start := time.Now()
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					cfg = config.Default() // the demo never needs the user's config
				}
				if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
					return fmt.Errorf("demo archive dir: %w", err)
				}
				for _, p := range []string{db, db + ".lock-info"} {
					if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
						return fmt.Errorf("recreate demo archive: %w", err)
					}
				}
				arc, err := archive.Open(db, archive.Options{LockTimeout: cfg.LockTimeout.D(), Command: "crawler demo"})
				if err != nil {
					return err
				}
				defer arc.Close()

				p := portal.New(portal.Options{})
				p.Start()
				defer p.Close()

				dcfg := config.Default()
				dcfg.Crawl.UserAgent = cfg.Crawl.UserAgent
				dcfg.Crawl.InsecureTLS = true // the portal's https hosts use a self-signed certificate
				dcfg.Crawl.MaxAttempts = 2
				pdf.SetDefaultConfig(pdf.Config{CacheDir: cfg.CacheDir(), Logger: app.Log})
				defer func() { _ = pdf.CloseDefault() }()

				ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
				defer stop()
				fmt.Fprintf(app.Stdout, "Imitation portal on %s (%d sites); crawling into %s …\n\n", p.Start(), len(p.Sites()), db)
				results := runCrawl(ctx, app, crawl.Options{
					Store: arc, Config: dcfg, Resolve: p.Resolve(), LoopbackOnly: true, NoPoliteness: true,
					Parser: archiveParser(app.Log, ocr),
				}, p.Sites())
				printRunTable(app.Stdout, results)
				if ctx.Err() != nil {
					return withExit(130, errors.New("interrupted"))
				}
				return demoSummary(app, arc, p, maxList, time.Since(start))
			},
		}
		cmd.Flags().StringVar(&db, "db", "./data/demo.db", "demo archive file (deleted and recreated)")
		cmd.Flags().IntVar(&maxList, "list", 12, "documents to list per site (0: none)")
		cmd.Flags().BoolVar(&ocr, "ocr", false, "OCR scanned reports with tesseract (slow: about a minute each)")
		return cmd
	})
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
		fmt.Fprintf(w, "%s (%s): %d reports archived, %d expected\n", s.Name, orDefault(s.Region, "-"), len(docs), exp)
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
	fmt.Fprintf(w, "\n%d documents (%s), %d captures, %d blobs (%s, %s on disk) in %s\n",
		st.Documents, strings.Join(parts, ", "), st.Captures, st.Blobs, humanBytes(st.BlobBytes), humanBytes(st.StoredBytes), took.Round(100*time.Millisecond))
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
