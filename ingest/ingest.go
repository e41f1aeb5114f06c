package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/divisions"
	"github.com/nianbao/nianbao/parse"
	"github.com/nianbao/nianbao/parse/ocr"
	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/sniff"
)

// Input is one archived file handed to a FileParser.
type Input struct {
	Data []byte
	// Parts, when there are several, are the pages of one multi-page
	// article in order (Data is the first); they are parsed as one report.
	Parts     [][]byte
	MediaType string // sniffed
	URL       string
	Filename  string
	Title     string // the document's title
	Site      string
	Region    string
	Body      string // hint: the issuing body known from outside the file
	Year      int    // hint: the data year known from outside the file
}

// Outcome is the parser's verdict on one file.
type Outcome struct {
	Status       string // parse.Status*: ok, partial, needs_ocr, failed, not_report
	Format       string
	Year         int
	Body         string
	Region       string
	Title        string
	FailedChecks int
	Warnings     []string // "code: message"
	JSON         json.RawMessage
	Version      string
	// Overview is the start of the report's section 一, where a report
	// names its own place; it feeds the region's resolution.
	Overview string
}

// FileParser parses one file. ParseFile is the real one; the crawl
// engine's tests inject fakes.
type FileParser func(ctx context.Context, in Input) (Outcome, error)

// Options tune ParseFile.
type Options struct {
	// OCR runs tesseract on pages without a text layer (slow: about a
	// minute per scanned report); off, they are only flagged needs_ocr.
	OCR     bool
	Timeout time.Duration // per file; default 5 minutes
	Log     *slog.Logger
	// Divisions confirms region names read by OCR; nil means the
	// official table (divisions.Official). See parse/ocr.
	Divisions ocr.Divisions
}

// ParseFile returns the FileParser backed by package parse.
func ParseFile(o Options) FileParser {
	po := pdfOptions(o)
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Minute
	}
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, in Input) (Outcome, error) {
		t0 := time.Now()
		meta := report.Meta{Title: in.Title, Body: in.Body, Region: in.Region,
			Site: in.Site, URL: in.URL, MediaType: in.MediaType, File: in.Filename, Year: in.Year}
		div := o.Divisions
		if div == nil {
			div = divisions.Official{}
		}
		popts := parse.Options{Logger: log, Timeout: o.Timeout, PDF: po, Divisions: div}
		var rep *report.Report
		var err error
		if len(in.Parts) > 1 {
			rep, err = parse.ParseParts(ctx, in.Parts, meta, popts)
		} else {
			rep, err = parse.Parse(ctx, in.Data, meta, popts)
		}
		log.Debug("parsed", "url", in.URL, "media_type", in.MediaType, "took", time.Since(t0).Round(time.Millisecond))
		if err != nil {
			return Outcome{}, err
		}
		return outcome(rep), nil
	}
}

func outcome(r *report.Report) Outcome {
	out := Outcome{Status: parse.Status(r), Format: r.Format, Body: r.Body, Region: r.Region, Title: r.Title,
		Version: parse.Version, Overview: strings.Clone(clipBytes(r.Sections.Overview, overviewBytes))}
	if r.Year != nil {
		out.Year = *r.Year
	}
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped {
			out.FailedChecks++
		}
	}
	for _, w := range r.Warnings {
		out.Warnings = append(out.Warnings, w.Code+": "+w.Message)
	}
	if b, err := json.Marshal(r); err == nil {
		out.JSON = b
	}
	return out
}

// rank orders outcomes: the best file of a document wins. A partial
// reading that found no national table at all (a "详见附件" stub page)
// ranks below a scan that needs OCR, so scans stay findable as needs_ocr.
func rank(o Outcome) int {
	switch o.Status {
	case parse.StatusOK:
		return 10
	case parse.StatusPartial:
		if o.Format == report.Format2021 || o.Format == report.Format2019 || o.Format == report.FormatLegacy {
			return 8
		}
		return 5
	case parse.StatusNeedsOCR:
		return 6
	case parse.StatusFailed:
		return 4
	case parse.StatusNotReport:
		return 2
	}
	return 0
}

// Blobs reads stored files (an *archive.Archive, or the crawl's in-memory
// store for dry runs).
type Blobs interface {
	ReadBlob(sha string) ([]byte, error)
}

// Best parses every file of d that can hold a report and returns the best
// outcome (false when d has none). The detail pages of a multi-page
// article (t….html, t…_1.html) are joined and parsed as one page. A better
// status wins; on a tie, fewer failed checks; on a tie again, the earlier
// file (the page before its attachments).
func Best(ctx context.Context, blobs Blobs, d *archive.Document, parseFile FileParser) (Outcome, bool, error) {
	var inputs []Input
	var pages [][]byte
	var tooLarge []string
	for _, f := range d.Files {
		if f.SHA256 == "" {
			continue
		}
		if f.Role == "page" {
			data, err := blobs.ReadBlob(f.SHA256)
			if err != nil {
				return Outcome{}, false, fmt.Errorf("document %s: %w", d.ID, err)
			}
			pages = append(pages, data)
			continue
		}
		if f.MediaType != "" && !sniff.IsDocument(f.MediaType) {
			continue
		}
		if f.Size > MaxParseBytes {
			// The parser would refuse it: not read into memory at all.
			tooLarge = append(tooLarge, fmt.Sprintf("file_too_large: %s is %d MiB, over the %d MiB the parser reads; kept, not parsed",
				firstNonEmpty(f.Filename, f.URL), f.Size>>20, MaxParseBytes>>20))
			continue
		}
		data, err := blobs.ReadBlob(f.SHA256)
		if err != nil {
			return Outcome{}, false, fmt.Errorf("document %s: %w", d.ID, err)
		}
		inputs = append(inputs, Input{Data: data, MediaType: f.MediaType, URL: f.URL, Filename: f.Filename})
	}
	switch len(pages) {
	case 0:
	case 1:
		inputs = append([]Input{{Data: pages[0], MediaType: sniff.Detect(pages[0]), URL: d.URL}}, inputs...)
	default:
		// A report split over t….html and t…_1.html is one report.
		inputs = append([]Input{{Data: pages[0], Parts: pages, MediaType: sniff.Detect(pages[0]), URL: d.URL}}, inputs...)
	}
	var best Outcome
	found := false
	for _, in := range inputs {
		in.Title, in.Site, in.Region = d.Title, d.Site, firstNonEmpty(d.HintRegion, d.Region)
		in.Body, in.Year = d.HintBody, d.HintYear
		out, err := parseFile(ctx, in)
		if err != nil {
			if ctx.Err() != nil {
				return Outcome{}, false, ctx.Err()
			}
			out = Outcome{Status: parse.StatusFailed, Warnings: []string{"parse: " + err.Error()}}
		}
		if !found || rank(out) > rank(best) || rank(out) == rank(best) && out.FailedChecks < best.FailedChecks {
			best, found = out, true
		}
	}
	if len(tooLarge) > 0 {
		if !found {
			best, found = Outcome{Status: parse.StatusFailed}, true
		}
		best.Warnings = append(best.Warnings, tooLarge...)
	}
	return best, found, nil
}

// MaxParseBytes is the largest file Best hands to the parser: the PDF
// engine's own limit. A larger file is kept in the archive but not read
// into memory to be parsed.
const MaxParseBytes = pdf.DefaultMaxBytes

// Record stores an outcome's derived fields on d. Hints (HintBody,
// HintYear, HintRegion: facts from outside the files) win over the parser.
// When the title the portal listed the report under names another year
// than the file itself, the file's year is kept and a title_conflict
// warning says so: a misfiled attachment is a finding, not a guess.
//
// The document gets its own copies of the parser's strings: a parser may
// cut them from a page-sized arena, which a document kept in memory (the
// crawl's document cache) must not hold alive.
func Record(d *archive.Document, o Outcome) {
	o.Body, o.Region, o.Title = strings.Clone(o.Body), strings.Clone(o.Region), strings.Clone(o.Title)
	warnings := make([]string, len(o.Warnings))
	for i, w := range o.Warnings {
		warnings[i] = strings.Clone(w)
	}
	if len(o.Warnings) == 0 {
		warnings = o.Warnings
	}
	d.ParseStatus, d.Format, d.FailedChecks = o.Status, o.Format, o.FailedChecks
	d.Warnings, d.Parsed, d.ParserVer = warnings, o.JSON, o.Version
	if w := titleConflict(d.Title, o); w != "" {
		d.Warnings = append(d.Warnings, w)
	}
	if o.fromOCR() {
		// OCR misreads characters (偃 → 候): text read from images only
		// fills what the listing did not say.
		d.Body = firstNonEmpty(d.HintBody, d.Body, o.Body)
		if d.HintYear != 0 {
			d.Year = d.HintYear
		} else if d.Year == 0 {
			d.Year = o.Year
		}
	} else {
		d.Body = firstNonEmpty(d.HintBody, o.Body, d.Body)
		if d.HintYear != 0 {
			d.Year = d.HintYear
		} else if o.Year != 0 {
			d.Year = o.Year
		}
	}
	d.Region = firstNonEmpty(d.HintRegion, d.Region, o.Region)
	if d.Title == "" {
		d.Title = o.Title
	}
	ResolveRegion(d, o.Overview)
}

// Hints are facts known from outside the file (command-line flags, the
// site's config); a non-empty hint overrides what the parser finds.
type Hints struct {
	Body   string
	Region string
	Year   int
}

// Parser parses for one command or service — the crawl's files
// (FileParser), import (Import), reparse (Reparse, Apply), local files (Report) —
// and owns the process's PDF engine from NewParser to Close. That engine
// (pdf.DefaultEngine, which every parse of a PDF uses) is configured here
// and only here: its compiled WebAssembly cached under cfg.CacheDir(), its
// log. It starts on the first PDF, so a run that meets none never pays
// for it. Open one Parser per command, and Close it when the command ends.
type Parser struct {
	opts      Options
	parseFile FileParser // ParseFile(opts), for Apply
}

// NewParser configures the process-wide PDF engine from cfg and o.
func NewParser(cfg *config.Config, o Options) *Parser {
	pdf.SetDefaultConfig(pdf.Config{CacheDir: cfg.CacheDir(), Logger: o.Log})
	return &Parser{opts: o, parseFile: ParseFile(o)}
}

// Close releases the PDF engine if one was started.
func (p *Parser) Close() error { return pdf.CloseDefault() }

// FileParser is the parser the crawl engine calls for each file, logging
// to log (nil: the Parser's own), e.g. above a terminal's progress line.
func (p *Parser) FileParser(log *slog.Logger) FileParser {
	o := p.opts
	if log != nil {
		o.Log = log
	}
	return ParseFile(o)
}

// Report parses one local file into the parser's full report (`crawler
// parse`), with the Parser's OCR setting, log and timeout (0: none).
func (p *Parser) Report(ctx context.Context, data []byte, meta report.Meta) (*report.Report, error) {
	return parse.Parse(ctx, data, meta, parse.Options{Logger: p.opts.Log, PDF: pdfOptions(p.opts), Timeout: p.opts.Timeout})
}

// pdfOptions are the PDF reader's options for o: OCR off unless asked.
func pdfOptions(o Options) pdf.Options {
	po := pdf.Options{}
	if !o.OCR {
		po.OCR = pdf.OCROff
	}
	return po
}

// Apply parses d and stores the outcome on it (not in the archive: the
// caller commits). Non-empty hints are remembered on d (and hints d already
// carries are used), so a later reparse honours them. It never fails the
// caller's work: a file that does not parse is kept with its parse status
// and a warning.
func (p *Parser) Apply(ctx context.Context, blobs Blobs, d *archive.Document, h Hints) {
	d.HintBody = firstNonEmpty(h.Body, d.HintBody)
	d.HintRegion = firstNonEmpty(h.Region, d.HintRegion)
	if h.Year != 0 {
		d.HintYear = h.Year
	}
	out, ok, err := Best(ctx, blobs, d, p.parseFile)
	switch {
	case err != nil:
		out = Outcome{Status: parse.StatusFailed, Warnings: []string{"parse: " + err.Error()}, Version: parse.Version}
	case !ok:
		out = Outcome{Status: parse.StatusFailed, Version: parse.Version,
			Warnings: []string{"unsupported_media: no file of this document can hold a report"}}
	}
	Record(d, out)
}

// fromOCR reports whether the outcome's text came from OCR (the PDF
// reader's "ocr" warning).
func (o Outcome) fromOCR() bool {
	for _, w := range o.Warnings {
		if strings.HasPrefix(w, "ocr:") {
			return true
		}
	}
	return false
}

var titleYearRe = regexp.MustCompile(`((?:19|20)\d{2})\s*年`)

// titleConflict compares the listing title's data year with the file's.
func titleConflict(listed string, o Outcome) string {
	m := titleYearRe.FindStringSubmatch(listed)
	if m == nil || o.Year == 0 {
		return ""
	}
	y, _ := strconv.Atoi(m[1])
	if y == o.Year {
		return ""
	}
	return fmt.Sprintf("title_conflict: listed as %q (%d) but the file is a %d report; the file's year is used", listed, y, o.Year)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
