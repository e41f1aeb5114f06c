package alert

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestDeadline(t *testing.T) {
	for _, tc := range []struct {
		body string
		year int
		want string // last legal day, China time
	}{
		{"偃师区工业和信息化局", 2023, "2024-01-31"},
		{"洛阳市人民政府办公室", 2023, "2024-01-31"},
		{"洛阳市偃师区人民政府", 2023, "2024-03-31"},
		{"利辛县望疃镇人民政府", 2023, "2024-03-31"},
		{"某街道办事处", 2021, "2022-03-31"},
		{"偃师区工业和信息化局", 2019, "2020-01-31"},
		{"偃师区工业和信息化局", 2018, "2019-03-31"},
		{"国家税务总局", 2010, "2011-03-31"},
	} {
		d := Deadline(tc.body, tc.year)
		last := d.Add(-time.Second).In(Shanghai).Format("2006-01-02")
		if last != tc.want {
			t.Errorf("Deadline(%s, %d): last day %s, want %s", tc.body, tc.year, last, tc.want)
		}
		if d.In(Shanghai).Hour() != 0 {
			t.Errorf("Deadline(%s, %d) = %v, want midnight in Shanghai", tc.body, tc.year, d)
		}
	}
}

func TestDueYear(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	dept, gov := "偃师区工业和信息化局", "洛阳市人民政府"
	for _, tc := range []struct {
		body  string
		now   string
		grace time.Duration
		want  int
	}{
		{dept, "2024-01-31 23:59", 0, 2022},
		{dept, "2024-02-01 00:01", 0, 2023},
		{dept, "2024-02-01 00:01", 72 * time.Hour, 2022},
		{gov, "2024-02-15 12:00", 0, 2022},
		{gov, "2024-04-01 00:01", 0, 2023},
	} {
		if got := DueYear(tc.body, at(tc.now), tc.grace); got != tc.want {
			t.Errorf("DueYear(%s, %s, %v) = %d, want %d", tc.body, tc.now, tc.grace, got, tc.want)
		}
	}
}

func run(status string, docs int, errs map[string]int) archive.Run {
	return archive.Run{Status: status, Docs: docs, Errors: errs, Start: time.Now(), End: time.Now()}
}

func TestSiteHealth(t *testing.T) {
	th := Thresholds{ErrorRuns: 3, SilentRuns: 2}
	for _, tc := range []struct {
		name  string
		runs  []archive.Run // newest first
		want  string
		fails int
	}{
		{"none", nil, HealthNeverRun, 0},
		{"only interrupted", []archive.Run{run("interrupted", 0, nil)}, HealthNeverRun, 0},
		{"ok", []archive.Run{run("ok", 3, nil), run("ok", 3, nil)}, HealthOK, 0},
		{"failing", []archive.Run{run("failed", 0, nil), run("failed", 0, nil), run("failed", 0, nil), run("ok", 3, nil)}, HealthFailing, 3},
		{"two failures only", []archive.Run{run("failed", 0, map[string]int{"timeout": 4}), run("failed", 0, nil), run("ok", 3, nil)}, HealthDegraded, 2},
		{"failures interrupted by shutdowns", []archive.Run{run("failed", 0, nil), run("interrupted", 0, nil), run("failed", 0, nil), run("failed", 0, nil)}, HealthFailing, 3},
		{"silent", []archive.Run{run("ok", 0, nil), run("ok", 0, nil), run("ok", 5, nil)}, HealthSilent, 0},
		{"never had reports", []archive.Run{run("ok", 0, nil), run("ok", 0, nil), run("ok", 0, nil)}, HealthOK, 0},
		{"one quiet run", []archive.Run{run("ok", 0, nil), run("ok", 5, nil)}, HealthOK, 0},
		{"partial", []archive.Run{run("partial", 2, nil)}, HealthDegraded, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := SiteHealth("s", tc.runs, th)
			if h.Status != tc.want || h.ConsecutiveFailures != tc.fails {
				t.Errorf("got %s (%d failures, %q), want %s (%d)", h.Status, h.ConsecutiveFailures, h.Reason, tc.want, tc.fails)
			}
		})
	}
}

type hook struct {
	mu     sync.Mutex
	events []Event
	auth   []string
	fail   int // fail this many requests first
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail > 0 {
		h.fail--
		http.Error(w, "down", http.StatusBadGateway)
		return
	}
	var ev Event
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.events = append(h.events, ev)
	h.auth = append(h.auth, r.Header.Get("Authorization"))
}

func (h *hook) got() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Event(nil), h.events...)
}

func TestNotifierFiltersRetriesAndHeaders(t *testing.T) {
	all, onlyNew := &hook{fail: 1}, &hook{}
	s1, s2 := httptest.NewServer(all), httptest.NewServer(onlyNew)
	defer s1.Close()
	defer s2.Close()
	n, err := NewNotifier([]config.Webhook{
		{URL: s1.URL, Headers: map[string]string{"Authorization": "Bearer x"}},
		{URL: s2.URL, Events: []string{KindNewReport}},
	}, nil, quiet())
	if err != nil {
		t.Fatal(err)
	}
	n.Backoff = 10 * time.Millisecond
	ctx := context.Background()
	if err := n.Send(ctx, Event{Kind: KindNewReport, Message: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := n.Send(ctx, Event{Kind: KindSiteFailing, Message: "b"}); err != nil {
		t.Fatal(err)
	}
	if got := all.got(); len(got) != 2 || got[0].Kind != KindNewReport || got[1].Kind != KindSiteFailing || all.auth[0] != "Bearer x" {
		t.Errorf("all-events hook got %+v (auth %v)", got, all.auth)
	}
	if got := onlyNew.got(); len(got) != 1 || got[0].Message != "a" {
		t.Errorf("new_report hook got %+v", got)
	}

	down := &hook{fail: 100}
	s3 := httptest.NewServer(down)
	defer s3.Close()
	n2, _ := NewNotifier([]config.Webhook{{URL: s3.URL}}, nil, quiet())
	n2.Backoff = time.Millisecond
	if err := n2.Send(ctx, Event{Kind: KindOverdue}); err == nil {
		t.Error("Send to a failing hook returned nil")
	}
	if down.fail != 100-3 {
		t.Errorf("attempts = %d, want 3 (1 + 2 retries)", 100-down.fail)
	}

	if _, err := NewNotifier([]config.Webhook{{URL: s1.URL, Events: []string{"new_reports"}}}, nil, quiet()); err == nil {
		t.Error("unknown event kind accepted")
	}
	if _, err := NewNotifier([]config.Webhook{{}}, nil, quiet()); err == nil {
		t.Error("empty url accepted")
	}
}

func TestMonitor(t *testing.T) {
	arc, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	now, _ := time.ParseInLocation("2006-01-02", "2024-02-10", Shanghai)
	runStart := now.Add(-time.Hour)
	docs := []archive.Document{
		// Body with 2022 but no 2023, after the 1月31日 deadline + grace: overdue.
		{ID: "0000000000000001", Site: "yanshi", Body: "偃师区工业和信息化局", Year: 2022, FirstSeen: now.AddDate(-1, 0, 0)},
		// Body that published 2023: not overdue; this one is new.
		{ID: "0000000000000002", Site: "yanshi", Body: "偃师区教育局", Year: 2022, FirstSeen: now.AddDate(-1, 0, 0)},
		{ID: "0000000000000003", Site: "yanshi", Body: "偃师区教育局", Year: 2023, Title: "偃师区教育局2023年政府信息公开工作年度报告", FirstSeen: runStart.Add(time.Minute)},
		// Government body: its deadline (3月31日) has not passed.
		{ID: "0000000000000004", Site: "yanshi", Body: "洛阳市偃师区人民政府", Year: 2022, FirstSeen: now.AddDate(-1, 0, 0)},
		// A look-alike found now is not a new report.
		{ID: "0000000000000005", Site: "yanshi", Body: "x", Year: 2023, ParseStatus: "not_report", FirstSeen: runStart.Add(time.Minute)},
		// Nor is a retracted one.
		{ID: "0000000000000006", Site: "yanshi", Body: "y", Year: 2023, FirstSeen: runStart.Add(time.Minute),
			Tombstones: []archive.Tombstone{{Action: archive.TombstoneRetract, By: "alice", Time: now, Reason: "duplicate"}}},
	}
	for i := range docs {
		if err := arc.PutDocument(&docs[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []archive.Run{run("ok", 4, nil), run("failed", 0, nil), run("failed", 0, nil), run("failed", 0, nil)} {
		r.Site = "yanshi"
		if err := arc.AddRun(&r); err != nil {
			t.Fatal(err)
		}
	}
	h := &hook{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	n, _ := NewNotifier([]config.Webhook{{URL: srv.URL}}, nil, quiet())
	m := &Monitor{Archive: arc, Sites: []string{"yanshi"}, Th: Thresholds{ErrorRuns: 3, SilentRuns: 2},
		Grace: 72 * time.Hour, Overdue: true, Notifier: n, Log: quiet(), Now: func() time.Time { return now }}
	events, err := m.Check(context.Background(), runStart)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range events {
		kinds[e.Kind]++
	}
	if kinds[KindNewReport] != 1 || kinds[KindSiteFailing] != 1 || kinds[KindOverdue] != 1 || len(events) != 3 {
		t.Fatalf("events = %+v", events)
	}
	for _, e := range events {
		switch e.Kind {
		case KindNewReport:
			if e.Report == nil || e.Report.ID != "0000000000000003" {
				t.Errorf("new report event %+v", e)
			}
		case KindOverdue:
			if e.Body != "偃师区工业和信息化局" || e.Year != 2023 {
				t.Errorf("overdue event %+v", e)
			}
		}
	}
	if len(h.got()) != 3 {
		t.Errorf("webhook received %d events, want 3", len(h.got()))
	}
	// A second check with nothing new says nothing again.
	events, err = m.Check(context.Background(), now)
	if err != nil || len(events) != 0 {
		t.Errorf("second check: %+v, %v", events, err)
	}
}

func TestMonitorSummarisesFloods(t *testing.T) {
	arc, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	now := time.Now()
	for i := 0; i < MaxReportEvents+7; i++ {
		d := archive.Document{ID: archive.DocID("s", string(rune('a'+i))), Site: "s", FirstSeen: now}
		if err := arc.PutDocument(&d); err != nil {
			t.Fatal(err)
		}
	}
	m := &Monitor{Archive: arc, Log: quiet()}
	events, err := m.Check(context.Background(), now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != MaxReportEvents+1 || events[MaxReportEvents].Report != nil {
		t.Fatalf("got %d events, want %d plus a summary", len(events), MaxReportEvents)
	}
}
