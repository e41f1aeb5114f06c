package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/parse"
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
reported); 1 when a file cannot be read (missing, unreadable) — the files
that can are parsed all the same; 2 for a usage error.`,
			Args: cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				// The PDF engine caches its compiled module under the
				// config's cache dir; no config, or a broken ./config.yaml
				// not named with --config, is fine: the defaults serve.
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					if explicitConfig(cmd) {
						return err
					}
					cfg = config.Default()
				}
				parser := ingest.NewParser(cfg, ingest.Options{OCR: true, Log: app.Log})
				defer func() {
					if err := parser.Close(); err != nil {
						app.Log.Debug("pdf engine close", "err", err)
					}
				}()
				unreadable := 0
				for i, path := range args {
					if i > 0 && !asJSON {
						fmt.Fprintln(app.Stdout) // a file's tables end where the next file's name starts
					}
					data, err := os.ReadFile(path)
					if err != nil {
						msg := err.Error()
						if errors.Is(err, fs.ErrNotExist) {
							msg = "no such file: " + path
						}
						fmt.Fprintf(app.Stderr, "crawler parse: %s\n", query.Printable(msg))
						unreadable++
						continue
					}
					sum := sha256.Sum256(data)
					meta := report.Meta{File: filepath.Base(path), SHA256: hex.EncodeToString(sum[:]), Region: region}
					r, err := parser.Report(cmd.Context(), data, meta)
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
					if err := printSummary(app.Stdout, TermWidth(app.Stdout), path, len(data), r); err != nil {
						return err
					}
				}
				if unreadable > 0 {
					// A file that is not there is not a usage error
					// (exit 2): the command was right, the file system
					// said no — exit 1, as import and show do.
					return withExit(1, fmt.Errorf("%d of %d files could not be read", unreadable, len(args)))
				}
				return nil
			},
		}
		cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per file per line (docs/schema.md)")
		cmd.Flags().StringVar(&region, "region", "", "region of the publishing site, e.g. 河南省洛阳市 (combined with the body's name)")
		return cmd
	})
}

// printSummary prints one file's reading: who, what year and status, the
// tables as grids (as show prints them), failed checks and warnings. A
// file the parser could not read at all gets one line saying why, not the
// missing title, body, year and tables that follow from it. The path and
// everything read from the file go through query.Printable: a control
// character in a file name or a report is shown, not sent to the terminal.
func printSummary(w io.Writer, width int, path string, size int, r *report.Report) error {
	p := query.Printable
	if why := unreadReason(r, size); why != "" {
		_, err := fmt.Fprintf(w, "%s: status %s: %s\n", p(path), parse.StatusFailed, p(oneLine(why)))
		return err
	}
	year := "?"
	if r.Year != nil {
		year = fmt.Sprint(*r.Year)
	}
	fmt.Fprintf(w, "%s\n", p(path))
	fmt.Fprintf(w, "  title:  %s\n", p(orDash(r.Title)))
	fmt.Fprintf(w, "  body:   %s   region: %s\n", p(orDash(r.Body)), p(orDash(r.Region)))
	fmt.Fprintf(w, "  year:   %s   format: %s   status: %s\n", year, r.Format, parse.Status(r))
	if r.Active != nil || r.Requests != nil || r.ReviewLitigation != nil {
		// query renders the stored JSON form of a report; a local file's
		// report goes through the same encoding so both print alike.
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encode %s: %w", p(path), err)
		}
		rep, err := query.DecodeReport(b)
		if err != nil {
			return fmt.Errorf("%s: %w", p(path), err)
		}
		if err := query.RenderTables(w, rep, width); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
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
	// A file that is not a report gets the warning that says why; the
	// missing title, year and tables that follow from it are noise here
	// (--json keeps them all).
	notReport := parse.Status(r) == parse.StatusNotReport
	hidden := 0
	for _, wn := range r.Warnings {
		if notReport && wn.Code != report.WarnNotReport {
			hidden++
			continue
		}
		fmt.Fprintf(w, "  warning %s: %s\n", wn.Code, p(oneLine(wn.Message)))
	}
	if hidden > 0 {
		fmt.Fprintf(w, "  (%s from it: --json lists them)\n", plural(hidden, "more warning follows", "more warnings follow"))
	}
	return nil
}

// unreadReason is why the parser could not read a file at all (empty,
// not a document, encrypted, damaged), or "" when it read it: the
// warning that made the status failed, which the others follow from.
func unreadReason(r *report.Report, size int) string {
	if parse.Status(r) != parse.StatusFailed {
		return ""
	}
	if size == 0 {
		return "empty file (0 bytes)"
	}
	for _, wn := range r.Warnings {
		switch wn.Code {
		case parse.WarnUnsupported, parse.WarnExtractFailed, parse.WarnEncrypted, parse.WarnNoPDFEngine, parse.WarnInflateLimit, parse.WarnMemoryLimit:
			return wn.Code + ": " + wn.Message
		}
	}
	return "not read"
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
