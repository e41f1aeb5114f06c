package fetch

import (
	"net/http"
	"strings"
	"testing"
)

// Realistic bodies, built from portals.md §4.2–§4.3.
const (
	ruishu412 = `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="kE3hXB2pLfOXhcGQXpgkaFJ2Rxs4SAmF8ep2m0PHwwAtmSYx4bnrnqL0fH0V1FvZ" r='m'>
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=45213;$_ts.cd="qhxrrrAlDqPmcGLrqGl9kaqcgsAtgq...";</script>
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r='m'></script></head><body></body></html>`
	jiasule521    = `<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+('_')+('s')+('=')+(-~[]+'')+...;location.href=location.pathname+location.search</script>`
	jiasuleSimple = `<html><body><script>document.cookie='__jsluid_s=6452684553c30942fcb8cff8d5aa5a5b;max-age=31536000;path=/';location.reload();</script></body></html>`
	wzws200       = `<html>
<head>
</head>
<body>
<noscript>
<h1><strong>请开启JavaScript并刷新该页.</strong></h1>
</noscript>
<script type="text/javascript">
eval(function(p,a,c,k,e,d){e=function(c){return(c<a?'':e(parseInt(c/a)))+((c=c%a)>32?String.fromCharCode(c+32):c.toString(33))};while(c--)if(k[c])p=p.replace(new RegExp('\\b'+e(c)+'\\b','g'),k[c]);return p}('15 D="k";15 1a="/WZWSREL3h4Z2svemZ4eGdrbmIv"',62,68,'var|wzwschallenge'.split('|'),0,{}))
</script>
</body>
</html>`
	edgeone200      = `<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body><script>!function(){var t={WTKkN:2994459411,bOYDu:43269009,hUyxB:function(a,n){return a+n},wyeCN:1143439771,qkFZd:function(e,t){return e(t)}};document.cookie="__tst_status="+(t.WTKkN+t.bOYDu+t.wyeCN)+"#;path=/";document.cookie="EO_Bot_Ssid="+(function(t,n){return n})(t,3612672000)+";path=/";location.reload()}();</script></body></html>`
	aliyunChallenge = `<html><script>var arg1='2E5D7C0B5E1D5B9D3D9F8B1A6E3B5A7A8E4D0F3E';...document.cookie="acw_sc__v2="+x+"; expires=Wed, 01 Jan 2025 00:00:00 GMT; max-age=3600; path=/";document.location.reload();</script></html>`
	shellReplace    = `<html><head><script type="text/javascript">location.replace('./jbxx/');</script></head><body></body></html>`
	shellWindow     = `<!DOCTYPE html><html><head><meta charset="utf-8"><script>window.location.href = "/zfxxgkzn/";</script></head><body>正在跳转...</body></html>`
	metaRefresh     = `<html><head><meta http-equiv="refresh" content="0; url=index_3.html"><title>跳转</title></head><body></body></html>`
	metaRefresh300  = `<html><head><meta http-equiv="refresh" content="300"><title>洛阳市偃师区人民政府</title></head><body><div>` +
		`<a href="/xxgk/">政府信息公开</a> 偃师区人民政府门户网站</div></body></html>`
	selfReload   = `<html><head><script>setTimeout(function(){location.reload();},100)</script></head><body></body></html>`
	soft404Title = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 - 页面不存在</title></head><body>` +
		`<div class="header">偃师区人民政府</div><div class="main">` +
		`<img src="/images/404.png"><p>抱歉，您访问的页面不存在或已被删除！</p><a href="/">返回首页</a></div></body></html>`
	soft404Plain = `<html><head><title>洛阳市人民政府</title></head><body><div class="err"><p>对不起，您所访问的页面已删除或不存在。</p>` +
		`<p><span id="sec">5</span>秒后自动返回<a href="/">首页</a></p></div></body></html>`
	errorInsteadOfFile = `<html><head><title>提示信息</title></head><body><p>非法请求或附件已过期，请从原页面重新下载。</p></body></html>`
)

// reportPage is a long, real-looking report page whose text mentions
// 404 as a number and a 网站防火墙, and whose links use onclick and
// location.href handlers: none of that makes it an error.
func reportPage() string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>偃师区2023年政府信息公开工作年度报告</title>` +
		`<meta name="PubDate" content="2024-01-15 10:23"></head><body><div class="TRS_Editor">`)
	b.WriteString(`<p>一、总体情况</p><p>2023年，偃师区认真贯彻落实《中华人民共和国政府信息公开条例》，部署网站防火墙，全年主动公开政府信息404条。</p>`)
	for i := 0; i < 40; i++ {
		b.WriteString(`<table class="MsoNormalTable"><tr><td><p align="center">第二十条第（一）项</p></td><td>信息内容</td><td>本年制发件数</td><td>404</td></tr></table>`)
		b.WriteString(`<p>（三）政府信息管理。严格落实政府信息公开属性源头认定机制，规范发布流程，确保信息准确。</p>`)
	}
	b.WriteString(`<a href="javascript:void(0)" onclick="window.location.href='/xxgk/'">返回</a>`)
	b.WriteString(`</div></body></html>`)
	return b.String()
}

func resp(status int, url string, body string, header ...string) *Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return &Response{StatusCode: status, URL: url, Header: h, Body: []byte(body)}
}

func TestClassify(t *testing.T) {
	const page = "http://www.yanshi.gov.cn/xxgk/zfxxgknb/"
	const doc = "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/P020240115382295081505.pdf"
	pdf := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n"
	gbkSoft404 := gbk(t, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>提示</title></head>`+
		`<body><p>您访问的页面不存在！</p></body></html>`)
	cases := []struct {
		name      string
		r         *Response
		expectDoc bool
		kind      Kind
		reason    string
		target    string
	}{
		{"pdf attachment", resp(200, doc, pdf, "Content-Type", "application/octet-stream"), true, KindOK, "", ""},
		{"report page", resp(200, page+"t20240115_1.html", reportPage(), "Content-Type", "text/html"), false, KindOK, "", ""},
		{"periodic meta refresh is no redirect", resp(200, "http://www.yanshi.gov.cn/", metaRefresh300), false, KindOK, "", ""},
		{"304", resp(304, page, ""), false, KindNotModified, "", ""},
		{"pdf with a jiasule cookie", resp(200, doc, pdf, "Set-Cookie", "__jsluid_h=3e3a0b5f; max-age=31536000; path=/"), true, KindOK, "", ""},
		{"short page with an EdgeOne cookie", resp(200, page, "<html><body><p>政府信息公开年报</p></body></html>", "Set-Cookie", "EO_Bot_Ssid=123; path=/"), false, KindOK, "", ""},
		{"ruishu 412 sets T cookie only on 412", resp(200, doc, pdf, "Set-Cookie", "NfBCSins2OywT=abc; path=/"), true, KindOK, "", ""},

		{"ruishu 412", resp(412, page, ruishu412, "Set-Cookie", "NfBCSins2OywS=60Zq8n0yHHGJ6ea; Path=/; expires=Mon, 12 Jan 2034 09:12:58 GMT; HttpOnly"), false, KindBlocked, WAFRuishu, ""},
		{"ruishu 200 variant", resp(200, page, ruishu412), false, KindBlocked, WAFRuishu, ""},
		{"ruishu 412 cookie only", resp(412, page, "<html></html>", "Set-Cookie", "FSSBBIl1UgzbN7N80S=abc; Path=/"), false, KindBlocked, WAFRuishu, ""},
		{"jiasule 521 obfuscated", resp(521, page, jiasule521, "Set-Cookie", "__jsluid_h=3e3a0b5f1d6f0c1b2a3b4c5d6e7f8091; max-age=31536000; path=/; HttpOnly"), false, KindBlocked, WAFJiasule, ""},
		{"jiasule 521 simple", resp(521, page, jiasuleSimple), false, KindBlocked, WAFJiasule, ""},
		{"wzws 200 challenge", resp(200, page, wzws200, "Set-Cookie", "wzws_cid=8d1b...; path=/"), false, KindBlocked, WAFWzws, ""},
		{"wzws 302 challenge", resp(302, "http://www.stats.gov.cn/sj/", "", "Location", "/WZWSREL3NqLw==?wzwschallenge=V1pXU19DT05GSVJNX1BSRUZJWF9MQUJFTDQ="), false, KindBlocked, WAFWzws, "http://www.stats.gov.cn/sj/"},
		{"wzws followed", resp(200, "https://www.npc.gov.cn/WZWSREL25wYy9jMi9jMzA4MzQvMjAyMTA4L3QyMDIxMDgyMF8zMTMwODguaHRtbD9yZWY9aW1i", "<html><body>x</body></html>"), false, KindBlocked, WAFWzws, "https://www.npc.gov.cn/npc/c2/c30834/202108/t20210820_313088.html?ref=imb"},
		{"edgeone 200", resp(200, "https://www.mohrss.gov.cn/xxgk2020/fdzdgknr/zfxxgkndbg/", edgeone200), false, KindBlocked, WAFEdgeOne, ""},
		{"edgeone error page", resp(567, page, "<html><body>Request blocked</body></html>", "Server", "TencentEdgeOne"), false, KindBlocked, WAFEdgeOne, ""},
		{"aliyun challenge", resp(200, page, aliyunChallenge), false, KindBlocked, WAFCDN, ""},
		{"self reload", resp(200, page, selfReload), false, KindBlocked, JSChallenge, ""},
		{"challenge instead of file", resp(200, doc, ruishu412), true, KindBlocked, WAFRuishu, ""},

		{"soft 404 title", resp(200, page+"old.html", soft404Title), false, KindSoft404, "", ""},
		{"soft 404 text", resp(200, page+"old.html", soft404Plain), false, KindSoft404, "", ""},
		{"soft 404 GBK", resp(200, page+"old.html", gbkSoft404, "Content-Type", "text/html"), false, KindSoft404, "", ""},
		{"a title with 404 as an ordinal is not a soft 404", resp(200, page, `<html><head><title>测试省第404区人民政府</title></head><body><a href="/xxgk/">政府信息公开</a></body></html>`), false, KindOK, "", ""},
		{"soft 404 title: 404页面", resp(200, page+"x.html", `<html><head><title>404页面</title></head><body><p>返回首页</p></body></html>`), false, KindSoft404, "", ""},
		{"soft 404 title: 页面404", resp(200, page+"x.html", `<html><head><title>页面404</title></head><body><p>返回首页</p></body></html>`), false, KindSoft404, "", ""},
		{"soft 404 empty 200", resp(200, page, ""), false, KindSoft404, "empty_body", ""},
		{"soft 404: error code 404 in a short page", resp(200, page+"x.html", `<html><body><p>错误代码：404</p></body></html>`), false, KindSoft404, "", ""},
		{"a short report page holding the number 404 is not a soft 404", resp(200, page+"t1.html",
			`<html><head><title>某局2023年政府信息公开工作年度报告</title></head><body><p>本页面公开数据</p><table><tr><td>自然人</td><td>404</td></tr></table></body></html>`), false, KindOK, "", ""},

		{"html error instead of file", resp(200, doc, errorInsteadOfFile, "Content-Type", "application/pdf"), true, KindHTMLError, "", ""},
		{"report page where a file was expected", resp(200, doc, reportPage()), true, KindHTMLError, "", ""},
		{"empty body instead of file", resp(200, doc, ""), true, KindHTMLError, "", ""},
		{"soft 404 where a file was expected", resp(200, doc, soft404Title), true, KindSoft404, "", ""},

		{"location.replace shell", resp(200, "http://www.bjxch.gov.cn/xxgk/jdxxgk/", shellReplace), false, KindJSRedirect, "", "http://www.bjxch.gov.cn/xxgk/jdxxgk/jbxx/"},
		{"location.replace shell, list without slash", resp(200, "http://www.bjxch.gov.cn/xxgk/jdxxgk", shellReplace), false, KindJSRedirect, "", "http://www.bjxch.gov.cn/xxgk/jdxxgk/jbxx/"},
		{"window.location shell", resp(200, "http://www.miyun.gov.cn/zfxxgk/", shellWindow), false, KindJSRedirect, "", "http://www.miyun.gov.cn/zfxxgkzn/"},
		{"meta refresh past the end", resp(200, "http://www.mohrss.gov.cn/xxgk/index_9.html", metaRefresh), false, KindJSRedirect, "", "http://www.mohrss.gov.cn/xxgk/index_3.html"},
		{"js redirect instead of file", resp(200, "http://www.yanshi.gov.cn/module/download/downfile.jsp?id=1", `<script>window.location.href="/attach/0/abc.pdf";</script>`), true, KindJSRedirect, "", "http://www.yanshi.gov.cn/attach/0/abc.pdf"},

		{"404", resp(404, page, soft404Title), false, KindNotFound, "", ""},
		{"410", resp(410, page, ""), false, KindNotFound, "", ""},
		{"500", resp(500, page, "<h1>Internal Server Error</h1>"), false, KindServerError, "", ""},
		{"503 rate limit", resp(503, page, "", "Retry-After", "30"), false, KindServerError, "rate_limited", ""},
		{"501 no referer", resp(501, doc, ""), true, KindServerError, "", ""},
		{"521 origin down", resp(521, page, "origin down"), false, KindServerError, "", ""},
		{"403", resp(403, page, "<h1>403 Forbidden</h1>"), false, KindClientError, "forbidden", ""},
		{"429", resp(429, page, ""), false, KindClientError, "rate_limited", ""},
		{"400", resp(400, page, ""), false, KindClientError, "", ""},
		{"412 plain", resp(412, page, "Precondition Failed"), false, KindClientError, "", ""},
		{"301 unfollowed", resp(301, "http://www.mtg.gov.cn/zwgk", "", "Location", "https://www.mtg.gov.cn/zwgk/"), false, KindRedirect, "", "https://www.mtg.gov.cn/zwgk/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := Classify(tc.r, tc.expectDoc)
			if v.Kind != tc.kind || v.Reason != tc.reason || v.Target != tc.target {
				t.Errorf("got %s\nwant kind %s reason %q target %q", v, tc.kind, tc.reason, tc.target)
			}
			if v.Status != tc.r.StatusCode {
				t.Errorf("status %d, want %d", v.Status, tc.r.StatusCode)
			}
			if v.Archivable() != (tc.kind == KindOK) {
				t.Error("Archivable disagrees with Kind")
			}
		})
	}
}

func TestClassifyNeverChangesBody(t *testing.T) {
	body := gbk(t, `<html><head><meta charset="gbk"><title>404</title></head><body>页面不存在</body></html>`)
	r := resp(200, "http://x.gov.cn/", body)
	Classify(r, false)
	if string(r.Body) != body {
		t.Error("Classify modified the body")
	}
}

func TestClassifyNil(t *testing.T) {
	if v := Classify(nil, true); v.Kind != KindServerError {
		t.Errorf("nil response: %s", v)
	}
}

func TestClassifyLargePageCutsSafely(t *testing.T) {
	// A GBK page larger than the classification window must still decode
	// as GBK (the cut must not leave half a character).
	var b strings.Builder
	b.WriteString(`<html><head><meta charset="gb2312"><title>您访问的页面不存在</title></head><body>`)
	for b.Len() < classifyLimit+1000 {
		b.WriteString("<p>政府信息公开工作年度报告</p>\n")
	}
	v := Classify(resp(200, "http://x.gov.cn/a.html", gbk(t, b.String())), false)
	if v.Kind != KindSoft404 {
		t.Errorf("got %s, want soft_404 from the GBK title", v)
	}
}

// soft404 and detectWAF match phrases and markers with IndexFold, which
// needs them lower-case.
func TestClassifyNeedlesLowerCase(t *testing.T) {
	for _, s := range soft404Phrases {
		if s != strings.ToLower(s) {
			t.Errorf("soft-404 phrase %q is not lower-case", s)
		}
	}
	for _, m := range cdnMarkers {
		if m.marker != strings.ToLower(m.marker) {
			t.Errorf("CDN marker %q is not lower-case", m.marker)
		}
	}
}

// unitList is a short list page of an aggregation tree: plain report
// links and one more opened by a link's script, as unit lists write them.
func unitList(jsLink, script string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>县教育局政府信息公开年报</title>` + script + `</head><body>` +
		`<div class="header"><a href="/">汝阳县人民政府</a></div><h2>县教育局</h2><ul class="list">` +
		`<li><a href="./202401/t20240125_1.html" title="汝阳县教育局2023年政府信息公开工作年度报告">汝阳县教育局2023年政府信息公开工作年度报告</a><span>2024-01-25</span></li>` +
		`<li><a href="./202301/t20230130_2.html" title="汝阳县教育局2022年政府信息公开工作年度报告">汝阳县教育局2022年政府信息公开工作年度报告</a><span>2023-01-30</span></li>` +
		`<li>` + jsLink + `<span>2022-01-28</span></li></ul></body></html>`
}

// A short list page with one link opened by script among plain links is
// a page of links, not a JS redirect shell (whose other links the crawl
// would drop); what runs on load still redirects.
func TestClassifyScriptLinksAreNoShell(t *testing.T) {
	const u = "http://www.ruyang.gov.cn/zfxxgk/zfxxgknb/jyj/"
	const report = `汝阳县教育局2021年政府信息公开工作年度报告</a>`
	cases := []struct {
		name, body string
		kind       Kind
		target     string
	}{
		{"onclick window.open among plain links", unitList(`<a href="javascript:void(0)" onclick="window.open('./202201/t20220128_3.html')">`+report, ""), KindOK, ""},
		{"href javascript:location among plain links", unitList(`<a href="javascript:location.href='./202201/t20220128_3.html'">`+report, ""), KindOK, ""},
		{"links calling a declared function", unitList(`<a href="javascript:void(0)" onclick="showDoc('3')">`+report,
			`<script>function showDoc(id){window.location.href='./detail.jsp?id='+id;}</script>`), KindOK, ""},
		{"links calling an assigned function", unitList(`<a href="javascript:void(0)" onclick="jump('3')">`+report,
			`<script>var jump = function(id) { window.open("./detail.jsp?id=" + id); };</script>`), KindOK, ""},
		{"body onload shell", `<html><body onload="location.href='./jbxx/'">正在跳转</body></html>`, KindJSRedirect, u + "jbxx/"},
		{"window.onload shell", `<html><head><script>window.onload = function() { location.replace('./jbxx/'); }</script></head><body></body></html>`, KindJSRedirect, u + "jbxx/"},
		{"setTimeout shell", `<html><head><script>setTimeout(function(){ window.location.href = "/zfxxgkzn/"; }, 1000)</script></head><body>正在跳转</body></html>`, KindJSRedirect, "http://www.ruyang.gov.cn/zfxxgkzn/"},
		{"shell after a declared function", `<html><head><script>function go(u){ location.href = u; } location.replace('./jbxx/');</script></head><body></body></html>`, KindJSRedirect, u + "jbxx/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := resp(200, u, tc.body, "Content-Type", "text/html; charset=utf-8")
			v := Classify(r, false)
			if v.Kind != tc.kind || v.Target != tc.target {
				t.Errorf("got %s, want %s %q", v, tc.kind, tc.target)
			}
			r.Text = tc.body
			if w := Classify(r, false); w != v {
				t.Errorf("with the text handed over: %s, want %s", w, v)
			}
		})
	}
}
