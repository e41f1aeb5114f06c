package portal

import (
	"fmt"
	"sort"
	"strings"
)

// Site "yanshi" — 河南省洛阳市偃师区, the seed report's district: the main
// fixture of issue 4. Hosts:
//   - www.yanshi.gov.cn: home page and the district government's own
//     report column /zwgk/ndbg/ (the column AddReport appends to; one
//     late report published in April; a scanned re-post of 工信局's 2023
//     report); unknown paths are a soft 404 (200);
//     /zwgk/ is a bare directory (403).
//   - yanshi.gov.cn: the bare-host twin of www (same routes); the home page
//     links one report through it.
//   - xxgk.yanshi.gov.cn: the 信息公开 platform with the aggregation tree
//     /zfxxgk/zfxxgknb/: unit → year (dw/<unit>/, ul#timeFrame; 城关街道 has
//     no 2022 report) and year → unit type → unit ({Y}n/bmnb/, {Y}n/xzjd/),
//     linking across hosts to the department sites; the streets' reports
//     live here. /zfxxgk/ is a ~160-byte location.replace shell. Decoy
//     columns (must NOT be archived): zfxxgkzn 指南, zfxxgkzd 制度,
//     zfwzndbb 网站年报, zfgzbg 政府工作报告, fdzdgknr/tzgg notices.
//   - gxj / jyj / wsj .yanshi.gov.cn: department sites (their own files).
//   - www.gov-mirror.cn: a mirror outside the allowed hosts copying a gxj
//     report; linked from the home page; must never be fetched.
func init() {
	register(&siteDef{
		Name: "yanshi", Region: "河南省洛阳市偃师区", order: 10, addable: true,
		Start: []string{"http://www.yanshi.gov.cn/"},
		Hosts: []string{"www.yanshi.gov.cn", "yanshi.gov.cn", "*.yanshi.gov.cn"},
		build: buildYanshi,
	})
}

func buildYanshi(b *builder) {
	gxj := buildGXJ(b)
	jyj := buildJYJ(b)
	wsj := buildWSJ(b)
	www := b.host("www.yanshi.gov.cn", schemeBoth, missSoft404)
	bare := b.host("yanshi.gov.cn", schemeBoth, missSoft404)
	bare.alias = www

	// District government reports: /zwgk/ndbg/ (slug ndbg), dates in <td>[…]</td>.
	const dir = "/zwgk/ndbg/"
	ctx := pubCtx{vh: www, dir: dir, twins: []*vhost{bare}, doc: trsDoc{
		SiteName: "洛阳市偃师区人民政府", SiteDomain: "www.yanshi.gov.cn", ColumnName: "政府信息公开年报",
		Source: "偃师区人民政府办公室", Crumbs: `<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a>`,
	}}
	const gov = "洛阳市偃师区人民政府"
	var items []listItem
	var own []ExpectedReport
	pub := func(r rep) {
		if r.Body == "" {
			r.Body = gov
		}
		e := b.publish(ctx, r)
		own = append(own, e)
		items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateTD, e.Published))
	}
	for i, a := range b.added() {
		pub(rep{ID: addedID(b.def.Name, i), Title: a.Title, Body: a.Body, Year: a.Year, Published: a.Published})
	}
	pub(rep{ID: "ys-2024", Title: gov + "2024年政府信息公开工作年度报告", Year: 2024, Published: "2025-03-28"})
	// Late: the 本级政府 deadline is 3月31日.
	pub(rep{ID: "ys-2023", Title: gov + "2023年政府信息公开工作年度报告", Year: 2023, Published: "2024-04-15", Blank: true})
	// A department's report re-posted by the district: the sample report
	// (assets/) as its scanned copy, image-only.
	pub(rep{ID: "ys-gxj-2023", Title: sampleTitle, Body: "偃师区工业和信息化局", Year: 2023, Published: "2024-01-26", Stub: true,
		Files: []fileSpec{{Kind: fScan, Name: sampleTitle + "（扫描件）.pdf"}}})
	pub(rep{ID: "ys-2020", Title: gov + "2020年政府信息公开工作年度报告", Year: 2020, Published: "2021-03-30", Format: "2019"})
	// Before the 2021 merger 偃师 was a county-level city.
	pub(rep{ID: "ys-2019", Title: "2019年偃师市政府信息公开工作年度报告", Body: "偃师市", Year: 2019, Published: "2020-03-31", Format: "2019", Style: styleMSO})
	sort.SliceStable(items, func(i, j int) bool { return items[i].Pub > items[j].Pub })
	b.trsColumn(column{vh: www, dir: dir, site: gov, label: "政府信息公开年报", cls: "list-table"}, items)
	www.status("/zwgk/", 403, "text/html", []byte("<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><p>You don't have permission to access /zwgk/ on this server.</p></body></html>\n"))

	// Streets on the xxgk platform.
	xxgk := b.host("xxgk.yanshi.gov.cn", schemeBoth, miss404)
	streets := buildStreets(b, xxgk)

	// Aggregation tree.
	const root = "/zfxxgk/zfxxgknb/"
	type unit struct {
		slug, name string
		reports    map[string]ExpectedReport
		prefix     string // report id prefix
	}
	units := []unit{
		{"gxj", "区工业和信息化局", gxj, "gxj-"},
		{"jyj", "区教育局", jyj, "jyj-"},
		{"wsj", "区卫生健康委员会", wsj, "wsj-"},
		{"sysjd", "首阳山街道办事处", streets, "sysjd-"},
		{"cgjd", "城关街道办事处", streets, "cgjd-"},
	}
	years := []int{2024, 2023, 2022}
	// hrefFrom writes a link to report e as seen from page dir pageDir:
	// cross-host absolute for departments, ../../ relative for streets.
	hrefFrom := func(e ExpectedReport, depth int) string {
		if strings.HasPrefix(e.DetailURL, "http://xxgk.yanshi.gov.cn"+root) {
			return strings.Repeat("../", depth) + strings.TrimPrefix(e.DetailURL, "http://xxgk.yanshi.gov.cn"+root)
		}
		return e.DetailURL
	}
	var unitLinks strings.Builder
	for _, u := range units {
		fmt.Fprintf(&unitLinks, `<li><a href="./%s/" title="洛阳市偃师区%s">%s</a></li>`+"\n", u.slug, u.name, u.name)
		var yl strings.Builder
		yl.WriteString(`<ul id="timeFrame">` + "\n")
		var pubs []string
		for _, y := range []int{2024, 2023, 2022, 2021, 2020, 2019} {
			e, ok := u.reports[fmt.Sprintf("%s%d", u.prefix, y)]
			if !ok {
				continue // e.g. 城关街道 2022: a missing year
			}
			pubs = append(pubs, e.Published)
			fmt.Fprintf(&yl, `  <li><a href="%s" target="_blank">%d年</a></li>`+"\n", hrefFrom(e, 2), y)
		}
		yl.WriteString("</ul>\n")
		xxgk.dir(root+"dw/"+u.slug+"/", pageShell("偃师区政府信息公开平台", u.name+"政府信息公开年报", "",
			`<div class="unit"><h2>`+u.name+`</h2>`+yl.String()+`<p><a href="../../">返回年报首页</a></p></div>`), latest(pubs...))
	}
	xxgk.dir(root+"dw/", pageShell("偃师区政府信息公开平台", "按单位查看", "",
		`<h2>按单位查看</h2><ul class="clearfix">`+"\n"+unitLinks.String()+"</ul>"), modOf("2022-01-01"))

	for _, y := range years {
		yd := fmt.Sprintf("%s%dn/", root, y)
		var bm, jd []listItem
		for _, u := range units {
			e, ok := u.reports[fmt.Sprintf("%s%d", u.prefix, y)]
			if !ok {
				continue
			}
			it := itemFor(e, hrefFrom(e, 2), 0, dateSpan, e.Published) // root/{y}n/xzjd/ is two levels below root
			if strings.Contains(u.name, "街道") {
				if y == 2024 && u.slug == "sysjd" {
					// The http/https twin: this row links the https form.
					it.Href = strings.Replace(e.DetailURL, "http://", "https://", 1)
					b.addAlt(e.ID, it.Href)
				}
				jd = append(jd, it)
			} else {
				bm = append(bm, it)
			}
		}
		xxgk.dir(yd+"bmnb/", pageShell("偃师区政府信息公开平台", fmt.Sprintf("%d年度部门年报", y), "",
			fmt.Sprintf(`<h2>%d年度 部门</h2>`, y)+renderList("list", bm)+`<p><a href="../../">返回</a></p>`), latestOf(bm))
		xxgk.dir(yd+"xzjd/", pageShell("偃师区政府信息公开平台", fmt.Sprintf("%d年度街道乡镇年报", y), "",
			fmt.Sprintf(`<h2>%d年度 街道乡镇</h2>`, y)+renderList("list", jd)+`<p><a href="../../">返回</a></p>`), latestOf(jd))
		xxgk.dir(yd, pageShell("偃师区政府信息公开平台", fmt.Sprintf("%d年度", y), "",
			`<ul class="type"><li><a href="./bmnb/">部门</a></li><li><a href="./xzjd/">街道乡镇</a></li></ul>`), modOf("2022-01-01"))
	}
	var yearLinks strings.Builder
	for _, y := range years {
		fmt.Fprintf(&yearLinks, `<li><a href="./%dn/">%d年度</a></li>`, y, y)
	}
	xxgk.dir(root, pageShell("偃师区政府信息公开平台", "政府信息公开年报", "",
		`<h2>政府信息公开年报</h2><div class="box"><a href="http://www.yanshi.gov.cn/zwgk/ndbg/">区政府年报</a> <a href="./dw/">按单位查看</a></div>`+
			`<ul class="years">`+yearLinks.String()+`</ul>`), modOf("2022-01-01"))
	// /zfxxgk/ is a JS redirect shell (Beijing street columns).
	xxgk.page("/zfxxgk/", shellPage("./zfxxgknb/"), modOf("2020-01-01"))
	buildXXGKDecoys(b, xxgk)
	xxgk.page("/", pageShell("偃师区政府信息公开平台", "首页", "", `<div class="nav"><a href="/zfxxgk/">政府信息公开</a>
<a href="/zfxxgk/zfxxgkzn/">政府信息公开指南</a> <a href="/zfxxgk/zfxxgkzd/">政府信息公开制度</a>
<a href="/zfxxgk/fdzdgknr/tzgg/">通知公告</a> <a href="/zfxxgk/zfwzndbb/">政府网站工作年度报表</a> <a href="/zfxxgk/zfgzbg/">政府工作报告</a></div>`), modOf("2022-01-01"))

	// Mirror outside the allowed hosts (a spam copy of a gxj report).
	mirror := b.host("www.gov-mirror.cn", schemeBoth, miss404)
	if e, ok := gxj["gxj-2024"]; ok {
		p := strings.TrimPrefix(e.DetailURL, "http://gxj.yanshi.gov.cn")
		mirror.page(p, pageShell("镜像站", e.Title, "", "<h1>"+esc(e.Title)+"</h1><p>一、總體情況……</p>"), modOf("2025-02-01"))
		b.decoy(mirror.url(p), e.Title, "mirror")
	}

	// Home page: links to the platform, the department sites, a report via
	// the bare host, the mirror (友情链接) and a site outside every config.
	var latestLinks strings.Builder
	if len(own) > 0 {
		e := own[0]
		for _, o := range own {
			if o.ID == "ys-2024" {
				e = o
			}
		}
		fmt.Fprintf(&latestLinks, `<li><a href="%s">%s</a></li>`, strings.Replace(e.DetailURL, "://www.", "://", 1), esc(e.Title))
	}
	mirrorLink := ""
	if e, ok := gxj["gxj-2024"]; ok {
		mirrorLink = `<a href="http://www.gov-mirror.cn` + strings.TrimPrefix(e.DetailURL, "http://gxj.yanshi.gov.cn") + `">镜像</a>`
	}
	www.page("/", pageShell(gov, "首页", "", `<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a>
<a href="http://xxgk.yanshi.gov.cn/">信息公开平台</a> <a href="http://xxgk.yanshi.gov.cn/zfxxgk/zfxxgknb/">政府信息公开年报</a></div>
<div class="news"><h3>最新公开</h3><ul>`+latestLinks.String()+`</ul></div>
<div class="depts"><h3>部门网站</h3><a href="http://gxj.yanshi.gov.cn/">区工信局</a> <a href="http://jyj.yanshi.gov.cn/">区教育局</a> <a href="http://wsj.yanshi.gov.cn/">区卫健委</a></div>
<div class="links"><h3>友情链接</h3><a href="https://www.henan.gov.cn/">河南省人民政府</a> `+mirrorLink+`</div>`), modOf("2025-03-28"))
}

// buildStreets publishes the 街道 reports hosted on the xxgk platform, each
// street with its own list column. 城关街道 has no 2022 report (a gap the
// unit → year tree shows); its 2023 report is late (March).
func buildStreets(b *builder, xxgk *vhost) map[string]ExpectedReport {
	out := map[string]ExpectedReport{}
	type st struct{ slug, name string }
	for _, s := range []st{{"sysjd", "偃师区首阳山街道办事处"}, {"cgjd", "偃师区城关街道办事处"}} {
		dir := "/zfxxgk/zfxxgknb/xzjd/" + s.slug + "/"
		ctx := pubCtx{vh: xxgk, dir: dir, doc: trsDoc{
			SiteName: "偃师区政府信息公开平台", SiteDomain: "xxgk.yanshi.gov.cn", ColumnName: s.name + "年报",
			Source: s.name, Crumbs: `<a href="/">首页</a> &gt; <a href="../../">政府信息公开年报</a> &gt; <a href="../">` + esc(s.name) + `</a>`,
		}}
		var reps []rep
		t := func(y int) string { return fmt.Sprintf("%s%d年政府信息公开工作年度报告", s.name, y) }
		if s.slug == "sysjd" {
			reps = []rep{
				{ID: "sysjd-2024", Title: t(2024), Year: 2024, Published: "2025-01-15", Style: styleMSO},
				{ID: "sysjd-2023", Title: t(2023), Year: 2023, Published: "2024-01-16"},
				{ID: "sysjd-2022", Title: t(2022), Year: 2022, Published: "2023-02-20", Stub: true,
					Files: []fileSpec{{Kind: fDOCX, Name: t(2022) + ".docx", Plain: true}}},
			}
		} else {
			reps = []rep{
				{ID: "cgjd-2024", Title: t(2024), Year: 2024, Published: "2025-01-20"},
				{ID: "cgjd-2023", Title: t(2023), Year: 2023, Published: "2024-03-05"},
				{ID: "cgjd-2021", Title: t(2021), Year: 2021, Published: "2022-01-30", Break: true},
			}
		}
		var items []listItem
		for _, r := range reps {
			r.Body = s.name
			e := b.publish(ctx, r)
			out[r.ID] = e
			items = append(items, itemFor(e, relHref(e.DetailURL, dir), 0, dateSpanDate, e.Published))
		}
		b.trsColumn(column{vh: xxgk, dir: dir, site: "偃师区政府信息公开平台", label: s.name + "政府信息公开年报"}, items)
	}
	return out
}

// buildXXGKDecoys serves the sibling columns of the report tree whose
// pages use report words but are not reports.
func buildXXGKDecoys(b *builder, xxgk *vhost) {
	doc := trsDoc{SiteName: "偃师区政府信息公开平台", SiteDomain: "xxgk.yanshi.gov.cn", Source: "偃师区人民政府办公室",
		Crumbs: `<a href="/">首页</a>`}
	col := func(dir, label string, ds ...[4]string) {
		c := pubCtx{vh: xxgk, dir: dir, doc: doc}
		c.doc.ColumnName = label
		var items []listItem
		for _, d := range ds {
			items = append(items, b.decoyPage(c, "xxgk-d-"+d[1], d[0], d[1], d[2], d[3]))
		}
		b.trsColumn(column{vh: xxgk, dir: dir, site: "偃师区政府信息公开平台", label: label}, items)
	}
	col("/zfxxgk/zfxxgkzn/", "政府信息公开指南", [4]string{"洛阳市偃师区人民政府政府信息公开指南", "2021-06-01", "指南", guideBody})
	col("/zfxxgk/zfxxgkzd/", "政府信息公开制度", [4]string{"偃师区政府信息公开工作年度报告制度", "2020-05-12", "制度", noticeBody})
	col("/zfxxgk/zfwzndbb/", "政府网站工作年度报表",
		[4]string{"洛阳市偃师区人民政府门户网站2024年政府网站工作年度报表", "2025-01-14", "网站年报", `<table border="1"><tr><td>网站名称</td><td>洛阳市偃师区人民政府</td></tr></table>`},
		[4]string{"洛阳市偃师区人民政府门户网站2023年政府网站工作年度报表", "2024-01-12", "网站年报", `<table border="1"><tr><td>网站名称</td><td>洛阳市偃师区人民政府</td></tr></table>`})
	col("/zfxxgk/zfgzbg/", "政府工作报告", [4]string{"2025年偃师区人民政府工作报告", "2025-01-08", "政府工作报告", `<p>各位代表：现在，我代表区人民政府向大会报告工作……</p>`})
	col("/zfxxgk/fdzdgknr/tzgg/", "通知公告",
		[4]string{"关于做好2024年度政府信息公开工作年度报告编制发布工作的通知", "2024-12-11", "notice", noticeBody},
		[4]string{"国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知", "2021-10-08", "format-notice", formatBody})
}
