package sites

import (
	"fmt"
	"strings"
	"testing"
)

// The next page of a list scores above the list's reports and files, in
// every family: the engine fetches it first, so the frontier keeps a list
// page while the reports are fetched (the engine takes the same 2 per
// level of depth off both).
func TestNextPageScoresAboveItems(t *testing.T) {
	pages := fixturePages(t)
	if !fewPages() {
		pages = append(pages, imitationPages(t)...)
	}
	checked := 0
	for _, cp := range pages {
		p, err := NewPage(cp.URL, cp.HTML, KindList, "")
		if err != nil {
			continue
		}
		for _, fam := range Families() {
			r, _ := Lookup(fam)
			a := r.Analyze(p)
			lowNext, highItem := 1e9, -1e9
			var next, item Link
			for _, l := range a.Links {
				switch {
				case l.Next && l.Score < lowNext:
					lowNext, next = l.Score, l
				case !l.Next && (l.Kind == KindDetail || l.Kind == KindAttachment || l.Kind == KindPart) && l.Score > highItem:
					highItem, item = l.Score, l
				}
			}
			if lowNext == 1e9 || highItem == -1e9 {
				continue
			}
			checked++
			if lowNext <= highItem {
				t.Errorf("%s (%s): next page %s scores %v, report %s %v", cp.Name, fam, next.URL, next.Score, item.URL, item.Score)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no list page with a next page and reports")
	}
}

// genericPage is a plain list page k of /zwgk/ndbg/ (index.html,
// index_2.html, …) with rows, a pager that always links a next page and
// the portal's chrome.
func genericPage(k int, rows []string, pager string) string {
	var b strings.Builder
	b.WriteString(`<html><head><title>政府信息公开年报</title></head><body><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div><ul class="list">`)
	for _, r := range rows {
		b.WriteString(`<li><a href="` + r + `">栾川县` + r + `政府信息公开工作年度报告</a></li>`)
	}
	b.WriteString(`</ul><div class="page"><a href="index.html">首页</a>`)
	if k > 1 {
		fmt.Fprintf(&b, `<a href="%s">上一页</a>`, pageName(k-1))
	}
	fmt.Fprintf(&b, `<a href="%s">下一页</a>%s</div></body></html>`, pageName(k+1), pager)
	return b.String()
}

func pageName(k int) string {
	if k == 1 {
		return "index.html"
	}
	return fmt.Sprintf("index_%d.html", k)
}

func genericAnalysis(t *testing.T, k int, rows []string, pager string) Analysis {
	t.Helper()
	p := mustPage(t, "http://www.lc.gov.cn/zwgk/ndbg/"+pageName(k), genericPage(k, rows, pager), KindList)
	return AnalyzeGeneric(p)
}

func TestListItemsAndDeclaredPager(t *testing.T) {
	a := genericAnalysis(t, 2, []string{"./2024/t20240125_1.html", "./2023/t20230125_2.html"}, "")
	// "首页" reads as a pager link: whether it is one or the home page's,
	// it is on every page alike.
	want := []string{"http://www.lc.gov.cn/zwgk/",
		"http://www.lc.gov.cn/zwgk/ndbg/2024/t20240125_1.html", "http://www.lc.gov.cn/zwgk/ndbg/2023/t20230125_2.html"}
	if !eq(a.Items, want) {
		t.Errorf("items %q, want %q (no pager links)", a.Items, want)
	}
	if a.PageNum != 0 || a.PageCount != 0 {
		t.Errorf("pager %d/%d, want unknown", a.PageNum, a.PageCount)
	}
	// The pager's next link into a column named by a report slug (ndbg)
	// is the next page, not a column.
	found := false
	for _, l := range a.Links {
		if l.URL == "http://www.lc.gov.cn/zwgk/ndbg/index_3.html" {
			found = true
			if !l.Next || l.Score != scoreNext {
				t.Errorf("next page taken for a column: %+v", l)
			}
		}
	}
	if !found {
		t.Error("no next page")
	}
	for _, tc := range []struct {
		pager      string
		num, count int
	}{
		{`<span>第2页 共5页</span>`, 2, 5},
		{`<span>共 3 页</span>`, 0, 3},
		{`<script>createPageHTML(4, 1, "index", "html");</script>`, 2, 4},
		{`<script>var countPage = 4; var currentPage = 3; createPageHTML(countPage, currentPage, "index", "html");</script>`, 4, 4},
		{`<script>createPageHTML('page_div', 6, 2, 'list', 'shtml', 118);</script>`, 2, 6},
	} {
		a := genericAnalysis(t, 2, []string{"./2024/t20240125_1.html"}, tc.pager)
		if a.PageNum != tc.num || a.PageCount != tc.count {
			t.Errorf("%s: pager %d/%d, want %d/%d", tc.pager, a.PageNum, a.PageCount, tc.num, tc.count)
		}
	}
	// A detail page lists no entries.
	p := mustPage(t, "http://www.lc.gov.cn/zwgk/ndbg/2024/t20240125_1.html", genericPage(1, nil, ""), KindDetail)
	if a := AnalyzeGeneric(p); a.Items != nil {
		t.Errorf("detail page items %q", a.Items)
	}
}

// A list is paged on while each page brings something new, and no
// further than its pager declares.
func TestTrailStopsPaging(t *testing.T) {
	rows := func(ids ...int) []string {
		var out []string
		for _, id := range ids {
			out = append(out, fmt.Sprintf("./2024/t20240125_%d.html", id))
		}
		return out
	}
	// step pages through analyses from the first page; it returns the
	// number of the page that stopped the list (0: none did) and why.
	step := func(as ...Analysis) (int, string) {
		var tr Trail
		for i, a := range as {
			next, more, why := ParseTrail(tr.String()).Step(a) // as the engine carries it
			if !more {
				return i + 1, why
			}
			tr = next
		}
		return 0, ""
	}
	real := []Analysis{genericAnalysis(t, 1, rows(1, 2), ""), genericAnalysis(t, 2, rows(3, 4), ""), genericAnalysis(t, 3, rows(5), "")}
	if n, why := step(real...); n != 0 {
		t.Fatalf("real pages stopped at page %d: %s", n, why)
	}
	cases := []struct {
		name  string
		pages []Analysis
		stop  int
	}{
		{"empty page past the end", append(real[:3:3], genericAnalysis(t, 4, nil, "")), 4},
		{"last page served again", append(real[:3:3], genericAnalysis(t, 4, rows(5), "")), 4},
		{"first page served again", append(real[:3:3], genericAnalysis(t, 4, rows(1, 2), ""), genericAnalysis(t, 5, rows(3, 4), "")), 4},
		{"declared count, page number shown", []Analysis{genericAnalysis(t, 1, rows(1), "第1页 共2页"), genericAnalysis(t, 2, rows(2), "第2页 共2页")}, 2},
		{"declared count, page number not shown", []Analysis{genericAnalysis(t, 1, rows(1), "共2页"), genericAnalysis(t, 2, rows(2), "共2页")}, 2},
		{"declared by createPageHTML", []Analysis{genericAnalysis(t, 1, rows(1), `<script>createPageHTML(2, 0, "index", "html");</script>`),
			genericAnalysis(t, 2, rows(2), `<script>createPageHTML(2, 1, "index", "html");</script>`)}, 2},
		{"nothing at all", []Analysis{{IsList: true, Items: []string{}}}, 1},
	}
	for _, tc := range cases {
		if n, why := step(tc.pages...); n != tc.stop {
			t.Errorf("%s: stopped at page %d (%s), want %d", tc.name, n, why, tc.stop)
		}
	}
	// Without entries (a JSON answer) only the declared count counts.
	if n, _ := step(Analysis{IsList: true}, Analysis{IsList: true}, Analysis{IsList: true, PageCount: 3}); n != 3 {
		t.Errorf("entries unknown: stopped at page %d, want 3", n)
	}
	if tr := ParseTrail("garbage"); tr.Page != 0 || tr.known {
		t.Errorf("bad trail read as %+v", tr)
	}
}
