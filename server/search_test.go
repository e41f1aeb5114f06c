package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAPISearch(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	ids := func(q string) ([]string, SearchList) {
		t.Helper()
		resp, body := get(t, ts.URL+"/api/search?"+q)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", q, resp.StatusCode, body)
		}
		var l SearchList
		if err := json.Unmarshal(body, &l); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range l.Results {
			out = append(out, h.ID)
		}
		return out, l
	}
	got, l := ids("q=" + url.QueryEscape("工业和信息化局"))
	if len(got) != 1 || got[0] != f.good {
		t.Fatalf("search: %v", got)
	}
	if !strings.Contains(l.Results[0].Snippet, "【工业和信息化局】") {
		t.Errorf("snippet %q", l.Results[0].Snippet)
	}
	// filters combine, with the query package's short forms
	if got, _ := ids("q=" + url.QueryEscape("政府信息公开") + "&year=2019-2022"); len(got) != 1 || got[0] != f.old {
		t.Errorf("year filter: %v", got)
	}
	if got, _ := ids("q=" + url.QueryEscape("年度报告") + "&body=" + url.QueryEscape("工信局")); len(got) != 1 || got[0] != f.good {
		t.Errorf("body short form: %v", got)
	}
	// traditional characters fold
	if got, _ := ids("q=" + url.QueryEscape("工業和信息化局 OR 人力資源")); len(got) != 2 {
		t.Errorf("traditional: %v", got)
	}
	// a retracted report is never returned
	if _, err := f.arc.Retract(f.good, "t", "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := ids("q=" + url.QueryEscape("工业和信息化局")); len(got) != 0 {
		t.Errorf("retracted returned: %v", got)
	}
	for _, q := range []string{"q=", "q=" + url.QueryEscape(`"行政复议`), "q=" + url.QueryEscape("行政 OR"), "q=a&year=abc", "q=a&bogus=1"} {
		resp, body := get(t, ts.URL+"/api/search?"+q)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "error") {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}
}

func TestSearchPageSnippets(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	resp, body := get(t, ts.URL+"/?q="+url.QueryEscape("工业和信息化局"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	page := string(body)
	if !strings.Contains(page, `class="snippet"`) || !strings.Contains(page, "【工业和信息化局】") || !strings.Contains(page, f.good) {
		t.Errorf("page lacks the snippet:\n%s", page)
	}
	if strings.Contains(page, f.old) {
		t.Errorf("page lists a report that does not match")
	}
	resp, body = get(t, ts.URL+"/?q="+url.QueryEscape(`"行政复议`))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "全文检索式有误") {
		t.Errorf("bad query: %d", resp.StatusCode)
	}
}

func TestServiceCrawlKeepsIndexCurrent(t *testing.T) {
	f := newFixture(t)
	eng := &fakeEngine{arc: f.arc, n: 2}
	s, ts := f.start(t, func(o *Options) { o.Crawler = eng; o.Token = "s3cret" })
	count := func() int {
		resp, body := get(t, ts.URL+"/api/search?q="+url.QueryEscape("测试局"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		var l SearchList
		if err := json.Unmarshal(body, &l); err != nil {
			t.Fatal(err)
		}
		return len(l.Results)
	}
	if n := count(); n != 0 {
		t.Fatalf("before the crawl: %d", n)
	}
	if resp, b := post(t, ts.URL+"/api/crawl", "s3cret", `{"sites":["luoyang"]}`); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("crawl: %d %s", resp.StatusCode, b)
	}
	s.runner.Wait()
	if n := count(); n != 2 {
		t.Errorf("after the crawl: %d results, want 2", n)
	}
}
