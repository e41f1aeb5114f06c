package portal

// Sites a crawler cannot read at all; each must end in the run report as
// blocked (and the site as failed), with nothing archived and no retry loop.
//   - "nhc": every path, robots.txt included, answers the 412 瑞数 page.
//   - "miit": every path answers the 521 加速乐 cookie script.
//   - "bjshy": robots.txt is "Disallow: /" (Shunyi); it has a report
//     column, which a crawler honouring robots (the default) never fetches.
func init() {
	register(&siteDef{
		Name: "nhc", Region: "", order: 80,
		Start: []string{"http://www.nhc.gov.cn/"}, Hosts: []string{"www.nhc.gov.cn"},
		build: func(b *builder) {
			vh := b.host("www.nhc.gov.cn", schemeBoth, miss404)
			vh.all = ruishu
			b.block(vh.url("/"), "ruishu")
		},
	})
	register(&siteDef{
		Name: "miit", Region: "", order: 81,
		Start: []string{"http://www.miit.gov.cn/"}, Hosts: []string{"www.miit.gov.cn"},
		build: func(b *builder) {
			vh := b.host("www.miit.gov.cn", schemeBoth, miss404)
			vh.all = jiasule
			b.block(vh.url("/"), "jiasule")
		},
	})
	register(&siteDef{
		Name: "bjshy", Region: "北京市顺义区", order: 82,
		Start: []string{"http://www.bjshy.gov.cn/"}, Hosts: []string{"www.bjshy.gov.cn"},
		build: buildBjshy,
	})
}

func buildBjshy(b *builder) {
	vh := b.host("www.bjshy.gov.cn", schemeBoth, miss404)
	vh.robots("User-agent: *\nDisallow: /\n")
	const dir = "/zwgk/zfxxgknb/"
	ctx := pubCtx{vh: vh, dir: dir, doc: trsDoc{SiteName: "北京市顺义区人民政府", SiteDomain: "www.bjshy.gov.cn",
		ColumnName: "政府信息公开年报", Source: "顺义区人民政府办公室", Crumbs: `<a href="/">首页</a>`}}
	// Served, but not expected: robots.txt forbids fetching it.
	e := b.publish(ctx, rep{ID: "bjshy-2024", Title: "北京市顺义区人民政府2024年政府信息公开工作年度报告", Body: "北京市顺义区人民政府", Year: 2024, Published: "2025-03-25"})
	b.expected = b.expected[:0]
	b.block(vh.url("/"), "robots")
	b.trsColumn(column{vh: vh, dir: dir, site: "北京市顺义区人民政府", label: "政府信息公开年报"},
		[]listItem{itemFor(e, relHref(e.DetailURL, dir), 0, dateSpan, e.Published)})
	vh.page("/", pageShell("北京市顺义区人民政府", "首页", "", `<a href="/zwgk/zfxxgknb/">政府信息公开年报</a>`), modOf("2025-03-25"))
}
