package sites

import (
	"testing"
)

// The site's list and date selectors: report links outside the list are
// not items, and the row date comes from the date selector.
func TestGenericSelectors(t *testing.T) {
	const page = `<html><head><title>政府信息公开年报</title></head><body>
<div class="side"><h3>热点</h3><a href="/hot/t20240105_9.html">某县2023年政府信息公开工作年度报告</a></div>
<ul class="rpt">
<li><em>更新 2020-02-02</em><a href="./202403/t20240301_1.html">某局2023年政府信息公开工作年度报告</a><span class="date">2024-03-01</span></li>
<li><em>更新 2020-02-03</em><a href="./202303/t20230302_2.html">某局2022年政府信息公开工作年度报告</a><span class="date">2023-03-02</span></li>
</ul>
<a href="./index_1.html">下一页</a>
</body></html>`
	const (
		hot  = "http://www.x.gov.cn/hot/t20240105_9.html"
		r23  = "http://www.x.gov.cn/zfxxgknb/202403/t20240301_1.html"
		r22  = "http://www.x.gov.cn/zfxxgknb/202303/t20230302_2.html"
		next = "http://www.x.gov.cn/zfxxgknb/index_1.html"
	)
	cases := []struct {
		name      string
		sel       Selectors
		details   map[string]string // report URL → date
		wantNext  bool
		notDetail []string
	}{
		{"none", Selectors{}, map[string]string{hot: "", r23: "2020-02-02", r22: "2020-02-03"}, true, nil},
		{"list rows", Selectors{List: "ul.rpt li"}, map[string]string{r23: "2020-02-02", r22: "2020-02-03"}, true, []string{hot}},
		{"list anchors and date", Selectors{List: "ul.rpt li a", Date: "span.date"}, map[string]string{r23: "2024-03-01", r22: "2023-03-02"}, true, []string{hot}},
		{"date only", Selectors{Date: "span.date"}, map[string]string{hot: "", r23: "2024-03-01", r22: "2023-03-02"}, true, nil},
		{"list matches nothing here", Selectors{List: "div.nowhere li"}, map[string]string{hot: "", r23: "2020-02-02", r22: "2020-02-03"}, true, nil},
		{"invalid selector", Selectors{List: "ul[", Date: "span["}, map[string]string{hot: "", r23: "2020-02-02", r22: "2020-02-03"}, true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPage("http://www.x.gov.cn/zfxxgknb/", page, KindList, "")
			if err != nil {
				t.Fatal(err)
			}
			p.Selectors = tc.sel
			a := Generic{}.Analyze(p)
			got := map[string]string{}
			hasNext := false
			for _, l := range a.Links {
				switch {
				case l.Kind == KindDetail:
					got[l.URL] = l.Date
				case l.Kind == KindList && l.URL == next: // pager links stay (the slug makes it a column link)
					hasNext = true
				}
			}
			for u, d := range tc.details {
				if gd, ok := got[u]; !ok {
					t.Errorf("report %s not a detail link", u)
				} else if gd != d {
					t.Errorf("report %s dated %q, want %q", u, gd, d)
				}
			}
			if len(got) != len(tc.details) {
				t.Errorf("details %v, want %v", got, tc.details)
			}
			for _, u := range tc.notDetail {
				if _, ok := got[u]; ok {
					t.Errorf("%s outside the list taken as a report", u)
				}
			}
			if hasNext != tc.wantNext {
				t.Errorf("next page followed: %v, want %v", hasNext, tc.wantNext)
			}
		})
	}
}
