package query_test

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/nianbao/nianbao/query"
)

// A retracted document is left out of every selection (Select, series,
// missing reports) unless Filter.Retracted asks for the retracted ones
// only; restoring it brings it back.
func TestRetractedLeftOut(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	if _, err := fx.a.Retract(fx.ids["A"], "alice", "duplicate of B", time.Now()); err != nil {
		t.Fatal(err)
	}
	sel := func(f query.Filter) []string {
		t.Helper()
		refs, err := query.Select(ctx, fx.a, f)
		if err != nil {
			t.Fatal(err)
		}
		got := fx.labels(refs)
		sort.Strings(got)
		return got
	}
	if got := sel(query.Filter{}); !slices.Equal(got, []string{"B", "C", "D", "E", "F", "G", "H"}) {
		t.Errorf("all: %v", got)
	}
	if got := sel(query.Filter{Body: "工信局", YearFrom: 2023, YearTo: 2023}); len(got) != 0 {
		t.Errorf("body+year of the retracted one: %v", got)
	}
	if got := sel(query.Filter{Retracted: true}); !slices.Equal(got, []string{"A"}) {
		t.Errorf("retracted: %v", got)
	}
	if got := sel(query.Filter{Retracted: true, Site: "luoyang"}); len(got) != 0 {
		t.Errorf("retracted of another site: %v", got)
	}
	series, err := query.BuildSeries(ctx, fx.a, query.Filter{Body: "工信局"}, query.SeriesOptions{Table: query.TableRequests, Column: "total"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range series {
		if r, ok := s.Reports["2023"]; ok {
			t.Errorf("series uses the retracted 2023 report %s", r.ID)
		}
	}
	// The body's 2022 report is now the last: 2023 is missing.
	gaps, err := query.Missing(ctx, fx.a, query.Filter{Body: "工信局"})
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 1 || gaps[0].MissingYear != 2023 {
		t.Errorf("missing: %+v, want 2023", gaps)
	}
	d, err := fx.a.Document(fx.ids["A"])
	if err != nil {
		t.Fatal(err)
	}
	if r := query.NewRecord(d); r.Retraction == nil || r.Retraction.Reason != "duplicate of B" || r.Retraction.By != "alice" {
		t.Errorf("record's retraction: %+v", r.Retraction)
	}
	if _, err := fx.a.Restore(fx.ids["A"], "bob", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := sel(query.Filter{}); len(got) != 8 {
		t.Errorf("after restore: %v", got)
	}
	d, _ = fx.a.Document(fx.ids["A"])
	if r := query.NewRecord(d); r.Retraction != nil {
		t.Errorf("a restored record keeps a retraction: %+v", r.Retraction)
	}
}
