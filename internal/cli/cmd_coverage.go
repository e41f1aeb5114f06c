package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

func init() {
	register(64, func(app *App) *cobra.Command {
		var region, years, output string
		cmd := &cobra.Command{
			Use:   "coverage --region R --years 2019-2024",
			Short: "Who in a region published which year's report, late or not, and who has not",
			Long: `coverage shows, for every body with a report in the region R (a division's
name at any level, or its code: 洛阳市, 410307), and for the government of every
county-level division the official table lists in R, which data years have a
report, which were published after the legal deadline (departments 1月31日,
governments and townships 3月31日 of the following year), and which are missing
once their deadline has passed.

  crawler coverage --region 洛阳市 --years 2019-2024
  crawler coverage --region 410307 --years 2021-2023 --output csv`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if region == "" || years == "" {
					return withExit(2, fmt.Errorf("coverage needs --region and --years (e.g. --region 洛阳市 --years 2019-2024)"))
				}
				from, to, err := parseYearsFlag("years", years)
				if err != nil {
					return withExit(2, err)
				}
				if from == 0 || to == 0 {
					return withExit(2, fmt.Errorf("bad --years %q: want a closed range such as 2019-2024", years))
				}
				kind := app.outputKind(output)
				if output == "" && kind == query.OutJSONL {
					kind = query.OutJSON // one document, not a stream of rows
				}
				if kind != query.OutTable && kind != query.OutJSON && kind != query.OutCSV && kind != query.OutJSONL {
					return withExit(2, fmt.Errorf("bad --output %q: want table, json, jsonl or csv", output))
				}
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				if _, err := arc.Meta(archive.MetaRegionsPending); err == nil {
					fmt.Fprintln(app.Stderr, "crawler coverage: reports archived before schema 3 have no resolved region and are left out: run `crawler reregion` once")
				}
				cov, err := query.CoverageFor(cmd.Context(), arc, query.CoverageOptions{Region: region, YearFrom: from, YearTo: to})
				if err != nil {
					return withExit(2, err)
				}
				return query.WriteCoverage(app.Stdout, cov, kind)
			},
		}
		f := cmd.Flags()
		f.StringVar(&region, "region", "", "division name at any level, or its code (洛阳市, 410307)")
		f.StringVar(&years, "years", "", "data years, a closed range: 2019-2024")
		yearSpellings(f, "years")
		f.StringVar(&output, "output", "", "table, json, jsonl (the same JSON on one line) or csv (default: table on a terminal, json otherwise)")
		return cmd
	})
}
