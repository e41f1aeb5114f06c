package portal

import (
	"fmt"
	"strings"
)

// luanchuan — www.luanchuan.gov.cn, a county portal on a plain template
// whose lists page as index.html, index_2.html, … with a server-drawn
// pager that always offers a next page ("下一页"): past the real pages the
// server keeps answering, up to page endlessPages, in three ways:
//   - /zwgk/zfxxgknb/ (10 reports, 4 a page, pages 1–3): empty pages;
//   - /zwgk/bmnb/ (6 reports, 3 a page, pages 1–2): page 2 again, the
//     pager naming the page asked for;
//   - /zwgk/xzjdnb/ "乡镇信息公开年报" (6 reports, 2 a page, pages 1–3): the
//     pager says "第k页 共3页"; past it, empty pages.
//
// Every report is expected; a crawler must stop within a page or two past
// the real ones (the third column: not past them at all).
func init() {
	register(&siteDef{
		Name: "luanchuan", Region: "河南省洛阳市栾川县", order: 121,
		Start: []string{"http://www.luanchuan.gov.cn/"}, Hosts: []string{"www.luanchuan.gov.cn"},
		build: buildLuanchuan,
	})
}

// endlessPages is the last page number the endless lists answer.
const endlessPages = 40

func buildLuanchuan(b *builder) {
	vh := b.host("www.luanchuan.gov.cn", schemeBoth, miss404)
	const site = "栾川县人民政府"
	type list struct {
		dir, label, prefix string
		units              []string
		per                int
		repeat, declared   bool
	}
	lists := []list{
		{"/zwgk/zfxxgknb/", "政府信息公开年报", "lc-gov", []string{"栾川县人民政府"}, 4, false, false},
		{"/zwgk/bmnb/", "部门信息公开年报", "lc-bm", []string{"栾川县发展和改革委员会", "栾川县教育局", "栾川县财政局"}, 3, true, false},
		{"/zwgk/xzjdnb/", "乡镇信息公开年报", "lc-xz", []string{"栾川县城关镇人民政府", "栾川县赤土店镇人民政府", "栾川县合峪镇人民政府"}, 2, false, true},
	}
	var nav strings.Builder
	for li, l := range lists {
		fmt.Fprintf(&nav, `<a href="%s">%s</a> `, l.dir, l.label)
		ctx := pubCtx{vh: vh, dir: l.dir, doc: trsDoc{
			SiteName: site, SiteDomain: "www.luanchuan.gov.cn", ColumnName: l.label, Source: site,
			Crumbs: `<a href="/">首页</a> &gt; <a href="` + l.dir + `">` + l.label + `</a>`,
		}}
		var rows []listItem
		n := 0
		for _, y := range []int{2024, 2023, 2022, 2021, 2020, 2019, 2018, 2017, 2016, 2015} {
			for _, u := range l.units {
				if l.prefix == "lc-gov" && y < 2015 || l.prefix != "lc-gov" && y < 2023 {
					continue
				}
				n++
				pub := fmt.Sprintf("%d-0%d-%02d", y+1, 1+li, 10+n)
				e := b.publish(ctx, rep{ID: fmt.Sprintf("%s-%d-%d", l.prefix, y, n), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", u, y),
					Body: u, Year: y, Published: pub})
				rows = append(rows, itemFor(e, relHref(e.DetailURL, l.dir), 0, dateSpan, pub))
			}
		}
		real := (len(rows) + l.per - 1) / l.per
		for k := 1; k <= endlessPages; k++ {
			var page []listItem
			switch {
			case k <= real:
				page = rows[(k-1)*l.per : min(k*l.per, len(rows))]
			case l.repeat:
				page = rows[(real-1)*l.per:]
			}
			html := pageShell(site, l.label, "", `<div class="location">当前位置：<a href="/">首页</a> &gt; `+esc(l.label)+"</div>\n"+
				`<div class="list-box"><h2>`+esc(l.label)+"</h2>\n"+renderList("list", page)+endlessPager(k, real, l.declared)+"</div>")
			vh.page(l.dir+endlessPage(k), html, latestOf(page))
			if k == 1 {
				vh.page(l.dir, html, latestOf(page))
			}
		}
	}
	vh.page("/", pageShell(site, "首页", "", `<div class="nav">`+nav.String()+`</div>`), modOf("2020-01-01"))
}

func endlessPage(k int) string {
	if k == 1 {
		return "index.html"
	}
	return fmt.Sprintf("index_%d.html", k)
}

// endlessPager is the server-drawn pager of page k: the real pages' numbers,
// previous and next (always), and with declared "第k页 共N页".
func endlessPager(k, real int, declared bool) string {
	var b strings.Builder
	b.WriteString(`<div class="page"><a href="index.html">首页</a> `)
	if k > 1 {
		fmt.Fprintf(&b, `<a href="%s">上一页</a> `, endlessPage(k-1))
	}
	for i := 1; i <= real; i++ {
		if i == k {
			fmt.Fprintf(&b, `<span class="current">%d</span> `, i)
		} else {
			fmt.Fprintf(&b, `<a href="%s">%d</a> `, endlessPage(i), i)
		}
	}
	fmt.Fprintf(&b, `<a href="%s">下一页</a>`, endlessPage(k+1))
	if declared {
		fmt.Fprintf(&b, ` <span>第%d页 共%d页</span>`, k, real)
	}
	b.WriteString("</div>\n")
	return b.String()
}
