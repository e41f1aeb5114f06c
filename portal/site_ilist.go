package portal

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// deyang — www.deyang.gov.cn, 德阳市 on the /info/iList.jsp catalogue
// (portals.md §2.5, §6 items 13 and 20):
//   - / links /info/iList.jsp?node_id=GKdyszf&cat_id=10835&cur_page=1
//     ("政府信息公开年报"): 12 rows, 5 per page (cur_page 1–3, 1-based;
//     "共3页" and 首页/上一页/下一页/尾页 links), a title= filter, rows
//     .list_div li a[title]. 10 reports, a 上半年 statistics page and a
//     政府网站工作年度报表 (decoys).
//   - The first request for page 2 after a page-1 request answers 503 with
//     Retry-After: 1 (rate limiting, Deyang); the retry succeeds.
//   - Details /gk/fjbm/{unit}/{id}.htm; files under /wcm.files/upload/….
//   - An old column link "政府信息公开年报（旧版）" 302s to a 网站卫士
//     /WZWSREL… challenge: blocked, never archived.
func init() {
	registerFamily(&siteDef{
		Name: "deyang", Region: "四川省德阳市", order: 105,
		Start: []string{"http://www.deyang.gov.cn/"}, Hosts: []string{"www.deyang.gov.cn"},
		build: buildDeyang,
	})
}

type ilRow struct{ href, title, date string }

func buildDeyang(b *builder) {
	vh := b.host("www.deyang.gov.cn", schemeBoth, miss404)
	const site = "德阳市人民政府"
	det := func(r famRep) famRender {
		return func(content, files string) string {
			var s strings.Builder
			s.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
			fmt.Fprintf(&s, "<title>%s</title>\n<meta name=\"ArticleTitle\" content=\"%s\">\n<meta name=\"PubDate\" content=\"%s 09:00\">\n", esc(r.Title), esc(r.Title), r.Published)
			fmt.Fprintf(&s, "</head>\n<body>\n<div class=\"gk_detail\"><h2>%s</h2><p class=\"date\">发布日期：%s</p>\n<div class=\"content\">\n%s%s</div></div>\n</body>\n</html>\n", esc(r.Title), r.Published, content, files)
			return s.String()
		}
	}
	units := []struct{ name, slug string }{{"德阳市人民政府办公室", "szfbgs"}, {"德阳市发展和改革委员会", "sfgw"}, {"德阳市教育局", "sjyj"}, {"德阳市公安局", "sgaj"}, {"德阳市民政局", "smzj"}}
	var rows []ilRow
	id := 1956440
	for _, y := range []int{2024, 2023} {
		for i, u := range units {
			id++
			r := famRep{ID: fmt.Sprintf("dy-%d-%s", y, u.slug), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", u.name, y), Body: u.name, Year: y,
				Published: fmt.Sprintf("%d-01-%02d", y+1, 8+i*4)}
			if i == 1 {
				r.Stub = true
				d := strings.ReplaceAll(r.Published, "-", "")
				r.Files = []famFile{{Kind: fPDF, Name: r.Title + ".pdf", Path: fmt.Sprintf("/wcm.files/upload/GKdyszf/eupload/ueditor/file/%s/%d%013d.pdf", d, id, id*7919%10000000000000)}}
			}
			path := fmt.Sprintf("/gk/fjbm/%s/%d.htm", u.slug, id)
			b.famPublish(vh, path, r, det(r))
			rows = append(rows, ilRow{path, r.Title, r.Published})
		}
		if y == 2024 {
			for _, d := range []struct{ title, why, body, pub string }{
				{"德阳市人民政府办公室2024年上半年政府信息公开数据统计", "statistics", statsBody, "2024-07-10"},
				{"德阳市人民政府门户网站2024年政府网站工作年度报表", "网站年报", `<p>网站名称：德阳市人民政府 首页网址：http://www.deyang.gov.cn 独立用户访问总量：1250000个……</p>`, "2025-01-15"},
			} {
				id++
				path := fmt.Sprintf("/gk/fjbm/szfbgs/%d.htm", id)
				vh.page(path, det(famRep{Title: d.title, Published: d.pub})(d.body, ""), day(d.pub))
				b.decoy(vh.url(path), d.title, d.why)
				rows = append(rows, ilRow{path, d.title, d.pub})
			}
		}
	}
	vh.prefix("/info/iList.jsp", &resource{handler: iListHandler(site, rows)})
	old := "/xxgk/zfxxgknb_old/"
	vh.put(old, wzwsRedirect(old))
	vh.prefix("/WZWSREL", wzwsPage)
	b.block(vh.url(old), "wzws")
	vh.page("/", pageShell(site, "首页", "", `<div class="nav"><a href="/">首页</a> <a href="/info/iList.jsp?node_id=GKdyszf&amp;cat_id=10835&amp;cur_page=1">政府信息公开年报</a> <a href="`+old+`">政府信息公开年报（旧版）</a></div>`), latest("2025-01-24"))
}

// iListHandler serves the catalogue: 5 rows per 1-based cur_page, an
// optional title= substring filter, and a 503 for the first page-2
// request that follows a page-1 request (a crawler going straight on).
func iListHandler(site string, rows []ilRow) http.HandlerFunc {
	var mu sync.Mutex
	armed := false
	const per = 5
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("node_id") != "GKdyszf" || q.Get("cat_id") != "10835" {
			writeRaw(w, http.StatusOK, "text/html; charset=utf-8", soft404Page)
			return
		}
		cur, err := strconv.Atoi(q.Get("cur_page"))
		if err != nil || cur < 1 {
			cur = 1
		}
		mu.Lock()
		switch {
		case cur == 1:
			armed = true
		case cur == 2 && armed:
			armed = false
			mu.Unlock()
			w.Header().Set("Retry-After", "1")
			writeRaw(w, http.StatusServiceUnavailable, "text/html", []byte("<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1><p>访问过于频繁，请稍后再试。</p></body></html>\n"))
			return
		}
		mu.Unlock()
		sel := rows
		if t := q.Get("title"); t != "" {
			sel = nil
			for _, rw := range rows {
				if strings.Contains(rw.title, t) {
					sel = append(sel, rw)
				}
			}
		}
		pages := max((len(sel)+per-1)/per, 1)
		lo, hi := min((cur-1)*per, len(sel)), min(cur*per, len(sel))
		var s strings.Builder
		s.WriteString(`<div class="list_div"><ul>` + "\n")
		for _, rw := range sel[lo:hi] {
			fmt.Fprintf(&s, `<li><a href="%s" title="%s" target="_blank">%s</a><span class="date">%s</span></li>`+"\n", rw.href, esc(rw.title), esc(truncate(rw.title, 20)), rw.date)
		}
		s.WriteString("</ul></div>\n")
		link := func(p int) string {
			v := "/info/iList.jsp?node_id=GKdyszf&amp;cat_id=10835"
			if t := q.Get("title"); t != "" {
				v += "&amp;title=" + esc(t)
			}
			return v + "&amp;cur_page=" + strconv.Itoa(p)
		}
		fmt.Fprintf(&s, `<div class="page">共%d页 当前第%d页 <a href="%s">首页</a> `, pages, cur, link(1))
		if cur > 1 {
			fmt.Fprintf(&s, `<a href="%s">上一页</a> `, link(cur-1))
		}
		if cur < pages {
			fmt.Fprintf(&s, `<a href="%s">下一页</a> `, link(cur+1))
		}
		fmt.Fprintf(&s, `<a href="%s">尾页</a></div>`+"\n", link(pages))
		form := `<form action="/info/iList.jsp" method="get"><input type="hidden" name="node_id" value="GKdyszf"><input type="hidden" name="cat_id" value="10835"><input type="text" name="title"><input type="submit" value="搜索"></form>`
		writeRaw(w, http.StatusOK, "text/html; charset=utf-8", []byte(pageShell(site, "政府信息公开年报", "", `<div class="gk_list"><h2>政府信息公开年报</h2>`+form+s.String()+`</div>`)))
	}
}
