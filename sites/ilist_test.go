package sites

import (
	"strconv"
	"strings"
	"testing"
)

func ilistPage(cur, pages int) string {
	var b strings.Builder
	b.WriteString(`<html><body><div class="gk_list"><div class="list_div"><ul>
<li><a href="/gk/fjbm/szfbgs/1956441.htm" title="德阳市人民政府办公室2024年政府信息公开工作年度报告" target="_blank">德阳市人民政府办公室2024年政府信息…</a><span class="date">2025-01-08</span></li>
<li><a href="/gk/fjbm/szfbgs/1956451.htm" title="德阳市人民政府办公室2024年上半年政府信息公开数据统计">德阳市人民政府办公室2024年上半年…</a><span class="date">2024-07-10</span></li>
</ul></div>`)
	b.WriteString(`<div class="page">共` + strconv.Itoa(pages) + `页 当前第` + strconv.Itoa(cur) + `页 <a href="/info/iList.jsp?node_id=GKdyszf&amp;cat_id=10835&amp;cur_page=1">首页</a> `)
	if cur < pages {
		b.WriteString(`<a href="/info/iList.jsp?node_id=GKdyszf&amp;cat_id=10835&amp;cur_page=` + strconv.Itoa(cur+1) + `">下一页</a> `)
	}
	b.WriteString(`<a href="/info/iList.jsp?node_id=GKdyszf&amp;cat_id=10835&amp;cur_page=` + strconv.Itoa(pages) + `">尾页</a></div></div></body></html>`)
	return b.String()
}

func TestIList(t *testing.T) {
	base := "http://www.deyang.gov.cn/info/iList.jsp?node_id=GKdyszf&cat_id=10835"
	tests := []struct {
		url  string
		cur  int
		next string
	}{
		{base + "&cur_page=1", 1, base + "&cur_page=2"},
		{base, 1, base + "&cur_page=2"}, // no cur_page: the first page
		{base + "&cur_page=0", 1, base + "&cur_page=2"},
		{base + "&cur_page=2", 2, base + "&cur_page=3"},
		{base + "&cur_page=3", 3, ""},
	}
	for _, tc := range tests {
		p := mustPage(t, tc.url, ilistPage(tc.cur, 3), KindList)
		r, ds := Detect(p)
		if r.Name() != "ilist" || !strings.Contains(ds[0].Why, "iList.jsp") {
			t.Fatalf("detected %v", ds)
		}
		a := r.Analyze(p)
		var next []string
		for _, l := range a.Links {
			if l.Next {
				next = append(next, l.URL)
			}
		}
		want := []string{}
		if tc.next != "" {
			want = []string{canonQuery(t, tc.next)}
		}
		for i := range next {
			next[i] = canonQuery(t, next[i])
		}
		if !eq(next, want) {
			t.Errorf("%s: next %v want %v", tc.url, next, want)
		}
		if got := linksOf(a, KindDetail); !eq(got, []string{"http://www.deyang.gov.cn/gk/fjbm/szfbgs/1956441.htm"}) {
			t.Errorf("%s: details %v (statistics page must be left out)", tc.url, got)
		}
	}
}

// canonQuery sorts a URL's query so tests do not depend on parameter order.
func canonQuery(t *testing.T, s string) string {
	t.Helper()
	p := mustPage(t, s, "<html></html>", KindList)
	u := *p.URL
	u.RawQuery = u.Query().Encode()
	return u.String()
}

// Without a "共N页" count the highest cur_page the pager links bounds paging.
func TestIListNoPageCount(t *testing.T) {
	base := "http://www.deyang.gov.cn/info/iList.jsp?node_id=GKdyszf&cat_id=10835&cur_page="
	for cur, want := range map[int]bool{1: true, 2: true, 3: false} {
		h := strings.Replace(ilistPage(cur, 3), "共3页", "", 1)
		a := IList{}.Analyze(mustPage(t, base+strconv.Itoa(cur), h, KindList))
		got := false
		for _, l := range a.Links {
			got = got || l.Next && strings.Contains(canonQuery(t, l.URL), "cur_page="+strconv.Itoa(cur+1)+"&")
		}
		if got != want {
			t.Errorf("page %d: next %v want %v (%+v)", cur, got, want, a.Links)
		}
	}
}
