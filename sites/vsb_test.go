package sites

import (
	"strings"
	"testing"
)

const vsbList = `<html><head><!--Announced by Visual SiteBuilder 9-->
<script language="javascript" src="/_sitegray/_sitegray.js"></script></head><body>
<ul class="list">
<li id="line_u8_0"><a href="../info/1012/3451.htm" title="东宝区人民政府办公室2024年政府信息公开工作年度报告">东宝区人民政府办公室2024…</a><span>2025-01-06</span></li>
<li id="line_u8_1"><a href="../info/1012/3461.htm" title="图解：东宝区人民政府办公室2024年政府信息公开工作年度报告">图解：东宝区…</a><span>2025-01-30</span></li>
</ul>
<div class="pb_sys_common"><span class="p_pages"><span class="p_no_d">1</span><span class="p_no"><a href="xxgknb/2.htm">2</a></span><span class="p_no"><a href="xxgknb/1.htm">3</a></span>
<span class="p_next p_fun"><a href="xxgknb/2.htm">下页</a></span><span class="p_last p_fun"><a href="xxgknb/1.htm">尾页</a></span></span></div>
</body></html>`

func TestVSBBackwardsPages(t *testing.T) {
	tests := []struct{ url, next string }{
		{"http://www.dongbao.gov.cn/xxgk/xxgknb.htm", "http://www.dongbao.gov.cn/xxgk/xxgknb/2.htm"},
		{"http://www.dongbao.gov.cn/xxgk/xxgknb/2.htm", "http://www.dongbao.gov.cn/xxgk/xxgknb/1.htm"},
		{"http://www.dongbao.gov.cn/xxgk/xxgknb/1.htm", ""},
	}
	for _, tc := range tests {
		h := vsbList
		if strings.Contains(tc.url, "/xxgknb/") {
			// Pages inside the directory link their siblings by bare name.
			h = strings.NewReplacer(`"../info/`, `"../../info/`, `"xxgknb/`, `"`).Replace(h)
		}
		p := mustPage(t, tc.url, h, KindList)
		r, ds := Detect(p)
		if r.Name() != "vsb" || !strings.Contains(ds[0].Why, "Visual SiteBuilder") {
			t.Fatalf("detected %v", ds)
		}
		a := r.Analyze(p)
		var next []string
		for _, l := range a.Links {
			if l.Next {
				next = append(next, l.URL)
			}
		}
		var want []string
		if tc.next != "" {
			want = []string{tc.next}
		}
		if !eq(next, want) {
			t.Errorf("%s: next %v want %v", tc.url, next, want)
		}
		if got := linksOf(a, KindDetail); !eq(got, []string{"http://www.dongbao.gov.cn/info/1012/3451.htm"}) {
			t.Errorf("%s: details %v", tc.url, got)
		}
	}
}

func TestVSBDownloadAttachment(t *testing.T) {
	h := `<html><head><meta name="ArticleTitle" content="东宝区财政局2024年政府信息公开工作年度报告"><!--Announced by Visual SiteBuilder 9--></head><body>
<form name="_newscontent_fromname"><div id="vsb_content"><div class="v_news_content"><p>详见附件。</p></div></div>
<ul style="list-style-type:none;"><li>附件【<a href="/system/_content/download.jsp?urltype=news.DownloadAttachUrl&amp;owner=1234&amp;wbfileid=5671" target="_blank">东宝区财政局2024年政府信息公开工作年度报告.pdf</a>】已下载<span id="nattach5678">146</span>次</li></ul></form></body></html>`
	p := mustPage(t, "http://www.dongbao.gov.cn/info/1012/3452.htm", h, KindDetail)
	r, _ := Detect(p)
	if r.Name() != "vsb" {
		t.Fatalf("detected %s", r.Name())
	}
	a := r.Analyze(p)
	if a.Report == nil {
		t.Fatal("not a report")
	}
	var att []Link
	for _, l := range a.Links {
		if l.Kind == KindAttachment {
			att = append(att, l)
		}
	}
	if len(att) != 1 || att[0].URL != "http://www.dongbao.gov.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1234&wbfileid=5671" ||
		att[0].Title != "东宝区财政局2024年政府信息公开工作年度报告.pdf" {
		t.Errorf("attachment %+v (name only in the link text)", att)
	}
}
