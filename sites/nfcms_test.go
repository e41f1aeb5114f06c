package sites

import (
	"strings"
	"testing"
)

func TestNFCMSDetail(t *testing.T) {
	h := `<html><head><meta charset="utf-8"><title>广州市人民政府办公厅2024年政府信息公开工作年度报告 - 广州市人民政府办公厅</title>
<meta name="ArticleTitle" content="广州市人民政府办公厅2024年政府信息公开工作年度报告"><meta name="PubDate" content="2025-01-20 16:05">
<meta name="NFCMS_SITE_ID" content="200008"><meta name="NFCMS_POST_ID" content="9469010"></head><body>
<div class="news_cont_d"><div class="info">发布时间：2025-01-20 <a href="mpost_9469010.html">手机版</a></div>
<div class="news_cont_d_wrap"><p>详见附件。</p></div>
<p class="attach">附件1：<a href="/attachment/0/585/585885/9469010.pdf">广州市人民政府办公厅2024年政府信息公开工作年度报告.pdf</a></p>
<p class="attach">附件2：<a href="/attachment/0/585/585886/9469010.pdf">广州市人民政府办公厅2024年政府信息公开情况统计表.pdf</a></p>
</div></body></html>`
	p := mustPage(t, "http://www.gz.gov.cn/zfjgzy/gzsrmzfbgt/zfxxgknb/bm/2024n/content/post_9469010.html", h, KindDetail)
	r, ds := Detect(p)
	if r.Name() != "nfcms" || !strings.Contains(ds[0].Why, "NFCMS") {
		t.Fatalf("detected %v", ds)
	}
	a := r.Analyze(p)
	if a.Report == nil || a.Report.Year != 2024 {
		t.Fatalf("report %+v", a.Report)
	}
	want := []string{"http://www.gz.gov.cn/attachment/0/585/585885/9469010.pdf", "http://www.gz.gov.cn/attachment/0/585/585886/9469010.pdf"}
	if got := linksOf(a, KindAttachment); !eq(got, want) {
		t.Errorf("same-basename attachments %v", got)
	}
	for _, l := range a.Links {
		if strings.Contains(l.URL, "mpost_") {
			t.Errorf("mobile twin followed: %s", l.URL)
		}
	}
}

func TestNFCMSList(t *testing.T) {
	h := `<html><body><ul class="news_list">
<li><a href="content/post_9469010.html" title="广州市人民政府办公厅2024年政府信息公开工作年度报告">广州市人民政府办公厅2024年政府…</a><span class="time">2025-01-20</span></li>
<li><a href="content/post_9469020.html" title="广州市人民政府办公厅2024年政府信息公开工作年度报告解读">广州市人民政府办公厅2024年政府…</a><span class="time">2025-01-21</span></li>
<li><a href="content/mpost_9469030.html" title="广州市人民政府研究室2024年政府信息公开工作年度报告">广州市人民政府研究室2024年…</a></li>
</ul><div class="page"><a href="index_2.html">下一页</a></div></body></html>`
	p := mustPage(t, "http://www.gz.gov.cn/zfjgzy/gzsrmzfbgt/zfxxgknb/bm/2024n/", h, KindList)
	r, _ := Detect(p)
	if r.Name() != "nfcms" {
		t.Fatalf("detected %s", r.Name())
	}
	a := r.Analyze(p)
	want := []string{
		"http://www.gz.gov.cn/zfjgzy/gzsrmzfbgt/zfxxgknb/bm/2024n/content/post_9469010.html",
		"http://www.gz.gov.cn/zfjgzy/gzsrmzfbgt/zfxxgknb/bm/2024n/content/post_9469030.html",
	}
	if got := linksOf(a, KindDetail); !eq(got, want) {
		t.Errorf("details %v", got)
	}
	if got := linksOf(a, KindList); !eq(got, []string{"http://www.gz.gov.cn/zfjgzy/gzsrmzfbgt/zfxxgknb/bm/2024n/index_2.html"}) {
		t.Errorf("next %v", got)
	}
}
