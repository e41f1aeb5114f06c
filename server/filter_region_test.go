package server

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/nianbao/nianbao/archive"
)

// The server's own query (no Querier injected) selects a region as
// `crawler query --region` does: by the resolved division at any level or
// code, the region text only for reports with no division.
func TestDefaultQueryRegionByDivision(t *testing.T) {
	f := newFixture(t)
	for id, set := range map[string]func(*archive.Document){
		// text names only the district; the code places it in 洛阳市
		f.good: func(d *archive.Document) {
			d.Region, d.RegionCode, d.RegionPath = "偃师区", "410307", []string{"河南省", "洛阳市", "偃师区"}
		},
		// text says 洛阳市, but the resolver placed it in 郑州市: the code decides
		f.old: func(d *archive.Document) {
			d.RegionCode, d.RegionPath = "410100", []string{"河南省", "郑州市"}
		},
		// f.xss stays unresolved: matched by its text, 河南省洛阳市偃师区
	} {
		if err := f.arc.UpdateDocument(id, func(d *archive.Document) error { set(d); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	_, ts := f.start(t, nil)
	for _, tc := range []struct {
		region string
		want   []string
	}{
		{"洛阳市", []string{f.xss, f.good}},
		{"410300", []string{f.xss, f.good}}, // a code: the unresolved report by the division's name
		{"4103", []string{f.xss, f.good}},
		{"410307", []string{f.xss, f.good}},
		{"410100", []string{f.old}},
		{"偃师区", []string{f.xss, f.good}},
		{"郑州市", []string{f.old}},
		{"河南省", []string{f.old, f.xss, f.good}},
	} {
		_, b := get(t, ts.URL+"/api/reports?region="+url.QueryEscape(tc.region))
		var list ReportList
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range list.Reports {
			ids = append(ids, r.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("region=%s: %v, want %v", tc.region, ids, tc.want)
		}
	}
}
