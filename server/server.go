package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/schedule"
)

// Crawler runs a crawl of the named sites into the archive. It must
// return soon after ctx is cancelled, having committed or rolled back
// every write (the archive's CommitFetch is the commit boundary) and left
// the frontier saved, so the next Run resumes.
type Crawler interface {
	Run(ctx context.Context, sites []string) error
}

// CrawlerFunc adapts a function to Crawler.
type CrawlerFunc func(ctx context.Context, sites []string) error

// Run calls f.
func (f CrawlerFunc) Run(ctx context.Context, sites []string) error { return f(ctx, sites) }

// Exporter writes the ZIP bundle of docs to w, streaming. selection
// describes the filter (URL query form) for the bundle's README.
type Exporter interface {
	WriteZIP(ctx context.Context, w io.Writer, arc *archive.Archive, docs []*archive.Document, selection string) error
}

// Options configure a Server.
type Options struct {
	Archive *archive.Archive
	Config  *config.Config
	// Token authorises POST /api/crawl; "" disables it.
	Token    string
	Crawler  Crawler  // nil: no crawls (API answers 503, schedule logs it)
	Query    Querier  // nil: query's filter over an in-memory list of the documents (docCache)
	Exporter Exporter // nil: the built-in bundle (originals + manifest.csv)
	Logger   *slog.Logger
	// Now is the clock for alerts and busy-season checks; nil = time.Now.
	Now func() time.Time
	// NoSchedule disables the cron schedule (tests of the API alone).
	NoSchedule bool
	// HTTPClient posts webhooks; nil: a default client.
	HTTPClient *http.Client
}

// Server is the running service's state.
type Server struct {
	arc      *archive.Archive
	cfg      *config.Config
	token    string
	crawler  Crawler
	query    Querier
	exporter Exporter
	log      *slog.Logger
	now      func() time.Time

	runner  *schedule.Runner
	sched   *schedule.Scheduler
	monitor *alert.Monitor
	metrics *metrics
	limiter *rateLimiter
	web     *web
	sites   []string

	search searchIndex
	docs   docCache

	runCtx    context.Context
	runCancel context.CancelFunc
}

// New checks opts and builds a Server; nothing runs until Run.
func New(opts Options) (*Server, error) {
	if opts.Archive == nil || opts.Config == nil {
		return nil, errors.New("server: archive and config are required")
	}
	s := &Server{arc: opts.Archive, cfg: opts.Config, token: opts.Token, crawler: opts.Crawler,
		query: opts.Query, exporter: opts.Exporter, log: opts.Logger, now: opts.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.query == nil {
		s.query = s.cachedQuery
	}
	if s.exporter == nil {
		s.exporter = bundleExporter{}
	}
	for _, site := range s.cfg.Sites {
		s.sites = append(s.sites, site.Name)
	}
	sv := s.cfg.Serve
	notifier, err := alert.NewNotifier(sv.Webhooks, opts.HTTPClient, s.log)
	if err != nil {
		return nil, err
	}
	s.monitor = &alert.Monitor{Archive: s.arc, Sites: s.sites, Notifier: notifier, Log: s.log, Now: s.now,
		Th:    alert.Thresholds{ErrorRuns: sv.Alerts.ErrorRuns, SilentRuns: sv.Alerts.SilentRuns},
		Grace: sv.Alerts.DeadlineGrace.D(), Overdue: sv.Alerts.OverdueOn()}
	s.metrics = newMetrics(s.arc)
	if err := s.metrics.skipExistingRuns(s.arc); err != nil {
		return nil, fmt.Errorf("server: read runs: %w", err)
	}
	s.limiter = newRateLimiter(sv.RateLimit, sv.RateBurst)
	tz := sv.Timezone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("serve.timezone %q: %w", tz, err)
	}
	if s.web, err = newWeb(loc); err != nil {
		return nil, err
	}
	s.runCtx, s.runCancel = context.WithCancel(context.Background())
	s.runner = schedule.NewRunner(s.crawlJob(nil), s.log)
	if !opts.NoSchedule {
		s.sched, err = schedule.New(s.runCtx, s.runner, schedule.Options{Timezone: sv.Timezone, Schedule: sv.Schedule,
			BusySchedule: sv.BusySchedule, BusyMonths: sv.BusyMonths, Logger: s.log, Now: s.now})
		if err != nil {
			return nil, err
		}
		if sv.Backup.Schedule != "" {
			if sv.Backup.Dir == "" {
				return nil, errors.New("serve.backup.dir is required with serve.backup.schedule")
			}
			if err := s.sched.AddFunc("backup", sv.Backup.Schedule, func(context.Context) { _, _ = s.Backup() }); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// crawlJob returns the job that crawls sites (nil: every configured site),
// then updates metrics and sends alerts.
func (s *Server) crawlJob(sites []string) schedule.Job {
	return func(ctx context.Context, reason string) error {
		if s.crawler == nil {
			return errors.New("no crawl engine in this build")
		}
		if sites == nil {
			sites = s.sites
		}
		start := s.now()
		s.metrics.running.Set(1)
		err := s.crawler.Run(ctx, sites)
		s.metrics.running.Set(0)
		if merr := s.metrics.observeRuns(s.arc); merr != nil {
			s.log.Error("metrics: read runs", "err", merr)
		}
		s.updateHealth()
		s.updateIndex()
		if ctx.Err() != nil {
			// Shutting down: the engine stopped at a commit boundary and
			// its frontier is saved; alerts would judge a cut-short run.
			s.log.Info("crawl interrupted by shutdown; it resumes on the next start", "reason", reason)
			return nil
		}
		events, aerr := s.monitor.Check(ctx, start)
		for _, e := range events {
			s.metrics.alerts.WithLabelValues(e.Kind).Inc()
		}
		if aerr != nil {
			s.metrics.alertErrors.Inc()
			s.log.Error("alerts", "err", aerr)
		}
		if err != nil {
			return fmt.Errorf("crawl (%s): %w", reason, err)
		}
		return nil
	}
}

// updateHealth refreshes the per-site health gauges.
func (s *Server) updateHealth() {
	for _, h := range s.siteHealth() {
		for _, st := range []string{alert.HealthOK, alert.HealthNeverRun, alert.HealthDegraded, alert.HealthSilent, alert.HealthFailing} {
			v := 0.0
			if st == h.Health.Status {
				v = 1
			}
			s.metrics.siteHealth.WithLabelValues(h.Site, st).Set(v)
		}
	}
}

// Backup writes a hot copy into serve.backup.dir and prunes old copies.
func (s *Server) Backup() (string, error) {
	b := s.cfg.Serve.Backup
	name := filepath.Join(b.Dir, "nianbao-"+s.now().UTC().Format("20060102T150405Z")+".db")
	if err := os.MkdirAll(b.Dir, 0o750); err != nil {
		s.metrics.backups.WithLabelValues("error").Inc()
		return "", fmt.Errorf("backup dir: %w", err)
	}
	n, err := s.arc.BackupFile(name)
	if err != nil {
		s.metrics.backups.WithLabelValues("error").Inc()
		s.log.Error("backup failed", "file", name, "err", err)
		return "", fmt.Errorf("backup: %w", err)
	}
	s.metrics.backups.WithLabelValues("ok").Inc()
	s.log.Info("backup written", "file", name, "bytes", n)
	if b.Keep > 0 {
		old, _ := filepath.Glob(filepath.Join(b.Dir, "nianbao-*.db"))
		sort.Strings(old)
		for len(old) > b.Keep {
			if err := os.Remove(old[0]); err != nil {
				s.log.Error("prune backup", "file", old[0], "err", err)
			}
			old = old[1:]
		}
	}
	return name, nil
}

// Handler returns the HTTP handler with every route and middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	// probe holds the same routes without the catch-all, so notFound can
	// tell "no such path" (404) from "wrong method" (405 with Allow).
	probe := http.NewServeMux()
	route := func(pattern, name string, h http.HandlerFunc, limited bool) {
		var hh http.Handler = h
		if limited {
			hh = s.limit(hh)
		}
		mux.Handle(pattern, s.instrument(name, hh))
		if pattern != "/" {
			probe.Handle(pattern, hh)
		}
	}
	route("GET /api/reports", "/api/reports", s.apiReports, true)
	route("GET /api/search", "/api/search", s.apiSearch, true)
	route("GET /api/reports/{id}", "/api/reports/{id}", s.apiReport, true)
	route("GET /raw/{sha256}", "/raw/{sha256}", s.raw, true)
	route("GET /api/export", "/api/export", s.apiExport, true)
	route("GET /api/sites", "/api/sites", s.apiSites, true)
	route("GET /api/coverage", "/api/coverage", s.apiCoverage, true)
	route("POST /api/crawl", "/api/crawl", s.apiCrawl, true)
	route("GET /healthz", "/healthz", s.healthz, false)
	mux.Handle("GET /metrics", s.instrument("/metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})))
	probe.Handle("GET /metrics", http.NotFoundHandler())
	route("GET /series", "/series", s.pageSeries, true)
	route("GET /compare", "/compare", s.pageCompare, true)
	route("GET /{$}", "/", s.pageSearch, true)
	route("GET /reports/{id}", "/reports/{id}", s.pageReport, true)
	route("GET /sites", "/sites", s.pageSites, true)
	route("GET /coverage", "/coverage", s.pageCoverage, true)
	route("GET /static/style.css", "/static", s.static, false)
	route("/", "other", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(probe, r); len(allow) > 0 {
			s.methodNotAllowed(w, r, allow)
			return
		}
		s.notFound(w, r)
	}, true)
	return s.guard(mux)
}

// allowedMethods lists the methods some route accepts for r's path.
func allowedMethods(probe *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
		r2 := *r
		r2.Method = m
		if _, pattern := probe.Handler(&r2); pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}

// MaxURLLength bounds request URLs (filters are short).
const MaxURLLength = 4096

// MaxBodyBytes bounds request bodies (only POST /api/crawl takes one).
const MaxBodyBytes = 16 << 10

// guard applies size limits and the security headers every response gets.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		// frame-src 'self': the report page shows the original from
		// /raw beside the tables (raw sets its own, stricter policy).
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		if len(r.URL.RawQuery)+len(r.URL.Path) > MaxURLLength {
			writeError(w, http.StatusRequestURITooLong, "request URL too long")
			return
		}
		if r.ContentLength > MaxBodyBytes {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", MaxBodyBytes))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(c int) {
	if w.code == 0 {
		w.code = c
	}
	w.ResponseWriter.WriteHeader(c)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets streamed exports reach the client as they are written.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *Server) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		s.metrics.httpReqs.WithLabelValues(route, codeLabel(sw.code)).Inc()
		s.metrics.httpDur.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

func (s *Server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, retry := s.limiter.allow(clientKey(r), time.Now())
		if !ok {
			s.metrics.rateLimited.Inc()
			w.Header().Set("Retry-After", fmt.Sprint(int(retry.Seconds())+1))
			writeError(w, http.StatusTooManyRequests, "rate limit exceeded: slow down")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientKey is the peer address. X-Forwarded-For is ignored: behind a
// reverse proxy every client shares the proxy's budget, which is safe.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authorized checks "Authorization: Bearer TOKEN" in constant time.
func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.token)) == 1
}

// Run serves on ln until ctx is cancelled, then shuts down in order: stop
// the schedule and cancel the crawl (it stops at a commit boundary), wait
// for it, then drain HTTP. The caller closes the archive afterwards.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.updateHealth()
	if s.sched != nil {
		s.sched.Start()
		for name, t := range s.sched.Next() {
			s.log.Info("scheduled", "entry", name, "next", t.In(s.sched.Location()).Format(time.RFC3339))
		}
	}
	// Read the document list once now, so the first page does not wait.
	go func() {
		if _, err := s.cachedDocs(s.runCtx); err != nil {
			s.log.Error("read documents", "err", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String())

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	s.log.Info("shutting down")
	s.runCancel()
	stopCtx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if s.sched != nil {
		if err := s.sched.Stop(stopCtx); err != nil {
			s.log.Error("scheduler stop", "err", err)
		}
	}
	done := make(chan struct{})
	go func() { s.runner.Wait(); close(done) }()
	select {
	case <-done:
	case <-stopCtx.Done():
		s.log.Error("crawl did not stop within 60s")
	}
	if err := srv.Shutdown(stopCtx); err != nil {
		s.log.Error("http shutdown", "err", err)
	}
	s.closeIndex()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	s.log.Info("stopped")
	return nil
}

// ListenAndRun listens on addr and calls Run.
func (s *Server) ListenAndRun(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return s.Run(ctx, ln)
}
