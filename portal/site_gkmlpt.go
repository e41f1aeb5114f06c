package portal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// gdwhly — whly.gd.gov.cn, 广东省文化和旅游厅 on gkmlpt (portals.md §2.3,
// §6 item 10):
//   - / links /gkmlpt/annualreport#2629 and /gkmlpt/index: empty Vue shells
//     whose only content is window._CONFIG = {SID: '175', TREE: […]} (the
//     category 2629 "政府信息公开年报" among others). No list links at all.
//   - GET /gkmlpt/api/all/2629?page=N&sid=175: JSON, 100 articles per page,
//     epoch-second times; 101 articles (100 reports of 25 units × 2021–2024
//     and a 解读, newest first), so page 2 holds the oldest report. A wrong
//     or missing sid answers 400 JSON; page=0 is read as page 1.
//   - Details /gkmlpt/content/{id/1e6}/{id/1e3}/post_{id}.html with the body
//     in div.article-content; two are stubs with a PDF attachment.
func init() {
	registerFamily(&siteDef{
		Name: "gdwhly", Region: "广东省", order: 102,
		Start: []string{"http://whly.gd.gov.cn/"}, Hosts: []string{"whly.gd.gov.cn"},
		build: buildGdwhly,
	})
}

const gkSID = "175"

type gkArticle struct {
	ID                 int64  `json:"id"`
	Title              string `json:"title"`
	URL                string `json:"url"`
	Publisher          string `json:"publisher"`
	CreateTime         int64  `json:"create_time"`
	FirstPublishTime   int64  `json:"first_publish_time"`
	DisplayPublishTime int64  `json:"display_publish_time"`
}

func gkDetailPath(id int64) string {
	return fmt.Sprintf("/gkmlpt/content/%d/%d/post_%d.html", id/1000000, id/1000, id)
}

func gkDetail(site string) func(r famRep, id int64) famRender {
	return func(r famRep, id int64) famRender {
		return func(content, files string) string {
			var b strings.Builder
			b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
			fmt.Fprintf(&b, "<title>%s-%s</title>\n", esc(r.Title), esc(site))
			for _, m := range [][2]string{{"ArticleTitle", r.Title}, {"PubDate", r.Published + " 10:00"}, {"ContentSource", r.Body}, {"ArticleId", strconv.FormatInt(id, 10)}} {
				fmt.Fprintf(&b, `<meta name="%s" content="%s">`+"\n", m[0], esc(m[1]))
			}
			b.WriteString("</head>\n<body>\n<div class=\"gkmlpt-detail\">\n")
			fmt.Fprintf(&b, `<table class="introduce"><tr><td>索引号：</td><td>006940167/%d-%d</td><td>发布机构：</td><td>%s</td></tr><tr><td>成文日期：</td><td>%s</td><td>公开方式：</td><td>主动公开</td></tr></table>`+"\n", id%10000, id/10000, esc(r.Body), r.Published)
			fmt.Fprintf(&b, "<h1 class=\"title\">%s</h1>\n<div class=\"article-content\">\n%s%s</div>\n</div>\n</body>\n</html>\n", esc(r.Title), content, files)
			return b.String()
		}
	}
}

func buildGdwhly(b *builder) {
	vh := b.host("whly.gd.gov.cn", schemeBoth, miss404)
	const site = "广东省文化和旅游厅"
	det := gkDetail(site)
	units := []string{"广东省文化和旅游厅", "广东省博物馆", "广东省立中山图书馆", "广东美术馆", "广东省文化馆",
		"广东省艺术研究所", "广东省文物考古研究院", "广东省非物质文化遗产保护中心", "广东省旅游发展中心", "广东粤剧院",
		"广东省歌舞剧院", "广东省木偶艺术剧院", "广东华侨博物馆", "广东省文化和旅游对外交流中心", "广东省文化市场综合执法监督局",
		"广东星海音乐厅", "广东省连环画馆", "广东省文物鉴定站", "广东省古籍保护中心", "广东省群众艺术馆",
		"广东省岭南画派纪念馆", "广东省现代舞团", "广东省话剧院", "广东省文化和旅游厅机关服务中心", "广东省文化艺术职业学院"}
	var arts []gkArticle
	id := int64(3795000)
	add := func(r famRep) {
		id++
		path := gkDetailPath(id)
		if r.Year != 0 {
			if r.Stub {
				r.Files = []famFile{{Kind: fPDF, Name: r.Title + ".pdf", Path: fmt.Sprintf("/attachment/0/517/517%03d/%d.pdf", id%1000, id)}}
			}
			b.famPublish(vh, path, r, det(r, id))
		} else {
			vh.page(path, det(r, id)(interpBody, ""), day(r.Published))
			b.decoy(vh.url(path), r.Title, "解读")
		}
		t := day(r.Published).Add(time.Hour).Unix()
		arts = append(arts, gkArticle{ID: id, Title: r.Title, URL: vh.url(path), Publisher: firstNonEmptyStr(r.Body, site),
			CreateTime: t - 3600, FirstPublishTime: t, DisplayPublishTime: t})
	}
	add(famRep{ID: "gd-jd", Title: site + "2024年政府信息公开工作年度报告解读", Published: "2025-01-27"})
	for y := 2024; y >= 2021; y-- {
		for i, u := range units {
			r := famRep{ID: fmt.Sprintf("gd-%d-%02d", y, i), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", u, y), Body: u, Year: y,
				Published: fmt.Sprintf("%d-01-%02d", y+1, 2+i), Stub: i == 7 && y%2 == 0}
			add(r)
		}
	}
	cats := map[string][]gkArticle{"2629": arts}
	vh.prefix("/gkmlpt/api/all/", &resource{handler: gkAPIHandler(cats)})

	shell := func(title string) string {
		return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>` + esc(title) + `</title>
<script>window._CONFIG = {SID: '` + gkSID + `', SITE_NAME: '` + site + `', TREE: [{id: 2620, name: '机构概况', parent: 0}, {id: 2629, name: '政府信息公开年报', parent: 0}, {id: 2631, name: '政府信息公开指南', parent: 0}, {id: 2640, name: '政策文件', parent: 0}]};</script>
<link href="/gkmlpt/static/css/app.5c1d.css" rel="stylesheet"></head><body><noscript>请开启JavaScript</noscript><div id="app"></div>
<script src="/gkmlpt/static/js/chunk-vendors.8a1f.js"></script><script src="/gkmlpt/static/js/app.3b2e.js"></script></body></html>
`
	}
	vh.page("/gkmlpt/index", shell("政府信息公开_"+site), latest("2025-01-27"))
	vh.page("/gkmlpt/annualreport", shell("政府信息公开年报_"+site), latest("2025-01-27"))
	// A ~160-byte location.replace shell: the old column slug now points at the platform.
	vh.page("/zwgk/ndbg/", shellPage("/gkmlpt/annualreport#2629"), day("2021-06-01"))
	vh.page("/", pageShell(site, "首页", "", `<div class="nav"><a href="/">首页</a> <a href="/gkmlpt/index">政府信息公开目录</a> <a href="/zwgk/ndbg/">年度报告</a></div>`), latest("2025-01-27"))
}

func firstNonEmptyStr(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// gkAPIHandler answers /gkmlpt/api/all/{cat}?page=N&sid=S.
func gkAPIHandler(cats map[string][]gkArticle) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cat := strings.TrimPrefix(r.URL.Path, "/gkmlpt/api/all/")
		q := r.URL.Query()
		if q.Get("sid") != gkSID {
			writeRaw(w, http.StatusBadRequest, "application/json;charset=UTF-8", []byte(`{"code":400,"msg":"sid参数错误"}`))
			return
		}
		if _, err := strconv.Atoi(cat); err != nil {
			writeRaw(w, http.StatusNotFound, "application/json;charset=UTF-8", []byte(`{"code":404,"msg":"分类不存在"}`))
			return
		}
		page, _ := strconv.Atoi(q.Get("page"))
		page = max(page, 1)
		all := cats[cat]
		lo, hi := min((page-1)*100, len(all)), min(page*100, len(all))
		out := struct {
			Total    int         `json:"total"`
			Page     int         `json:"page"`
			Articles []gkArticle `json:"articles"`
		}{len(all), page, all[lo:hi]}
		if out.Articles == nil {
			out.Articles = []gkArticle{}
		}
		body, err := json.Marshal(out)
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		writeRaw(w, http.StatusOK, "application/json;charset=UTF-8", body)
	}
}
