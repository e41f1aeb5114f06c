package sites

import (
	"fmt"
	"strings"
	"testing"
)

// trtList is a TRS "动静结合" column (portals.md §2.1): static rows of the
// first page(s), a JS-templated list with no hrefs, and the pager
// configured in a listModel script.
func trtList(static int, script string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报_宜阳县人民政府</title><script src="/js/require.js"></script></head><body>`)
	b.WriteString(`<div class="header"><a href="/">宜阳县人民政府</a></div><h2>政府信息公开年报</h2><dl class="list">`)
	for i := 0; i < static; i++ {
		y := 2024 - i
		fmt.Fprintf(&b, `<dd><a href="./%d01/t%d0120_%d.htm" title="宜阳县人民政府%d年政府信息公开工作年度报告">宜阳县人民政府%d年政府信息公开工作年度报告</a></dd><dd>%d-01-20</dd>`, y+1, y+1, 5000+i, y, y, y+1)
	}
	b.WriteString(`</dl><div ms-controller="list"><dl><dd ms-repeat="list"><a ms-attr-href="el.chnldocurl" ms-attr-title="el.doctitle">{{el.doctitle}}</a></dd></dl></div><div id="pagebar"></div>`)
	b.WriteString(`<script>` + script + `</script></body></html>`)
	return b.String()
}

func TestTRSListOutOfReach(t *testing.T) {
	const u = "http://www.yiyang.gov.cn/xxgk/zfxxgknb/index.html"
	listModel := func(static, per, total string) string {
		return `var SiteInfo = {searchId: 1234}; require(["list2.trsapi", "avalon"], function(trsapi, avalon){ listModel({quickMode: "动静结合", maxStaticIndex: ` + static +
			`, listArgs: {channelid: SiteInfo.searchId, classsql: "chnlid=5678", sortfield: "-docorderpri,-docreltime"}, pagebar: {prepage: ` + per + `, recordCount: '` + total + `', container: "#pagebar"}}); });`
	}
	for _, tc := range []struct {
		name, html string
		note       string // "" for none
	}{
		{"动静结合, one static page of 10 out of 20", trtList(10, listModel("1", "10", "20")),
			"the list at http://www.yiyang.gov.cn/xxgk/zfxxgknb/ declares 20 items; its static pages show at most 10 (1 page of 10), 10 are out of reach"},
		{"动静结合, all static", trtList(8, listModel("1", "10", "8")), ""},
		{"createPageHTML count and a total variable", trtList(10, `var recordCount = 57; var pageSize = 10; createPageHTML(2, 0, "index", "html");`),
			"the list at http://www.yiyang.gov.cn/xxgk/zfxxgknb/ declares 57 items; its static pages show at most 20 (2 pages of 10), 37 are out of reach"},
		{"6-argument createPageHTML with a page size", trtList(10, `var pageSize = 10; createPageHTML('page_div', 3, 1, 'index', 'html', 45);`),
			"declares 45 items; its static pages show at most 30 (3 pages of 10), 15 are out of reach"},
		{"6-argument createPageHTML, pages enough", trtList(10, `createPageHTML('page_div', 5, 1, 'index', 'html', 45);`), ""},
	} {
		p := mustPage(t, u, tc.html, KindList)
		if r, ds := Detect(p); r.Name() != "trs" {
			t.Errorf("%s: detected %s (%v), want trs", tc.name, r.Name(), ds)
		}
		a := TRS{}.Analyze(p)
		var got []string
		for _, n := range a.Notes {
			if strings.HasPrefix(n, NoteIncompleteList) {
				got = append(got, n)
			}
		}
		switch {
		case tc.note == "" && len(got) > 0:
			t.Errorf("%s: notes %q, want none", tc.name, got)
		case tc.note != "" && (len(got) != 1 || !strings.Contains(got[0], tc.note)):
			t.Errorf("%s: notes %q, want one with %q", tc.name, got, tc.note)
		}
		if len(linksOf(a, KindDetail)) == 0 {
			t.Errorf("%s: static rows not read", tc.name)
		}
		for _, l := range a.Links {
			if l.Next && strings.Contains(tc.html, "maxStaticIndex: 1") {
				t.Errorf("%s: next page %s past the static ones", tc.name, l.URL)
			}
		}
	}
}
