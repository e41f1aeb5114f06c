// Package ingest connects the archive to the parser: it reads a document's
// stored files, parses each one that can hold a report, picks the best
// reading and records the parse state on the document. The crawl, `crawler
// import` and `crawler reparse` all go through it, so a document's derived
// fields are computed one way only.
//
// It must not fetch anything or write blobs: originals are never touched.
package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/parse"
	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/sniff"
)

// Hints are facts known from outside the file (command-line flags, the
// site's config); a non-empty hint overrides what the parser finds.
type Hints struct {
	Body   string
	Region string
	Year   int
}

// Parser parses archived documents. Create one per process.
type Parser struct {
	opts parse.Options
	Log  *slog.Logger
}

// NewParser configures the process-wide PDF engine from cfg (its compiled
// WebAssembly cache lives under cfg.CacheDir()).
func NewParser(cfg *config.Config) *Parser {
	pdf.SetDefaultConfig(pdf.Config{CacheDir: cfg.CacheDir()})
	return &Parser{Log: slog.Default()}
}

// Close releases the PDF engine if one was started.
func (p *Parser) Close() error { return pdf.CloseDefault() }

var statusRank = map[string]int{
	parse.StatusOK:        5,
	parse.StatusPartial:   4,
	parse.StatusNeedsOCR:  3,
	parse.StatusNotReport: 2,
	parse.StatusFailed:    1,
}

// Result is the best parse of a document.
type Result struct {
	Report *report.Report
	Status string
	File   archive.FileRef
}

// ParseDocument parses every file of d that can hold a report and returns
// the best reading (nil when d has no parseable file). Files are tried in
// order; a later file wins only with a strictly better status, so a stub
// page "详见附件" loses to its PDF while an HTML report with full tables
// beats an attached 统计表.
func (p *Parser) ParseDocument(ctx context.Context, arc *archive.Archive, d *archive.Document, h Hints) (*Result, error) {
	var best *Result
	for _, f := range d.Files {
		if f.SHA256 == "" || (f.MediaType != "" && !sniff.IsDocument(f.MediaType)) {
			continue
		}
		data, err := arc.ReadBlob(f.SHA256)
		if err != nil {
			return nil, fmt.Errorf("document %s: %w", d.ID, err)
		}
		meta := report.Meta{Title: d.Title, Body: h.Body, Region: firstNonEmpty(h.Region, d.Region), Site: d.Site,
			URL: f.URL, SHA256: f.SHA256, MediaType: f.MediaType, File: f.Filename, Year: h.Year}
		r, err := parse.Parse(ctx, data, meta, p.opts)
		if err != nil {
			return nil, err // context ended
		}
		res := &Result{Report: r, Status: parse.Status(r), File: f}
		if best == nil || statusRank[res.Status] > statusRank[best.Status] {
			best = res
		}
	}
	return best, nil
}

// Apply parses d and stores the outcome on it (not in the archive: the
// caller commits). Non-empty hints are remembered on d (and hints d already
// carries are used), so a later reparse honours them. It never fails the
// caller's work: a file that does not parse is kept with its parse status
// and a warning.
func (p *Parser) Apply(ctx context.Context, arc *archive.Archive, d *archive.Document, h Hints) {
	d.HintBody = firstNonEmpty(h.Body, d.HintBody)
	d.HintRegion = firstNonEmpty(h.Region, d.HintRegion)
	if h.Year != 0 {
		d.HintYear = h.Year
	}
	h = Hints{Body: d.HintBody, Region: d.HintRegion, Year: d.HintYear}
	// Derived fields are recomputed from the files and the hints.
	d.Body, d.Year = h.Body, h.Year
	if h.Region != "" {
		d.Region = h.Region
	}
	res, err := p.ParseDocument(ctx, arc, d, h)
	if err != nil {
		d.ParseStatus = parse.StatusFailed
		d.Warnings = []string{"parse: " + err.Error()}
		return
	}
	if res == nil {
		d.ParseStatus = parse.StatusFailed
		d.Warnings = []string{"unsupported_media: no file of this document can hold a report"}
		return
	}
	Record(d, res)
}

// Record copies a parse result onto d; hints already on d win.
func Record(d *archive.Document, res *Result) {
	r := res.Report
	d.ParseStatus = res.Status
	d.Format = r.Format
	d.ParserVer = parse.Version
	if d.Body == "" {
		d.Body = r.Body
	}
	if d.Year == 0 && r.Year != nil {
		d.Year = *r.Year
	}
	if d.Region == "" {
		d.Region = r.Region
	}
	if d.Title == "" {
		d.Title = r.Title
	}
	d.FailedChecks = 0
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped {
			d.FailedChecks++
		}
	}
	d.Warnings = d.Warnings[:0]
	for _, w := range r.Warnings {
		d.Warnings = append(d.Warnings, w.Code+": "+w.Message)
	}
	if b, err := json.Marshal(r); err == nil {
		d.Parsed = b
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
