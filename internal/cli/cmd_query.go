package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
	"github.com/nianbao/nianbao/query"
)

// filterFlags are the selection flags shared by query, series and export.
type filterFlags struct {
	body, year, region, site, format string
	failed                           bool
}

func (ff *filterFlags) bind(fs *pflag.FlagSet, yearFlag string) {
	fs.StringVar(&ff.body, "body", "", "issuing body: full name, part of it, or a short form (工信局 ↔ 工业和信息化局; see query/ALIASES.md)")
	fs.StringVar(&ff.year, yearFlag, "", "data year or range: 2023, 2019-2023, 2019- or -2023")
	fs.StringVar(&ff.region, "region", "", "region at any level, by name or division code: 河南省, 洛阳市, 偃师区, 410307")
	fs.StringVar(&ff.site, "site", "", "config site name")
	fs.StringVar(&ff.format, "format", "", "table format: 2019 or 2021 (also legacy, unknown)")
	fs.BoolVar(&ff.failed, "failed-checks", false, "only reports whose own numbers do not add up")
	yearSpellings(fs, yearFlag)
}

// yearSpellings lets a command whose years flag is named name (--year on
// query, export, search, reparse; --years on series and coverage) take the
// other spelling too: both take the same year grammar, and a reader moving
// between commands should not have to remember which is which. The flag
// keeps one name in --help.
func yearSpellings(fs *pflag.FlagSet, name string) {
	other := map[string]string{"year": "years", "years": "year"}[name]
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, n string) pflag.NormalizedName {
		if n == other {
			n = name
		}
		return pflag.NormalizedName(n)
	})
}

func (ff *filterFlags) filter() (query.Filter, error) {
	from, to, err := query.ParseYears(ff.year)
	if err != nil {
		return query.Filter{}, err
	}
	switch ff.format {
	case query.OutTable, query.OutJSON, query.OutJSONL, query.OutCSV, "xlsx", "zip":
		// --format names a report's table format; readers reach for it to
		// choose the output's.
		return query.Filter{}, fmt.Errorf("bad --format %q: --format picks the reports' table format (%s); the output's is --output",
			ff.format, strings.Join(query.Formats, ", "))
	}
	f := query.Filter{Body: ff.body, YearFrom: from, YearTo: to, Region: ff.region, Site: ff.site,
		Format: ff.format, FailedChecks: ff.failed}
	return f, f.Validate()
}

// parseYearsFlag is query.ParseYears for a command whose flag is named
// flag (series and coverage take --years): its errors name that flag,
// not query's --year.
func parseYearsFlag(flag, s string) (from, to int, err error) {
	from, to, err = query.ParseYears(s)
	if err != nil && flag != "year" {
		err = errors.New(strings.ReplaceAll(err.Error(), `--year "`, "--"+flag+` "`))
	}
	return from, to, err
}

// describe renders the selection for README/warcinfo.
func (ff *filterFlags) describe(yearFlag string) string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, fmt.Sprintf("--%s %s", name, v))
		}
	}
	add("body", ff.body)
	add(yearFlag, ff.year)
	add("region", ff.region)
	add("site", ff.site)
	add("format", ff.format)
	if ff.failed {
		parts = append(parts, "--failed-checks")
	}
	if len(parts) == 0 {
		return "all reports"
	}
	return strings.Join(parts, " ")
}

// noMatch is the one wording of an empty selection, in every command:
// "no reports match (--body 工信局 --year 2030)".
func noMatch(filters string) string {
	if filters == "" || filters == "all reports" {
		return "no reports match (the archive holds none)"
	}
	return "no reports match (" + filters + ")"
}

// regionHint says, after a selection's count, that --region named no
// division and was matched as text ("" when it named one): a misspelt
// place otherwise reads as a place with no reports, and a part of a name
// (偃师) as the division it resembles.
func regionHint(region string) string {
	if region == "" {
		return ""
	}
	if _, err := divisions.Lookup(region); err == nil {
		return ""
	}
	return fmt.Sprintf("; no division is called %q, so it was matched as text in the reports' region names", region)
}

// outputKind resolves --output: a table on a terminal, JSON Lines otherwise.
func (a *App) outputKind(flag string) string {
	if flag != "" {
		return flag
	}
	if IsTerminal(a.Stdout) {
		return query.OutTable
	}
	return query.OutJSONL
}

// newOutput starts a command's result output in the format of --output;
// a table on a terminal fits its width.
func (a *App) newOutput(flag string) (*query.Output, error) {
	out, err := query.NewOutput(a.Stdout, a.outputKind(flag))
	if err != nil {
		return nil, err
	}
	out.FitWidth(TermWidth(a.Stdout))
	return out, nil
}

func init() {
	register(60, func(app *App) *cobra.Command {
		var ff filterFlags
		var missing, retracted bool
		var output string
		cmd := &cobra.Command{
			Use:   "query",
			Short: "List archived reports by body, year, region, site, format or failed checks",
			Long: `List the archived reports that match every given filter.

  crawler query --body 工信局 --year 2023 --region 洛阳市
  crawler query --failed-checks --output csv > failing.csv
  crawler query --missing --year 2023        # bodies with a 2022 report but none for 2023

--output jsonl (the default when not on a terminal) prints one JSON object per
report with the fields id, site, body, region, year, title, url, published_at,
files [{url, sha256, media_type, size, role}], format, parse_status,
failed_checks, first_seen, last_seen; --output json prints the same objects in
an array; csv has the same columns (files as a JSON array) and a UTF-8 BOM.

Retracted reports (crawler retract) are left out; --retracted lists only
them, each JSON object with a "retraction" {action, by, time, reason}.

--missing lists, for the selected bodies, each year without a report although
the year before has one (late or absent reports): fields body, region, site,
last_year, missing_year, last_id, last_url, later_years. The missing year lies
in the --year range if given, and never after the newest year in the archive.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				f, err := ff.filter()
				if err != nil {
					return withExit(2, err)
				}
				out, err := app.newOutput(output)
				if err != nil {
					return withExit(2, err)
				}
				if missing && (f.Format != "" || f.FailedChecks || retracted) {
					return withExit(2, fmt.Errorf("--missing takes --body, --year, --region and --site only"))
				}
				f.Retracted = retracted
				if missing {
					out.Columns(query.Gap{})
				} else {
					out.Columns(query.Record{})
				}
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				ctx := cmd.Context()
				if missing {
					gaps, err := query.Missing(ctx, arc, f)
					if err != nil {
						return err
					}
					for _, g := range gaps {
						if err := out.Write(g); err != nil {
							return err
						}
					}
				} else {
					refs, err := query.Select(ctx, arc, f)
					if err != nil {
						return err
					}
					err = query.Each(ctx, arc, refs, func(_ int, d *archive.Document) error {
						return out.Write(query.NewRecord(d))
					})
					if err != nil {
						return err
					}
				}
				if err := out.Close(); err != nil {
					return err
				}
				if IsTerminal(app.Stderr) {
					switch {
					case out.Count() == 0 && retracted:
						fmt.Fprintf(app.Stderr, "no retracted reports (%s)\n", ff.describe("year"))
					case out.Count() == 0 && missing:
						fmt.Fprintf(app.Stderr, "no missing reports (%s)\n", ff.describe("year"))
					case out.Count() == 0:
						fmt.Fprintln(app.Stderr, noMatch(ff.describe("year"))+regionHint(ff.region))
					case missing:
						fmt.Fprintf(app.Stderr, "%s\n", plural(out.Count(), "missing report", "missing reports"))
					default:
						fmt.Fprintf(app.Stderr, "%s%s\n", plural(out.Count(), "report", "reports"), regionHint(ff.region))
					}
				}
				return nil
			},
		}
		ff.bind(cmd.Flags(), "year")
		cmd.Flags().BoolVar(&retracted, "retracted", false, "list only the retracted reports (crawler retract), with their tombstones")
		cmd.Flags().BoolVar(&missing, "missing", false, "list late or absent reports instead (a year with no report after a year with one)")
		cmd.Flags().StringVar(&output, "output", "", "table, json, jsonl or csv (default: table on a terminal, else jsonl)")
		return cmd
	})
}
