package portal

import (
	"fmt"
	"strings"
)

// ruyang — www.ruyang.gov.cn, a county portal whose aggregation tree
// /zfxxgk/zfxxgknb/ lists units; each unit's list is a short page (a few
// rows, well under a shell's amount of text) in which most report links
// are plain and one is opened by a link's script:
//   - fgw/ and czj/: <a href="javascript:void(0)" onclick="window.open('./…')">;
//   - jyj/: <a href="javascript:location.href='./…'">.
//
// A crawler must not take such a page for a JS redirect shell (and follow
// the scripted link only, dropping the plain ones): all three reports of
// each unit are expected. sjj/ (县审计局) links its reports only through
// showDoc('5001'), a script function that builds the URL: the crawl must
// say "needs a browser" for it; its reports are not expected.
func init() {
	register(&siteDef{
		Name: "ruyang", Region: "河南省洛阳市汝阳县", order: 120,
		Start: []string{"http://www.ruyang.gov.cn/"}, Hosts: []string{"www.ruyang.gov.cn"},
		build: buildRuyang,
	})
}

func buildRuyang(b *builder) {
	vh := b.host("www.ruyang.gov.cn", schemeBoth, miss404)
	const site = "汝阳县人民政府"
	const root = "/zfxxgk/zfxxgknb/"
	units := []struct {
		slug, name string
		script     func(href string) string // the scripted link of the unit's oldest report
	}{
		{"fgw", "县发展和改革委员会", func(h string) string {
			return `<a href="javascript:void(0)" onclick="window.open('` + h + `')">`
		}},
		{"jyj", "县教育局", func(h string) string { return `<a href="javascript:location.href='` + h + `'">` }},
		{"czj", "县财政局", func(h string) string {
			return `<a href="javascript:void(0);" onclick="window.open('` + h + `');return false;">`
		}},
	}
	var tree strings.Builder
	for i, u := range units {
		fmt.Fprintf(&tree, `<li><a href="./%s/">%s</a></li>`+"\n", u.slug, u.name)
		dir := root + u.slug + "/"
		body := "汝阳" + u.name
		ctx := pubCtx{vh: vh, dir: dir, doc: trsDoc{
			SiteName: site, SiteDomain: "www.ruyang.gov.cn", ColumnName: "政府信息公开年报", Source: body,
			Crumbs: `<a href="/">首页</a> &gt; <a href="` + root + `">政府信息公开年报</a>`,
		}}
		var rows strings.Builder
		var pubs []string
		for k, y := range []int{2023, 2022, 2021} {
			pub := fmt.Sprintf("%d-01-%02d", y+1, 20+i+k)
			e := b.publish(ctx, rep{ID: fmt.Sprintf("ry-%s-%d", u.slug, y), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", body, y),
				Body: body, Year: y, Published: pub})
			pubs = append(pubs, pub)
			href := relHref(e.DetailURL, dir)
			a := `<a href="` + href + `" target="_blank" title="` + esc(e.Title) + `">`
			if k == 2 {
				a = u.script(href)
			}
			fmt.Fprintf(&rows, "<li>%s%s</a><span>%s</span></li>\n", a, esc(e.Title), pub)
		}
		vh.dir(dir, pageShell(site, body+"政府信息公开年报", "",
			`<h2>`+u.name+`</h2><ul class="list">`+"\n"+rows.String()+"</ul>"), latest(pubs...))
	}
	// 县审计局: every report link only calls a script.
	fmt.Fprintf(&tree, `<li><a href="./sjj/">县审计局</a></li>`+"\n")
	var rows strings.Builder
	for k, y := range []int{2023, 2022} {
		fmt.Fprintf(&rows, `<li><a href="javascript:void(0)" onclick="showDoc('%d')">汝阳县审计局%d年政府信息公开工作年度报告</a><span>%d-01-2%d</span></li>`+"\n", 5001+k, y, y+1, k)
	}
	vh.dir(root+"sjj/", pageShell(site, "县审计局政府信息公开年报",
		`<script>function showDoc(id){window.location.href='./detail.jsp?id='+id;}</script>`+"\n",
		`<h2>县审计局</h2><ul class="list">`+"\n"+rows.String()+"</ul>"), modOf("2024-01-21"))
	vh.dir(root, pageShell(site, "政府信息公开年报", "", `<h2>政府信息公开年报</h2><ul class="clearfix">`+"\n"+tree.String()+"</ul>"), modOf("2024-01-25"))
	vh.page("/", pageShell(site, "首页", "", `<div class="nav"><a href="`+root+`">政府信息公开年报</a></div>`), modOf("2020-01-01"))
}
