package query_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

// Several reports for one year give one note naming the report used; rows
// follow the template order when the years mix the 2019 and 2021 formats.
func TestSeriesClashNoteAndRowOrder(t *testing.T) {
	a := querytest.Open(t)
	body, region := "偃师区工业和信息化局", "河南省洛阳市偃师区"
	add := func(site string, year int, format, status string) string {
		u := "http://" + site + ".gov.cn/" + strconv.Itoa(year) + "-" + status
		ids := querytest.Add(t, a, querytest.Doc{Site: site, URL: u, Body: body, Region: region, Year: year,
			Format: format, ParseStatus: status, Files: []querytest.File{{URL: u + ".pdf", Data: querytest.PDF(u)}},
			Parsed: querytest.Report{Body: body, Year: year, Format: format, Seed: year}.JSON()})
		return ids[0]
	}
	add("yanshi", 2019, "2019", "ok")
	add("yanshi", 2020, "2019", "ok")
	used := add("yanshi", 2021, "2021", "ok")
	clash := []string{add("mirror1", 2021, "2021", "partial"), add("mirror2", 2021, "2021", "failed"), add("mirror3", 2021, "2021", "needs_ocr")}

	for _, tc := range []struct {
		table, column string
	}{
		{query.TableRequests, "total"},
		{query.TableRequests, "all"},
		{query.TableActive, ""},
		{query.TableReview, ""},
	} {
		series, err := query.BuildSeries(context.Background(), a, query.Filter{Body: "工信局"}, query.SeriesOptions{Table: tc.table, Column: tc.column})
		if err != nil {
			t.Fatal(err)
		}
		if len(series) != 1 {
			t.Fatalf("%s: %d series", tc.table, len(series))
		}
		s := series[0]
		if got := s.Reports["2021"].ID; got != used {
			t.Errorf("%s: 2021 uses %s, want the ok report %s", tc.table, got, used)
		}
		var notes []string
		for _, n := range s.Notes {
			if strings.HasPrefix(n, "2021:") {
				notes = append(notes, n)
			}
		}
		if len(notes) != 1 {
			t.Fatalf("%s: %d notes for 2021, want 1: %q", tc.table, len(notes), s.Notes)
		}
		if !strings.Contains(notes[0], "4 reports") || !strings.Contains(notes[0], "using "+used) {
			t.Errorf("%s: note %q does not name the report used", tc.table, notes[0])
		}
		for _, id := range clash {
			if !strings.Contains(notes[0], id) {
				t.Errorf("%s: note %q lacks %s", tc.table, notes[0], id)
			}
		}
		// Template order: each row's position in WideColumns ascends.
		rank := map[string]int{}
		for i, c := range query.WideColumns(tc.table) {
			rank[c.Key] = i
		}
		if len(s.Rows) == 0 {
			t.Fatalf("%s: no rows", tc.table)
		}
		for i := 1; i < len(s.Rows); i++ {
			p, okp := rank[s.Rows[i-1].Key]
			c, okc := rank[s.Rows[i].Key]
			if okp && okc && p > c {
				t.Errorf("%s: row %s after %s breaks template order", tc.table, s.Rows[i].Key, s.Rows[i-1].Key)
			}
			if !okp && okc {
				t.Errorf("%s: template row %s after unknown row %s", tc.table, s.Rows[i].Key, s.Rows[i-1].Key)
			}
		}
	}
}
