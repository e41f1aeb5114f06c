package cli

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/parse"
	"github.com/nianbao/nianbao/query"
)

func init() {
	register(31, func(app *App) *cobra.Command {
		var ff filterFlags
		var force, dryRun bool
		cmd := &cobra.Command{
			Use:   "reparse",
			Short: "Re-run the parser over archived originals (after a parser upgrade)",
			Long: `reparse parses the stored original files of every matching document again and
updates the derived fields (format, year, body, tables, checks, parse status).
Originals are never touched. By default only documents parsed by an older
parser version (or never parsed) are redone; --force redoes all. Running it
twice changes nothing the second time. It prints each document whose result
changed, and a summary. The filters are those of crawler query:

  crawler reparse --body 工信局 --year 2019-2021 --force
  crawler reparse --failed-checks --dry-run`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				f, err := ff.filter()
				if err != nil {
					return withExit(2, err)
				}
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					return err
				}
				arc, err := app.openArchive(cmd, dryRun)
				if err != nil {
					return err
				}
				defer arc.Close()
				if !dryRun {
					defer app.updateIndex(cmd.Context(), arc)
				}
				refs, err := query.Select(cmd.Context(), arc, f)
				if err != nil {
					return err
				}
				p := ingest.NewParser(cfg, ingest.Options{OCR: cfg.Crawl.OCROn(), Log: app.Log})
				defer p.Close()
				var seen, redone, changed, regions int
				err = query.Each(cmd.Context(), arc, refs, func(_ int, d *archive.Document) error {
					seen++
					res, err := p.Reparse(cmd.Context(), arc, d, force, dryRun)
					if res.Redone {
						redone++
					}
					if res.Region {
						regions++
					}
					if res.Changed {
						changed++
						fmt.Fprintln(app.Stdout, reparseLine(&res.Before, d))
					}
					return err
				})
				if err != nil {
					return err
				}
				verb := "updated"
				if dryRun {
					verb = "would update"
				}
				fmt.Fprintf(app.Stdout, "%s matched (%s), %d re-parsed, %s %d (parser %s)\n", plural(seen, "document", "documents"),
					ff.describe("year"), redone, verb, changed, parse.Version)
				if regions > 0 {
					fmt.Fprintf(app.Stdout, "%d regions resolved that predate schema 3 (crawler reregion resolves them all)\n", regions)
				}
				return nil
			},
		}
		f := cmd.Flags()
		ff.bind(f, "year")
		f.BoolVar(&force, "force", false, "re-parse even documents already parsed by this parser version")
		f.BoolVar(&dryRun, "dry-run", false, "report what would change, write nothing")
		return cmd
	})
}

// reparseLine names what a reparse changed on a document.
func reparseLine(before, d *archive.Document) string {
	p := query.Printable // bodies come from pages
	line := fmt.Sprintf("%s %s %d: status %s→%s, format %s→%s, failed checks %d→%d",
		d.ID, p(d.Body), d.Year, or(before.ParseStatus, "-"), d.ParseStatus, or(before.Format, "-"),
		d.Format, before.FailedChecks, d.FailedChecks)
	if before.Body != d.Body {
		line += fmt.Sprintf(", body %s→%s", p(or(before.Body, "-")), p(d.Body))
	}
	if before.Year != d.Year {
		line += fmt.Sprintf(", year %d→%d", before.Year, d.Year)
	}
	if before.RegionCode != d.RegionCode {
		line += fmt.Sprintf(", region %s→%s", p(regionLabel(before.RegionCode, before.RegionPath)), p(regionLabel(d.RegionCode, d.RegionPath)))
	}
	if !bytes.Equal(before.Parsed, d.Parsed) && before.ParseStatus == d.ParseStatus &&
		before.Format == d.Format && before.FailedChecks == d.FailedChecks && before.Body == d.Body && before.Year == d.Year &&
		before.RegionCode == d.RegionCode {
		line += ", parsed values changed"
	}
	return line
}

func or(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// plural renders "1 document" / "3 documents".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
