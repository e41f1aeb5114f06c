package portal

import "sort"

// gxj.yanshi.gov.cn — 偃师区工业和信息化局, a department site of "yanshi"
// on TRS classic: /xxgk/xxgknb/ with a 0-based createPageHTML(3, k,
// "index", "html") over index.html, index_1.html, index_2.html; index_3.html
// is a 404. The list URL is also served without its trailing slash, where
// the ./YYYYMM/… hrefs resolve to /xxgk/YYYYMM/… (404): the relative-link
// trap. /xxgk/ itself is a bare directory: 403.
//
// Reports (expected): 2016–2024, as HTML (rich, multi-page, legacy prose),
// generated DOCX stubs and a DOCX + 统计表 pair; the 2023 report is the
// sample report (assets/) as PDF + DOC; the 2018 report is a re-post under
// a 2023 URL. Decoys in the same column (must NOT be archived): the
// 2023 解读, the 2024 图解, the 编制发布 notice, a repost of the format notice
// 国办公开办函〔2021〕30号, and a 上半年 statistics page.
func buildGXJ(b *builder) map[string]ExpectedReport {
	vh := b.host("gxj.yanshi.gov.cn", schemeBoth, miss404)
	const dir = "/xxgk/xxgknb/"
	const body = "偃师区工业和信息化局"
	ctx := pubCtx{vh: vh, dir: dir, doc: trsDoc{
		SiteName: "洛阳市偃师区工业和信息化局", SiteDomain: "gxj.yanshi.gov.cn", ColumnName: "政府信息公开年报",
		Source: body, Crumbs: `<a href="/">首页</a> &gt; <a href="/xxgk/xxgknb/">政府信息公开年报</a>`,
	}}
	out := map[string]ExpectedReport{}
	pub := func(r rep) ExpectedReport {
		r.Body = body
		e := b.publish(ctx, r)
		out[r.ID] = e
		return e
	}
	t := func(y string) string { return body + y + "年政府信息公开工作年度报告" }
	var items []listItem
	add := func(e ExpectedReport, trunc int) {
		items = append(items, itemFor(e, relHref(e.DetailURL, dir), trunc, dateSpan, e.Published))
	}
	// 2024: rich HTML, anchor text truncated (full title only in title=), _wap twin.
	add(pub(rep{ID: "gxj-2024", Title: t("2024"), Year: 2024, Published: "2025-01-20", Wap: true}), 16)
	// 2023: the sample report itself (assets/): its PDF (dead OLDSRC) and
	// the same report as a Word 97 .doc (Content-Disposition with raw GBK bytes).
	add(pub(rep{ID: "gxj-2023", Title: t("2023"), Year: 2023, Published: "2024-01-18", Stub: true, Files: []fileSpec{
		{Kind: fPDF, Name: t("2023") + ".pdf", OldSrc: true},
		{Kind: fDOC, Name: t("2023") + ".doc", CD: cdGBK},
	}}), 0)
	// 2022: stub with the report DOCX (dead OLDSRC) plus a 统计表 .xls.
	add(pub(rep{ID: "gxj-2022", Title: t("2022"), Year: 2022, Published: "2023-01-16", Stub: true, Files: []fileSpec{
		{Kind: fDOCX, Name: t("2022") + ".docx", OldSrc: true},
		{Kind: fXLS, Name: body + "2022年政府信息公开情况统计表.xls"},
	}}), 0)
	// 2021: DOCX, Content-Disposition in RFC 5987 form.
	add(pub(rep{ID: "gxj-2021", Title: t("2021"), Year: 2021, Published: "2022-01-25", Stub: true, Files: []fileSpec{
		{Kind: fDOCX, Name: t("2021") + ".docx", CD: cdRFC5987, OldSrc: true},
	}}), 0)
	// 2020: one article over two pages (t….html, t…_1.html), zero cells blank.
	add(pub(rep{ID: "gxj-2020", Title: t("2020"), Year: 2020, Published: "2021-01-28", Format: "2019", Multi: true, Blank: true}), 0)
	// 2019: DOCX in the 2019 layout, percent-encoded UTF-8 filename with '+' for the space.
	add(pub(rep{ID: "gxj-2019", Title: t("2019"), Year: 2019, Published: "2020-01-20", Format: "2019", Stub: true, Files: []fileSpec{
		{Kind: fDOCX, Name: t("2019") + " (终稿).docx", CD: cdPercent, OldSrc: true},
	}}), 0)
	// 2018: re-posted in 2023 during a migration (URL date = year + 5).
	add(pub(rep{ID: "gxj-2018", Title: t("2018"), Year: 2018, Published: "2023-08-15", Format: "legacy"}), 0)
	// 2017: pre-2019 title without 工作.
	add(pub(rep{ID: "gxj-2017", Title: body + "2017年政府信息公开年度报告", Year: 2017, Published: "2018-03-20", Format: "legacy"}), 0)
	// 2016: 政务信息公开 variant.
	add(pub(rep{ID: "gxj-2016", Title: body + "2016年政务信息公开年度报告", Year: 2016, Published: "2017-03-28", Format: "legacy"}), 0)

	items = append(items,
		b.decoyPage(ctx, "gxj-d-jd", t("2023")+"解读", "2024-01-19", "解读", interpBody),
		b.decoyPage(ctx, "gxj-d-tj", "图解："+t("2024"), "2025-01-21", "图解", graphicBody),
		b.decoyPage(ctx, "gxj-d-tz", "关于做好2024年度政府信息公开工作年度报告编制发布工作的通知", "2024-12-10", "notice", noticeBody),
		b.decoyPage(ctx, "gxj-d-gs", "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知", "2021-09-30", "format-notice", formatBody),
		b.decoyPage(ctx, "gxj-d-sbn", body+"2024年上半年政府信息公开数据统计", "2024-07-15", "statistics", statsBody),
	)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Pub > items[j].Pub })
	b.trsColumn(column{vh: vh, dir: dir, site: "洛阳市偃师区工业和信息化局", label: "政府信息公开年报", perPage: 5, noSlash: true,
		nav: `<div class="sub-nav"><a href="/xxgk/xxgkzn/">政府信息公开指南</a> <a href="/xxgk/xxgknb/">政府信息公开年报</a></div>` + "\n"}, items)

	// Sibling column (指南): a decoy.
	gctx := ctx
	gctx.dir = "/xxgk/xxgkzn/"
	gi := b.decoyPage(gctx, "gxj-d-zn", "偃师区工业和信息化局政府信息公开指南", "2022-03-01", "指南", guideBody)
	b.trsColumn(column{vh: vh, dir: "/xxgk/xxgkzn/", site: "洛阳市偃师区工业和信息化局", label: "政府信息公开指南"}, []listItem{gi})

	vh.status("/xxgk/", 403, "text/html", []byte("<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>\n"))
	vh.page("/", pageShell("洛阳市偃师区工业和信息化局", "首页", "", `<div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a> <a href="/xxgk/xxgknb">年报（快速通道）</a></div>
<div class="col"><h3><a href="/xxgk/xxgknb/">政府信息公开年报</a></h3><h3><a href="/xxgk/xxgkzn/">政府信息公开指南</a></h3></div>
<div class="links"><a href="http://www.yanshi.gov.cn/">偃师区人民政府</a></div>`), modOf("2025-01-21"))
	return out
}
