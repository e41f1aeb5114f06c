package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/query"
)

func init() {
	register(40, func(app *App) *cobra.Command {
		var url, body, region, title string
		var year int
		cmd := &cobra.Command{
			Use:   "import FILE...",
			Short: "Archive files obtained elsewhere, with provenance marked as imported",
			Long: `import stores each FILE byte-for-byte, records an "import" capture (with --url
as the place it came from, if known) and creates a document for it. Any file is
archived, whatever it is; one that does not parse is kept with its parse status
and a warning, and the command still succeeds.`,
			Example: `  crawler import report.pdf --url http://www.yanshi.gov.cn/P020240115.pdf --body 偃师区工业和信息化局 --year 2023`,
			Args:    cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if url != "" && len(args) > 1 {
					return withExit(2, fmt.Errorf("--url names one source: import one file at a time with it"))
				}
				if year != 0 && (year < 1000 || year > 9999) {
					return withExit(2, fmt.Errorf("bad --year %d: want a year such as 2023", year))
				}
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					return err
				}
				arc, err := app.openArchive(cmd, false)
				if err != nil {
					return err
				}
				defer arc.Close()
				defer app.updateIndex(cmd.Context(), arc)
				parser := ingest.NewParser(cfg, ingest.Options{OCR: cfg.Crawl.OCROn(), Log: app.Log})
				defer parser.Close()
				p := query.Printable // names and URLs may hold control characters
				for _, file := range args {
					data, err := os.ReadFile(file)
					if err != nil {
						return fmt.Errorf("import %s: %w", file, err)
					}
					info, isNew, err := arc.PutBlobBytes(data)
					if err != nil {
						return fmt.Errorf("import %s: %w", file, err)
					}
					name := filepath.Base(file)
					src := url
					if src == "" {
						src = "file:///" + name
					}
					now := time.Now().UTC()
					capt := &archive.Capture{URL: src, FinalURL: src, Time: now, SHA256: info.SHA256, Size: info.Size,
						MediaType: info.MediaType, Filename: name, Source: "import"}
					// The same bytes already archived (crawled or imported):
					// record where this copy came from on that document,
					// never a second document for the same report.
					if existing, err := archivedAs(arc, info.SHA256); err != nil {
						return fmt.Errorf("import %s: %w", file, err)
					} else if existing != nil {
						dup, err := hasImportCapture(arc, info.SHA256, src)
						if err != nil {
							return fmt.Errorf("import %s: %w", file, err)
						}
						if dup {
							fmt.Fprintf(app.Stdout, "%s: already archived as document %s (imported before from %s): nothing added\n",
								p(file), existing.ID, p(src))
							continue
						}
						capt.DocID = existing.ID
						if err := arc.CommitFetch(archive.Fetch{Capture: capt}); err != nil {
							return fmt.Errorf("import %s: %w", file, err)
						}
						fmt.Fprintf(app.Stdout, "%s: already archived as document %s (%s %d); import capture #%d added from %s\n",
							p(file), existing.ID, p(or(existing.Body, existing.Title)), existing.Year, capt.ID, p(src))
						if body != "" || year != 0 || region != "" || title != "" {
							fmt.Fprintf(app.Stdout, "  note: --body/--year/--region/--title were not applied to the existing document\n")
						}
						continue
					}
					id := archive.DocID("import", info.SHA256)
					capt.DocID = id
					doc := &archive.Document{ID: id, Source: "import", URL: url, FirstSeen: now, LastSeen: now,
						Files: []archive.FileRef{{URL: src, SHA256: info.SHA256, MediaType: info.MediaType,
							Size: info.Size, Filename: name, Role: "attachment"}}}
					if title != "" {
						doc.Title = title
					}
					parser.Apply(cmd.Context(), arc, doc, ingest.Hints{Body: body, Year: year, Region: divisions.Names(region)})
					if err := arc.CommitFetch(archive.Fetch{Capture: capt, Doc: doc}); err != nil {
						return fmt.Errorf("import %s: %w", file, err)
					}
					state := "stored"
					if !isNew {
						state = "already stored"
					}
					fmt.Fprintf(app.Stdout, "%s: %s %s (%s, %s), document %s, parse %s\n", p(file), state,
						info.SHA256[:12], info.MediaType, humanBytes(info.Size), id, doc.ParseStatus)
					for _, w := range doc.Warnings {
						fmt.Fprintf(app.Stdout, "  warning: %s\n", p(w))
					}
				}
				return nil
			},
		}
		f := cmd.Flags()
		f.StringVar(&url, "url", "", "where the file came from (recorded as the capture URL)")
		f.StringVar(&body, "body", "", "issuing body (overrides what the parser finds)")
		f.IntVar(&year, "year", 0, "report (data) year (overrides what the parser finds)")
		f.StringVar(&region, "region", "", "region: names (河南省洛阳市偃师区) or a division code (410307)")
		f.StringVar(&title, "title", "", "title")
		return cmd
	})
}

// archivedAs returns the document that already holds blob sha (the
// earliest seen when several do), or nil.
func archivedAs(arc *archive.Archive, sha string) (*archive.Document, error) {
	docs, err := arc.DocumentsByHash(sha)
	if err != nil {
		return nil, fmt.Errorf("documents with %s: %w", sha[:12], err)
	}
	var best *archive.Document
	for _, d := range docs {
		if best == nil || d.FirstSeen.Before(best.FirstSeen) {
			best = d
		}
	}
	return best, nil
}

// hasImportCapture reports whether an import capture of blob sha from src
// exists: importing the same file from the same place twice adds nothing.
func hasImportCapture(arc *archive.Archive, sha, src string) (bool, error) {
	caps, err := arc.CapturesByHash(sha)
	if err != nil {
		return false, fmt.Errorf("captures of %s: %w", sha[:12], err)
	}
	for _, c := range caps {
		if c.Source == "import" && c.URL == src {
			return true, nil
		}
	}
	return false, nil
}
