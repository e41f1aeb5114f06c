package query_test

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/textfold"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

func TestBodyMatches(t *testing.T) {
	cases := []struct {
		q, body string
		want    bool
	}{
		{"偃师区工业和信息化局", "偃师区工业和信息化局", true},
		{"工业和信息化局", "偃师区工业和信息化局", true}, // part
		{"偃师", "偃师区工业和信息化局", true},
		{"工信局", "偃师区工业和信息化局", true},     // short → full
		{"工业和信息化局", "偃师区工信局", true},     // full → short
		{"偃师区工信局", "偃师区工业和信息化局", true},  // whole name with short form
		{"洛阳市工信局", "偃师区工业和信息化局", false}, // other region
		{"人社局", "洛阳市人力资源和社会保障局", true},
		{"人力资源和社会保障局", "洛阳市人社局", true},
		{"发改委", "郑州市发展和改革委员会", true},
		{"发展和改革委员会", "郑州市发改委", true},
		{"发改委", "孟津区发展和改革局", true},
		{"住建局", "孟津区住房和城乡建设局", true},
		{"住房和城乡建设局", "孟津区住建局", true},
		{"市场监管局", "偃师区市场监督管理局", true},
		{"市场监督管理局", "偃师区市场监管局", true},
		{"卫健委", "洛阳市卫生健康委员会", true},
		{"卫生健康委员会", "洛阳市卫健委", true},
		{"教体局", "偃师区教育和体育局", true},
		{"生态环境局", "洛阳市环保局", true},
		{"自然资源局", "洛阳市自然资源和规划局", true},
		{"农业农村局", "偃师区农业农村局", true},
		{"人民政府办公室", "偃师区政府办", true},
		{"工信局", "洛阳市人力资源和社会保障局", false},
		{"人社局", "偃师区工业和信息化局", false},
		{"财政局", "偃师区工业和信息化局", false},
		{"", "anything", true},
		{"工信局", "", false},
		{"ＡＢＣ局", "abc局", true}, // NFKC + case
		{" 偃师 区 ", "偃师区财政局", true},
		{"河南省人民政府", "河南省", true}, // a government named by its area
		{"洛阳市偃师区人民政府", "洛阳市偃师区政府", true},
		{"河南省人民政府", "河南省财政厅", false},
		{"偃师区人民政府", "偃师区人民政府办公室", true}, // part
	}
	for _, c := range cases {
		if got := query.BodyMatches(c.q, c.body); got != c.want {
			t.Errorf("BodyMatches(%q, %q) = %v, want %v", c.q, c.body, got, c.want)
		}
	}
}

// Every alias spelling must match the canonical name and the reverse.
func TestAliasTableBothDirections(t *testing.T) {
	for _, a := range query.Aliases {
		for _, v := range a.Variants {
			if !query.BodyMatches(v, "某区"+a.Canonical) {
				t.Errorf("%q does not match %q", v, "某区"+a.Canonical)
			}
			if !query.BodyMatches(a.Canonical, "某区"+v) {
				t.Errorf("%q does not match %q", a.Canonical, "某区"+v)
			}
			if got := query.Canonical("某区" + v); got != textfold.Fold("某区"+a.Canonical, textfold.Name) {
				t.Errorf("Canonical(%q) = %q", "某区"+v, got)
			}
		}
	}
}

// ALIASES.md documents the same table as the code.
func TestAliasesDocumented(t *testing.T) {
	doc, err := os.ReadFile("ALIASES.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range query.Aliases {
		for _, v := range append([]string{a.Canonical}, a.Variants...) {
			if !strings.Contains(string(doc), v) {
				t.Errorf("ALIASES.md does not mention %q (group %s)", v, a.Canonical)
			}
		}
	}
}

func TestParseYears(t *testing.T) {
	cases := []struct {
		in       string
		from, to int
		bad      bool
	}{
		{"", 0, 0, false},
		{"2023", 2023, 2023, false},
		{"2019-2023", 2019, 2023, false},
		{" 2019 - 2023 ", 2019, 2023, false},
		{"2019-", 2019, 0, false},
		{"-2023", 0, 2023, false},
		{"2023-2019", 0, 0, true},
		{"23", 0, 0, true},
		{"abc", 0, 0, true},
		{"2019-20x", 0, 0, true},
		{"-", 0, 0, true},
		{"1800", 0, 0, true},
	}
	for _, c := range cases {
		from, to, err := query.ParseYears(c.in)
		if (err != nil) != c.bad || from != c.from || to != c.to {
			t.Errorf("ParseYears(%q) = %d, %d, %v; want %d, %d, bad=%v", c.in, from, to, err, c.from, c.to, c.bad)
		}
	}
}

// fixture is a small archive whose documents are named by label.
type fixture struct {
	a   *archive.Archive
	ids map[string]string // label → id
	lbl map[string]string // id → label
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	type spec struct {
		label string
		doc   querytest.Doc
	}
	rep := func(body, region string, year int, format string, failed int) []byte {
		return querytest.Report{Body: body, Region: region, Year: year, Format: format, FailedChecks: failed, Seed: year}.JSON()
	}
	mk := func(label, site, body, region string, year int, format string, failed int) spec {
		url := "http://" + site + ".example.gov.cn/" + label + ".html"
		title := body + "2023年政府信息公开工作年度报告"
		return spec{label, querytest.Doc{Site: site, URL: url, Title: title, Body: body, Region: region, Year: year,
			Format: format, ParseStatus: "ok", FailedChecks: failed,
			Files:  []querytest.File{{URL: url, Role: "page", Data: querytest.HTML(title)}, {URL: url + ".pdf", Data: querytest.PDF(label)}},
			Parsed: rep(body, region, year, format, failed)}}
	}
	specs := []spec{
		mk("A", "yanshi", "偃师区工业和信息化局", "河南省洛阳市偃师区", 2023, "2021", 0),
		mk("B", "yanshi", "偃师区工业和信息化局", "河南省洛阳市偃师区", 2022, "2021", 1),
		mk("C", "yanshi", "偃师区工信局", "河南省洛阳市偃师区", 2021, "2021", 0),
		mk("D", "luoyang", "洛阳市人力资源和社会保障局", "河南省洛阳市", 2023, "2021", 0),
		mk("E", "luoyang", "洛阳市人社局", "河南省洛阳市", 2019, "2019", 0),
		mk("F", "zhengzhou", "郑州市发展和改革委员会", "河南省郑州市", 2023, "2021", 0),
		mk("G", "yanshi", "偃师区财政局", "河南省洛阳市偃师区", 2020, "2019", 0),
		// Not parsed yet: no body, no region; the title names the body.
		{"H", querytest.Doc{Site: "mengjin", URL: "http://mengjin.example.gov.cn/H.html", Year: 2023,
			Title: "孟津区住建局2023年政府信息公开工作年度报告",
			Files: []querytest.File{{URL: "http://mengjin.example.gov.cn/H.pdf", Data: querytest.PDF("H")}}}},
	}
	a := querytest.Open(t)
	f := &fixture{a: a, ids: map[string]string{}, lbl: map[string]string{}}
	for _, s := range specs {
		id := querytest.Add(t, a, s.doc)[0]
		f.ids[s.label] = id
		f.lbl[id] = s.label
	}
	return f
}

func (f *fixture) labels(refs []query.Ref) []string {
	var out []string
	for _, r := range refs {
		out = append(out, f.lbl[r.ID])
	}
	return out
}

func TestSelectFilters(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	cases := []struct {
		name string
		f    query.Filter
		want []string // labels, any order (order is checked separately)
	}{
		{"all", query.Filter{}, []string{"A", "B", "C", "D", "E", "F", "G", "H"}},
		{"body short form", query.Filter{Body: "工信局"}, []string{"A", "B", "C"}},
		{"body full name", query.Filter{Body: "工业和信息化局"}, []string{"A", "B", "C"}},
		{"body with region, short", query.Filter{Body: "偃师区工信局"}, []string{"A", "B", "C"}},
		{"body 人社局", query.Filter{Body: "人社局"}, []string{"D", "E"}},
		{"body 人力资源和社会保障局", query.Filter{Body: "人力资源和社会保障局"}, []string{"D", "E"}},
		{"body 发改委", query.Filter{Body: "发改委"}, []string{"F"}},
		{"body from title when unparsed", query.Filter{Body: "住房和城乡建设局"}, []string{"H"}},
		{"body part", query.Filter{Body: "偃师区"}, []string{"A", "B", "C", "G"}},
		{"body none", query.Filter{Body: "公安局"}, nil},
		{"year", query.Filter{YearFrom: 2023, YearTo: 2023}, []string{"A", "D", "F", "H"}},
		{"year range", query.Filter{YearFrom: 2021, YearTo: 2022}, []string{"B", "C"}},
		{"year open end", query.Filter{YearFrom: 2022}, []string{"A", "B", "D", "F", "H"}},
		{"year open start", query.Filter{YearTo: 2020}, []string{"E", "G"}},
		{"region province", query.Filter{Region: "河南省"}, []string{"A", "B", "C", "D", "E", "F", "G"}},
		{"region city", query.Filter{Region: "洛阳市"}, []string{"A", "B", "C", "D", "E", "G"}},
		{"region district", query.Filter{Region: "偃师区"}, []string{"A", "B", "C", "G"}},
		{"region short", query.Filter{Region: "郑州"}, []string{"F"}},
		{"region via title when unparsed", query.Filter{Region: "孟津区"}, []string{"H"}},
		{"site", query.Filter{Site: "luoyang"}, []string{"D", "E"}},
		{"format 2019", query.Filter{Format: "2019"}, []string{"E", "G"}},
		{"format 2021", query.Filter{Format: "2021"}, []string{"A", "B", "C", "D", "F"}},
		{"failed checks", query.Filter{FailedChecks: true}, []string{"B"}},
		{"body+year+region", query.Filter{Body: "工信局", YearFrom: 2023, YearTo: 2023, Region: "洛阳市"}, []string{"A"}},
		{"body+failed", query.Filter{Body: "工信局", FailedChecks: true}, []string{"B"}},
		{"format+region", query.Filter{Format: "2021", Region: "郑州"}, []string{"F"}},
		{"site+format", query.Filter{Site: "yanshi", Format: "2019"}, []string{"G"}},
		{"body+site mismatch", query.Filter{Body: "人社局", Site: "yanshi"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			refs, err := query.Select(ctx, fx.a, c.f)
			if err != nil {
				t.Fatal(err)
			}
			got := fx.labels(refs)
			sort.Strings(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			// Cross-check against Match applied to every document.
			n := 0
			fx.a.ForEachDocument(func(d *archive.Document) error {
				if c.f.Match(d) {
					n++
				}
				return nil
			})
			if n != len(refs) {
				t.Errorf("Select returned %d, Match accepts %d", len(refs), n)
			}
		})
	}
}

func TestSelectOrder(t *testing.T) {
	fx := newFixture(t)
	refs, err := query.Select(context.Background(), fx.a, query.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(refs); i++ {
		p, c := refs[i-1], refs[i]
		if p.Year > c.Year || (p.Year == c.Year && (p.Body > c.Body || (p.Body == c.Body && p.ID > c.ID))) {
			t.Errorf("not ordered by year, body, id at %d: %+v then %+v", i, p, c)
		}
	}
}

func TestFilterValidate(t *testing.T) {
	for _, f := range []query.Filter{{Format: "2020"}, {Format: "pdf"}, {YearFrom: 2023, YearTo: 2019}} {
		if _, err := query.Select(context.Background(), querytest.Open(t), f); err == nil {
			t.Errorf("%+v: no error", f)
		}
	}
}

func TestEachStopsAndLoads(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	refs, _ := query.Select(ctx, fx.a, query.Filter{})
	var seen []string
	err := query.Each(ctx, fx.a, refs, func(i int, d *archive.Document) error {
		if d.ID != refs[i].ID {
			t.Errorf("document %d is %s, want %s", i, d.ID, refs[i].ID)
		}
		seen = append(seen, d.ID)
		if len(seen) == 3 {
			return query.ErrStop
		}
		return nil
	})
	if err != nil || len(seen) != 3 {
		t.Fatalf("Each: %v, %d seen", err, len(seen))
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := query.Each(cctx, fx.a, refs, func(int, *archive.Document) error { return nil }); err == nil {
		t.Error("cancelled context: no error")
	}
}
