package portal

import (
	"maps"
	"net/http"
	"sync"
)

// URLStats counts the responses served for one URL (scheme://host/path?query).
type URLStats struct {
	Requests    int64 `json:"requests"`
	OK          int64 `json:"ok"`           // 200 responses
	NotModified int64 `json:"not_modified"` // 304 responses
	Bytes       int64 `json:"bytes"`        // body bytes written
}

// Stats is a snapshot of what the portal served since New or ResetStats.
type Stats struct {
	Requests int64               `json:"requests"`
	Bytes    int64               `json:"bytes"`
	ByURL    map[string]URLStats `json:"by_url"`
}

// Get returns the counters of one URL (zero when never requested).
func (s Stats) Get(url string) URLStats { return s.ByURL[url] }

type statsTable struct {
	mu       sync.Mutex
	requests int64
	bytes    int64
	byURL    map[string]*URLStats
}

func (t *statsTable) init() { t.byURL = map[string]*URLStats{} }

func (t *statsTable) record(key string, status int, n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests++
	t.bytes += n
	u := t.byURL[key]
	if u == nil {
		u = &URLStats{}
		t.byURL[key] = u
	}
	u.Requests++
	u.Bytes += n
	switch status {
	case http.StatusOK:
		u.OK++
	case http.StatusNotModified:
		u.NotModified++
	}
}

// Stats returns a snapshot of the request counters.
func (p *Portal) Stats() Stats {
	t := &p.stats
	t.mu.Lock()
	defer t.mu.Unlock()
	s := Stats{Requests: t.requests, Bytes: t.bytes, ByURL: make(map[string]URLStats, len(t.byURL))}
	for k, v := range t.byURL {
		s.ByURL[k] = *v
	}
	return s
}

// ResetStats zeroes the counters (e.g. between a first and a second crawl),
// the politeness record and the per-URL request counts the latency jitter
// is drawn from, so a second crawl is judged, and delayed, on its own.
func (p *Portal) ResetStats() {
	p.polite.reset()
	p.lat.reset()
	t := &p.stats
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests, t.bytes = 0, 0
	maps.DeleteFunc(t.byURL, func(string, *URLStats) bool { return true })
}
