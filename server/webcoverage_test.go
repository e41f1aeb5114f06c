package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/query"
)

// resolveRegions resolves the documents' regions as ingest does, from
// their configured region text.
func resolveRegions(t testing.TB, arc *archive.Archive, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := arc.UpdateDocument(id, func(d *archive.Document) error {
			d.HintRegion = d.Region
			ingest.ResolveRegion(d, "")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCoveragePage(t *testing.T) {
	f := newFixture(t)
	resolveRegions(t, f.arc, f.good, f.xss, f.old, f.lookalike)
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	_, ts := f.start(t, func(o *Options) { o.Now = func() time.Time { return now } })
	get := func(q string) (int, string) {
		t.Helper()
		resp, err := http.Get(ts.URL + "/coverage" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// A city: one summary row per county-level division, the city's own
	// bodies in full, every overdue body listed.
	code, page := get("?region=" + url.QueryEscape("洛阳市") + "&years=2019-2023")
	if code != 200 {
		t.Fatalf("status %d\n%s", code, page)
	}
	for _, want := range []string{
		`<a href="/coverage?region=410000&amp;years=2019-2023">河南省</a> › <a href="/coverage?region=410300&amp;years=2019-2023">洛阳市</a>`,
		`<a href="/coverage?region=410307&amp;years=2019-2023">偃师区</a> <small class="muted">3 个机关</small>`, // the district's summary row opens its grid
		`<td class="cv miss" title="按期 2，迟 0，缺 1，未到期 0">缺1</td>`,                                           // 偃师区 2023: two bodies published, its government did not
		"洛阳市人力资源和社会保障局",
		"嵩县人民政府</a>：缺 2019–2023 年度", // listed by the division table, never archived
		"洛阳市本级机关",
		`id="overdue"`,
		"&lt;b&gt;某&lt;/b&gt;局", // a body name from a page is text, not markup
		`href="/coverage?as=csv&amp;region=410300&amp;years=2019-2023"`,
		`<a href="/coverage?region=410300&amp;years=2021-2023">近 3 年</a>`, // ranges end with the last year due (2023 in June 2024)
		`<a href="/coverage?region=410300&amp;years=2014-2023">近 10 年</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("city page lacks %q", want)
		}
	}
	if strings.Contains(page, "<b>某</b>局") {
		t.Error("a body's markup reached the page")
	}
	if strings.Contains(page, "/reports/"+f.good) {
		t.Error("the city page shows a district's bodies row by row")
	}
	// A province: over a hundred county governments owe a report; the
	// page lists the first hundred and says how many more the CSV has.
	resp, err := http.Get(ts.URL + "/api/coverage?region=410000&years=2023")
	if err != nil {
		t.Fatal(err)
	}
	var prov query.Coverage
	err = json.NewDecoder(resp.Body).Decode(&prov)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("province api: %d %v", resp.StatusCode, err)
	}
	if n := len(prov.Overdue()); n <= maxOverdueShown {
		t.Fatalf("province: %d overdue bodies, want more than %d", n, maxOverdueShown)
	} else if _, page := get("?region=410000&years=2023"); strings.Count(page, "年度</li>") != maxOverdueShown ||
		!strings.Contains(page, fmt.Sprintf("另有 %d 个机关逾期，见 CSV。", n-maxOverdueShown)) {
		t.Errorf("province page lists %d overdue bodies, want %d and a note of the other %d", strings.Count(page, "年度</li>"), maxOverdueShown, n-maxOverdueShown)
	}
	// A district: every body's row, each report a link.
	code, page = get("?region=410307&years=2019-2023")
	if code != 200 {
		t.Fatalf("district: status %d\n%s", code, page)
	}
	for _, want := range []string{
		`<td class="cv ok"><a href="/reports/` + f.good + `" title="未标发布日期">按期</a></td>`, // 偃师区工信局 2023, undated: published
		`<td class="cv miss"><span title="期限 2020-01-31 已过">缺</span></td>`,               // its 2019: a department's deadline passed
		`<th scope="row"><a href="/series?body=%E5%81%83%E5%B8%88%E5%8C%BA%E5%B7%A5%E4%B8%9A%E5%92%8C%E4%BF%A1%E6%81%AF%E5%8C%96%E5%B1%80&amp;region=410307">偃师区工业和信息化局</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("district page lacks %q", want)
		}
	}
	if code, page := get(""); code != 200 || !strings.Contains(page, `id="coverage-form"`) || !strings.Contains(page, "2018-2023") {
		t.Errorf("empty form: %d", code)
	}
	if code, page := get("?region=" + url.QueryEscape("新华区")); code != 400 || !strings.Contains(page, `id="coverage-error"`) ||
		strings.Count(page, `<li><a href="/coverage?region=`) < 2 {
		t.Errorf("ambiguous region: %d, want the candidates as links\n%s", code, page)
	}
	for _, q := range []string{"?region=" + url.QueryEscape("不存在县"), "?region=410307&years=1900-2024", "?region=410307&sort=x",
		"?region=410307&as=pdf", "?as=csv", "?region=410307&region=410300"} {
		if code, page := get(q); code != 400 || !strings.Contains(page, `id="coverage-error"`) {
			t.Errorf("%s: %d, want 400 with the reason", q, code)
		}
	}
	if code, _ := get("?region=4103&years=2019-"); code != 400 {
		t.Errorf("open year range: %d", code)
	}

	resp, err = http.Get(ts.URL + "/api/coverage?region=410307&years=2022-2023")
	if err != nil {
		t.Fatal(err)
	}
	var cov query.Coverage
	err = json.NewDecoder(resp.Body).Decode(&cov)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || cov.RegionCode != "410307" || len(cov.Years) != 2 {
		t.Fatalf("api: %d %v %+v", resp.StatusCode, err, cov)
	}
	found := false
	for _, b := range cov.Bodies {
		if b.Body == "偃师区工业和信息化局" {
			found = b.Years[1].ID == f.good && b.Years[1].Status == query.CovPublished && b.Years[0].Status == query.CovMissing
		}
	}
	if !found {
		t.Errorf("api grid lacks the 2023 report: %+v", cov.Bodies)
	}
	for _, q := range []string{"", "?region=410307", "?region=新华区&years=2020-2021", "?region=410307&years=1900-2024"} {
		resp, err := http.Get(ts.URL + "/api/coverage" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("/api/coverage%s: %d, want 400", q, resp.StatusCode)
		}
	}
}

// The grid's CSV: every body (a city's districts too, though the city's
// page shows them as summary rows), one column per year, in the page's words.
func TestCoverageCSV(t *testing.T) {
	f := newFixture(t)
	resolveRegions(t, f.arc, f.good, f.xss, f.old, f.lookalike)
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	_, ts := f.start(t, func(o *Options) { o.Now = func() time.Time { return now } })
	resp, b := get(t, ts.URL+"/coverage?region="+url.QueryEscape("洛阳市")+"&years=2019-2023&as=csv")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ctypeCSV ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "nianbao-coverage-410300-2019-2023.csv") {
		t.Fatalf("csv: %d %v", resp.StatusCode, resp.Header)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "区划代码,区划,机关,类别,区划表所列,2019,2020,2021,2022,2023" {
		t.Errorf("header %q", got)
	}
	want := map[string]string{
		"偃师区工业和信息化局":    "410307,河南省洛阳市偃师区,部门,,缺,缺,缺,缺,按期",
		"嵩县人民政府":        "410325,河南省洛阳市嵩县,政府,是,缺,缺,缺,缺,缺",
		"洛阳市人力资源和社会保障局": "410300,河南省洛阳市,部门,,按期,缺,缺,缺,缺",
	}
	seen := 0
	for _, r := range rows[1:] {
		if w, ok := want[r[2]]; ok {
			seen++
			if got := strings.Join(append(r[:2:2], r[3:]...), ","); got != w {
				t.Errorf("%s: %q, want %q", r[2], got, w)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("CSV rows %v", rows)
	}
}

// Other pages link to a region's coverage: the report page from its
// resolved region (the county's grid, over years that hold the report),
// /compare from the region compared.
func TestCoverageLinks(t *testing.T) {
	f := newFixture(t)
	resolveRegions(t, f.arc, f.good, f.old)
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	_, ts := f.start(t, func(o *Options) { o.Now = func() time.Time { return now } })
	for _, c := range []struct{ path, want string }{
		{"/reports/" + f.good, `<a href="/coverage?region=410307&amp;years=2018-2023" id="coverage-link">`},
		{"/reports/" + f.old, `<a href="/coverage?region=410300&amp;years=2018-2023" id="coverage-link">`},
		{"/compare?region=" + url.QueryEscape("偃师区"), `<a href="/coverage?region=410307" id="compare-coverage">`},
	} {
		_, b := get(t, ts.URL+c.path)
		if !strings.Contains(string(b), c.want) {
			t.Errorf("%s lacks %s", c.path, c.want)
		}
	}
	// an unresolved region has no grid to link to
	if _, b := get(t, ts.URL+"/reports/"+f.xss); strings.Contains(string(b), `id="coverage-link"`) {
		t.Error("a report without a resolved region links to a coverage grid")
	}
}

// Every field the coverage page shows is escaped: body names and region
// paths from the archive, and the region and years a reader typed.
func TestCoverageEscapesEveryField(t *testing.T) {
	r := newRich(t)
	resolveRegions(t, r.arc, r.good, r.xss, r.old, r.y2022, r.y2023b, r.hostile)
	// A region path stored by an older or foreign resolver: text, whatever it says.
	if err := r.arc.UpdateDocument(r.hostile, func(d *archive.Document) error {
		d.RegionCode, d.RegionPath = "410307", []string{"河南省", "洛阳市", "偃师区<svg onload=alert(12)>"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, ts := r.start(t, nil)
	pages := []string{
		"/coverage?region=410307&years=2019-2023", "/coverage?region=" + url.QueryEscape("洛阳市") + "&years=2019-2023",
		"/coverage?region=" + url.QueryEscape("<svg onload=alert(13)>"),
		"/coverage?region=410307&years=" + url.QueryEscape("<img src=x onerror=alert(14)>"),
		"/coverage?region=" + url.QueryEscape(`"><img src=x onerror=alert(15)>`),
		"/reports/" + r.hostile,
	}
	for _, p := range pages {
		_, b := get(t, ts.URL+p)
		for _, bad := range []string{"<img src=x", "<svg onload", `"><img`} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s: unescaped %q", p, bad)
			}
		}
	}
	_, b := get(t, ts.URL+"/coverage?region=410307&years=2019-2023")
	for _, want := range []string{"&lt;img src=x onerror=alert(2)&gt;局", "偃师区&lt;svg onload=alert(12)&gt;"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("coverage page lacks escaped %q", want)
		}
	}
}

func TestYearRuns(t *testing.T) {
	for _, c := range []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{2020}, "2020"},
		{[]int{2020, 2021}, "2020、2021"},
		{[]int{2019, 2020, 2021, 2023}, "2019–2021、2023"},
		{[]int{2015, 2017, 2018, 2019, 2020, 2024}, "2015、2017–2020、2024"},
	} {
		if got := yearRuns(c.in); got != c.want {
			t.Errorf("yearRuns(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
