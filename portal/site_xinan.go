package portal

import (
	"fmt"
	"strings"
)

// xinan — www.xinan.gov.cn and its bare-host twin xinan.gov.cn (same
// routes, http and https alike). Two lists link the same reports under
// different twin URLs:
//   - /xxgk/zfxxgknb/ (政府信息公开年报) links them relative (http://www.…);
//   - /xxgk/ndbghz/ (政府信息公开年度报告汇总) links the first as
//     https://xinan.gov.cn/… and the second as http://xinan.gov.cn/….
//
// Whichever list is read first, a report's document must be named by the
// same twin: the form under the start URL's host and scheme (DetailURL).
func init() {
	register(&siteDef{
		Name: "xinan", Region: "河南省洛阳市新安县", order: 122,
		Start: []string{"http://www.xinan.gov.cn/"}, Hosts: []string{"www.xinan.gov.cn", "xinan.gov.cn"},
		build: buildXinan,
	})
}

func buildXinan(b *builder) {
	www := b.host("www.xinan.gov.cn", schemeBoth, miss404)
	bare := b.host("xinan.gov.cn", schemeBoth, miss404)
	bare.alias = www
	const site = "新安县人民政府"
	const dir = "/xxgk/zfxxgknb/"
	ctx := pubCtx{vh: www, dir: dir, twins: []*vhost{bare}, doc: trsDoc{
		SiteName: site, SiteDomain: "www.xinan.gov.cn", ColumnName: "政府信息公开年报", Source: site,
		Crumbs: `<a href="/">首页</a> &gt; <a href="` + dir + `">政府信息公开年报</a>`,
	}}
	var own, sum []listItem
	for i, y := range []int{2024, 2023} {
		e := b.publish(ctx, rep{ID: fmt.Sprintf("xa-%d", y), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", site, y),
			Body: site, Year: y, Published: fmt.Sprintf("%d-03-2%d", y+1, i)})
		hSum := strings.Replace(e.DetailURL, "://www.", "://", 1) // http://xinan.gov.cn/…, a twin already
		if i == 0 {
			hSum = strings.Replace(hSum, "http://", "https://", 1)
			b.addAlt(e.ID, hSum)
		}
		own = append(own, itemFor(e, relHref(e.DetailURL, dir), 0, dateSpan, e.Published))
		sum = append(sum, itemFor(e, hSum, 0, dateSpan, e.Published))
	}
	b.trsColumn(column{vh: www, dir: dir, site: site, label: "政府信息公开年报"}, own)
	www.dir("/xxgk/ndbghz/", pageShell(site, "政府信息公开年度报告汇总", "", `<h2>政府信息公开年度报告汇总</h2>`+renderList("list", sum)), latestOf(sum))
	www.page("/", pageShell(site, "首页", "", `<div class="nav"><a href="`+dir+`">政府信息公开年报</a> <a href="/xxgk/ndbghz/">政府信息公开年度报告汇总</a></div>`), modOf("2020-01-01"))
}
