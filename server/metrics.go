package server

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/nianbao/nianbao/archive"
)

// metrics live in their own registry so several servers (tests) coexist.
type metrics struct {
	reg *prometheus.Registry

	pages, bytes, docs, newDocs *prometheus.CounterVec
	errors, blocked             *prometheus.CounterVec
	runs                        *prometheus.CounterVec
	runDuration                 *prometheus.HistogramVec
	lastRun                     *prometheus.GaugeVec
	running                     prometheus.Gauge
	siteHealth                  *prometheus.GaugeVec
	httpReqs                    *prometheus.CounterVec
	httpDur                     *prometheus.HistogramVec
	alerts                      *prometheus.CounterVec
	alertErrors                 prometheus.Counter
	backups                     *prometheus.CounterVec
	rateLimited                 prometheus.Counter

	mu        sync.Mutex
	lastRunID uint64
}

func newMetrics(arc *archive.Archive) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	site := []string{"site"}
	m.pages = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_crawl_pages_total", Help: "Pages fetched by crawl runs."}, site)
	m.bytes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_crawl_bytes_total", Help: "Bytes downloaded by crawl runs."}, site)
	m.docs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_crawl_documents_total", Help: "Documents seen by crawl runs."}, site)
	m.newDocs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_crawl_new_documents_total", Help: "New documents archived by crawl runs."}, site)
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_crawl_errors_total", Help: "Crawl errors by kind."}, []string{"site", "kind"})
	m.blocked = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_crawl_blocked_total", Help: "Blocked responses (WAF, challenge pages) by kind."}, []string{"site", "kind"})
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_crawl_runs_total", Help: "Finished site runs by status."}, []string{"site", "status"})
	m.runDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "nianbao_crawl_run_duration_seconds", Help: "Duration of site runs.",
		Buckets: []float64{10, 30, 60, 300, 900, 1800, 3600, 7200, 14400}}, site)
	m.lastRun = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nianbao_crawl_last_run_timestamp_seconds", Help: "End of the site's last run (Unix time)."}, site)
	m.running = prometheus.NewGauge(prometheus.GaugeOpts{Name: "nianbao_crawl_running", Help: "1 while a crawl is in progress."})
	m.siteHealth = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nianbao_site_health", Help: "1 for the site's current health status."}, []string{"site", "status"})
	m.httpReqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"})
	m.httpDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "nianbao_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: prometheus.DefBuckets}, []string{"route"})
	m.alerts = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_alerts_total", Help: "Alert events raised by kind."}, []string{"kind"})
	m.alertErrors = prometheus.NewCounter(prometheus.CounterOpts{Name: "nianbao_alert_errors_total", Help: "Webhook deliveries that failed after retries."})
	m.backups = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nianbao_backups_total", Help: "Scheduled backups by result."}, []string{"result"})
	m.rateLimited = prometheus.NewCounter(prometheus.CounterOpts{Name: "nianbao_http_rate_limited_total", Help: "Requests refused by the rate limit."})
	m.reg.MustRegister(m.pages, m.bytes, m.docs, m.newDocs, m.errors, m.blocked, m.runs, m.runDuration, m.lastRun,
		m.running, m.siteHealth, m.httpReqs, m.httpDur, m.alerts, m.alertErrors, m.backups, m.rateLimited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&archiveCollector{arc: arc})
	return m
}

// observeRuns adds the runs stored since the last call to the counters.
// Runs are the crawl engine's own reports, so metrics need no hook in it.
func (m *metrics) observeRuns(arc *archive.Archive) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	runs, err := arc.Runs("", 1000)
	if err != nil {
		return err
	}
	for i := len(runs) - 1; i >= 0; i-- { // oldest first
		r := runs[i]
		if r.ID <= m.lastRunID {
			continue
		}
		m.lastRunID = r.ID
		m.pages.WithLabelValues(r.Site).Add(float64(r.Pages))
		m.bytes.WithLabelValues(r.Site).Add(float64(r.Bytes))
		m.docs.WithLabelValues(r.Site).Add(float64(r.Docs))
		m.newDocs.WithLabelValues(r.Site).Add(float64(r.NewDocs))
		for k, v := range r.Errors {
			m.errors.WithLabelValues(r.Site, k).Add(float64(v))
		}
		for k, v := range r.Blocked {
			m.blocked.WithLabelValues(r.Site, k).Add(float64(v))
		}
		m.runs.WithLabelValues(r.Site, r.Status).Inc()
		if !r.End.IsZero() {
			m.lastRun.WithLabelValues(r.Site).Set(float64(r.End.Unix()))
			if d := r.End.Sub(r.Start).Seconds(); d >= 0 {
				m.runDuration.WithLabelValues(r.Site).Observe(d)
			}
		}
	}
	return nil
}

// skipExistingRuns starts counting after the newest stored run, so a
// restart does not replay history into the counters.
func (m *metrics) skipExistingRuns(arc *archive.Archive) error {
	runs, err := arc.Runs("", 1)
	if err != nil {
		return err
	}
	if len(runs) > 0 {
		m.lastRunID = runs[0].ID
	}
	return nil
}

// archiveCollector reads archive counts at scrape time.
type archiveCollector struct{ arc *archive.Archive }

var archiveDescs = map[string]*prometheus.Desc{
	"documents":    prometheus.NewDesc("nianbao_archive_documents", "Documents in the archive.", nil, nil),
	"retracted":    prometheus.NewDesc("nianbao_archive_retracted_documents", "Retracted documents (kept, hidden from listings).", nil, nil),
	"blobs":        prometheus.NewDesc("nianbao_archive_blobs", "Unique files in the archive.", nil, nil),
	"captures":     prometheus.NewDesc("nianbao_archive_captures", "Captures in the archive.", nil, nil),
	"blob_bytes":   prometheus.NewDesc("nianbao_archive_blob_bytes", "Sum of unique original bytes.", nil, nil),
	"stored_bytes": prometheus.NewDesc("nianbao_archive_stored_bytes", "Blob bytes after compression.", nil, nil),
	"file_bytes":   prometheus.NewDesc("nianbao_archive_file_bytes", "Size of the archive file.", nil, nil),
	"frontier":     prometheus.NewDesc("nianbao_archive_frontier_urls", "URLs in the persisted crawl frontier.", nil, nil),
	"schema":       prometheus.NewDesc("nianbao_archive_schema_version", "Archive schema version.", nil, nil),
}

func (c *archiveCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range archiveDescs {
		ch <- d
	}
}

func (c *archiveCollector) Collect(ch chan<- prometheus.Metric) {
	st, err := c.arc.Stats()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(archiveDescs["documents"], err)
		return
	}
	for k, v := range map[string]float64{"documents": float64(st.Documents), "retracted": float64(st.Retracted), "blobs": float64(st.Blobs),
		"captures": float64(st.Captures), "blob_bytes": float64(st.BlobBytes), "stored_bytes": float64(st.StoredBytes),
		"file_bytes": float64(st.FileBytes), "frontier": float64(st.Frontier), "schema": float64(st.SchemaVersion)} {
		ch <- prometheus.MustNewConstMetric(archiveDescs[k], prometheus.GaugeValue, v)
	}
}

func codeLabel(code int) string { return strconv.Itoa(code) }
