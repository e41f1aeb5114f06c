package sites

import (
	"strings"
	"testing"
)

// A Jiangsu-style column: datastore CDATA records with mixed quoting, four
// record templates, a truncated and a polluted anchor text, a 解读, the
// nextgroup link and the jpage init (shapes from portals.md §2.2, C25/C26).
const hanwebColumn = `<html><head><meta charset="utf-8"><title>政府信息公开年报_江苏省人民政府</title>
<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.page.js"></script></head><body>
<div class="nav"><a href="/col/col31252/index.html">政府信息公开指南</a></div>
<div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=31251&unitid=212860&webname=%25E6%25B1%259F&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li><a href='/art/2025/1/29/art_31251_41790.html' title='江苏省人民政府办公厅2024年政府信息公开工作年度报告' target="_blank">江苏省人民政府办公厅2024…</a><span>2025-01-29</span></li>
]]></record>
<record><![CDATA[
<li class="clearfix"><a href="/art/2025/1/30/art_31251_41791.html" title="江苏省人民政府办公厅2024年政府信息公开工作年度报告解读" target="_blank">解读</a><b>2025-01-30</b></li>
]]></record>
<record><![CDATA[
<tr><td><a href='/art/2024/1/26/art_31251_41793.html' title='江苏省发展和改革委员会2023年政府信息公开工作年度报告' target="_blank">江苏省发展和改革委员会<li style=<br/></a></td><td>[2024-01-26]</td></tr>
]]></record>
<record><![CDATA[
<li><s></s><a class="ellipsis-line-clamp" title="江苏省教育厅2023年政府信息公开工作年度报告" href="/art/2024/1/25/art_31251_41794.html">江苏省教育厅2023年政府信息公开工作年度报告</a><span class="pull-right">2024-01-25</span></li>
]]></record>
</recordset></datastore></script></div>
<script>$('#212860').jpage({themeName:'default',showMode:'full',dataStore:null,totalRecord:11,perPage:2,groupSize:2,proxyUrl:'/module/web/jpage/dataproxy.jsp',ajaxParam:{col:1,appid:1,webid:1,path:'/',columnid:31251,sourceContentType:1,unitid:'212860',webname:'%25E6%25B1%259F',permissiontype:0}});</script>
<div class="pageinfo"><a href="?uid=212860&amp;pageNum=2">下一页</a></div>
</body></html>`

func TestHanwebColumn(t *testing.T) {
	p := mustPage(t, "http://www.jiangsu.gov.cn/col/col31251/index.html", hanwebColumn, KindList)
	r, ds := Detect(p)
	if r.Name() != "hanweb" || !strings.Contains(ds[0].Why, "<datastore>") {
		t.Fatalf("detected %s: %v", r.Name(), ds)
	}
	a := r.Analyze(p)
	if !a.IsList || a.Report != nil {
		t.Fatalf("IsList %v Report %v", a.IsList, a.Report)
	}
	wantDetail := []string{
		"http://www.jiangsu.gov.cn/art/2024/1/25/art_31251_41794.html",
		"http://www.jiangsu.gov.cn/art/2024/1/26/art_31251_41793.html",
		"http://www.jiangsu.gov.cn/art/2025/1/29/art_31251_41790.html",
	}
	if got := linksOf(a, KindDetail); !eq(got, wantDetail) {
		t.Errorf("details\n%v\nwant\n%v", got, wantDetail)
	}
	titles := map[string]string{}
	dates := map[string]string{}
	for _, l := range a.Links {
		titles[l.URL], dates[l.URL] = l.Title, l.Date
	}
	if got := titles[wantDetail[1]]; got != "江苏省发展和改革委员会2023年政府信息公开工作年度报告" {
		t.Errorf("polluted record title %q (title= must win)", got)
	}
	if got := titles[wantDetail[2]]; got != "江苏省人民政府办公厅2024年政府信息公开工作年度报告" {
		t.Errorf("truncated record title %q", got)
	}
	if dates[wantDetail[1]] != "2024-01-26" || dates[wantDetail[2]] != "2025-01-29" {
		t.Errorf("dates %v", dates)
	}
	// 4 inline records; 11 in all, groups of 2×2 = 4: records 5–8 and 9–11.
	var groups []string
	for _, l := range a.Links {
		if l.Next && strings.Contains(l.URL, "dataproxy.jsp") {
			groups = append(groups, l.URL)
		}
	}
	want := []string{
		"http://www.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=5&endrecord=8&perpage=2&col=1&appid=1&webid=1&path=/&columnid=31251&sourceContentType=1&unitid=212860&webname=%25E6%25B1%259F&permissiontype=0",
		"http://www.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=9&endrecord=11&perpage=2&col=1&appid=1&webid=1&path=/&columnid=31251&sourceContentType=1&unitid=212860&webname=%25E6%25B1%259F&permissiontype=0",
	}
	if !eq(groups, want) {
		t.Errorf("dataproxy groups\n%v\nwant\n%v", groups, want)
	}
	for _, l := range a.Links {
		if strings.Contains(l.URL, "41791") {
			t.Errorf("解读 followed: %+v", l)
		}
	}
}

func TestHanwebPageNumIgnored(t *testing.T) {
	// The same bytes served for ?pageNum=2: the pager still points to page 2.
	p := mustPage(t, "http://www.jiangsu.gov.cn/col/col31251/index.html?uid=212860&pageNum=2", hanwebColumn, KindList)
	a := Hanweb{}.Analyze(p)
	for _, l := range a.Links {
		if strings.Contains(l.URL, "pageNum") {
			t.Errorf("pageNum link kept on a server that ignores it: %+v", l)
		}
	}
	if len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "ignored") {
		t.Errorf("notes %v", a.Notes)
	}
	if len(linksOf(a, KindDetail)) != 3 {
		t.Errorf("records lost: %v", linksOf(a, KindDetail))
	}
	// Honoured: the server marks page 2 current and links page 3.
	honoured := strings.Replace(hanwebColumn, `<div class="pageinfo"><a href="?uid=212860&amp;pageNum=2">下一页</a></div>`,
		`<div class="pages">共3页 <a href="?uid=212860&amp;pageNum=1">1</a> <span class="current">2</span> <a href="?uid=212860&amp;pageNum=3">下一页</a></div>`, 1)
	p = mustPage(t, "http://www.lishui.gov.cn/col/col1/index.html?uid=212860&pageNum=2", honoured, KindList)
	a = Hanweb{}.Analyze(p)
	found := false
	for _, l := range a.Links {
		found = found || l.Next && strings.HasSuffix(l.URL, "pageNum=3")
	}
	if !found || len(a.Notes) != 0 {
		t.Errorf("honoured pageNum: next page 3 found %v, notes %v", found, a.Notes)
	}
}

func TestHanwebInitDataAndProxy(t *testing.T) {
	h := `<html><body><div id="49468"></div><script>var InitData49468 = ['<li><a href="/art/2025/1/10/art_1229425517_7000000.html" title="丽水市人民政府办公室2024年政府信息公开工作年度报告">丽水市人民政府办公室…</a><span>2025-01-10</span></li>',
'<li><a href=\'/art/2025/1/13/art_1229425517_7000001.html\' title=\'丽水市财政局2024年政府信息公开工作年度报告\'>丽水市财政局2024年政府信息公开工作年度报告</a><b>2025-01-13</b></li>'];
$('#49468').jpage({themeName:'default',showMode:'full',totalRecord:12,dataStore:InitData49468,groupSize:1,perPage:5});</script></body></html>`
	p := mustPage(t, "http://www.lishui.gov.cn/col/col1229425517/index.html", h, KindList)
	if r, ds := Detect(p); r.Name() != "hanweb" {
		t.Fatalf("detected %v", ds)
	}
	a := Hanweb{}.Analyze(p)
	want := []string{"http://www.lishui.gov.cn/art/2025/1/10/art_1229425517_7000000.html", "http://www.lishui.gov.cn/art/2025/1/13/art_1229425517_7000001.html"}
	if got := linksOf(a, KindDetail); !eq(got, want) {
		t.Errorf("InitData details %v", got)
	}
	for _, l := range a.Links {
		if strings.Contains(l.URL, "dataproxy") {
			t.Errorf("no proxyUrl, yet a dataproxy link: %s", l.URL)
		}
	}

	xml := `<?xml version="1.0" encoding="UTF-8"?>
<datastore>
<totalrecord>11</totalrecord>
<totalpage>6</totalpage>
<recordset>
<record><![CDATA[
<li><a href='/art/2021/1/29/art_31251_41798.html' title='江苏省人民政府办公厅2020年政府信息公开工作年度报告' target="_blank">江苏省人民政府办公厅2020年…</a><span>2021-01-29</span></li>
]]></record>
<record><![CDATA[
<li><a href="/art/2020/1/31/art_31251_41799.html" title="江苏省人民政府办公厅2019年政府信息公开工作年度报告">江苏省人民政府办公厅2019年政府信息公开工作年度报告</a><span>2020-01-31</span></li>
]]></record>
</recordset>
</datastore>`
	p = mustPage(t, "http://www.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=5&endrecord=6&perpage=2&columnid=31251&unitid=212860", xml, KindList)
	if r, _ := Detect(p); r.Name() != "hanweb" {
		t.Fatalf("proxy XML detected as %s", r.Name())
	}
	a = Hanweb{}.Analyze(p)
	if got := linksOf(a, KindDetail); len(got) != 2 {
		t.Errorf("proxy records %v", got)
	}
	var next []string
	for _, l := range a.Links {
		if l.Next {
			next = append(next, l.URL)
		}
	}
	if !eq(next, []string{"http://www.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=7&endrecord=8&perpage=2&columnid=31251&unitid=212860"}) {
		t.Errorf("next group %v", next)
	}
}

func TestHanwebDetail(t *testing.T) {
	h := `<html><head><meta charset="utf-8"><title>江苏省人民政府 政府信息公开年报 江苏省人民政府办公厅2023年政府信息公开工作年度报告</title>
<meta name="ArticleTitle" content="江苏省人民政府办公厅2023年政府信息公开工作年度报告"><meta name="PubDate" content="2024-01-29 17:18"><meta name="i_columnid" content="31251"></head><body>
<div class="crumbs"><a href="/">首页</a> &gt; <a href="/col/col31251/index.html">政府信息公开年报</a></div>
<div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart"><p>详见附件。</p><meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>
<p class="attach">附件：<a href="/module/download/downfile.jsp?classid=0&amp;filename=0a1b2c3d4e5f60718293a4b5c6d7e8f9.pdf">江苏省人民政府办公厅2023年政府信息公开工作年度报告.pdf</a></p>
</body></html>`
	p := mustPage(t, "http://www.jiangsu.gov.cn/art/2024/1/29/art_31251_41792.html", h, KindDetail)
	r, ds := Detect(p)
	if r.Name() != "hanweb" || !strings.Contains(ds[0].Why, "ZJEG") {
		t.Fatalf("detected %v", ds)
	}
	a := r.Analyze(p)
	if a.Report == nil || a.Report.Year != 2023 || a.Date != "2024-01-29" {
		t.Fatalf("report %+v date %s", a.Report, a.Date)
	}
	if got := linksOf(a, KindAttachment); !eq(got, []string{"http://www.jiangsu.gov.cn/module/download/downfile.jsp?classid=0&filename=0a1b2c3d4e5f60718293a4b5c6d7e8f9.pdf"}) {
		t.Errorf("attachments %v", got)
	}
}
