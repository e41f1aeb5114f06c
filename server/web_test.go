package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/config"
)

func TestPagesEscapeCrawledText(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	for _, path := range []string{"/", "/?region=" + url.QueryEscape("偃师区"), "/reports/" + f.xss} {
		resp, b := get(t, ts.URL+path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		html := string(b)
		if strings.Contains(html, "<script>") || strings.Contains(html, "<b>某</b>") {
			t.Errorf("%s: crawled markup rendered as markup", path)
		}
		if !strings.Contains(html, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("%s: escaped title missing", path)
		}
	}
}

func TestReportPage(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	resp, b := get(t, ts.URL+"/reports/"+f.good)
	if resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
	html := string(b)
	for _, want := range []string{
		"偃师区工业和信息化局2023年政府信息公开工作年度报告",
		`href="/raw/` + f.pdfSHA + `"`,          // original download
		"三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量", // request grid with template labels
		"行政许可", "1234", // active grid
		// failed check highlighted, its rule and place in Chinese (was H2 / requests.total)
		`<tr class="fail"><td>H2<br><small>办理结果各项之和 = （七）总计</small></td><td>第三部分 · 总计列</td><td>3</td><td>2</td></tr>`,
		"2023年，我局&lt;b&gt;认真&lt;/b&gt;贯彻条例。", // section text escaped
		"blank_cell", // parser warning
		"http://www.yanshi.gov.cn/gkml/2024/report.pdf", // provenance
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/reports/0123456789abcdef", 404},
		{"/reports/nothex", 400},
		{"/nothing", 404},
		{"/?year=abc", 400},
	} {
		if resp, _ := get(t, ts.URL+tc.path); resp.StatusCode != tc.code {
			t.Errorf("%s: %d, want %d", tc.path, resp.StatusCode, tc.code)
		}
	}
	resp, b = get(t, ts.URL+"/sites")
	if resp.StatusCode != 200 || !strings.Contains(string(b), "yanshi") || !strings.Contains(string(b), "尚未抓取") {
		t.Errorf("sites page %d", resp.StatusCode)
	}
	resp, _ = get(t, ts.URL+"/static/style.css")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("css %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestSearchPageExportLinkKeepsFilters(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	_, b := get(t, ts.URL+"/?year=2023&body="+url.QueryEscape("工业和信息化局"))
	html := string(b)
	want := `href="/api/export?body=` + url.QueryEscape("工业和信息化局") + `&amp;year=2023"`
	if !strings.Contains(html, want) {
		t.Errorf("export link %q not found", want)
	}
	if !strings.Contains(html, "共 1 份报告") {
		t.Error("count missing")
	}
}

type hookRecorder struct {
	mu     sync.Mutex
	events []alert.Event
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev alert.Event
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.mu.Unlock()
}

func (h *hookRecorder) kinds() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := map[string]int{}
	for _, e := range h.events {
		m[e.Kind]++
	}
	return m
}

// A scheduled crawl (seconds-level spec) runs, and its new reports reach
// the webhook; a failing site raises its alert once.
func TestScheduledCrawlSendsAlerts(t *testing.T) {
	f := newFixture(t)
	hook := &hookRecorder{}
	hs := httptest.NewServer(hook)
	defer hs.Close()
	f.cfg.Serve.Schedule = "* * * * * *"
	f.cfg.Serve.Webhooks = []config.Webhook{{URL: hs.URL, Timeout: config.Duration(5 * time.Second)}}
	f.cfg.Sites = f.cfg.Sites[:1] // yanshi
	eng := &fakeEngine{arc: f.arc, n: 4, started: make(chan struct{})}
	s, err := New(Options{Archive: f.arc, Config: f.cfg, Crawler: eng, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ln := listen(t)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	select {
	case <-eng.started:
	case <-time.After(30 * time.Second): // generous: CI runs packages in parallel on 2 cores
		t.Fatal("the schedule did not fire within 30 s")
	}
	deadline := time.Now().Add(30 * time.Second)
	for hook.kinds()[alert.KindNewReport] < 4 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if k := hook.kinds(); k[alert.KindNewReport] != 4 {
		t.Errorf("webhook kinds %v, want 4 new_report", k)
	}
}
