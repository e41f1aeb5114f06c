package portal

import (
	"fmt"
	"strconv"
	"strings"
)

// pingchang — www.scpc.gov.cn, 平昌县 on the Anhui-style 政务公开平台
// (portals.md §1.2, §2.4, §6 item 12):
//   - / links /public/column/6601841?type=4&action=rel ("政府信息公开年报"),
//     the related-units list (ul.clearfix li a[title]) of 4 units.
//   - Each unit page (?type=4&catId=…&action=list) has ul#timeFrame year
//     links "2024年" … to its reports /public/6601841/{docId}.html; 平昌县教育局
//     shows 2020, 2021, 2023, 2024 — no 2022 report (a unit missing a year).
//   - Details carry HtmlGenerateTime; one stub links its PDF through a
//     relative, extension-less href with &amp;
//     (../../public/downfile.do?fileId=…&amp;siteId=6601841).
func init() {
	registerFamily(&siteDef{
		Name: "pingchang", Region: "四川省巴中市平昌县", order: 104,
		Start: []string{"http://www.scpc.gov.cn/"}, Hosts: []string{"www.scpc.gov.cn"},
		build: buildPingchang,
	})
}

func anhuiDetail(site string) func(r famRep) famRender {
	return func(r famRep) famRender {
		return func(content, files string) string {
			var b strings.Builder
			b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
			fmt.Fprintf(&b, "<title>%s_%s</title>\n", esc(r.Title), esc(site))
			for _, m := range [][2]string{{"ArticleTitle", r.Title}, {"PubDate", r.Published + " 11:20"}, {"ContentSource", r.Body}, {"HtmlGenerateTime", r.Published + " 11:21:07"}} {
				fmt.Fprintf(&b, `<meta name="%s" content="%s">`+"\n", m[0], esc(m[1]))
			}
			b.WriteString("</head>\n<body>\n")
			fmt.Fprintf(&b, `<div class="wzbt"><h1>%s</h1></div><div class="wzxx">发布机构：%s　发布日期：%s</div>`+"\n", esc(r.Title), esc(r.Body), r.Published)
			fmt.Fprintf(&b, "<div class=\"wzcon\" id=\"zoom\">\n%s</div>\n<div class=\"fj\">%s</div>\n</body>\n</html>\n", content, files)
			return b.String()
		}
	}
}

func buildPingchang(b *builder) {
	vh := b.host("www.scpc.gov.cn", schemeBoth, miss404)
	const site = "平昌县人民政府"
	const siteID = 6601841
	det := anhuiDetail(site)
	units := []struct {
		name  string
		organ int
		cat   int
		years []int
	}{
		{"平昌县发展和改革局", 6601851, 7161, []int{2024, 2023, 2022, 2021}},
		{"平昌县教育局", 6601852, 7162, []int{2024, 2023, 2021, 2020}}, // no 2022
		{"平昌县财政局", 6601853, 7163, []int{2024, 2023, 2022}},
		{"平昌县卫生健康局", 6601854, 7164, []int{2024, 2023}},
	}
	var rel strings.Builder
	rel.WriteString(`<ul class="clearfix">` + "\n")
	doc := 3712400
	for ui, u := range units {
		unitURL := fmt.Sprintf("/public/column/%d?type=4&catId=%d&action=list", u.organ, u.cat)
		fmt.Fprintf(&rel, `<li><a href="%s" title="%s" target="_blank">%s</a></li>`+"\n", strings.ReplaceAll(unitURL, "&", "&amp;"), esc(u.name), esc(truncate(u.name, 6)))
		var tf strings.Builder
		tf.WriteString(`<ul id="timeFrame">` + "\n")
		var pubs []string
		for _, y := range u.years {
			doc++
			r := famRep{ID: fmt.Sprintf("pc-%d-%d", u.organ, y), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", u.name, y), Body: u.name, Year: y,
				Published: fmt.Sprintf("%d-01-%02d", y+1, 12+ui*2)}
			path := fmt.Sprintf("/public/%d/%d.html", siteID, doc)
			if ui == 2 && y == 2023 {
				r.Stub = true
				fid := strconv.Itoa(doc) + "01"
				r.Files = []famFile{{Kind: fPDF, Name: r.Title + ".pdf", CD: cdPercent,
					Path: "/public/downfile.do?fileId=" + fid + "&siteId=" + strconv.Itoa(siteID),
					Href: "../../public/downfile.do?fileId=" + fid + "&amp;siteId=" + strconv.Itoa(siteID)}}
			}
			b.famPublish(vh, path, r, det(r))
			fmt.Fprintf(&tf, `<li><a href="%s" target="_blank">%d年</a></li>`+"\n", path, y)
			pubs = append(pubs, r.Published)
		}
		tf.WriteString("</ul>\n")
		page := pageShell(site, u.name+"_政府信息公开年报", "", `<div class="unit-name">`+esc(u.name)+`</div><div class="lm">政府信息公开年报</div>`+tf.String())
		vh.page(unitURL, page, latest(pubs...))
	}
	rel.WriteString("</ul>\n")
	vh.page(fmt.Sprintf("/public/column/%d?type=4&action=rel", siteID), pageShell(site, "政府信息公开年报", "", `<div class="lm"><h2>政府信息公开年报</h2>`+rel.String()+`</div>`), latest("2025-01-18"))
	vh.page("/", pageShell(site, "首页", "", fmt.Sprintf(`<div class="nav"><a href="/">首页</a> <a href="/public/column/%d?type=4&amp;action=rel">政府信息公开年报</a></div>`, siteID)), latest("2025-01-18"))
}
