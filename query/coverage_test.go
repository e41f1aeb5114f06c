package query_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

func TestCoverageDeadlines(t *testing.T) {
	a := querytest.Open(t)
	docs := []querytest.Doc{
		{Site: "ys", URL: "http://ys/1", Body: "偃师区财政局", Year: 2022, PublishedAt: "2023-01-31", ParseStatus: "ok"},
		{Site: "ys", URL: "http://ys/2", Body: "洛阳市偃师区财政局", Year: 2023, PublishedAt: "2024-02-01", ParseStatus: "ok"},
		{Site: "ys", URL: "http://ys/3", Body: "偃师区人民政府", Year: 2022, ParseStatus: "ok"}, // undated
		{Site: "ys", URL: "http://ys/4", Body: "偃师区民政局", Year: 2022, PublishedAt: "2023-01-10", ParseStatus: "ok"},
		{Site: "ys", URL: "http://ys/5", Body: "偃师区民政局", Year: 2023, PublishedAt: "2024-01-02", ParseStatus: "not_report"},
		{Site: "ys", URL: "http://ys/6", Body: "偃师区", Year: 2021, PublishedAt: "2022-03-01", ParseStatus: "ok"}, // the government, by its place name
		{Site: "mj", URL: "http://mj/1", Body: "孟津区财政局", Year: 2023, PublishedAt: "2024-01-05", ParseStatus: "ok"},
	}
	ids := querytest.Add(t, a, docs...)
	for i, id := range ids {
		err := a.UpdateDocument(id, func(d *archive.Document) error {
			dv := divisions.Resolve(divisions.Input{Site: "河南省洛阳市", Body: docs[i].Body}).Division
			d.RegionCode, d.RegionPath, d.RegionLevel = dv.Code(), dv.Path(), dv.Level.String()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2024, 2, 15, 12, 0, 0, 0, time.UTC)
	cov, err := query.CoverageFor(context.Background(), a, query.CoverageOptions{Region: "410307", YearFrom: 2021, YearTo: 2023, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, b := range cov.Bodies {
		for _, y := range b.Years {
			got[b.Body] = append(got[b.Body], y.Status)
		}
	}
	want := map[string][]string{
		"洛阳市偃师区财政局": {query.CovMissing, query.CovPublished, query.CovLate}, // 1月31日 is in time; 2月1日 is a day late
		// 2021 under its place name, published 3月1日: a government's deadline (3月31日), in time;
		// 2022 undated counts as published; 2023's 3月31日 has not yet passed
		"偃师区人民政府": {query.CovPublished, query.CovPublished, query.CovNotDue},
		"偃师区民政局":  {query.CovMissing, query.CovPublished, query.CovMissing}, // a page that is not a report does not count
	}
	if len(got) != len(want) {
		t.Errorf("bodies %v, want %v (孟津区 is outside the region)", got, want)
	}
	for body, w := range want {
		if g := got[body]; strings.Join(g, ",") != strings.Join(w, ",") {
			t.Errorf("%s: %v, want %v", body, g, w)
		}
	}
	for _, b := range cov.Bodies {
		if b.Body == "洛阳市偃师区财政局" && b.Years[2].DaysLate != 1 {
			t.Errorf("days late %d, want 1", b.Years[2].DaysLate)
		}
		if b.Body == "偃师区人民政府" && (!b.Listed || b.Kind != query.KindGovernment) {
			t.Errorf("the district's government: %+v", b)
		}
	}
	if o := cov.Overdue(); len(o) != 2 {
		t.Errorf("overdue %v", o)
	}
}
