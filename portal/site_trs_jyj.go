package portal

import "sort"

// jyj.yanshi.gov.cn — 偃师区教育局, a department site of "yanshi" on the
// TRS 海云-era template: a Chongqing-style column /zwgk_64769/zfxxgknb_64786/
// paged by the 6-argument, 1-based createPageHTML('page_div', 3, k, 'list',
// 'shtml', 7) over list.shtml, list_2.shtml, list_3.shtml; list_4.shtml is
// a meta refresh back to ./ (mohrss).
//
// Reports (expected): a spaced "2024 年" Word-paste report with a line break
// in the visible title; a year-first 2023 title behind a javascript:void(0)
// onclick link whose DOCX needs a Referer (without: an HTML error page with
// status 200); an agency-less 2022 title (the body is only in SiteName);
// a 2021 DOCX at an extension-less VSB download.jsp URL written with &amp;;
// a 2020 image-only (scanned, illegible) PDF; a 2019-format report listed with an
// unpadded date. Decoy: the 2023 解读.
func buildJYJ(b *builder) map[string]ExpectedReport {
	vh := b.host("jyj.yanshi.gov.cn", schemeBoth, miss404)
	const dir = "/zwgk_64769/zfxxgknb_64786/"
	const body = "偃师区教育局"
	ctx := pubCtx{vh: vh, dir: dir, doc: trsDoc{
		SiteName: "洛阳市偃师区教育局", SiteDomain: "jyj.yanshi.gov.cn", ColumnName: "政府信息公开年报",
		Source: body, Crumbs: `<a href="/">首页</a> &gt; <a href="/zwgk_64769/">政务公开</a> &gt; <a href="../">年报</a>`,
	}}
	out := map[string]ExpectedReport{}
	pub := func(r rep, dateLine string) ExpectedReport {
		if r.Body == "" {
			r.Body = body
		}
		c := ctx
		c.doc.DateLine = dateLine
		e := b.publish(c, r)
		out[r.ID] = e
		return e
	}
	var items []listItem
	e := pub(rep{ID: "jyj-2024", Title: "偃师区教育局 2024 年政府信息公开工作年度报告", Year: 2024, Published: "2025-01-24", Style: styleMSO, Break: true},
		"时间：2025-01-24 14:18 来源：偃师区教育局")
	items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateSpanFr, e.Published))

	e = pub(rep{ID: "jyj-2023", Title: "2023年偃师区教育局政府信息公开工作年度报告", Year: 2023, Published: "2024-01-22", Stub: true,
		Files: []fileSpec{{Kind: fDOCX, Name: "2023年偃师区教育局政府信息公开工作年度报告.docx", Gate: gate200, OldSrc: true}}}, "发布日期：2024-01-22")
	it := itemFor(e, "", 0, dateSpanFr, e.Published)
	it.Onclick = relHref(e.DetailURL, dir)
	items = append(items, it)

	// Agency-less title: the body is known only from the site (SiteName).
	e = pub(rep{ID: "jyj-2022", Title: "2022年政府信息公开工作年度报告", Body: "洛阳市偃师区教育局", Year: 2022, Published: "2023-01-29"}, "")
	items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateSpanFr, e.Published))

	e = pub(rep{ID: "jyj-2021", Title: body + "2021年政府信息公开工作年度报告", Year: 2021, Published: "2022-01-26", Stub: true,
		Files: []fileSpec{{Kind: fDOCX, Name: body + "2021年政府信息公开工作年度报告.docx", CD: cdPercent, Plain: true,
			Path: "/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1340573468&wbfileid=5237711",
			Href: "/system/_content/download.jsp?urltype=news.DownloadAttachUrl&amp;owner=1340573468&amp;wbfileid=5237711"}}}, "")
	items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateSpanFr, ""))

	e = pub(rep{ID: "jyj-2020", Title: body + "2020年政府信息公开工作年度报告", Year: 2020, Published: "2021-01-29", Stub: true,
		Files: []fileSpec{{Kind: fScan, Name: body + "2020年政府信息公开工作年度报告（扫描件）.pdf"}}}, "")
	items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateSpanFr, e.Published))

	e = pub(rep{ID: "jyj-2019", Title: body + "2019年政府信息公开工作年度报告", Year: 2019, Published: "2020-01-31", Format: "2019"}, "发布时间：2020-01-31")
	items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateSpanFr, "2020-1-31"))

	d := b.decoyPage(ctx, "jyj-d-jd", "2023年偃师区教育局政府信息公开工作年度报告解读", "2024-01-23", "解读", interpBody)
	d.Style = dateSpanFr
	items = append(items, d)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Pub > items[j].Pub })

	b.trsColumn(column{vh: vh, dir: dir, site: "洛阳市偃师区教育局", label: "政府信息公开年报", perPage: 3,
		sixArg: true, prefix: "list", ext: "shtml", cls: "tab-item"}, items)
	vh.page("/zwgk_64769/", pageShell("洛阳市偃师区教育局", "政务公开", "", `<ul class="nav"><li><a href="./zfxxgknb_64786/list.shtml">政府信息公开年报</a></li><li><a href="./zfxxgkzn_64770/">政府信息公开指南</a></li></ul>`), modOf("2020-01-01"))
	vh.page("/", pageShell("洛阳市偃师区教育局", "首页", "", `<div class="nav"><a href="/zwgk_64769/">政务公开</a></div>`), modOf("2020-01-01"))
	return out
}
