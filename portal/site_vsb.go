package portal

import (
	"fmt"
	"strings"
)

// dongbao — www.dongbao.gov.cn, 东宝区 on VSB 博达 (portals.md §2.6, §6 item 17):
//   - / links xxgk/xxgknb.htm ("政府信息公开年报"): a static list whose older
//     pages are numbered backwards: xxgknb.htm (newest), xxgknb/2.htm,
//     xxgknb/1.htm (oldest); the pager's link to 1.htm shows the page
//     count "3". 4 rows per page: 10 reports and a 图解 and a 解读.
//   - Details info/1012/{id}.htm (VSB markers, div#vsb_content).
//   - Attachments /system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=…&wbfileid=…:
//     no extension, no Content-Disposition, the name only in the link text
//     (附件【name.pdf】已下载N次). Without a Referer they answer an HTML error
//     page with status 200.
func init() {
	registerFamily(&siteDef{
		Name: "dongbao", Region: "湖北省荆门市东宝区", order: 106,
		Start: []string{"http://www.dongbao.gov.cn/"}, Hosts: []string{"www.dongbao.gov.cn"},
		build: buildDongbao,
	})
}

const vsbHead = `<!--Announced by Visual SiteBuilder 9-->
<link rel="stylesheet" type="text/css" href="/_sitegray/_sitegray_d.css" />
<script language="javascript" src="/_sitegray/_sitegray.js"></script>
`

func vsbLink(href, name string, i, n int) string {
	return fmt.Sprintf(`<li>附件【<a href="%s" target="_blank">%s</a>】已下载<span id="nattach%d">%d</span>次</li>`, href, esc(name), 5678+i, 146+i*7)
}

func buildDongbao(b *builder) {
	vh := b.host("www.dongbao.gov.cn", schemeBoth, miss404)
	const site = "荆门市东宝区人民政府"
	det := func(r famRep) famRender {
		return func(content, files string) string {
			var s strings.Builder
			s.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
			fmt.Fprintf(&s, "<title>%s-%s</title>\n<meta name=\"ArticleTitle\" content=\"%s\">\n<meta name=\"PubDate\" content=\"%s\">\n%s</head>\n<body>\n", esc(r.Title), esc(site), esc(r.Title), r.Published, vsbHead)
			fmt.Fprintf(&s, "<form name=\"_newscontent_fromname\"><div align=\"center\"><h1>%s</h1><div class=\"info\">%s　点击：<script>_showDynClicks(\"wbnews\", 1234, 5678)</script></div>\n", esc(r.Title), r.Published)
			fmt.Fprintf(&s, "<div id=\"vsb_content\"><div class=\"v_news_content\">\n%s</div></div>\n<ul style=\"list-style-type:none;\">%s</ul></div></form>\n</body>\n</html>\n", content, files)
			return s.String()
		}
	}
	type row struct{ href, title, date string }
	var rows []row
	units := []string{"东宝区人民政府办公室", "东宝区财政局", "东宝区教育局", "东宝区卫生健康局", "东宝区子陵铺镇"}
	id := 3450
	file := 5670
	for _, y := range []int{2024, 2023} {
		for i, u := range units {
			id++
			r := famRep{ID: fmt.Sprintf("db-%d-%d", y, i), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", u, y), Body: u, Year: y,
				Published: fmt.Sprintf("%d-01-%02d", y+1, 6+i*5), LinkFmt: vsbLink}
			if i%2 == 1 {
				r.Stub = true
				kinds := []string{fPDF}
				if i == 3 {
					kinds = []string{fDOC, fXLS}
				}
				for _, k := range kinds {
					file++
					name := r.Title + "." + k
					if k == fXLS {
						name = u + fmt.Sprintf("%d年政府信息公开情况统计表.xls", y)
					}
					q := fmt.Sprintf("/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1234&wbfileid=%d", file)
					r.Files = append(r.Files, famFile{Kind: k, Name: name, Path: q, Href: strings.ReplaceAll(q, "&", "&amp;"), Gate: gate200, NoExt: true})
				}
			}
			path := fmt.Sprintf("/info/1012/%d.htm", id)
			b.famPublish(vh, path, r, det(r))
			rows = append(rows, row{path, r.Title, r.Published})
		}
		if y == 2024 {
			for _, d := range []struct{ title, why, body string }{
				{"图解：东宝区人民政府办公室2024年政府信息公开工作年度报告", "图解", graphicBody},
				{"东宝区人民政府办公室2024年政府信息公开工作年度报告解读", "解读", interpBody},
			} {
				id++
				path := fmt.Sprintf("/info/1012/%d.htm", id)
				vh.page(path, det(famRep{Title: d.title, Published: "2025-01-30"})(d.body, ""), day("2025-01-30"))
				b.decoy(vh.url(path), d.title, d.why)
				rows = append(rows, row{path, d.title, "2025-01-30"})
			}
		}
	}
	// Newest first; 4 per page; page 1 is xxgknb.htm, then 2.htm … 1.htm counting down.
	const per = 4
	for i := 0; i < len(rows); i++ {
		for j := i + 1; j < len(rows); j++ {
			if rows[j].date > rows[i].date {
				rows[i], rows[j] = rows[j], rows[i]
			}
		}
	}
	pages := (len(rows) + per - 1) / per
	name := func(k int) string { // k: 1 = newest
		if k == 1 {
			return "/xxgk/xxgknb.htm"
		}
		return fmt.Sprintf("/xxgk/xxgknb/%d.htm", pages-k+1)
	}
	rel := func(from, to string) string {
		if strings.HasPrefix(from, "/xxgk/xxgknb/") {
			if to == "/xxgk/xxgknb.htm" {
				return "../xxgknb.htm"
			}
			return strings.TrimPrefix(to, "/xxgk/xxgknb/")
		}
		return strings.TrimPrefix(to, "/xxgk/")
	}
	for k := 1; k <= pages; k++ {
		me := name(k)
		var s strings.Builder
		s.WriteString(`<ul class="list">` + "\n")
		var pubs []string
		for n, r := range rows[(k-1)*per : min(k*per, len(rows))] {
			up := "../"
			if k > 1 {
				up = "../../"
			}
			fmt.Fprintf(&s, `<li id="line_u8_%d"><a href="%s%s" title="%s">%s</a><span>%s</span></li>`+"\n", n, up, strings.TrimPrefix(r.href, "/"), esc(r.title), esc(truncate(r.title, 16)), r.date)
			pubs = append(pubs, r.date)
		}
		s.WriteString("</ul>\n")
		s.WriteString(`<div class="pb_sys_common pb_sys_normal"><span class="p_pages">`)
		for j := 1; j <= pages; j++ {
			if j == k {
				fmt.Fprintf(&s, `<span class="p_no_d">%d</span>`, j)
			} else {
				fmt.Fprintf(&s, `<span class="p_no"><a href="%s">%d</a></span>`, rel(me, name(j)), j)
			}
		}
		if k < pages {
			fmt.Fprintf(&s, `<span class="p_next p_fun"><a href="%s">下页</a></span><span class="p_last p_fun"><a href="%s">尾页</a></span>`, rel(me, name(k+1)), rel(me, name(pages)))
		}
		s.WriteString("</span></div>\n")
		vh.page(me, pageShell(site, "政府信息公开年报", vsbHead, `<div class="lm"><h2>政府信息公开年报</h2>`+s.String()+`</div>`), latest(pubs...))
	}
	vh.page("/", pageShell(site, "首页", vsbHead, `<div class="nav"><a href="/">首页</a> <a href="xxgk/xxgknb.htm">政府信息公开年报</a></div>`), latest("2025-01-30"))
}
