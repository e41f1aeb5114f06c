package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/parse"
	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/query"
)

func init() {
	register(40, func(app *App) *cobra.Command {
		var asJSON bool
		var region string
		cmd := &cobra.Command{
			Use:   "parse FILE...",
			Short: "Parse local report files (HTML, PDF, DOCX, DOC/WPS, text) into structured data",
			Long: `Parse local files without an archive. The reader is chosen by the file's
content, not its name. With --json, one JSON object per file per line
(docs/schema.md); otherwise a short summary per file.

Exit status is 0 even when a file does not parse as a report (that is
reported); it is non-zero only when a file cannot be read.`,
			Args: cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				// The PDF engine caches its compiled module under the
				// config's cache dir; a missing config is fine.
				if cfg, err := app.Config(explicitConfig(cmd)); err == nil {
					pdf.SetDefaultConfig(pdf.Config{CacheDir: cfg.CacheDir(), Logger: app.Log})
				} else if explicitConfig(cmd) {
					return err
				}
				defer func() {
					if err := pdf.CloseDefault(); err != nil {
						app.Log.Debug("pdf engine close", "err", err)
					}
				}()
				unreadable := 0
				for _, path := range args {
					data, err := os.ReadFile(path)
					if err != nil {
						fmt.Fprintf(app.Stderr, "crawler parse: %s\n", query.Printable(err.Error()))
						unreadable++
						continue
					}
					sum := sha256.Sum256(data)
					meta := report.Meta{File: filepath.Base(path), SHA256: hex.EncodeToString(sum[:]), Region: region}
					r, err := parse.Parse(cmd.Context(), data, meta, parse.Options{Logger: app.Log})
					if err != nil {
						return fmt.Errorf("parse %s: %w", query.Printable(path), err)
					}
					if asJSON {
						b, err := json.Marshal(r)
						if err != nil {
							return fmt.Errorf("encode %s: %w", path, err)
						}
						fmt.Fprintln(app.Stdout, string(b))
						continue
					}
					printSummary(app.Stdout, path, r)
				}
				if unreadable > 0 {
					return withExit(2, fmt.Errorf("%d of %d files could not be read", unreadable, len(args)))
				}
				return nil
			},
		}
		cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per file per line (docs/schema.md)")
		cmd.Flags().StringVar(&region, "region", "", "region of the publishing site, e.g. 河南省洛阳市 (combined with the body's name)")
		return cmd
	})
}

// printSummary prints one file's reading. The path and everything read
// from the file go through query.Printable: a control character in a file
// name or a report is shown, not sent to the terminal.
func printSummary(w io.Writer, path string, r *report.Report) {
	p := query.Printable
	year := "?"
	if r.Year != nil {
		year = fmt.Sprint(*r.Year)
	}
	fmt.Fprintf(w, "%s\n", p(path))
	fmt.Fprintf(w, "  title:  %s\n", p(orDash(r.Title)))
	fmt.Fprintf(w, "  body:   %s   region: %s\n", p(orDash(r.Body)), p(orDash(r.Region)))
	fmt.Fprintf(w, "  year:   %s   format: %s   status: %s\n", year, r.Format, parse.Status(r))
	var failed []string
	for _, c := range r.Checks {
		if !c.OK {
			s := c.Rule + " " + p(c.Where)
			if c.Expected != nil && c.Found != nil {
				s += fmt.Sprintf(" (expected %g, found %g)", *c.Expected, *c.Found)
			} else if c.Found != nil {
				s += fmt.Sprintf(" (found %g)", *c.Found)
			}
			failed = append(failed, s)
		}
	}
	fmt.Fprintf(w, "  checks: %d evaluated, %d failed\n", len(r.Checks), len(failed))
	for _, f := range failed {
		fmt.Fprintf(w, "    ✗ %s\n", f)
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "  warning %s: %s\n", wn.Code, p(oneLine(wn.Message)))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}
