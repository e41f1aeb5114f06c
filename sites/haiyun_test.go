package sites

import (
	"strings"
	"testing"
)

const hyColumn = `<html><head><meta charset="utf-8"><title>政府信息公开年报_国家税务总局湘潭市税务局</title><script src="/js/jquery.min.js"></script></head><body>
<div class="lm"><h2>政府信息公开年报</h2><ul class="list" id="fileList"></ul></div>
<script>
var channelId = '8f3c2a9be4d14b7f9a0c6e21d5b7f302';
function loadPage(p){ $.post('/getFileListByCodeId', {channelId: channelId, page: p, size: 20, relateSubChannels: true}, function(res){ $('#fileList').html(res); }); }
loadPage(1);
</script></body></html>`

func TestHaiyunColumn(t *testing.T) {
	p := mustPage(t, "http://www.xtsw.gov.cn/xxgk/gknb/index.html", hyColumn, KindList)
	r, ds := Detect(p)
	if r.Name() != "haiyun" || !strings.Contains(ds[0].Why, "getFileListByCodeId") {
		t.Fatalf("detected %v", ds)
	}
	a := r.Analyze(p)
	var posts []Link
	for _, l := range a.Links {
		if l.Form != "" {
			posts = append(posts, l)
		}
	}
	if len(posts) != 1 || posts[0].URL != "http://www.xtsw.gov.cn/getFileListByCodeId" || posts[0].Kind != KindList ||
		posts[0].Form != "channelId=8f3c2a9be4d14b7f9a0c6e21d5b7f302&page=1&relateSubChannels=true&size=20" {
		t.Fatalf("POST links %+v", posts)
	}
	if len(a.Notes) != 0 {
		t.Errorf("a readable JSON list flagged: %v", a.Notes)
	}
}

func TestHaiyunJSON(t *testing.T) {
	body := `{"results":{"data":{"total":25,"results":[
{"titleHtml":"国家税务总局湘潭市税务局2024年政府信息公开工作<em>年度报告</em>","url":"http://www.xtsw.gov.cn/xxgk/gknb/202501/t20250105_5200001.html","redirectUrl":"","publishedTimeStr":"2025-01-05 15:30:00"},
{"titleHtml":"国家税务总局湘潭市税务局2024年政府信息公开工作<em>年度报告</em>解读","url":"http://www.xtsw.gov.cn/xxgk/gknb/202501/t20250126_5200023.html","publishedTimeStr":"2025-01-26 10:00:00"},
{"titleHtml":"国家税务总局湘乡市税务局2024年政府信息公开工作年度报告","url":"","redirectUrl":"/xxgk/gknb/202501/P020250113000005.docx","publishedTimeStr":"2025-01-13 15:30:00"}
]}},"code":200}`
	tests := []struct {
		page string
		next bool
	}{{"1", true}, {"2", false}}
	for _, tc := range tests {
		p := mustPage(t, "http://www.xtsw.gov.cn/getFileListByCodeId", body, KindList)
		p.Form = "channelId=8f3c2a9be4d14b7f9a0c6e21d5b7f302&page=" + tc.page + "&relateSubChannels=true&size=20"
		r, _ := Detect(p)
		if r.Name() != "haiyun" {
			t.Fatalf("JSON detected as %s", r.Name())
		}
		a := r.Analyze(p)
		if got := linksOf(a, KindDetail); !eq(got, []string{"http://www.xtsw.gov.cn/xxgk/gknb/202501/t20250105_5200001.html"}) {
			t.Errorf("details %v", got)
		}
		if got := linksOf(a, KindAttachment); !eq(got, []string{"http://www.xtsw.gov.cn/xxgk/gknb/202501/P020250113000005.docx"}) {
			t.Errorf("report linked as a file: %v", got)
		}
		for _, l := range a.Links {
			if l.Kind == KindDetail && (l.Title != "国家税务总局湘潭市税务局2024年政府信息公开工作年度报告" || l.Date != "2025-01-05") {
				t.Errorf("row title %q date %q (highlight tags must go)", l.Title, l.Date)
			}
		}
		hasNext := false
		for _, l := range a.Links {
			hasNext = hasNext || l.Next && l.URL == "http://www.xtsw.gov.cn/getFileListByCodeId" && strings.Contains(l.Form, "page=2")
		}
		if hasNext != tc.next {
			t.Errorf("page %s: next %v", tc.page, hasNext)
		}
	}
}

func TestNeedsBrowser(t *testing.T) {
	jsOnly := `<html><head><title>部门信息公开年报</title><script src="/js/bmnb.min.js"></script></head><body><h2>部门信息公开年报</h2><ul id="bmnbList"></ul>
<script>$(function(){ var t = window.atob(document.getElementById('tk').value); $.ajax({url: signUrl('/api/v2/list', t), type: 'POST'}); });</script></body></html>`
	static := `<html><body><ul><li><a href="./202401/t20240115_1.html">湘潭市2023年政府信息公开工作年度报告</a></li></ul><script>$.ajax({url:'/count'})</script></body></html>`
	noScript := `<html><body><h2>部门信息公开年报</h2><p>暂无信息</p></body></html>`
	// A unit list whose report links only call a script (no URL in them).
	row := func(a string) string {
		return `<li>` + a + `汝阳县审计局2023年政府信息公开工作年度报告</a><span>2024-01-25</span></li>`
	}
	jsLinks := `<html><head><title>县审计局</title><script>function showDoc(id){window.location.href='./detail.jsp?id='+id;}</script></head><body>` +
		`<div class="header"><a href="/">汝阳县人民政府</a></div><h2>县审计局</h2><ul class="list">` +
		row(`<a href="javascript:void(0)" onclick="showDoc('5001')">`) + row(`<a href="javascript:showDoc('5002')">`) + `</ul></body></html>`
	// The same with one plain report link: a page of links, no note.
	mixed := strings.Replace(jsLinks, `<ul class="list">`, `<ul class="list"><li><a href="./202301/t20230130_9.html">汝阳县审计局2022年政府信息公开工作年度报告</a></li>`, 1)
	tests := []struct {
		name, url, html, kind string
		want                  bool
	}{
		{"js-only list", "http://www.xtsw.gov.cn/xxgk/bmnb/index.html", jsOnly, KindList, true},
		{"static items", "http://www.xtsw.gov.cn/xxgk/bmnb/index.html", static, KindList, false},
		{"empty without script", "http://www.xtsw.gov.cn/xxgk/bmnb/index.html", noScript, KindList, false},
		{"not a report column", "http://www.xtsw.gov.cn/about/", jsOnly, KindNav, false},
		{"report links only through scripts", "http://www.ruyang.gov.cn/zfxxgk/zfxxgknb/sjj/", jsLinks, KindList, true},
		{"a script link among plain report links", "http://www.ruyang.gov.cn/zfxxgk/zfxxgknb/sjj/", mixed, KindList, false},
	}
	for _, tc := range tests {
		p := mustPage(t, tc.url, tc.html, tc.kind)
		note, got := NeedsBrowser(p, AnalyzeGeneric(p))
		if got != tc.want || got && !strings.HasPrefix(note, NoteNeedsBrowser) {
			t.Errorf("%s: %v %q", tc.name, got, note)
		}
	}
	// The 海云 rule flags it itself when no endpoint can be read.
	a := Haiyun{}.Analyze(mustPage(t, "http://www.xtsw.gov.cn/xxgk/bmnb/index.html", jsOnly, KindList))
	if len(a.Notes) != 1 || !strings.HasPrefix(a.Notes[0], NoteNeedsBrowser) {
		t.Errorf("haiyun notes %v", a.Notes)
	}
}
