package portal

import (
	"sort"
	"strings"
)

// Site "henan" — 河南省, the province. www.henan.gov.cn answers http with a
// 301 to https, 301s unknown paths to the home page (Mentougou), and has an
// allow-all robots.txt with a Sitemap. Its column /zwgk/zfxxgknb/ is a
// 0-based TRS list over two pages (index.html, index_1.html) with dates as
// <span class="date">, <span class="pubDate">, "发布日期：" text and one row
// without a date.
//
// Reports (expected): 2024 (late: April), 2023 Word paste, a year-first
// 2022 title linked with an absolute http:// URL (the http/https twin),
// a 2021 DOCX that answers 501 without a Referer, a 2019-format 2020 report
// and a 2015 report re-posted in 2020 (URL date = year + 5); a department
// report in a second column, /zwgk/gknb/bmnb/.
// Blocked (never archivable): two 办公厅 reports behind 网站卫士 — one
// answers 302 to /WZWSREL…?wzwschallenge=, one the 200 challenge page.
// Decoys: the 2023 解读 and the 2024 图解.
func init() {
	register(&siteDef{
		Name: "henan", Region: "河南省", order: 20,
		Start: []string{"http://www.henan.gov.cn/"},
		Hosts: []string{"www.henan.gov.cn"},
		build: buildHenan,
	})
}

func buildHenan(b *builder) {
	vh := b.host("www.henan.gov.cn", schemeHTTPSRedirect, missHome301)
	vh.robots("User-agent: *\nAllow: /\n\nSitemap: https://www.henan.gov.cn/sitemap.xml\n")
	const dir = "/zwgk/zfxxgknb/"
	const prov = "河南省人民政府"
	ctx := pubCtx{vh: vh, dir: dir, doc: trsDoc{
		SiteName: prov, SiteDomain: "www.henan.gov.cn", ColumnName: "政府信息公开年报",
		Source: "河南省人民政府办公厅", Crumbs: `<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/zfxxgknb/">政府信息公开年报</a>`,
	}}
	var items []listItem
	styles := []dateStyle{dateSpanDate, dateSpanPub, dateTextLabel}
	pub := func(r rep, absHTTP bool, noDate bool) {
		if r.Body == "" {
			r.Body = "河南省"
		}
		e := b.publish(ctx, r)
		href := relHref(e.DetailURL, dir)
		if absHTTP {
			href = strings.Replace(e.DetailURL, "https://", "http://", 1)
			b.addAlt(e.ID, href)
		}
		date := e.Published
		if noDate {
			date = ""
		}
		items = append(items, itemFor(e, href, 0, styles[len(items)%len(styles)], date))
	}
	pub(rep{ID: "hn-2024", Title: prov + "2024年政府信息公开工作年度报告", Body: prov, Year: 2024, Published: "2025-04-08"}, false, false)
	pub(rep{ID: "hn-2023", Title: "河南省2023年政府信息公开工作年度报告", Year: 2023, Published: "2024-03-29", Style: styleMSO}, false, false)
	pub(rep{ID: "hn-2022", Title: "2022年河南省政府信息公开工作年度报告", Year: 2022, Published: "2023-03-31"}, true, false)
	pub(rep{ID: "hn-2021", Title: "河南省2021年政府信息公开工作年度报告", Year: 2021, Published: "2022-03-30", Stub: true,
		Files: []fileSpec{{Kind: fDOCX, Name: "河南省2021年政府信息公开工作年度报告.docx", Gate: gate501, OldSrc: true}}}, false, true)
	pub(rep{ID: "hn-2020", Title: "河南省2020年政府信息公开工作年度报告", Year: 2020, Published: "2021-03-31", Format: "2019"}, false, false)
	pub(rep{ID: "hn-2015", Title: "河南省2015年政府信息公开工作年度报告", Year: 2015, Published: "2020-06-17", Format: "legacy"}, false, false)

	// 网站卫士 in front of the 办公厅 pages.
	bgt1 := "/zwgk/bgt/202401/t20240130_3001.html"
	bgt2 := "/zwgk/bgt/202301/t20230130_3002.html"
	vh.routes[bgt1] = wzwsRedirect(bgt1)
	vh.prefix("/WZWSREL", wzwsPage)
	vh.routes[bgt2] = wzwsPage
	b.block(vh.url(bgt1), "wzws")
	b.block(vh.url(bgt2), "wzws")
	items = append(items,
		listItem{Href: "../bgt/202401/t20240130_3001.html", Title: "河南省人民政府办公厅2023年政府信息公开工作年度报告", Text: "河南省人民政府办公厅2023年政府信息公开工作年度报告", Date: "2024-01-30", Style: dateSpanDate, Pub: "2024-01-30"},
		listItem{Href: "../bgt/202301/t20230130_3002.html", Title: "河南省人民政府办公厅2022年政府信息公开工作年度报告", Text: "河南省人民政府办公厅2022年政府信息公开工作年度报告", Date: "2023-01-30", Style: dateSpanDate, Pub: "2023-01-30"},
		b.decoyPage(ctx, "hn-d-jd", "河南省2023年政府信息公开工作年度报告解读", "2024-03-30", "解读", interpBody),
		b.decoyPage(ctx, "hn-d-tj", "图解：河南省2024年政府信息公开工作年度报告", "2025-04-09", "图解", graphicBody),
	)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Pub > items[j].Pub })
	b.trsColumn(column{vh: vh, dir: dir, site: prov, label: "政府信息公开年报", perPage: 5, cls: "ogi-list"}, items)

	// A 部门年报 column under gknb/bmnb (Yangling's slug), linked from the home page.
	bctx := ctx
	bctx.dir = "/zwgk/gknb/bmnb/"
	bctx.doc.ColumnName = "部门年报"
	be := b.publish(bctx, rep{ID: "hn-tyj-2024", Title: "河南省体育局2024年政府信息公开工作年度报告", Body: "河南省体育局", Year: 2024, Published: "2025-01-27"})
	b.trsColumn(column{vh: vh, dir: bctx.dir, site: prov, label: "部门年报"}, []listItem{itemFor(be, relHref(be.DetailURL, bctx.dir), 0, dateSpan, be.Published)})

	vh.raw("/sitemap.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://www.henan.gov.cn/</loc></url>
<url><loc>https://www.henan.gov.cn/zwgk/zfxxgknb/</loc></url>
</urlset>
`), "application/xml", modOf("2025-04-09"))
	vh.page("/zwgk/", pageShell(prov, "政务公开", "", `<ul><li><a href="/zwgk/zfxxgknb/">政府信息公开年报</a></li><li><a href="/zwgk/zfxxgkzn/">政府信息公开指南</a></li></ul>`), modOf("2021-01-01"))
	vh.page("/", pageShell(prov, "首页", "", `<div class="nav"><a href="/zwgk/">政务公开</a> <a href="/zwgk/zfxxgknb/">政府信息公开年报</a> <a href="/zwgk/gknb/bmnb/">部门年报</a> <a href="/zwgk/nosuchcolumn/">专题</a></div>`), modOf("2025-04-09"))
}
