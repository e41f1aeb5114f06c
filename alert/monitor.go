package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// MaxReportEvents bounds new_report events per check: the first crawl of
// a big site finds thousands, and a chat channel wants a summary.
const MaxReportEvents = 20

// Monitor turns archive state into events after each crawl and remembers
// what it already said (in memory: after a restart a standing problem is
// reported once more, which is the safe direction).
type Monitor struct {
	Archive  *archive.Archive
	Sites    []string
	Th       Thresholds
	Grace    time.Duration
	Overdue  bool
	Notifier *Notifier
	Log      *slog.Logger
	Now      func() time.Time

	mu        sync.Mutex
	siteState map[string]string
	sent      map[string]bool
}

func (m *Monitor) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Check evaluates everything that changed since `since` (the run's start),
// sends the events and returns them. Sending errors are logged and joined
// into the error; the events are returned either way.
func (m *Monitor) Check(ctx context.Context, since time.Time) ([]Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.siteState == nil {
		m.siteState, m.sent = map[string]string{}, map[string]bool{}
	}
	now := m.now().UTC()
	var events []Event

	type bodyKey struct{ site, body string }
	years := map[bodyKey]map[int]bool{}
	var fresh []*archive.Document
	err := m.Archive.ForEachDocument(func(d *archive.Document) error {
		// A retracted report (crawler retract) counts as absent, as a
		// look-alike does: no new_report event, and its year can be overdue.
		if d.ParseStatus == "not_report" || d.Retracted() {
			return nil
		}
		if !d.FirstSeen.Before(since) {
			fresh = append(fresh, d)
		}
		if d.Body != "" && d.Year > 0 {
			k := bodyKey{d.Site, d.Body}
			if years[k] == nil {
				years[k] = map[int]bool{}
			}
			years[k][d.Year] = true
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("alert: scan documents: %w", err)
	}

	sort.Slice(fresh, func(i, j int) bool { return fresh[i].FirstSeen.Before(fresh[j].FirstSeen) })
	for i, d := range fresh {
		if i == MaxReportEvents {
			events = append(events, Event{Kind: KindNewReport, Time: now,
				Message: fmt.Sprintf("另有 %d 份新报告已归档", len(fresh)-MaxReportEvents)})
			break
		}
		events = append(events, Event{Kind: KindNewReport, Time: now, Site: d.Site,
			Message: fmt.Sprintf("新报告：%s", firstNonEmpty(d.Title, d.Body, d.URL)),
			Report:  &Report{ID: d.ID, Title: d.Title, Body: d.Body, Region: d.Region, Year: d.Year, URL: d.URL}})
	}

	for _, site := range m.Sites {
		runs, err := m.Archive.Runs(site, 50)
		if err != nil {
			return nil, fmt.Errorf("alert: runs of %s: %w", site, err)
		}
		h := SiteHealth(site, runs, m.Th)
		prev := m.siteState[site]
		m.siteState[site] = h.Status
		if h.Status == prev {
			continue
		}
		switch h.Status {
		case HealthFailing:
			events = append(events, Event{Kind: KindSiteFailing, Time: now, Site: site, Runs: h.ConsecutiveFailures,
				Message: fmt.Sprintf("站点 %s 连续 %d 次抓取失败：%s", site, h.ConsecutiveFailures, h.Reason)})
		case HealthSilent:
			events = append(events, Event{Kind: KindSiteSilent, Time: now, Site: site, Runs: m.Th.SilentRuns,
				Message: fmt.Sprintf("站点 %s 最近 %d 次抓取未发现报告（此前有）：规则可能失效", site, m.Th.SilentRuns)})
		}
	}

	if m.Overdue {
		keys := make([]bodyKey, 0, len(years))
		for k := range years {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].site != keys[j].site {
				return keys[i].site < keys[j].site
			}
			return keys[i].body < keys[j].body
		})
		for _, k := range keys {
			y := DueYear(k.body, now, m.Grace)
			if y == 0 || years[k][y] || !years[k][y-1] {
				continue
			}
			id := fmt.Sprintf("%s\x00%s\x00%d", k.site, k.body, y)
			if m.sent[id] {
				continue
			}
			m.sent[id] = true
			dl := Deadline(k.body, y)
			events = append(events, Event{Kind: KindOverdue, Time: now, Site: k.site, Body: k.body, Year: y, Deadline: &dl,
				Message: fmt.Sprintf("%s 的 %d 年度报告逾期未见（法定期限 %s）", k.body, y, dl.AddDate(0, 0, -1).Format("2006-01-02"))})
		}
	}

	var errs []error
	for _, ev := range events {
		if err := m.Notifier.Send(ctx, ev); err != nil {
			errs = append(errs, err)
		}
	}
	return events, errors.Join(errs...)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
