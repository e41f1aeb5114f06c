package querytest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// File is one original file of a fixture document and its capture.
type File struct {
	URL      string
	FinalURL string
	Filename string
	Role     string // "page" or "attachment" (default "attachment")
	Data     []byte
	Status   int               // default 200; 0 with Source "import"
	Headers  map[string]string // default Content-Type from the media type
	Referer  string
	Time     time.Time // capture time (default 2024-02-01T08:00:00Z)
}

// Doc is one fixture document.
type Doc struct {
	Site, URL, Title, Body, Region string
	Year                           int
	Format, ParseStatus            string
	FailedChecks                   int
	PublishedAt                    string
	Source                         string // "crawl" (default) or "import"
	Files                          []File
	Parsed                         []byte // schema.md JSON, nil = not parsed
	FirstSeen                      time.Time
}

// Open creates an archive in a temporary directory; it is closed when the
// test ends.
func Open(tb testing.TB) *archive.Archive {
	tb.Helper()
	a, err := archive.Open(filepath.Join(tb.TempDir(), "archive.db"), archive.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	return a
}

// Add stores docs (blobs, captures, documents) and returns their ids in
// order.
func Add(tb testing.TB, a *archive.Archive, docs ...Doc) []string {
	tb.Helper()
	ids := make([]string, len(docs))
	for i, d := range docs {
		id, err := AddDoc(a, d)
		if err != nil {
			tb.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

// AddDoc stores one document; usable from benchmarks without a testing.TB
// per call.
func AddDoc(a *archive.Archive, d Doc) (string, error) {
	src := d.Source
	if src == "" {
		src = "crawl"
	}
	site := d.Site
	if src == "import" && site == "" {
		site = "import"
	}
	id := archive.DocID(site, d.URL)
	doc := &archive.Document{
		ID: id, Site: d.Site, URL: d.URL, Title: d.Title, PublishedAt: d.PublishedAt, Body: d.Body,
		Region: d.Region, Year: d.Year, Format: d.Format, Source: src, ParseStatus: d.ParseStatus,
		FailedChecks: d.FailedChecks, Parsed: d.Parsed, FirstSeen: d.FirstSeen,
	}
	for _, f := range d.Files {
		info, _, err := a.PutBlobBytes(f.Data)
		if err != nil {
			return "", fmt.Errorf("blob of %s: %w", f.URL, err)
		}
		role := f.Role
		if role == "" {
			role = "attachment"
		}
		status := f.Status
		if status == 0 && src != "import" {
			status = 200
		}
		hdr := f.Headers
		if hdr == nil {
			hdr = archive.Headers{"Content-Type": info.MediaType, "Content-Length": fmt.Sprint(len(f.Data))}
		}
		t := f.Time
		if t.IsZero() {
			t = time.Date(2024, 2, 1, 8, 0, 0, 0, time.UTC)
		}
		c := &archive.Capture{URL: f.URL, FinalURL: f.FinalURL, Time: t, Status: status, Headers: hdr,
			Referer: f.Referer, Site: d.Site, SHA256: info.SHA256, Size: info.Size, MediaType: info.MediaType,
			Filename: f.Filename, Source: src, DocID: id}
		if err := a.AddCapture(c); err != nil {
			return "", fmt.Errorf("capture of %s: %w", f.URL, err)
		}
		doc.Files = append(doc.Files, archive.FileRef{URL: f.URL, SHA256: info.SHA256, MediaType: info.MediaType,
			Size: info.Size, Filename: f.Filename, Role: role})
	}
	if err := a.PutDocument(doc); err != nil {
		return "", err
	}
	return id, nil
}

// Report describes a parsed report to generate.
type Report struct {
	Title, Body, Region string
	Year                int
	Format              string // "2021" (default) or "2019"
	// Seed varies the numbers between reports.
	Seed int
	// CarriedOver / CarriedForward set 二、上年结转 and 四、结转下年度 (7
	// columns); nil entries are null. Nil slices use values from Seed.
	CarriedOver, CarriedForward []*float64
	// FailedChecks adds that many failed H3 checks.
	FailedChecks int
	// NullNew makes the first value of the "new" row null.
	NullNew bool
	// Extra adds an unknown requests row and an active.extra row.
	Extra bool
	Sections
}

// Sections is the free text of 一, 五, 六.
type Sections struct{ Overview, Problems, Other string }

// N returns a pointer to v.
func N(v float64) *float64 { return &v }

// Seven returns 7 values.
func Seven(vals ...float64) []*float64 {
	out := make([]*float64, 7)
	for i := range out {
		if i < len(vals) {
			out[i] = N(vals[i])
		}
	}
	return out
}

// RequestKeys2021 / RequestKeys2019 are the section 三 keys of each format.
var (
	requestHead = []string{"new", "carried_over", "granted", "partly_granted",
		"withheld.state_secret", "withheld.prohibited_by_law", "withheld.security_stability", "withheld.third_party",
		"withheld.internal_affairs", "withheld.process_info", "withheld.enforcement_files", "withheld.query_matters",
		"unable.not_held", "unable.needs_creation", "unable.unclear",
		"not_processed.complaint", "not_processed.repeated", "not_processed.publication", "not_processed.excessive", "not_processed.confirmation"}
	RequestKeys2021 = append(append(append([]string{}, requestHead...), "other.no_correction", "other.fee_unpaid", "other.other"), "total", "carried_forward")
	RequestKeys2019 = append(append(append([]string{}, requestHead...), "other"), "total", "carried_forward")
)

// orderedObject marshals keys in the given order (JSON objects from the
// parser keep template order; tests should not depend on Go map order).
type orderedObject struct {
	keys []string
	vals map[string]any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, k := range o.keys {
		if i > 0 {
			b = append(b, ',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, kb...), ':'), vb...)
	}
	return append(b, '}'), nil
}

func obj() *orderedObject { return &orderedObject{vals: map[string]any{}} }

func (o *orderedObject) set(k string, v any) *orderedObject {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

// JSON renders r as a docs/schema.md report.
func (r Report) JSON() []byte {
	format := r.Format
	if format == "" {
		format = "2021"
	}
	s := float64(r.Seed)
	active := obj()
	if format == "2019" {
		active.set("regulations", obj().set("new_made", s).set("new_published", s+1).set("total_published", s+2))
		active.set("normative_documents", obj().set("new_made", 1).set("new_published", 2).set("total_published", 3))
		active.set("licensing", obj().set("previous", 10).set("change", -2).set("decisions", 8))
		active.set("other_services", obj().set("previous", 1).set("change", 0).set("decisions", 1))
		active.set("punishment", obj().set("previous", 5).set("change", 1).set("decisions", 6))
		active.set("coercion", obj().set("previous", 0).set("change", 0).set("decisions", nil))
		active.set("fees", obj().set("previous", 2).set("change", 0))
		active.set("procurement", obj().set("projects", 3).set("amount", 251000).set("amount_unit", "元"))
	} else {
		active.set("regulations", obj().set("issued", s).set("repealed", 0).set("in_force", s+3))
		active.set("normative_documents", obj().set("issued", 5).set("repealed", 2).set("in_force", 27))
		active.set("licensing", obj().set("decisions", 1243+s))
		active.set("punishment", obj().set("decisions", 86))
		active.set("coercion", obj().set("decisions", nil))
		active.set("fees", obj().set("amount_wan_yuan", 12.5))
	}
	if r.Extra {
		active.set("extra", []map[string]any{{"label": "其他主动公开文件", "values": []any{4, nil}}})
	}
	keys := RequestKeys2021
	if format == "2019" {
		keys = RequestKeys2019
	}
	req := obj()
	for i, k := range keys {
		row := make([]*float64, 7)
		for j := range row {
			row[j] = N(float64((r.Seed + i + j) % 5))
		}
		req.set(k, row)
	}
	if r.NullNew {
		req.vals["new"].([]*float64)[0] = nil
	}
	if r.CarriedOver != nil {
		req.set("carried_over", r.CarriedOver)
	}
	if r.CarriedForward != nil {
		req.set("carried_forward", r.CarriedForward)
	}
	if r.Extra {
		req.set("local.unknown_row", Seven(1, 2, 3, 4, 5, 6, 21))
	}
	five := func(base float64) *orderedObject {
		return obj().set("upheld", base).set("corrected", 0).set("other", 0).set("pending", 1).set("total", base+1)
	}
	rl := obj().set("review", five(s)).set("litigation_direct", five(2)).set("litigation_after_review", five(1))
	checks := []map[string]any{{"rule": "H1", "where": "requests.natural_person", "ok": true, "expected": 3, "found": 3}}
	for i := 0; i < r.FailedChecks; i++ {
		checks = append(checks, map[string]any{"rule": "H3", "where": "requests." + keys[i%len(keys)], "ok": false, "expected": 10 + i, "found": 9 + i})
	}
	out := obj().
		set("schema", "nianbao.report/1").
		set("source", map[string]string{"sha256": "", "url": "", "media_type": "application/pdf", "file": "report.pdf"}).
		set("title", r.Title).set("body", r.Body).set("region", r.Region).set("year", r.Year).set("format", format).
		set("active", active).set("requests", req).set("review_litigation", rl).
		set("sections", map[string]string{"overview": r.Overview, "problems": r.Problems, "other": r.Other}).
		set("checks", checks).
		set("warnings", []map[string]string{{"code": "blank_cell", "message": "blank cells read as null"}})
	b, err := json.Marshal(out)
	if err != nil {
		panic(err) // fixture construction only
	}
	return b
}

// PDF returns small bytes that sniff as a PDF and differ per seed.
func PDF(seed string) []byte {
	return []byte("%PDF-1.4\n% nianbao test fixture " + seed + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// HTML returns a small detail page.
func HTML(title string) []byte {
	return []byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>" + title + "</h1><a href=\"report.pdf\">附件</a></body></html>")
}
