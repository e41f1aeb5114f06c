package portal

// wsj.yanshi.gov.cn — 偃师区卫生健康委员会, a department site of "yanshi"
// that is http-only (the TLS handshake fails) and GBK throughout. Its
// report column has an upper-case slug, /XXGK/XXGKNB/, but is labelled
// "工作报表" (Guangdong szyyj): label and slug disagree. Unknown paths get a
// GBK 404 page labelled iso-8859-1.
//
// Encodings: the list and the 2024 report are GBK with header
// "text/html" (no charset) and <meta … charset=gb2312>, and the 2024 page
// holds GBK-only characters (堃, 镕) so only a GB18030 decode is right; the
// 2023 page says only content="charset=gbk"; the 2022 page's header says
// utf-8 while its meta (and bytes) are GBK. The 2022 DOCX's
// Content-Disposition carries raw GBK bytes.
func buildWSJ(b *builder) map[string]ExpectedReport {
	vh := b.host("wsj.yanshi.gov.cn", schemeHTTPOnly, missISO404)
	const dir = "/XXGK/XXGKNB/"
	const body = "偃师区卫生健康委员会"
	noHeader := &gbkPage{ctype: "text/html", meta: "text/html; charset=gb2312"}
	ctx := pubCtx{vh: vh, dir: dir, doc: trsDoc{
		SiteName: "洛阳市偃师区卫生健康委员会", SiteDomain: "wsj.yanshi.gov.cn", ColumnName: "工作报表",
		Source: body, Crumbs: `<a href="/">首页</a> &gt; <a href="/XXGK/XXGKNB/">工作报表</a>`,
	}, gbk: noHeader}
	out := map[string]ExpectedReport{}
	pub := func(r rep, g *gbkPage, extra string) ExpectedReport {
		r.Body = body
		c := ctx
		c.gbk = g
		c.doc.Extra = extra
		e := b.publish(c, r)
		out[r.ID] = e
		return e
	}
	t := func(y string) string { return body + y + "年政府信息公开工作年度报告" }
	var items []listItem
	e := pub(rep{ID: "wsj-2024", Title: t("2024"), Year: 2024, Published: "2025-02-10"}, noHeader,
		"<p>联系人：王堃　审核：陈镕</p>\n")
	items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateB, e.Published))
	e = pub(rep{ID: "wsj-2023", Title: t("2023"), Year: 2023, Published: "2024-01-30", Style: styleMSO},
		&gbkPage{ctype: "text/html", meta: "charset=gbk"}, "")
	items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateB, e.Published))
	e = pub(rep{ID: "wsj-2022", Title: t("2022"), Year: 2022, Published: "2023-01-31", Stub: true,
		Files: []fileSpec{{Kind: fDOCX, Name: t("2022") + ".docx", CD: cdGBK}}},
		&gbkPage{ctype: "text/html; charset=utf-8", meta: "text/html; charset=gb2312"}, "")
	items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateB, e.Published))

	b.trsColumn(column{vh: vh, dir: dir, site: "洛阳市偃师区卫生健康委员会", label: "工作报表", gbk: noHeader}, items)

	// A real 网站年报 column next to it: its items are decoys.
	dctx := ctx
	dctx.dir = "/XXGK/ZFWZNDBB/"
	di := b.decoyPage(dctx, "wsj-d-wz", "洛阳市偃师区卫生健康委员会2024年政府网站工作年度报表", "2025-01-15", "网站年报",
		`<table border="1"><tr><td>网站名称</td><td>洛阳市偃师区卫生健康委员会</td></tr><tr><td>首页网址</td><td>http://wsj.yanshi.gov.cn</td></tr></table>`)
	b.trsColumn(column{vh: vh, dir: "/XXGK/ZFWZNDBB/", site: "洛阳市偃师区卫生健康委员会", label: "政府网站工作年度报表", gbk: noHeader}, []listItem{di})

	home := pageShell("洛阳市偃师区卫生健康委员会", "首页", `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`+"\n",
		`<div class="nav"><a href="/XXGK/XXGKNB/">工作报表</a> <a href="/XXGK/ZFWZNDBB/">政府网站工作年度报表</a></div>`)
	vh.raw("/", gbk(stripUTF8Meta(home)), "text/html", modOf("2025-02-10"))
	return out
}

func stripUTF8Meta(s string) string {
	const m = `<meta charset="utf-8">` + "\n"
	for i := 0; i+len(m) <= len(s); i++ {
		if s[i:i+len(m)] == m {
			return s[:i] + s[i+len(m):]
		}
	}
	return s
}
