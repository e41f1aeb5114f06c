package portal

import (
	"fmt"
	"strings"
)

// yiyang — www.yiyang.gov.cn, a county portal on the TRS "trt" front end
// whose report column /xxgk/zfxxgknb/ is "动静结合" (portals.md §2.1): only
// its first page is static HTML (10 rows in <dl><dd>), the pager is set
// up by listModel({quickMode: "动静结合", maxStaticIndex: 1, …, pagebar:
// {prepage: 10, recordCount: '20'}}), and a second, JS-templated list
// (ms-repeat, ms-attr-href) carries no hrefs. The other 10 reports come
// only from the site's search API: they are not expected, and the crawl
// must say that 10 of the 20 items are out of reach (a partial run, never
// "ok").
func init() {
	register(&siteDef{
		Name: "yiyang", Region: "河南省洛阳市宜阳县", order: 123,
		Start: []string{"http://www.yiyang.gov.cn/"}, Hosts: []string{"www.yiyang.gov.cn"},
		build: buildYiyang,
	})
}

func buildYiyang(b *builder) {
	vh := b.host("www.yiyang.gov.cn", schemeBoth, miss404)
	const site = "宜阳县人民政府"
	const dir = "/xxgk/zfxxgknb/"
	ctx := pubCtx{vh: vh, dir: dir, doc: trsDoc{
		SiteName: site, SiteDomain: "www.yiyang.gov.cn", ColumnName: "政府信息公开年报", Source: site,
		Crumbs: `<a href="/">首页</a> &gt; <a href="` + dir + `">政府信息公开年报</a>`,
	}}
	units := []string{"宜阳县人民政府", "宜阳县发展和改革委员会", "宜阳县教育局", "宜阳县财政局", "宜阳县民政局"}
	var rows strings.Builder
	var pubs []string
	for i, y := range []int{2024, 2023} {
		for j, u := range units {
			pub := fmt.Sprintf("%d-01-%02d", y+1, 25-j-i)
			e := b.publish(ctx, rep{ID: fmt.Sprintf("yy-%d-%d", y, j), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", u, y), Body: u, Year: y, Published: pub})
			pubs = append(pubs, pub)
			fmt.Fprintf(&rows, `<dd><a href="%s" target="_blank" title="%s">%s</a></dd><dd class="date">%s</dd>`+"\n", relHref(e.DetailURL, dir), esc(e.Title), esc(truncate(e.Title, 20)), pub)
		}
	}
	list := `<div class="location">当前位置：<a href="/">首页</a> &gt; 政府信息公开年报</div>
<div class="list-box"><h2>政府信息公开年报</h2>
<dl class="list static">
` + rows.String() + `</dl>
<div class="list dynamic" ms-controller="list" style="display:none"><dl>
<dd ms-repeat="list"><a ms-attr-href="el.chnldocurl" ms-attr-title="el.doctitle" target="_blank">{{el.doctitle}}</a></dd><dd>{{el.docreltime}}</dd>
</dl></div>
<div id="pagebar"></div></div>
<script>
var SiteInfo = {siteId: 26, searchId: 4172};
require(["list2.trsapi", "avalon"], function (trsapi, avalon) {
  listModel({quickMode: "动静结合", maxStaticIndex: 1,
    listArgs: {channelid: SiteInfo.searchId, classsql: "chnlid=31507", sortfield: "-docorderpri,-docreltime"},
    pagebar: {prepage: 10, recordCount: '20', container: "#pagebar"}});
});
</script>`
	html := pageShell(site, "政府信息公开年报", `<script src="/js/require.js" data-main="/js/main"></script>`+"\n", list)
	vh.dir(dir, html, latest(pubs...))
	vh.page("/", pageShell(site, "首页", "", `<div class="nav"><a href="`+dir+`">政府信息公开年报</a></div>`), modOf("2020-01-01"))
}
