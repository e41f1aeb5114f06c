package parse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nianbao/nianbao/parse/extract"
	"github.com/nianbao/nianbao/parse/ocr"
	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/sniff"
)

// Version identifies the parser's output. Bump it whenever the JSON for
// some input may change (templates, matching rules, readers): `crawler
// reparse` re-runs the parser over archived originals whose stored version
// differs.
const Version = "report-1.3.0"

// Parse states for the archive ("parse state" of a document).
const (
	StatusOK        = "ok"         // a report; every table present and readable
	StatusPartial   = "partial"    // a report with a table, rows or values missing
	StatusNeedsOCR  = "needs_ocr"  // no text layer (scan, outlines)
	StatusFailed    = "failed"     // unreadable: damaged, encrypted, unsupported type
	StatusNotReport = "not_report" // readable, but not an annual report
)

// Warning codes this package adds.
const (
	WarnUnsupported   = "unsupported_media" // image, archive, unknown bytes
	WarnExtractFailed = "extract_failed"    // the container reader gave up
	WarnEncrypted     = "encrypted"
	WarnNoPDFEngine   = "pdf_engine_unavailable"
	WarnNeedsOCR      = "needs_ocr"
	// A stream inflates past the PDF reader's limit (a decompression
	// bomb): the file is kept, not read.
	WarnInflateLimit = "pdf_inflate_limit"
	// pdfium needed more memory than its budget (a hostile or absurd
	// image): the file is kept, not read.
	WarnMemoryLimit = "pdf_memory_limit"
)

// Options tunes one Parse call. The zero value is usable.
type Options struct {
	// ContentType is the HTTP Content-Type the file was served with; only a
	// charset hint for HTML, never used to choose the reader.
	ContentType string
	// Extract bounds the HTML/DOCX/DOC/text readers.
	Extract extract.Options
	// PDF tunes the PDF reader; PDFEngine is the engine to use (nil: the
	// process-wide pdf.DefaultEngine()).
	PDF       pdf.Options
	PDFEngine *pdf.Engine
	// Timeout bounds the whole call (0: extract's and pdf's own defaults).
	Timeout time.Duration
	Logger  *slog.Logger
	// Divisions, when set, confirms region names read by OCR (see
	// ocr.CheckNames); nil: only the site's config and the title do.
	Divisions ocr.Divisions
}

// Parse reads one stored file into a report. The reader is chosen by the
// file's magic bytes (package sniff), never by its name or the server's
// Content-Type. It always returns a report: a file that cannot be read
// gives format "unknown", no numbers and a warning saying why. The error
// is non-nil only when ctx ended first.
func Parse(ctx context.Context, data []byte, meta report.Meta, opts Options) (*report.Report, error) {
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	mt := sniff.Detect(data)
	if meta.MediaType == "" {
		meta.MediaType = mt
	}
	doc, warn := extractDoc(ctx, data, mt, opts)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("parse %s: %w", meta.File, err)
	}
	if doc == nil {
		doc = &extract.Doc{Container: "unknown"}
	}
	if warn != nil {
		doc.Warnings = append(doc.Warnings, *warn)
		log.Debug("parse: container not read", "file", meta.File, "media_type", mt, "code", warn.Code, "msg", warn.Message)
	}
	r := report.Parse(doc, meta)
	gateOCR(r, doc, meta, opts)
	return r, nil
}

// gateOCR: OCR misreads digits and names, so in a report read by OCR the
// numbers are kept only where the report's arithmetic confirms them, the
// names only where something besides the scan does.
func gateOCR(r *report.Report, doc *extract.Doc, meta report.Meta, opts Options) {
	if fromOCR(doc) {
		ocr.Gate(r)
		ocr.CheckNames(r, meta, opts.Divisions)
	}
}

// fromOCR: some of the document's text was read by OCR. The whole report
// is then gated, tables from pages with a text layer too (a mixed
// document is rare, and the gate only withholds).
func fromOCR(doc *extract.Doc) bool {
	for _, w := range doc.Warnings {
		if w.Code == pdf.WarnOCR {
			return true
		}
	}
	return false
}

// extractDoc dispatches by media type. A returned warning explains why no
// (or only a partial) Doc came back.
func extractDoc(ctx context.Context, data []byte, mt string, opts Options) (*extract.Doc, *extract.Warning) {
	eo := opts.Extract
	if eo.Context == nil {
		eo.Context = ctx
	}
	var (
		doc *extract.Doc
		err error
	)
	switch mt {
	case sniff.HTML, sniff.XML:
		doc, err = extract.HTML(data, opts.ContentType, eo)
	case sniff.Text:
		doc, err = extract.Text(data, eo)
	case sniff.DOCX:
		doc, err = extract.DOCX(data, eo)
	case sniff.DOC, sniff.OLE: // .doc and .wps are Word-binary compound files
		doc, err = extract.DOC(data, eo)
	case sniff.PDF:
		eng := opts.PDFEngine
		if eng == nil {
			eng, err = pdf.DefaultEngine()
			if err != nil {
				return nil, &extract.Warning{Code: WarnNoPDFEngine, Message: fmt.Sprintf("the PDF engine could not start: %v", err)}
			}
		}
		doc, err = eng.Extract(ctx, data, opts.PDF)
	default:
		return &extract.Doc{Container: containerOf(mt)},
			&extract.Warning{Code: WarnUnsupported, Message: fmt.Sprintf("content is %s: not a document the parser reads", mt)}
	}
	if err != nil {
		if errors.Is(err, extract.ErrEncrypted) || errors.Is(err, pdf.ErrEncrypted) {
			if doc == nil {
				doc = &extract.Doc{}
			}
			doc.Encrypted = true
			return doc, &extract.Warning{Code: WarnEncrypted, Message: err.Error()}
		}
		if errors.Is(err, pdf.ErrInflateLimit) {
			return &extract.Doc{Container: "pdf"}, &extract.Warning{Code: WarnInflateLimit, Message: err.Error()}
		}
		if errors.Is(err, pdf.ErrMemoryLimit) {
			return &extract.Doc{Container: "pdf"}, &extract.Warning{Code: WarnMemoryLimit, Message: err.Error()}
		}
		return doc, &extract.Warning{Code: WarnExtractFailed, Message: err.Error()}
	}
	return doc, nil
}

func containerOf(mt string) string {
	switch mt {
	case sniff.JPEG, sniff.PNG, sniff.GIF:
		return "image"
	}
	return "unknown"
}

// Status names the archive's parse state of a report.
func Status(r *report.Report) string {
	if r == nil {
		return StatusFailed
	}
	has := map[string]bool{}
	for _, w := range r.Warnings {
		has[w.Code] = true
	}
	switch {
	case has[WarnEncrypted], has[WarnUnsupported], has[WarnExtractFailed], has[WarnNoPDFEngine], has[WarnInflateLimit], has[WarnMemoryLimit]:
		return StatusFailed
	case has[WarnNeedsOCR] && r.Requests == nil && r.ReviewLitigation == nil && r.Active == nil:
		return StatusNeedsOCR
	case has[report.WarnNotReport]:
		return StatusNotReport
	case r.Format == report.FormatLegacy:
		return StatusOK
	case r.Format == report.FormatUnknown:
		return StatusPartial
	case r.Active == nil || r.Requests == nil || r.ReviewLitigation == nil,
		has[report.WarnRowMissing], has[report.WarnUnplaceable], has[report.WarnBadCell], has[report.WarnUnitMismatch]:
		return StatusPartial
	}
	return StatusOK
}
