package portal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// xtsw — www.xtsw.gov.cn, a 税务局 on TRS 海云 (portals.md §2.1 item 5,
// §5, §6 item 14):
//   - / links two report columns whose HTML lists are empty:
//   - xxgk/gknb/index.html ("政府信息公开年报"): a script POSTs
//     channelId=<32hex>&page=N&size=20&relateSubChannels=true to
//     /getFileListByCodeId, which answers JSON
//     {results:{data:{total, results:[{titleHtml (with <em> highlight
//     tags), url, publishedTimeStr}]}}}: 25 rows (22 reports, a 解读, a 图解
//     and a notice) over 2 pages. GET is refused (405), like the real one.
//   - xxgk/bmnb/index.html ("部门信息公开年报"): a list drawn by a script
//     from a signed, token-bearing request a static crawler cannot make:
//     the crawl must say "needs a browser", not "no reports". Its reports
//     are therefore not expected.
func init() {
	registerFamily(&siteDef{
		Name: "xtsw", Region: "湖南省湘潭市", order: 107,
		Start: []string{"http://www.xtsw.gov.cn/"}, Hosts: []string{"www.xtsw.gov.cn"},
		build: buildXtsw,
	})
}

const hyChannelID = "8f3c2a9be4d14b7f9a0c6e21d5b7f302"

type hyRow struct {
	TitleHTML        string `json:"titleHtml"`
	URL              string `json:"url"`
	RedirectURL      string `json:"redirectUrl"`
	PublishedTimeStr string `json:"publishedTimeStr"`
}

func buildXtsw(b *builder) {
	vh := b.host("www.xtsw.gov.cn", schemeBoth, miss404)
	const site = "国家税务总局湘潭市税务局"
	det := func(r famRep) famRender {
		return func(content, files string) string {
			var s strings.Builder
			s.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
			fmt.Fprintf(&s, "<title>%s</title>\n<meta name=\"ArticleTitle\" content=\"%s\">\n<meta name=\"PubDate\" content=\"%s 15:30\">\n<meta name=\"ContentSource\" content=\"%s\">\n</head>\n<body>\n",
				esc(r.Title), esc(r.Title), r.Published, esc(r.Body))
			fmt.Fprintf(&s, "<div class=\"article\"><h1>%s</h1><div class=\"article-content\" id=\"zoomcon\">\n%s%s</div></div>\n</body>\n</html>\n", esc(r.Title), content, files)
			return s.String()
		}
	}
	units := []string{"国家税务总局湘潭市税务局", "国家税务总局湘潭市岳塘区税务局", "国家税务总局湘潭市雨湖区税务局", "国家税务总局湘潭县税务局",
		"国家税务总局湘乡市税务局", "国家税务总局韶山市税务局", "国家税务总局湘潭经济技术开发区税务局", "国家税务总局湘潭高新技术产业开发区税务局",
		"国家税务总局湘潭昭山示范区税务局", "国家税务总局湘潭市税务局第一稽查局", "国家税务总局湘潭市税务局第二稽查局"}
	var rows []hyRow
	n := 0
	em := func(t string) string { return strings.Replace(esc(t), "年度报告", "<em>年度报告</em>", 1) }
	for _, y := range []int{2024, 2023} {
		for i, u := range units {
			n++
			pub := fmt.Sprintf("%d-01-%02d", y+1, 5+i*2)
			r := famRep{ID: fmt.Sprintf("xt-%d-%02d", y, i), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", u, y), Body: u, Year: y, Published: pub}
			if i == 4 {
				r.Stub = true
				r.Files = []famFile{{Kind: fDOCX, Name: r.Title + ".docx", Path: fmt.Sprintf("/xxgk/gknb/%s/P0%s%06d.docx", strings.ReplaceAll(pub, "-", "")[:6], strings.ReplaceAll(pub, "-", ""), n), CD: cdRFC5987}}
				r.Files[0].Href = r.Files[0].Path
			}
			path := fmt.Sprintf("/xxgk/gknb/%s/t%s_%d.html", strings.ReplaceAll(pub, "-", "")[:6], strings.ReplaceAll(pub, "-", ""), 5200000+n)
			b.famPublish(vh, path, r, det(r))
			rows = append(rows, hyRow{TitleHTML: em(r.Title), URL: vh.url(path), PublishedTimeStr: pub + " 15:30:00"})
		}
		if y == 2024 {
			for _, d := range []struct{ title, why, body, pub string }{
				{site + "2024年政府信息公开工作年度报告解读", "解读", interpBody, "2025-01-26"},
				{"一图读懂" + site + "2024年政府信息公开工作年度报告", "图解", graphicBody, "2025-01-27"},
				{"关于做好2024年度政府信息公开工作年度报告编制发布工作的通知", "notice", noticeBody, "2024-12-12"},
			} {
				n++
				path := fmt.Sprintf("/xxgk/gknb/%s/t%s_%d.html", strings.ReplaceAll(d.pub, "-", "")[:6], strings.ReplaceAll(d.pub, "-", ""), 5200000+n)
				vh.page(path, det(famRep{Title: d.title, Published: d.pub})(d.body, ""), day(d.pub))
				b.decoy(vh.url(path), d.title, d.why)
				rows = append(rows, hyRow{TitleHTML: em(d.title), URL: vh.url(path), RedirectURL: "", PublishedTimeStr: d.pub + " 10:00:00"})
			}
		}
	}
	vh.put("/getFileListByCodeId", &resource{handler: haiyunHandler(map[string][]hyRow{hyChannelID: rows})})

	gknb := pageShell(site, "政府信息公开年报", `<script src="/js/jquery.min.js"></script>`, `<div class="lm"><h2>政府信息公开年报</h2><ul class="list" id="fileList"></ul><div id="page"></div></div>
<script>
var channelId = '`+hyChannelID+`';
function loadPage(p){
  $.post('/getFileListByCodeId', {channelId: channelId, page: p, size: 20, relateSubChannels: true}, function(res){
    var rows = res.results.data.results, h = '';
    for (var i = 0; i < rows.length; i++) { h += '<li><a href="' + (rows[i].url || rows[i].redirectUrl) + '" target="_blank">' + rows[i].titleHtml + '</a><span>' + rows[i].publishedTimeStr.substring(0, 10) + '</span></li>'; }
    $('#fileList').html(h);
  });
}
loadPage(1);
</script>`)
	vh.dir("/xxgk/gknb/", gknb, latest("2025-01-27"))
	bmnb := pageShell(site, "部门信息公开年报", `<script src="/js/jquery.min.js"></script><script src="/js/bmnb.min.js"></script>`, `<div class="lm"><h2>部门信息公开年报</h2><ul id="bmnbList"></ul><div id="pages"></div></div>
<script>$(function(){ var t = window.atob(document.getElementById('tk').value); $.ajax({url: signUrl('/api/v2/list', t), type: 'POST', success: function(r){ $('#bmnbList').html(render(r)); }}); });</script>
<input type="hidden" id="tk" value="eyJjaWQiOiJibW5iIiwidHMiOjE3MzcwMDAwMDB9">`)
	vh.dir("/xxgk/bmnb/", bmnb, latest("2025-01-27"))
	vh.page("/", pageShell(site, "首页", "", `<div class="nav"><a href="/">首页</a> <a href="/xxgk/gknb/index.html">政府信息公开年报</a> <a href="/xxgk/bmnb/index.html">部门信息公开年报</a></div>`), latest("2025-01-27"))
}

// haiyunHandler answers POST /getFileListByCodeId (form channelId, page,
// size); GET is refused like Spring's "Request method 'GET' not supported".
func haiyunHandler(channels map[string][]hyRow) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeRaw(w, http.StatusMethodNotAllowed, "application/json;charset=UTF-8", []byte(`{"code":405,"msg":"Request method 'GET' not supported"}`))
			return
		}
		if err := r.ParseForm(); err != nil {
			writeRaw(w, http.StatusBadRequest, "application/json;charset=UTF-8", []byte(`{"code":400,"msg":"bad form"}`))
			return
		}
		rows := channels[r.PostForm.Get("channelId")]
		page, _ := strconv.Atoi(r.PostForm.Get("page"))
		size, _ := strconv.Atoi(r.PostForm.Get("size"))
		page, size = max(page, 1), min(max(size, 1), 100)
		lo, hi := min((page-1)*size, len(rows)), min(page*size, len(rows))
		var out struct {
			Results struct {
				Data struct {
					Total   int     `json:"total"`
					Results []hyRow `json:"results"`
				} `json:"data"`
			} `json:"results"`
			Code int `json:"code"`
		}
		out.Results.Data.Total = len(rows)
		out.Results.Data.Results = append([]hyRow{}, rows[lo:hi]...)
		out.Code = 200
		body, err := json.Marshal(out)
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		writeRaw(w, http.StatusOK, "application/json;charset=UTF-8", body)
	}
}
