package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

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
				hinted := body != "" || year != 0 || region != "" || title != ""
				for _, file := range args {
					data, err := os.ReadFile(file)
					if err != nil {
						return fmt.Errorf("import %s: %w", file, err)
					}
					res, err := parser.Import(cmd.Context(), arc, ingest.ImportFile{Data: data, Name: filepath.Base(file), URL: url,
						Title: title, Hints: ingest.Hints{Body: body, Year: year, Region: divisions.Names(region)}})
					if err != nil {
						return fmt.Errorf("import %s: %w", file, err)
					}
					printImported(app.Stdout, file, res, hinted)
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

// printImported says what import did with one file. Names and URLs may
// hold control characters: they are printed escaped.
func printImported(w io.Writer, file string, res ingest.Imported, hinted bool) {
	p := query.Printable
	d := res.Doc
	switch {
	case res.Existing && res.Capture == nil:
		fmt.Fprintf(w, "%s: already archived as document %s (imported before from %s): nothing added\n",
			p(file), d.ID, p(res.Source))
	case res.Existing:
		fmt.Fprintf(w, "%s: already archived as document %s (%s %d); import capture #%d added from %s\n",
			p(file), d.ID, p(or(d.Body, d.Title)), d.Year, res.Capture.ID, p(res.Source))
		if hinted {
			fmt.Fprintf(w, "  note: --body/--year/--region/--title were not applied to the existing document\n")
		}
	default:
		state := "stored"
		if !res.NewBlob {
			state = "already stored"
		}
		fmt.Fprintf(w, "%s: %s %s (%s, %s), document %s, parse %s\n", p(file), state,
			res.Blob.SHA256[:12], res.Blob.MediaType, humanBytes(res.Blob.Size), d.ID, d.ParseStatus)
		for _, wn := range d.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", p(wn))
		}
	}
}
