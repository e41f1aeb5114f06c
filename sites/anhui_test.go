package sites

import (
	"strconv"
	"strings"
	"testing"
)

func TestAnhuiRelAndTimeFrame(t *testing.T) {
	rel := `<html><head><title>政府信息公开年报_平昌县人民政府</title></head><body><div class="lm"><h2>政府信息公开年报</h2>
<ul class="clearfix">
<li><a href="/public/column/6601851?type=4&amp;catId=7161&amp;action=list" title="平昌县发展和改革局" target="_blank">平昌县发展…</a></li>
<li><a href="/public/column/6601852?type=4&amp;catId=7162&amp;action=list" title="平昌县教育局" target="_blank">平昌县教育局</a></li>
</ul></div></body></html>`
	p := mustPage(t, "http://www.scpc.gov.cn/public/column/6601841?type=4&action=rel", rel, KindList)
	r, ds := Detect(p)
	if r.Name() != "anhui" || !strings.Contains(ds[0].Why, "action=rel") {
		t.Fatalf("detected %v", ds)
	}
	a := r.Analyze(p)
	want := []string{
		"http://www.scpc.gov.cn/public/column/6601851?type=4&catId=7161&action=list",
		"http://www.scpc.gov.cn/public/column/6601852?type=4&catId=7162&action=list",
	}
	if got := linksOf(a, KindList); !eq(got, want) || !a.IsList {
		t.Errorf("units %v", got)
	}

	unit := `<html><head><title>平昌县教育局_政府信息公开年报_平昌县人民政府</title></head><body><div class="unit-name">平昌县教育局</div>
<ul id="timeFrame">
<li><a href="/public/6601841/3712405.html" target="_blank">2024年</a></li>
<li><a href="/public/6601841/3712406.html" target="_blank">2023年</a></li>
<li><a href="/public/6601841/3712407.html" target="_blank">2021年</a></li>
<li><a href="/public/6601841/3712408.html" target="_blank">2019年</a></li>
</ul></body></html>`
	p = mustPage(t, want[1], unit, KindList)
	if r, _ := Detect(p); r.Name() != "anhui" {
		t.Fatalf("unit page detected as %s", r.Name())
	}
	a = Anhui{}.Analyze(p)
	if got := linksOf(a, KindDetail); len(got) != 4 || got[0] != "http://www.scpc.gov.cn/public/6601841/3712405.html" {
		t.Errorf("year links %v", got)
	}
	if len(a.Notes) != 2 || !strings.HasPrefix(a.Notes[0], NoteMissingYear+"平昌县教育局 has no 2020 report") || !strings.Contains(a.Notes[1], "no 2022 report") {
		t.Errorf("notes %q", a.Notes)
	}
}

func TestMissingYears(t *testing.T) {
	tests := []struct {
		years []int
		want  string
	}{
		{[]int{2024, 2023, 2022}, ""},
		{[]int{2024, 2021}, "2022,2023"},
		{[]int{2020}, ""},
		{nil, ""},
	}
	for _, tc := range tests {
		m := map[int]bool{}
		for _, y := range tc.years {
			m[y] = true
		}
		var got []string
		for _, y := range missingYears(m) {
			got = append(got, strconv.Itoa(y))
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%v: %v want %s", tc.years, got, tc.want)
		}
	}
}

func TestAnhuiDetailAmpHref(t *testing.T) {
	h := `<html><head><meta name="ArticleTitle" content="平昌县财政局2023年政府信息公开工作年度报告"><meta name="HtmlGenerateTime" content="2024-01-16 11:21:07"></head><body>
<div class="wzcon" id="zoom"><p>详见附件。</p></div>
<div class="fj"><p class="attach">附件：<a href="../../public/downfile.do?fileId=371241001&amp;siteId=6601841" target="_blank">平昌县财政局2023年政府信息公开工作年度报告.pdf</a></p></div></body></html>`
	p := mustPage(t, "http://www.scpc.gov.cn/public/6601841/3712410.html", h, KindDetail)
	r, _ := Detect(p)
	if r.Name() != "anhui" {
		t.Fatalf("detected %s", r.Name())
	}
	a := r.Analyze(p)
	if got := linksOf(a, KindAttachment); !eq(got, []string{"http://www.scpc.gov.cn/public/downfile.do?fileId=371241001&siteId=6601841"}) {
		t.Errorf("attachment %v", got)
	}
	if a.Report == nil || a.Report.Year != 2023 {
		t.Errorf("report %+v", a.Report)
	}
}
