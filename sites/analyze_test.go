package sites

import (
	"sort"
	"strings"
	"testing"
)

func mustPage(t *testing.T, u, html, kind string) *Page {
	t.Helper()
	p, err := NewPage(u, html, kind, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func linksOf(a Analysis, kind string) []string {
	var out []string
	for _, l := range a.Links {
		if l.Kind == kind {
			out = append(out, l.URL)
		}
	}
	sort.Strings(out)
	return out
}

func eq(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

const trsList = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>政府信息公开年报</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/zfxxgk/xxgkzn/">政府信息公开指南</a> <a href="/zfxxgk/zfwzndbb/">政府网站工作年度报表</a></div>
<ul class="list">
<li><a href="./202401/t20240115_1001.html" title="洛阳市偃师区2023年政府信息公开工作年度报告" target="_blank">洛阳市偃师区2023年政府信息公开工…</a><span>2024-01-15</span></li>
<li><a href="./202401/t20240120_1002.html" title="偃师区2023年政府信息公开工作年度报告解读">偃师区2023年政府信息公开工作年度报告解读</a><span>2024-01-20</span></li>
<li><a href="./202303/t20230331_1003.html">偃师区发改委 2022 年政府信息公开工作年度报告</a><span>2023-03-31</span></li>
<li><a href="javascript:void(0)" onclick="jumpToDetail('./202201/t20220125_1004.html')">偃师区2021年政府信息公开工作年度报告</a></li>
<li><a href="./P020240115382295081505.pdf">偃师区教育局2023年政府信息公开工作年度报告.pdf</a><span>2024-01-18</span></li>
<li><a href="./202112/t20211210_1005.html">关于做好2021年度政府信息公开工作年度报告编制发布工作的通知</a></li>
<li><a href="../../zfxxgk/zfxxgknb/bmjdhz/?a=1&amp;b=2">部门街道汇总</a></li>
</ul>
<div class="page"><script>createPageHTML(3, 0, "index", "html");</script></div>
</body></html>`

func TestAnalyzeTRSList(t *testing.T) {
	for _, u := range []string{"http://www.ys.gov.cn/zfxxgk/zfxxgknb/", "http://www.ys.gov.cn/zfxxgk/zfxxgknb"} {
		p := mustPage(t, u, trsList, KindList)
		r, ds := Detect(p)
		if r.Name() != "trs" {
			t.Fatalf("detected %s (%v), want trs", r.Name(), ds)
		}
		a := r.Analyze(p)
		if !a.IsList || a.Report != nil {
			t.Errorf("%s: IsList=%v Report=%v", u, a.IsList, a.Report)
		}
		wantDetail := []string{
			"http://www.ys.gov.cn/zfxxgk/zfxxgknb/202201/t20220125_1004.html",
			"http://www.ys.gov.cn/zfxxgk/zfxxgknb/202303/t20230331_1003.html",
			"http://www.ys.gov.cn/zfxxgk/zfxxgknb/202401/t20240115_1001.html",
		}
		if got := linksOf(a, KindDetail); !eq(got, wantDetail) {
			t.Errorf("%s details:\n%v\nwant\n%v", u, got, wantDetail)
		}
		if got := linksOf(a, KindAttachment); !eq(got, []string{"http://www.ys.gov.cn/zfxxgk/zfxxgknb/P020240115382295081505.pdf"}) {
			t.Errorf("attachments %v", got)
		}
		wantList := []string{
			"http://www.ys.gov.cn/zfxxgk/zfxxgknb/bmjdhz/?a=1&b=2",
			"http://www.ys.gov.cn/zfxxgk/zfxxgknb/index_1.html",
		}
		if got := linksOf(a, KindList); !eq(got, wantList) {
			t.Errorf("%s lists:\n%v\nwant\n%v", u, got, wantList)
		}
		for _, l := range a.Links {
			if strings.HasSuffix(l.URL, "t20240115_1001.html") {
				if l.Title != "洛阳市偃师区2023年政府信息公开工作年度报告" || l.Date != "2024-01-15" {
					t.Errorf("truncated item: title %q date %q", l.Title, l.Date)
				}
			}
			if strings.Contains(l.URL, "xxgkzn") || strings.Contains(l.URL, "zfwzndbb") || strings.Contains(l.URL, "1002") || strings.Contains(l.URL, "1005") {
				t.Errorf("look-alike or decoy followed: %+v", l)
			}
		}
	}
}

func TestTRSPages(t *testing.T) {
	tests := []struct {
		script string
		want   []string
	}{
		{`createPageHTML(3, 0, "index", "html");`, []string{"index_1.html"}},
		{`createPageHTML(3, 1, "index", "html");`, []string{"index_2.html"}},
		{`createPageHTML(3, 2, "index", "html");`, nil},
		{`var countPage = 4;var currentPage = 2;createPageHTML(countPage, currentPage, "index", "shtml");`, []string{"index_3.shtml"}},
		{`createPageHTML('page_div', 5, 1, 'list', 'shtml', 98);`, []string{"list_2.shtml"}},
		{`createPageHTML('page_div', 5, 4, 'list', 'shtml', 98);`, []string{"list_5.shtml"}},
		{`createPageHTML('page_div', 5, 5, 'list', 'shtml', 98);`, nil},
		{`createPageHTML('page_div', 5, 0, 'index', 'shtml', 98);`, []string{"index_1.shtml"}},
		{`no pager here`, nil},
	}
	for _, tc := range tests {
		if got := trsPages(tc.script); !eq(got, tc.want) {
			t.Errorf("%s: got %v want %v", tc.script, got, tc.want)
		}
	}
}

const trsDetail = `<html><head>
<meta name="ArticleTitle" content="洛阳市偃师区2023年政府信息公开工作年度报告">
<meta name="PubDate" content="2024-01-15 10:23">
<title>洛阳市偃师区2023年政府信息公开工作年度报告_政府信息公开年报_偃师区人民政府</title></head><body>
<div class="crumb"><a href="../../">政府信息公开</a> &gt; <a href="../">政府信息公开年报</a></div>
<div class="TRS_Editor"><p>详见附件</p>
<p class="insertfileTag"><img src="/images/icon_pdf.gif"><a appendix="true" data-appendix="true" needdownload="true" href="./P020240115382295081505.pdf" title="年报.pdf" OLDSRC="/protect/P0202401/P020240115/P020240115382295081505.pdf">年报.pdf</a></p>
<p><a href="./P020240115382295081506.docx">统计表.docx</a></p>
<p><a href="/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2">统计表.xls</a></p>
</div>
<div class="pages"><a href="./t20240115_1001_1.html">下一页</a></div>
<div class="related"><a href="./t20240120_1002.html">偃师区2023年政府信息公开工作年度报告解读</a></div>
<script>var f = "./P020240115382295081507.pdf";</script>
</body></html>`

func TestAnalyzeTRSDetail(t *testing.T) {
	p := mustPage(t, "http://www.ys.gov.cn/zfxxgk/zfxxgknb/202401/t20240115_1001.html", trsDetail, KindDetail)
	r, _ := Detect(p)
	if r.Name() != "trs" {
		t.Fatalf("detected %s", r.Name())
	}
	a := r.Analyze(p)
	if a.Report == nil || a.Report.Year != 2023 || a.Report.Body != "洛阳市偃师区" {
		t.Fatalf("report = %+v", a.Report)
	}
	if a.Date != "2024-01-15" {
		t.Errorf("date %q", a.Date)
	}
	wantAtt := []string{
		"http://www.ys.gov.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2",
		"http://www.ys.gov.cn/zfxxgk/zfxxgknb/202401/P020240115382295081505.pdf",
		"http://www.ys.gov.cn/zfxxgk/zfxxgknb/202401/P020240115382295081506.docx",
		"http://www.ys.gov.cn/zfxxgk/zfxxgknb/202401/P020240115382295081507.pdf",
	}
	if got := linksOf(a, KindAttachment); !eq(got, wantAtt) {
		t.Errorf("attachments:\n%v\nwant\n%v", got, wantAtt)
	}
	if got := linksOf(a, KindPart); !eq(got, []string{"http://www.ys.gov.cn/zfxxgk/zfxxgknb/202401/t20240115_1001_1.html"}) {
		t.Errorf("parts %v", got)
	}
	for _, l := range a.Links {
		if strings.Contains(l.URL, "protect") || strings.Contains(l.URL, "1002") {
			t.Errorf("followed %+v", l)
		}
	}
}

func TestAnalyzeHomeAndTree(t *testing.T) {
	home := `<html><body><div class="nav">
<a href="/xwzx/">新闻中心</a><a href="/zfxxgk/">政府信息公开</a><a href="http://other.gov.cn/zwgk/">政务公开</a>
<a href="/zfxxgk/zfxxgknb/">政府信息公开年报</a><a href="/zfxxgk/xxgkzd/">政府信息公开制度</a><a href="/zwgk/zfgzbg/">政府工作报告</a>
</div></body></html>`
	p := mustPage(t, "http://www.ys.gov.cn/", home, KindStart)
	a := AnalyzeGeneric(p)
	if got := linksOf(a, KindList); !eq(got, []string{"http://www.ys.gov.cn/zfxxgk/zfxxgknb/"}) {
		t.Errorf("columns %v", got)
	}
	if got := linksOf(a, KindNav); !eq(got, []string{"http://other.gov.cn/zwgk/", "http://www.ys.gov.cn/zfxxgk/"}) {
		t.Errorf("nav %v", got)
	}
	tree := `<html><body><ul>
<li><a href="./2023/">2023年</a></li><li><a href="./2022/">2022年</a></li>
<li><a href="./bm/fgw/">区发改委</a></li><li><a href="http://jd.ys.gov.cn/xxgk/xxgknb/">城关街道</a></li>
<li><a href="/about/">关于我们</a></li>
</ul></body></html>`
	p = mustPage(t, "http://www.ys.gov.cn/zfxxgk/zfxxgknb/", tree, KindList)
	a = AnalyzeGeneric(p)
	want := []string{
		"http://jd.ys.gov.cn/xxgk/xxgknb/",
		"http://www.ys.gov.cn/zfxxgk/zfxxgknb/2022/",
		"http://www.ys.gov.cn/zfxxgk/zfxxgknb/2023/",
		"http://www.ys.gov.cn/zfxxgk/zfxxgknb/bm/fgw/",
	}
	if got := linksOf(a, KindList); !eq(got, want) {
		t.Errorf("tree:\n%v\nwant\n%v", got, want)
	}
}

func TestSixArgPagerAndDetect(t *testing.T) {
	h := `<html><body><ul><li><a href="./202401/t20240110_9.shtml" title="市人社局2023年政府信息公开工作年度报告">市人社局2023年…</a><span>2024-01-10</span></li></ul>
<div id="page_div"></div><script>createPageHTML('page_div', 3, 1, 'list', 'shtml', 45);</script></body></html>`
	p := mustPage(t, "https://rsj.x.gov.cn/xxgk/xxgknb/list.shtml", h, KindList)
	r, ds := Detect(p)
	if r.Name() != "trs" || ds[0].Why == "" {
		t.Fatalf("detect %v", ds)
	}
	a := r.Analyze(p)
	var next []string
	for _, l := range a.Links {
		if l.Next {
			next = append(next, l.URL)
		}
	}
	if !eq(next, []string{"https://rsj.x.gov.cn/xxgk/xxgknb/list_2.shtml"}) {
		t.Errorf("next %v", next)
	}
	// A plain page with no markers is generic.
	p = mustPage(t, "http://a.gov.cn/", `<html><body><p>hello</p></body></html>`, KindStart)
	if r, _ := Detect(p); r.Name() != "generic" {
		t.Errorf("plain page detected as %s", r.Name())
	}
}

func TestUnitYearLinksToArticles(t *testing.T) {
	h := `<html><body><div class="unit"><h2>首阳山街道办事处</h2><ul id="timeFrame">
<li><a href="../../xzjd/sysjd/202501/t20250115_4194359.html">2024年</a></li>
<li><a href="../../xzjd/sysjd/202401/t20240116_7082463.html">2023年</a></li>
<li><a href="./2022/">2022年</a></li></ul></div></body></html>`
	p := mustPage(t, "http://xxgk.ys.gov.cn/zfxxgk/zfxxgknb/dw/sysjd/", h, KindList)
	a := AnalyzeGeneric(p)
	wantDetail := []string{
		"http://xxgk.ys.gov.cn/zfxxgk/zfxxgknb/xzjd/sysjd/202401/t20240116_7082463.html",
		"http://xxgk.ys.gov.cn/zfxxgk/zfxxgknb/xzjd/sysjd/202501/t20250115_4194359.html",
	}
	if got := linksOf(a, KindDetail); !eq(got, wantDetail) {
		t.Errorf("year links to articles: %v", got)
	}
	if got := linksOf(a, KindList); !eq(got, []string{"http://xxgk.ys.gov.cn/zfxxgk/zfxxgknb/dw/sysjd/2022/"}) {
		t.Errorf("year links to directories: %v", got)
	}
	// The report page reached through such a link (as a list) is a report.
	rp := mustPage(t, wantDetail[0], `<html><head><meta name="ArticleTitle" content="偃师区首阳山街道办事处2023年政府信息公开工作年度报告"></head><body><div class="TRS_Editor">…</div></body></html>`, KindList)
	if ra := AnalyzeGeneric(rp); ra.Report == nil || ra.IsList {
		t.Errorf("report page reached as a list: report=%v list=%v", ra.Report, ra.IsList)
	}
}
