package sites

import (
	"fmt"
	"strings"
	"testing"
)

const gkShell = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报_广东省文化和旅游厅</title>
<script>window._CONFIG = {SID: '175', SITE_NAME: '广东省文化和旅游厅', TREE: [{id: 2620, name: '机构概况', parent: 0}, {id: 2629, name: '政府信息公开年报', parent: 0}, {id: 2631, name: '政府信息公开指南', parent: 0}]};</script>
</head><body><div id="app"></div><script src="/gkmlpt/static/js/app.3b2e.js"></script></body></html>`

func TestGkmlptShell(t *testing.T) {
	for _, tc := range []struct{ url, api string }{
		{"http://whly.gd.gov.cn/gkmlpt/annualreport", "http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=1&sid=175"},
		// A department sub-site under a path prefix.
		{"http://www.szlh.gov.cn/lhqkjhgyxxhj/gkmlpt/index", "http://www.szlh.gov.cn/lhqkjhgyxxhj/gkmlpt/api/all/2629?page=1&sid=175"},
	} {
		p := mustPage(t, tc.url, gkShell, KindList)
		r, ds := Detect(p)
		if r.Name() != "gkmlpt" || !strings.Contains(ds[0].Why, "SID") {
			t.Fatalf("%s: detected %v", tc.url, ds)
		}
		a := r.Analyze(p)
		if got := linksOf(a, KindList); !eq(got, []string{tc.api}) {
			t.Errorf("%s: API links %v (指南 must not be taken)", tc.url, got)
		}
		if len(a.Notes) != 0 {
			t.Errorf("notes %v", a.Notes)
		}
	}
	noSID := strings.Replace(gkShell, "SID: '175', ", "", 1)
	a := Gkmlpt{}.Analyze(mustPage(t, "http://whly.gd.gov.cn/gkmlpt/annualreport", noSID, KindList))
	if len(a.Notes) != 1 || !strings.HasPrefix(a.Notes[0], NoteNeedsBrowser) {
		t.Errorf("shell without SID: notes %v", a.Notes)
	}
}

func gkJSON(total int, ids ...int) string {
	var rows []string
	for _, id := range ids {
		title := fmt.Sprintf("广东省博物馆%d年政府信息公开工作年度报告", 2020+id%5)
		if id%10 == 7 {
			title += "解读"
		}
		rows = append(rows, fmt.Sprintf(`{"id":%d,"title":%q,"url":"http://whly.gd.gov.cn/gkmlpt/content/3/3795/post_%d.html","publisher":"广东省博物馆","create_time":1737941400,"first_publish_time":1737943200,"display_publish_time":1737943200}`, id, title, id))
	}
	return fmt.Sprintf(`{"total":%d,"page":1,"articles":[%s]}`, total, strings.Join(rows, ","))
}

func TestGkmlptAPI(t *testing.T) {
	tests := []struct {
		page    string
		total   int
		ids     []int
		details int
		next    string
	}{
		{"1", 101, []int{3795001, 3795002, 3795007}, 2, "http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=2&sid=175"},
		{"0", 101, []int{3795001}, 1, "http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=2&sid=175"}, // 0-based clients
		{"2", 101, []int{3795101}, 1, ""},
		{"1", 3, []int{3795001, 3795002, 3795003}, 3, ""},
		{"3", 250, nil, 0, ""}, // empty page: never page on
	}
	for _, tc := range tests {
		u := "http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=" + tc.page + "&sid=175"
		p := mustPage(t, u, gkJSON(tc.total, tc.ids...), KindList)
		r, _ := Detect(p)
		if r.Name() != "gkmlpt" {
			t.Fatalf("JSON detected as %s", r.Name())
		}
		a := r.Analyze(p)
		if got := linksOf(a, KindDetail); len(got) != tc.details {
			t.Errorf("page %s: details %v", tc.page, got)
		}
		var next string
		for _, l := range a.Links {
			if l.Next {
				next = l.URL
			}
			if l.Kind == KindDetail && l.Date != "2025-01-27" {
				t.Errorf("epoch date %q", l.Date)
			}
		}
		if next != tc.next {
			t.Errorf("page %s of %d: next %q want %q", tc.page, tc.total, next, tc.next)
		}
	}
	bad := Gkmlpt{}.Analyze(mustPage(t, "http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=1&sid=1", `{"code":400,"msg":"sid参数错误"`, KindList))
	if len(bad.Links) != 0 || len(bad.Notes) != 1 {
		t.Errorf("broken JSON: %+v", bad)
	}
}
