package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/schedule"
	"github.com/nianbao/nianbao/sniff"
)

// ReportSummary is one report in GET /api/reports: the record of
// `crawler query --output jsonl` (issue 6), so scripts read both alike,
// with each file's download path on this server added.
type ReportSummary struct {
	query.Record
	Files []FileJSON `json:"files"` // shadows Record.Files in JSON
}

// FileJSON is one original file of a report.
type FileJSON struct {
	query.FileInfo
	Filename string `json:"filename,omitempty"`
	Raw      string `json:"raw"` // this server's download path
}

func summary(d *archive.Document) ReportSummary {
	s := ReportSummary{Record: query.NewRecord(d), Files: make([]FileJSON, 0, len(d.Files))}
	for i, f := range d.Files {
		s.Files = append(s.Files, FileJSON{FileInfo: s.Record.Files[i], Filename: f.Filename, Raw: "/raw/" + f.SHA256})
	}
	return s
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true) // crawled strings stay inert even if a client renders the JSON as HTML
	_ = enc.Encode(v)
}

type apiError struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, apiError{Error: msg})
}

// queryValues parses the query string strictly. r.URL.Query() silently
// drops a malformed pair (body=%ZZ), which would widen a filter to the
// whole archive; a bad query must be a 400 instead.
func queryValues(r *http.Request) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("malformed query string: %w", err)
	}
	return v, nil
}

// pageParams reads limit/offset.
func pageParams(v url.Values) (limit, offset int, err error) {
	limit, offset = 100, 0
	if s := v.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 1000 {
			return 0, 0, badFilter(fmt.Sprintf("每页条数 %q 不对，应为 1–1000", s), "limit %q: want 1–1000", s)
		}
	}
	if s := v.Get("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			return 0, 0, badFilter(fmt.Sprintf("起始位置 %q 不对，应为不小于 0 的整数", s), "offset %q: want a number ≥ 0", s)
		}
	}
	return limit, offset, nil
}

// ReportList is the GET /api/reports response.
type ReportList struct {
	Total   int             `json:"total"`
	Offset  int             `json:"offset"`
	Limit   int             `json:"limit"`
	Filter  FilterJSON      `json:"filter"`
	Reports []ReportSummary `json:"reports"`
}

func (s *Server) apiReports(w http.ResponseWriter, r *http.Request) {
	q, err := queryValues(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	f, err := ParseFilter(q, "limit", "offset")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit, offset, err := pageParams(q)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	docs, err := s.query(r.Context(), s.arc, f)
	if err != nil {
		s.internal(w, "query", err)
		return
	}
	out := ReportList{Total: len(docs), Offset: offset, Limit: limit, Filter: filterJSON(f), Reports: []ReportSummary{}}
	for i := offset; i < len(docs) && i < offset+limit; i++ {
		out.Reports = append(out.Reports, summary(docs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) internal(w http.ResponseWriter, what string, err error) {
	s.log.Error("request failed", "what", what, "err", err)
	writeError(w, http.StatusInternalServerError, what+" failed; see the server log")
}

var docIDRE = regexp.MustCompile(`^[0-9a-f]{16,64}$`)

// loadDoc validates id and reads the document, answering errors itself.
func (s *Server) loadDoc(w http.ResponseWriter, id string) (*archive.Document, bool) {
	id = strings.ToLower(id) // ids are hex; /raw already takes either case
	if !docIDRE.MatchString(id) {
		writeError(w, http.StatusBadRequest, "report id must be 16 hex digits")
		return nil, false
	}
	d, err := s.arc.Document(id)
	if errors.Is(err, archive.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no report with id "+id)
		return nil, false
	}
	if err != nil {
		s.internal(w, "read report", err)
		return nil, false
	}
	if d.Retracted() {
		writeError(w, http.StatusGone, "report "+id+" was retracted")
		return nil, false
	}
	return d, true
}

// retractedBlob reports whether every document that holds blob sha is
// retracted (and at least one does): its bytes are not served either.
func (s *Server) retractedBlob(sha string) (bool, error) {
	docs, err := s.arc.DocumentsByHash(sha)
	if err != nil || len(docs) == 0 {
		return false, err
	}
	for _, d := range docs {
		if !d.Retracted() {
			return false, nil
		}
	}
	return true, nil
}

// Provenance is where and when each original file was fetched.
type Provenance struct {
	SHA256   string        `json:"sha256"`
	Role     string        `json:"role"`
	Captures []CaptureJSON `json:"captures"`
}

// CaptureJSON is one fetch of a file.
type CaptureJSON struct {
	ID         uint64            `json:"id"`
	URL        string            `json:"url"`
	FinalURL   string            `json:"final_url"`
	Time       time.Time         `json:"time"`
	Status     int               `json:"status"`
	Headers    map[string]string `json:"headers"`
	Referer    string            `json:"referer"`
	ParentURL  string            `json:"parent_url"`
	AnchorText string            `json:"anchor_text"`
	Site       string            `json:"site"`
	MediaType  string            `json:"media_type"`
	Filename   string            `json:"filename"`
	Source     string            `json:"source"`
}

// maxCaptures bounds the captures listed per file (newest kept).
const maxCaptures = 50

func (s *Server) provenance(d *archive.Document) ([]Provenance, error) {
	out := []Provenance{}
	for _, f := range d.Files {
		caps, err := s.arc.CapturesByHash(f.SHA256)
		if err != nil {
			return nil, fmt.Errorf("captures of %s: %w", f.SHA256, err)
		}
		if len(caps) > maxCaptures {
			caps = caps[len(caps)-maxCaptures:]
		}
		p := Provenance{SHA256: f.SHA256, Role: f.Role, Captures: []CaptureJSON{}}
		for _, c := range caps {
			p.Captures = append(p.Captures, CaptureJSON{ID: c.ID, URL: c.URL, FinalURL: c.FinalURL, Time: c.Time, Status: c.Status,
				Headers: c.Headers, Referer: c.Referer, ParentURL: c.ParentURL, AnchorText: c.AnchorText, Site: c.Site,
				MediaType: c.MediaType, Filename: c.Filename, Source: c.Source})
		}
		out = append(out, p)
	}
	return out, nil
}

// ReportDetail is the GET /api/reports/{id} response.
type ReportDetail struct {
	ReportSummary
	Sightings     []archive.Sighting `json:"sightings"`
	Warnings      []string           `json:"warnings"`
	ParserVersion string             `json:"parser_version,omitempty"`
	Source        string             `json:"source"`
	// Parsed is the docs/schema.md JSON ("nianbao.report/1"), null when unparsed.
	Parsed     json.RawMessage `json:"parsed"`
	Provenance []Provenance    `json:"provenance"`
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadDoc(w, r.PathValue("id"))
	if !ok {
		return
	}
	prov, err := s.provenance(d)
	if err != nil {
		s.internal(w, "provenance", err)
		return
	}
	out := ReportDetail{ReportSummary: summary(d), Sightings: d.Sightings, Warnings: d.Warnings, ParserVersion: d.ParserVer,
		Source: d.Source, Parsed: d.Parsed, Provenance: prov}
	if out.Sightings == nil {
		out.Sightings = []archive.Sighting{}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if len(out.Parsed) == 0 || !json.Valid(out.Parsed) {
		out.Parsed = json.RawMessage("null")
	}
	writeJSON(w, http.StatusOK, out)
}

var shaRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// raw serves an original file byte-for-byte. Only a SHA-256 is accepted:
// nothing in the URL is ever used as a path.
func (s *Server) raw(w http.ResponseWriter, r *http.Request) {
	sha := strings.ToLower(r.PathValue("sha256"))
	if !shaRE.MatchString(sha) {
		writeError(w, http.StatusBadRequest, "want a SHA-256 (64 hex digits)")
		return
	}
	info, err := s.arc.Blob(sha)
	if errors.Is(err, archive.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no file with sha256 "+sha)
		return
	}
	if err != nil {
		s.internal(w, "read blob", err)
		return
	}
	if gone, err := s.retractedBlob(sha); err != nil {
		s.internal(w, "read blob", err)
		return
	} else if gone {
		writeError(w, http.StatusGone, "the reports holding file "+sha+" were retracted")
		return
	}
	ctype, fname := s.rawMeta(sha, info)
	etag := `"` + sha + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	// Crawled HTML must never run as this origin: sandbox it, and download.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", contentDisposition(fname))
	if r.URL.Query().Get("view") == "1" {
		s.rawInline(h, ctype, fname)
	}
	h.Set("Accept-Ranges", "bytes")
	if etagMatch(r.Header.Get("If-None-Match"), sha) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
		return
	}
	if r.Header.Get("Range") != "" {
		s.rawRange(w, r, sha, info)
		return
	}
	h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	rc, err := s.arc.OpenBlob(sha)
	if err != nil {
		h.Del("Content-Length")
		h.Del("Content-Disposition")
		s.internal(w, "open blob", err)
		return
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		// Headers are gone: abort the connection so a client never keeps
		// a truncated or altered file as if it were whole.
		s.log.Error("raw: stream failed", "sha256", sha, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// rawInline lets the report page show an original in a frame of this
// origin: inline instead of a download. A PDF opens in the browser's own
// viewer, which a sandboxed document may not load, so a PDF gets no
// sandbox (it runs no script of this origin); anything else stays
// sandboxed, without scripts, forms or same-origin access, and takes only
// its own inline styles.
func (s *Server) rawInline(h http.Header, ctype, fname string) {
	base, _, _ := strings.Cut(ctype, ";")
	h.Set("Content-Disposition", strings.Replace(contentDisposition(fname), "attachment", "inline", 1))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	if strings.TrimSpace(strings.ToLower(base)) == sniff.PDF {
		h.Set("Content-Security-Policy", "default-src 'none'; object-src 'self'; frame-ancestors 'self'")
		return
	}
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'")
}

// etagMatch reports whether an If-None-Match header names the blob's ETag
// ("*", a list, weak or strong).
func etagMatch(header, sha string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || strings.EqualFold(t, `"`+sha+`"`) {
			return true
		}
	}
	return false
}

// rawInMemory is the largest blob a Range request buffers in memory;
// bigger ones go through a temporary file.
const rawInMemory = 8 << 20

// rawRange answers a Range request. A part of a file cannot be checked
// against its SHA-256, so the whole blob is read and verified first (the
// archive's reader fails at EOF on a mismatch), then http.ServeContent
// serves the ranges from that verified copy.
func (s *Server) rawRange(w http.ResponseWriter, r *http.Request, sha string, info archive.BlobInfo) {
	fail := func(what string, err error) {
		w.Header().Del("Content-Disposition")
		w.Header().Del("Accept-Ranges")
		s.internal(w, what, err)
	}
	rc, err := s.arc.OpenBlob(sha)
	if err != nil {
		fail("open blob", err)
		return
	}
	defer rc.Close()
	var content io.ReadSeeker
	if info.Size <= rawInMemory {
		b, err := io.ReadAll(rc) // to EOF: the hash check runs there
		if err != nil {
			fail("read blob", err)
			return
		}
		content = bytes.NewReader(b)
	} else {
		tmp, err := os.CreateTemp("", "nianbao-raw-*")
		if err != nil {
			fail("temp file", err)
			return
		}
		defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
		if _, err := io.Copy(tmp, rc); err != nil {
			fail("read blob", err)
			return
		}
		content = tmp
	}
	// ETag is set: ServeContent honours If-Range and answers 206/416.
	http.ServeContent(w, r, "", time.Time{}, content)
}

// rawMeta picks the original Content-Type (as the server sent it, when it
// parses) and a file name from the captures and documents.
func (s *Server) rawMeta(sha string, info archive.BlobInfo) (ctype, fname string) {
	caps, _ := s.arc.CapturesByHash(sha)
	for i := len(caps) - 1; i >= 0; i-- {
		c := caps[i]
		if ctype == "" {
			if v := c.Headers["Content-Type"]; v != "" {
				if mt, params, err := mime.ParseMediaType(v); err == nil {
					ctype = mime.FormatMediaType(mt, params)
				}
			}
		}
		if fname == "" && c.Filename != "" {
			fname = c.Filename
		}
	}
	if fname == "" {
		if docs, err := s.arc.DocumentsByHash(sha); err == nil {
			for _, d := range docs {
				for _, f := range d.Files {
					if f.SHA256 == sha && f.Filename != "" && fname == "" {
						fname = f.Filename
					}
				}
			}
		}
	}
	if ctype == "" {
		ctype = info.MediaType
	}
	if ctype == "" {
		ctype = sniff.Binary
	}
	fname = safeFilename(fname)
	if fname == "" {
		fname = sha[:16] + sniff.Ext(info.MediaType)
	}
	return ctype, fname
}

// safeFilename keeps the last path element, without control characters,
// separators, quotes or leading dots, at most 150 characters.
func safeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == unicode.ReplacementChar, unicode.IsControl(r), strings.ContainsRune(`"<>:|?*;`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if rs := []rune(name); len(rs) > 150 {
		name = string(rs[len(rs)-150:])
	}
	return name
}

// contentDisposition writes an attachment header with an ASCII fallback
// and the UTF-8 name (RFC 6266 / RFC 5987).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	q, err := queryValues(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	f, err := ParseFilter(q, "as")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	as := q.Get("as")
	if as != "" && as != "zip" && as != "csv" && as != "xlsx" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("as %q: want zip, csv or xlsx", as))
		return
	}
	docs, err := s.query(r.Context(), s.arc, f)
	if err != nil {
		s.internal(w, "query", err)
		return
	}
	if as == "csv" || as == "xlsx" {
		s.exportTable(w, r, docs, as)
		return
	}
	// The bundle carries each report's parsed JSON: load the documents whole.
	if docs, err = s.fullDocs(r.Context(), docs); err != nil {
		s.internal(w, "query", err)
		return
	}
	name := "nianbao-" + s.now().UTC().Format("20060102-150405") + ".zip"
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", contentDisposition(name))
	w.Header().Set("X-Nianbao-Reports", strconv.Itoa(len(docs)))
	w.WriteHeader(http.StatusOK)
	if err := s.exporter.WriteZIP(r.Context(), w, s.arc, docs, filterValues(f).Encode()); err != nil {
		s.log.Error("export failed", "err", err)
		panic(http.ErrAbortHandler) // a truncated ZIP must not look complete
	}
}

// SiteStatus is one site in GET /api/sites.
type SiteStatus struct {
	Site   string        `json:"site"`
	Region string        `json:"region"`
	Start  []string      `json:"start"`
	Health alert.Health  `json:"health"`
	Runs   []archive.Run `json:"runs"` // newest first
}

// SitesResponse is the GET /api/sites response.
type SitesResponse struct {
	Sites   []SiteStatus         `json:"sites"`
	Running bool                 `json:"running"`
	Since   *time.Time           `json:"running_since,omitempty"`
	Next    map[string]time.Time `json:"next_runs,omitempty"`
}

// recentRuns is how many runs per site the API and page show.
const recentRuns = 10

func (s *Server) siteHealth() []SiteStatus {
	th := alert.Thresholds{ErrorRuns: s.cfg.Serve.Alerts.ErrorRuns, SilentRuns: s.cfg.Serve.Alerts.SilentRuns}
	var out []SiteStatus
	for _, site := range s.cfg.Sites {
		runs, err := s.arc.Runs(site.Name, 50)
		if err != nil {
			s.log.Error("runs", "site", site.Name, "err", err)
		}
		st := SiteStatus{Site: site.Name, Region: site.Region, Start: site.Start, Health: alert.SiteHealth(site.Name, runs, th)}
		if len(runs) > recentRuns {
			runs = runs[:recentRuns]
		}
		st.Runs = runs
		if st.Runs == nil {
			st.Runs = []archive.Run{}
		}
		out = append(out, st)
	}
	return out
}

func (s *Server) sitesResponse() SitesResponse {
	resp := SitesResponse{Sites: s.siteHealth()}
	if resp.Sites == nil {
		resp.Sites = []SiteStatus{}
	}
	if running, _, since := s.runner.Status(); running {
		resp.Running, resp.Since = true, &since
	}
	if s.sched != nil {
		resp.Next = s.sched.Next()
	}
	return resp
}

func (s *Server) apiSites(w http.ResponseWriter, r *http.Request) {
	if r.URL.RawQuery != "" {
		writeError(w, http.StatusBadRequest, "GET /api/sites takes no parameters")
		return
	}
	writeJSON(w, http.StatusOK, s.sitesResponse())
}

// CrawlRequest is the optional body of POST /api/crawl.
type CrawlRequest struct {
	Sites []string `json:"sites"`
}

func (s *Server) apiCrawl(w http.ResponseWriter, r *http.Request) {
	if s.token == "" {
		writeError(w, http.StatusForbidden, "write API disabled: set serve.token (or NIANBAO_TOKEN) to enable POST /api/crawl")
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="nianbao"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong token: send Authorization: Bearer TOKEN")
		return
	}
	var req CrawlRequest
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, `body: want {"sites": ["name", …]}: `+err.Error())
			return
		}
	}
	for _, name := range req.Sites {
		if _, ok := s.cfg.Site(name); !ok {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown site %q", name))
			return
		}
	}
	if s.crawler == nil {
		writeError(w, http.StatusServiceUnavailable, "no crawl engine in this build")
		return
	}
	sites := req.Sites
	if len(sites) == 0 {
		sites = s.sites
	}
	if err := s.runner.StartWith(s.runCtx, "api", s.crawlJob(sites)); errors.Is(err, schedule.ErrBusy) {
		writeError(w, http.StatusConflict, "a crawl is already running")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "started", "sites": sites})
}

// Healthz is the GET /healthz response.
type Healthz struct {
	Status        string `json:"status"`
	Archive       string `json:"archive"`
	SchemaVersion int    `json:"schema_version"`
	Documents     int    `json:"documents"`
	Crawling      bool   `json:"crawling"`
	Error         string `json:"error,omitempty"`
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h := Healthz{Status: "ok", Archive: s.arc.Path()}
	h.Crawling, _, _ = s.runner.Status()
	v, err := s.arc.SchemaVersionOf()
	if err != nil {
		h.Status, h.Error = "error", "archive unreadable"
		s.log.Error("healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, h)
		return
	}
	h.SchemaVersion = v
	if st, err := s.arc.Stats(); err == nil {
		h.Documents = st.Documents
	}
	writeJSON(w, http.StatusOK, h)
}

// isAPIPath: paths answered with JSON errors rather than the HTML page.
func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/raw/") || p == "/healthz" || p == "/metrics"
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow []string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	if isAPIPath(r.URL.Path) {
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed here; use %s", r.Method, strings.Join(allow, " or ")))
		return
	}
	s.renderError(w, http.StatusMethodNotAllowed, "此页面只接受 "+strings.Join(allow, "、")+" 请求")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if isAPIPath(r.URL.Path) {
		writeError(w, http.StatusNotFound, "no such endpoint")
		return
	}
	s.renderError(w, http.StatusNotFound, "页面不存在")
}
