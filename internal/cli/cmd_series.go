package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/query"
)

func init() {
	register(62, func(app *App) *cobra.Command {
		var body, years, region, site, table, column, output string
		cmd := &cobra.Command{
			Use:   "series",
			Short: "Print a body's table values across years, with the carry-over check (上年结转 = 上年的结转下年度)",
			Long: `Line up one body's reports year by year.

  crawler series --body 偃师区工信局 --years 2019-2024
  crawler series --body 工业和信息化局 --region 偃师区 --table active
  crawler series --body 偃师区工信局 --column all --output csv

--table is requests (三, default), active (二) or review_litigation (四).
For requests, --column picks the applicant column (total by default;
natural_person, commercial_enterprise, research_institution,
social_welfare_org, legal_service_org, other_org, or all).
Each pair of consecutive years is checked with soft rule SR1: this year's
二、上年结转 must equal last year's 四、结转下年度继续办理, column by column.
When --body matches several bodies, each gets its own series.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if body == "" {
					return withExit(2, fmt.Errorf("--body is required"))
				}
				from, to, err := parseYearsFlag("years", years)
				if err != nil {
					return withExit(2, err)
				}
				kind := output
				if kind == "" {
					kind = query.OutTable
				}
				if kind != query.OutTable && kind != query.OutJSON && kind != query.OutCSV {
					return withExit(2, fmt.Errorf("bad --output %q: want table, json or csv", output))
				}
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				f := query.Filter{Body: body, YearFrom: from, YearTo: to, Region: region, Site: site}
				series, err := query.BuildSeries(cmd.Context(), arc, f, query.SeriesOptions{Table: table, Column: column})
				if err != nil {
					return withExit(2, err)
				}
				if len(series) == 0 {
					return withExit(1, fmt.Errorf("%s: check the names with `crawler query %s`",
						noMatch(seriesFilters(body, years, region, site)), seriesFilters(body, "", region, site)))
				}
				w := bufio.NewWriter(app.Stdout)
				defer w.Flush()
				switch kind {
				case query.OutJSON:
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					enc.SetEscapeHTML(false)
					return enc.Encode(series)
				case query.OutCSV:
					w.WriteString(query.BOM)
					cw := csv.NewWriter(w)
					cw.Write([]string{"body", "region", "table", "key", "row_label", "column_label", "year", "value", "report_id"})
					for _, s := range series {
						for _, r := range s.Rows {
							for i, y := range s.Years {
								v := ""
								if r.Values[i] != nil {
									v = query.FormatNum(*r.Values[i])
								} else if r.Texts != nil {
									v = r.Texts[i]
								}
								cw.Write([]string{s.Body, s.Region, s.Table, r.Key, r.RowLabel, r.ColLabel,
									strconv.Itoa(y), v, s.Reports[strconv.Itoa(y)].ID})
							}
						}
					}
					cw.Flush()
					return cw.Error()
				}
				for i, s := range series {
					if i > 0 {
						fmt.Fprintln(w)
					}
					if err := query.RenderSeries(w, s, TermWidth(app.Stdout)); err != nil {
						return err
					}
				}
				return w.Flush()
			},
		}
		fs := cmd.Flags()
		fs.StringVar(&body, "body", "", "issuing body: full name, part, or short form (required)")
		fs.StringVar(&years, "years", "", "year range, e.g. 2019-2024")
		yearSpellings(fs, "years")
		fs.StringVar(&region, "region", "", "region at any level, by name or division code (洛阳市, 410307), to tell same-named bodies apart")
		fs.StringVar(&site, "site", "", "config site name")
		fs.StringVar(&table, "table", query.TableRequests, "requests, active or review_litigation")
		fs.StringVar(&column, "column", "total", "requests column: total, natural_person, …, or all")
		fs.StringVar(&output, "output", "", "table (default), json or csv")
		return cmd
	})
}

// seriesFilters renders the filters that were given, for messages.
func seriesFilters(body, years, region, site string) string {
	var parts []string
	for _, kv := range [][2]string{{"body", body}, {"years", years}, {"region", region}, {"site", site}} {
		if kv[1] != "" {
			parts = append(parts, fmt.Sprintf("--%s %s", kv[0], kv[1]))
		}
	}
	return strings.Join(parts, " ")
}
