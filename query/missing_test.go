package query_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

// --missing groups a body's years by the division its reports resolved
// to, not by the region text; reports without a division keep the text.
func TestMissingGroupsByRegionCode(t *testing.T) {
	a := querytest.Open(t)
	docs := []struct {
		body, region, code string
		year               int
	}{
		// One body, two spellings and two region texts, one division: 2020–2022, nothing missing.
		{"偃师区财政局", "偃师区", "410307", 2020},
		{"洛阳市偃师区财政局", "河南省洛阳市偃师区", "410307", 2021},
		{"偃师区财政局", "河南省洛阳市偃师区", "410307", 2022},
		// Two 新华区 with the same text: two divisions, two series, each with a gap.
		{"新华区财政局", "新华区", "130105", 2020}, // 石家庄市新华区
		{"新华区财政局", "新华区", "410402", 2021}, // 平顶山市新华区
		// Not resolved: grouped by text as before, so these two are one series.
		{"某县财政局", "某县", "", 2020},
		{"某县财政局", "某县", "", 2021},
		// The archive's newest year: the horizon.
		{"郑州市财政局", "河南省郑州市", "410100", 2023},
	}
	ids := map[string]string{}
	for i, d := range docs {
		u := fmt.Sprintf("http://x.gov.cn/%d", i)
		id := querytest.Add(t, a, querytest.Doc{Site: "x", URL: u, Body: d.body, Region: d.region, Year: d.year, ParseStatus: "ok"})[0]
		ids[fmt.Sprint(d.code, d.year)] = id
		if d.code != "" {
			if err := a.UpdateDocument(id, func(doc *archive.Document) error { doc.RegionCode = d.code; return nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	gaps, err := query.Missing(context.Background(), a, query.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	type gap struct {
		code          string
		last, missing int
	}
	want := []gap{
		{"130105", 2020, 2021}, // 石家庄's 新华区: 2021 missing (平顶山's 2021 is another body's)
		{"", 2021, 2022},       // 某县财政局: one series by text, 2020–2021, then nothing
		{"410402", 2021, 2022}, // 平顶山's 新华区
		{"410307", 2022, 2023}, // 偃师区财政局: with its spellings one series, 2020–2022
	}
	var got []gap
	for _, g := range gaps {
		got = append(got, gap{g.RegionCode, g.LastYear, g.MissingYear})
		if g.LastID != ids[fmt.Sprint(g.RegionCode, g.LastYear)] {
			t.Errorf("gap %+v: last report %s, want %s", g, g.LastID, ids[fmt.Sprint(g.RegionCode, g.LastYear)])
		}
	}
	count := map[gap]int{}
	for _, g := range got {
		count[g]++
	}
	for _, w := range want {
		if count[w] != 1 {
			t.Errorf("gap %+v: %d times in %+v", w, count[w], got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("gaps %+v, want %+v", got, want)
	}
}
