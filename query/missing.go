package query

import (
	"context"
	"fmt"
	"sort"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
	"github.com/nianbao/nianbao/internal/textfold"
)

// Gap is a body that published a report for LastYear but none for
// MissingYear = LastYear+1: a late or absent report (--missing).
type Gap struct {
	Body   string `json:"body"`
	Region string `json:"region"`
	// RegionCode is the division the body's reports resolved to; "" when
	// they did not, and the body's years were then grouped by region text.
	RegionCode  string `json:"region_code"`
	Site        string `json:"site"`
	LastYear    int    `json:"last_year"`
	MissingYear int    `json:"missing_year"`
	LastID      string `json:"last_id"`  // the LastYear report
	LastURL     string `json:"last_url"` // its page
	// LaterYears are years after MissingYear that do have a report (a
	// skipped year rather than a stopped series); empty when none.
	LaterYears []int `json:"later_years"`
}

// Missing lists, for the bodies selected by f's --body, --region and
// --site, each year with no report although the year before has one. The
// missing year must lie in f's --year range when one is given, and never
// after the latest data year in the whole archive (a 2024 report cannot be
// late before anyone has published 2024 reports). --format and
// --failed-checks do not apply: a report that fails checks still exists.
// Reports without a body or year cannot be placed and are skipped.
//
// A body's reports are one series when they resolved to the same division
// and name the same body within it (coverage's rule: 洛阳市偃师区财政局
// and 偃师区财政局 of 410307 are one), whatever their region text says;
// reports with no resolved region are grouped by body and region text,
// so two 新华区 stay apart only when the text tells them apart.
func Missing(ctx context.Context, a *archive.Archive, f Filter) ([]Gap, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	type group struct {
		body, region, code, site string
		years                    map[int]Ref
	}
	groups := map[string]*group{}
	sel := Filter{Body: f.Body, Region: f.Region, Site: f.Site}
	horizon := 0
	err := a.ForEachDocument(func(d *archive.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.Retracted() {
			return nil // as if it were not archived
		}
		horizon = max(horizon, d.Year)
		if d.Year == 0 || d.Body == "" || !sel.Match(d) {
			return nil
		}
		if d.ParseStatus == "not_report" {
			return nil
		}
		k := "text\x00" + GroupKey(d.Body) + "\x00" + textfold.Fold(d.Region, textfold.Name)
		code := ""
		if dv := divisions.ByCode(d.RegionCode); dv != nil {
			code = d.RegionCode
			k = "code\x00" + code + "\x00" + bodyKey(d.Body, dv)
		}
		g := groups[k]
		if g == nil {
			g = &group{years: map[int]Ref{}}
			groups[k] = g
		}
		g.body, g.region, g.code, g.site = d.Body, d.Region, code, d.Site
		if old, ok := g.years[d.Year]; !ok || d.ID < old.ID {
			g.years[d.Year] = Ref{ID: d.ID, Year: d.Year, Body: d.Body, Region: d.Region, Site: d.Site, URL: d.URL}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan documents: %w", err)
	}
	if f.YearTo != 0 {
		horizon = min(horizon, f.YearTo)
	}
	var gaps []Gap
	for _, g := range groups {
		years := make([]int, 0, len(g.years))
		for y := range g.years {
			years = append(years, y)
		}
		sort.Ints(years)
		for _, y := range years {
			m := y + 1
			if _, ok := g.years[m]; ok || m > horizon || (f.YearFrom != 0 && m < f.YearFrom) {
				continue
			}
			last := g.years[y]
			gap := Gap{Body: g.body, Region: g.region, RegionCode: g.code, Site: last.Site, LastYear: y, MissingYear: m,
				LastID: last.ID, LastURL: last.URL, LaterYears: []int{}}
			for _, later := range years {
				if later > m {
					gap.LaterYears = append(gap.LaterYears, later)
				}
			}
			gaps = append(gaps, gap)
		}
	}
	sort.Slice(gaps, func(i, j int) bool {
		a, b := gaps[i], gaps[j]
		if a.MissingYear != b.MissingYear {
			return a.MissingYear < b.MissingYear
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Body < b.Body
	})
	return gaps, nil
}
