package cli

import (
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/query"
)

func init() {
	register(63, func(app *App) *cobra.Command {
		var ff filterFlags
		var out string
		cmd := &cobra.Command{
			Use:   "export [filters] -o FILE",
			Short: "Export reports: a .zip bundle (originals, manifest, data, text), .csv, .xlsx, .jsonl or .warc.gz",
			Long: `Export the reports matching the filters (the same as crawler query) to FILE.
The format follows FILE's extension:

  .zip      the bundle: original files under {year}/{body}/{title}.{ext},
            manifest.csv + manifest.xlsx (one row per file, with provenance
            and a ready citation), data.csv (tidy: report × table × row ×
            column), data.xlsx (one sheet per table, one row per report),
            text/… (each report's text) and README.txt
  .csv      data.csv alone          .xlsx   data.xlsx alone
  .jsonl    one report per line (the query fields plus "parsed")
  .warc.gz  every capture as WARC/1.1 request/response records

  crawler export --body 工信局 --year 2023 --region 洛阳市 -o luoyang-2023.zip

CSV files are UTF-8 with a BOM (Excel-ready). FILE is written only when the
export succeeds (through a temporary file next to it).`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if out == "" {
					return withExit(2, fmt.Errorf("-o FILE is required (.zip, .csv, .xlsx, .jsonl or .warc.gz)"))
				}
				format, err := export.FormatFromPath(out)
				if err != nil {
					return withExit(2, err)
				}
				f, err := ff.filter()
				if err != nil {
					return withExit(2, err)
				}
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				ctx := cmd.Context()
				refs, err := query.Select(ctx, arc, f)
				if err != nil {
					return err
				}
				if len(refs) == 0 {
					return withExit(1, fmt.Errorf("%s: nothing exported, %s not written", noMatch(ff.describe("year"))+regionHint(ff.region), out))
				}
				dst, err := app.output().Create(out, 0o644) // an export is meant to be shared
				if err != nil {
					return err
				}
				done := false
				defer func() {
					if !done {
						dst.Abort()
					}
				}()
				opts := export.Options{Format: format, Query: ff.describe("year")}
				var bar *progressbar.ProgressBar
				if IsTerminal(app.Stderr) {
					bar = progressbar.NewOptions(len(refs),
						progressbar.OptionSetWriter(app.Stderr),
						progressbar.OptionSetDescription("export"),
						progressbar.OptionShowCount(),
						progressbar.OptionThrottle(100*time.Millisecond),
						progressbar.OptionClearOnFinish())
					opts.Progress = func(done, _ int) { _ = bar.Set(done) }
				}
				cw := &countingWriter{w: dst}
				st, err := export.Export(ctx, arc, refs, cw, opts)
				if bar != nil {
					_ = bar.Finish()
				}
				if err != nil {
					return fmt.Errorf("export to %s: %w", out, err)
				}
				done = true
				if err := dst.Commit(); err != nil {
					return err
				}
				size := cw.n
				fmt.Fprintf(app.Stderr, "exported %s", plural(st.Reports, "report", "reports"))
				switch format {
				case export.FormatZip:
					fmt.Fprintf(app.Stderr, ", %s (%s)", plural(st.Files, "original file", "original files"), humanBytes(st.Bytes))
				case export.FormatWARC:
					fmt.Fprintf(app.Stderr, ", %s", plural(st.Captures, "capture", "captures"))
				}
				fmt.Fprintf(app.Stderr, " to %s (%s)\n", out, humanBytes(size))
				for _, w := range st.Warnings {
					fmt.Fprintf(app.Stderr, "warning: %s\n", w)
				}
				if st.WarningCount > len(st.Warnings) {
					fmt.Fprintf(app.Stderr, "warning: … and %d more\n", st.WarningCount-len(st.Warnings))
				}
				return nil
			},
		}
		ff.bind(cmd.Flags(), "year")
		cmd.Flags().StringVarP(&out, "output", "o", "", "output file: .zip, .csv, .xlsx, .jsonl or .warc.gz")
		return cmd
	})
}
