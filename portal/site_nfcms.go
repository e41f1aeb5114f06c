package portal

import (
	"fmt"
	"strconv"
	"strings"
)

// gzbgt — www.gz.gov.cn, 广州市人民政府办公厅 on NFCMS (portals.md §2.3,
// §6 item 11), a department sub-site under the path prefix
// /zfjgzy/gzsrmzfbgt/:
//   - zfxxgknb/ links year nodes "2024年" → bm/2024n/, "2023年" → bm/2023n/.
//   - bm/2024n/ spans index.html and index_2.html ("下一页"); rows link
//     content/post_N.html (title= full, text truncated), one 解读 decoy.
//   - Details content/post_N.html with NFCMS_SITE_ID/NFCMS_POST_ID metas and
//     div.news_cont_d_wrap; a mobile twin mpost_N.html (same bytes).
//   - The 2024 办公厅 report has two attachments with the same basename:
//     /attachment/0/585/585885/9469010.pdf and /attachment/0/585/585886/9469010.pdf.
func init() {
	registerFamily(&siteDef{
		Name: "gzbgt", Region: "广东省广州市", order: 103,
		Start: []string{"http://www.gz.gov.cn/"}, Hosts: []string{"www.gz.gov.cn"},
		build: buildGzbgt,
	})
}

func nfcmsDetail(site string) func(r famRep, id int) famRender {
	return func(r famRep, id int) famRender {
		return func(content, files string) string {
			var b strings.Builder
			b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
			fmt.Fprintf(&b, "<title>%s - %s</title>\n", esc(r.Title), esc(site))
			for _, m := range [][2]string{{"ArticleTitle", r.Title}, {"PubDate", r.Published + " 16:05"}, {"ContentSource", r.Body},
				{"ArticleId", strconv.Itoa(id)}, {"NFCMS_SITE_ID", "200008"}, {"NFCMS_POST_ID", strconv.Itoa(id)}} {
				fmt.Fprintf(&b, `<meta name="%s" content="%s">`+"\n", m[0], esc(m[1]))
			}
			b.WriteString("</head>\n<body>\n")
			b.WriteString(`<div class="crumbs"><a href="/">首页</a> &gt; <a href="/zfjgzy/gzsrmzfbgt/zfxxgknb/">政府信息公开年报</a></div>` + "\n")
			fmt.Fprintf(&b, `<div class="news_cont_d"><h1 class="news_title">%s</h1><div class="info">发布时间：%s　来源：%s　<a href="mpost_%d.html">手机版</a></div>`+"\n", esc(r.Title), r.Published, esc(r.Body), id)
			fmt.Fprintf(&b, "<div class=\"news_cont_d_wrap\">\n%s</div>\n%s</div>\n</body>\n</html>\n", content, files)
			return b.String()
		}
	}
}

func buildGzbgt(b *builder) {
	vh := b.host("www.gz.gov.cn", schemeBoth, miss404)
	const site = "广州市人民政府办公厅"
	const root = "/zfjgzy/gzsrmzfbgt/zfxxgknb/"
	det := nfcmsDetail(site)
	type row struct {
		href, title, date string
	}
	years := map[int][]row{}
	pub := func(year int, r famRep, id int) {
		dir := fmt.Sprintf("%sbm/%dn/content/", root, year)
		path := fmt.Sprintf("%spost_%d.html", dir, id)
		if r.Year == 0 {
			vh.page(path, det(r, id)(interpBody, ""), day(r.Published))
			b.decoy(vh.url(path), r.Title, "解读")
		} else {
			b.famPublish(vh, path, r, det(r, id))
		}
		vh.routes[fmt.Sprintf("%smpost_%d.html", dir, id)] = vh.routes[path]
		years[year] = append(years[year], row{"content/post_" + strconv.Itoa(id) + ".html", r.Title, r.Published})
	}
	t := func(body string, y int) string {
		return fmt.Sprintf("%s%d年政府信息公开工作年度报告", body, y)
	}
	main := famRep{ID: "gz-2024-bgt", Title: t(site, 2024), Body: site, Year: 2024, Published: "2025-01-20", Stub: true,
		Files: []famFile{
			{Kind: fPDF, Name: t(site, 2024) + ".pdf", Path: "/attachment/0/585/585885/9469010.pdf"},
			{Kind: fScan, Name: site + "2024年政府信息公开情况统计表.pdf", Path: "/attachment/0/585/585886/9469010.pdf"},
		}}
	pub(2024, main, 9469010)
	pub(2024, famRep{ID: "gz-2024-jd", Title: t(site, 2024) + "解读", Published: "2025-01-21"}, 9469020)
	for i, u := range []string{"广州市人民政府研究室", "广州市人民政府参事室", "广州市人民政府外事办公室", "广州市地方志办公室"} {
		pub(2024, famRep{ID: fmt.Sprintf("gz-2024-%d", i), Title: t(u, 2024), Body: u, Year: 2024, Published: fmt.Sprintf("2025-01-%02d", 15+i)}, 9469030+i)
	}
	for i, u := range []string{site, "广州市人民政府研究室", "广州市地方志办公室"} {
		pub(2023, famRep{ID: fmt.Sprintf("gz-2023-%d", i), Title: t(u, 2023), Body: u, Year: 2023, Published: fmt.Sprintf("2024-01-%02d", 18+i), Style: styleMSO}, 9311000+i)
	}
	const per = 4
	for _, y := range []int{2024, 2023} {
		rows := years[y]
		dir := fmt.Sprintf("%sbm/%dn/", root, y)
		pages := (len(rows) + per - 1) / per
		for k := 0; k < pages; k++ {
			var ul strings.Builder
			ul.WriteString(`<ul class="news_list">` + "\n")
			var pubs []string
			for _, r := range rows[k*per : min((k+1)*per, len(rows))] {
				fmt.Fprintf(&ul, `<li><a href="%s" title="%s" target="_blank">%s</a><span class="time">%s</span></li>`+"\n", r.href, esc(r.title), esc(truncate(r.title, 18)), r.date)
				pubs = append(pubs, r.date)
			}
			ul.WriteString("</ul>\n")
			if k+1 < pages {
				fmt.Fprintf(&ul, `<div class="page"><a href="index_%d.html">下一页</a></div>`, k+2)
			}
			html := pageShell(site, fmt.Sprintf("%d年", y), "", `<div class="crumbs"><a href="/">首页</a> &gt; <a href="`+root+`">政府信息公开年报</a></div>`+ul.String())
			if k == 0 {
				vh.page(dir, html, latest(pubs...))
				vh.page(dir+"index.html", html, latest(pubs...))
			} else {
				vh.page(fmt.Sprintf("%sindex_%d.html", dir, k+1), html, latest(pubs...))
			}
		}
	}
	vh.dir(root, pageShell(site, "政府信息公开年报", "", `<div class="lm"><h2>政府信息公开年报</h2><ul class="years"><li><a href="bm/2024n/">2024年</a></li><li><a href="bm/2023n/">2023年</a></li></ul></div>`), latest("2025-01-21"))
	// An older 年报 column behind Tencent EdgeOne's bot check: blocked, never archived.
	const eo = "/zfjgzy/gzsrmzfbgt/xxgknb_2019/"
	vh.put(eo, edgeOnePage)
	b.block(vh.url(eo), "edgeone")
	vh.page("/", pageShell("广州市人民政府", "首页", "", `<div class="nav"><a href="/">首页</a> <a href="`+root+`">政府信息公开年报</a> <a href="`+eo+`">政府信息公开年报（2019年以前）</a></div>`), latest("2025-01-21"))
}

// edgeOnePage is a Tencent EdgeOne bot-check page served with 200
// (portals.md §4.3: obfuscated JS, EO_Bot_Ssid / __tst_status cookies).
var edgeOnePage = &resource{status: 200, ctype: "text/html; charset=utf-8",
	headers: [][2]string{{"Set-Cookie", "EO_Bot_Ssid=3415670784; Max-Age=86400; Path=/"}},
	body: []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title></title><script>var WTKkN="ZmZkNGQ1ZWQ0ZGY";(function(){var e=new Date;e.setTime(e.getTime()+6e4);` +
		`document.cookie="__tst_status="+WTKkN+"#;expires="+e.toGMTString()+";path=/";location.reload()})();</script></head><body></body></html>`)}
