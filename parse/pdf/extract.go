package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"

	"github.com/nianbao/nianbao/parse/extract"
	"github.com/nianbao/nianbao/parse/ocr"
)

// Errors a caller can test with errors.Is.
var (
	// ErrEncrypted: the PDF needs a password to open. The Doc returned with
	// it has Encrypted set.
	ErrEncrypted = errors.New("pdf is password-protected")
	// ErrNotPDF: the bytes do not start like a PDF (e.g. an HTML error
	// page saved as .pdf).
	ErrNotPDF = errors.New("not a PDF")
	// ErrTooLarge: the input exceeds Config.MaxBytes.
	ErrTooLarge = errors.New("pdf too large")
	// ErrCorrupt: pdfium could not open the file.
	ErrCorrupt = errors.New("pdf is damaged or unreadable")
	// ErrMemoryLimit: pdfium needed more memory than its budget
	// (Config.MemoryLimitMB, Config.TotalMemoryMB) to read the file.
	ErrMemoryLimit = errors.New("pdf memory limit")
)

// Warning codes this package puts in extract.Doc.Warnings.
const (
	WarnNeedsOCR     = "needs_ocr"      // pages without a usable text layer
	WarnOCR          = "ocr"            // text came from OCR: numbers are unreliable
	WarnOCRFailed    = "ocr_failed"     // tesseract ran but failed on a page
	WarnOCRUnsure    = "ocr_unsure"     // table cells OCR could not read for sure: left blank
	WarnPagesCut     = "pdf_pages_cut"  // more pages than Options.MaxPages
	WarnPageError    = "pdf_page_error" // one page could not be read
	WarnGarbled      = "pdf_garbled"    // many characters without a Unicode mapping
	WarnOwnerLocked  = "pdf_restricted" // encrypted with an owner password only (readable)
	hanPerPageForOCR = 20               // fewer Han characters than this: page has no usable text layer
)

// OCRMode selects whether pages without text are OCRed.
type OCRMode int

const (
	// OCRAuto runs tesseract when it is on PATH (the default).
	OCRAuto OCRMode = iota
	// OCROff never runs tesseract; such pages are only flagged.
	OCROff
)

// Options tune one Extract call. The zero value is the normal setting.
type Options struct {
	// Timeout bounds the whole document, OCR included. 0: DefaultTimeout.
	Timeout time.Duration
	// MaxPages reads at most this many pages (a warning says so). 0: DefaultMaxPages.
	MaxPages int
	OCR      OCRMode
	// OCRPageTimeout bounds one tesseract run. 0: DefaultOCRPageTimeout.
	OCRPageTimeout time.Duration
	// Tesseract is the binary to run; "": look up "tesseract" on PATH.
	Tesseract string
	// OCRDPI is the resolution pages are rendered at for OCR. 0: 300
	// (measured best on the sample scans: BenchmarkOCRResolution).
	OCRDPI int
	// Recognizer replaces tesseract as the OCR word source (tests); the
	// pages are still rendered and their tables rebuilt.
	Recognizer ocr.Recognizer
	// PdfiumOnly skips the pure-Go fast path (fast.go) and reads every
	// document with pdfium: for cross-checks and for narrowing down a bug.
	PdfiumOnly bool
}

// Extract reads a PDF held in memory into a Doc: per page, text lines
// rebuilt from character positions, table-like runs as Table blocks and
// prose as Text blocks. Pages without a text layer set NeedsOCR and, when
// tesseract is available, are OCRed. A password-protected file returns a
// Doc with Encrypted set together with an error wrapping ErrEncrypted.
//
// Ordinary text PDFs are read by the pure-Go fast path (fast.go); any
// document it declines is read whole by pdfium, with the same result
// where both could read it.
func (e *Engine) Extract(ctx context.Context, data []byte, opts Options) (doc *extract.Doc, err error) {
	if len(data) > e.cfg.MaxBytes {
		return nil, fmt.Errorf("pdf: %d bytes, limit %d: %w", len(data), e.cfg.MaxBytes, ErrTooLarge)
	}
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, fmt.Errorf("pdf: no %%PDF- header in the first 1024 bytes: %w", ErrNotPDF)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if !opts.PdfiumOnly {
		e.mu.Lock()
		closed := e.closed
		e.mu.Unlock()
		if closed {
			return nil, errors.New("pdf: engine is closed")
		}
		if doc, ok := e.extractFast(ctx, data, opts); ok {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("pdf: reading stopped: %w", ctx.Err())
			}
			return doc, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdf: reading stopped: %w", ctx.Err())
		}
	}

	// pdfium decodes streams without a size limit of its own: a
	// decompression bomb must not reach it (inflate.go).
	if !skipInflateCheck {
		if err := checkInflate(ctx, data, MaxStreamInflate, MaxTotalInflate); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("pdf: reading stopped: %w", ctx.Err())
			}
			return nil, err
		}
	}

	doc, shared, err := e.readBudgeted(ctx, data, opts, false)
	if shared && ctx.Err() == nil {
		// Other documents held the memory this one was refused: read it
		// again alone.
		e.log.Debug("pdf: memory budget shared by other documents ran out; reading again alone")
		doc, _, err = e.readBudgeted(ctx, data, opts, true)
	}
	return doc, err
}

// readBudgeted reads the document with a pdfium instance (alone: with no
// other document being read) and fails it with ErrMemoryLimit when its
// instance was refused memory: pdfium gives up on an image it cannot
// allocate and goes on, so the pages read would silently lack it. shared
// reports a refusal by the budget of all instances, which the document
// may not meet when read alone.
func (e *Engine) readBudgeted(ctx context.Context, data []byte, opts Options, alone bool) (doc *extract.Doc, shared bool, err error) {
	if alone {
		e.exclusive.Lock()
		defer e.exclusive.Unlock()
	} else {
		e.exclusive.RLock()
		defer e.exclusive.RUnlock()
	}
	inst, release, err := e.instance(ctx)
	if err != nil {
		return nil, false, err
	}
	defer release()
	mem := e.memOf(inst)
	defer func() {
		if denied, sh := mem.deniedGrowth(); denied {
			doc, shared = nil, sh && !alone
			limit, whose := e.cfg.MemoryLimitMB, "one document's"
			if sh {
				limit, whose = e.cfg.TotalMemoryMB, "all documents'"
			}
			err = fmt.Errorf("pdf: pdfium needed more memory than %s budget of %d MiB (at %d MiB): not parsed: %w",
				whose, limit, mem.bytes()>>20, ErrMemoryLimit)
		}
	}()
	// go-pdfium converts most failures to errors, but a hostile file must
	// never take the process down.
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("pdf: panic while reading", "panic", r, "stack", string(debug.Stack()))
			doc, err = nil, fmt.Errorf("pdf: internal error while reading: %v: %w", r, ErrCorrupt)
		}
	}()

	doc, err = e.readDocument(ctx, inst, data, opts)
	if ctx.Err() != nil {
		return nil, false, fmt.Errorf("pdf: reading stopped: %w", ctx.Err())
	}
	return doc, false, err
}

// extractFast reads the document with the pure-Go fast path. ok is false
// when the fast path does not handle it (the reason is logged at debug
// level); the caller then uses pdfium.
func (e *Engine) extractFast(ctx context.Context, data []byte, opts Options) (doc *extract.Doc, ok bool) {
	// The fast path is new code reading hostile input: a bug in it must
	// cost only the fall-back, never the process.
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("pdf: panic in the fast path", "panic", r, "stack", string(debug.Stack()))
			doc, ok = nil, false
		}
	}()
	select {
	case e.fastSem <- struct{}{}:
		defer func() { <-e.fastSem }()
	case <-ctx.Done():
		return nil, false // the caller reports ctx's error
	}
	maxPages := opts.MaxPages
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	pages, err := fastReadPages(ctx, data, maxPages)
	if err != nil {
		e.log.Debug("pdf: fast path declined, using pdfium", "reason", err)
		return nil, false
	}
	doc = &extract.Doc{Container: "pdf", Pages: len(pages)}
	// Every page has a text layer (fastReadPages checks), so layout never
	// needs pdfium to render a page for OCR.
	if err := e.layout(ctx, nil, references.FPDF_DOCUMENT(""), doc, pages, opts); err != nil {
		return nil, false
	}
	return doc, true
}

// skipInflateCheck lets tests hand pdfium a decompression bomb.
var skipInflateCheck = false

// pageText is what readPages keeps of one page.
type pageText struct {
	index    int
	width    float64
	height   float64
	chars    []Char
	han      int
	unmapped int  // characters pdfium could not map to Unicode
	visual   bool // has images, forms or many paths: something to OCR
}

// readDocument opens the document, reads every page's characters, then
// lays the pages out (OCRing those without text) while it is still open.
func (e *Engine) readDocument(ctx context.Context, inst pdfium.Pdfium, data []byte, opts Options) (*extract.Doc, error) {
	doc := &extract.Doc{Container: "pdf"}
	opened, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		if errors.Is(err, pdfiumerrors.ErrPassword) || errors.Is(err, pdfiumerrors.ErrSecurity) {
			doc.Encrypted = true
			return doc, fmt.Errorf("pdf: open: %w", ErrEncrypted)
		}
		return nil, fmt.Errorf("pdf: open: %v: %w", err, ErrCorrupt)
	}
	d := opened.Document
	defer func() {
		if _, cerr := inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: d}); cerr != nil {
			e.log.Debug("pdf: close document", "err", cerr)
		}
	}()
	if rev, err := inst.FPDF_GetSecurityHandlerRevision(&requests.FPDF_GetSecurityHandlerRevision{Document: d}); err == nil && rev.SecurityHandlerRevision != -1 {
		// Opened without a password: only an owner password (print/copy
		// restrictions), which does not hide the text.
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnOwnerLocked,
			Message: "PDF is encrypted with an owner password only; text was readable"})
	}
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: d})
	if err != nil {
		return nil, fmt.Errorf("pdf: page count: %v: %w", err, ErrCorrupt)
	}
	doc.Pages = count.PageCount
	maxPages := opts.MaxPages
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	n := doc.Pages
	if n > maxPages {
		n = maxPages
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnPagesCut,
			Message: fmt.Sprintf("read the first %d of %d pages", maxPages, doc.Pages)})
	}
	pages := make([]pageText, 0, n)
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := readPage(inst, d, i)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnPageError,
				Message: fmt.Sprintf("page %d could not be read: %v", i+1, err)})
			p = pageText{index: i}
		}
		pages = append(pages, p)
	}
	// The document stays open for rendering pages to OCR.
	if err := e.layout(ctx, inst, d, doc, pages, opts); err != nil {
		return nil, err
	}
	return doc, nil
}

func readPage(inst pdfium.Pdfium, d references.FPDF_DOCUMENT, i int) (pageText, error) {
	p := pageText{index: i}
	lp, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: d, Index: i})
	if err != nil {
		return p, fmt.Errorf("load page: %w", err)
	}
	pageRef := lp.Page
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: pageRef})
	page := requests.Page{ByReference: &pageRef}
	if w, err := inst.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: page}); err == nil {
		p.width = float64(w.PageWidth)
	}
	if h, err := inst.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: page}); err == nil {
		p.height = float64(h.PageHeight)
	}
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
	if err != nil {
		return p, fmt.Errorf("load text: %w", err)
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	cnt, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return p, fmt.Errorf("count chars: %w", err)
	}
	p.chars = make([]Char, 0, max(cnt.Count, 0))
	// Each wasm call costs; the page's text in one call saves one call per
	// character. It is used only when it lines up with the character
	// indexes (one rune per index), else characters are read one by one.
	var runes []rune
	if cnt.Count > 0 {
		if all, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: cnt.Count}); err == nil {
			if rs := []rune(all.Text); len(rs) == cnt.Count {
				runes = rs
			}
		}
	}
	for j := 0; j < cnt.Count; j++ {
		var r rune
		if runes != nil {
			r = runes[j]
		} else {
			u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp.TextPage, Index: j})
			if err != nil {
				return p, fmt.Errorf("char %d: %w", j, err)
			}
			r = rune(u.Unicode)
		}
		if r == '\r' || r == '\n' {
			continue
		}
		if unicode.IsSpace(r) {
			// pdfium inserts spaces of its own guessing; only the file's
			// spaces count as word separators.
			gen, err := inst.FPDFText_IsGenerated(&requests.FPDFText_IsGenerated{TextPage: tp.TextPage, Index: j})
			if err != nil {
				return p, fmt.Errorf("char %d: %w", j, err)
			}
			if gen.IsGenerated {
				continue
			}
		}
		if r == 0 || r == unicode.ReplacementChar || (r >= 0xE000 && r <= 0xF8FF) {
			p.unmapped++
			if r == 0 {
				continue
			}
		}
		if r == '\r' || r == '\n' || r > unicode.MaxRune || (unicode.IsControl(r) && r != '\t') {
			continue
		}
		box, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp.TextPage, Index: j})
		if err != nil {
			return p, fmt.Errorf("char %d box: %w", j, err)
		}
		c := Char{R: r, Left: float64(box.Rect.Left), Right: float64(box.Rect.Right),
			Bottom: float64(box.Rect.Bottom), Top: float64(box.Rect.Top)}
		if c.Top < c.Bottom {
			c.Top, c.Bottom = c.Bottom, c.Top
		}
		if c.Right < c.Left {
			c.Left, c.Right = c.Right, c.Left
		}
		if unicode.Is(unicode.Han, r) {
			p.han++
		}
		p.chars = append(p.chars, c)
	}
	if p.han < hanPerPageForOCR {
		p.visual = hasVisualContent(inst, page)
	}
	return p, nil
}

// hasVisualContent reports whether a page with (almost) no text still
// shows something that OCR could read: an image, a form XObject (scans are
// often wrapped in one) or many paths (text turned into outlines).
func hasVisualContent(inst pdfium.Pdfium, page requests.Page) bool {
	n, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return false
	}
	paths := 0
	for k := 0; k < n.Count; k++ {
		o, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: k})
		if err != nil {
			continue
		}
		t, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o.PageObject})
		if err != nil {
			continue
		}
		switch t.Type {
		case enums.FPDF_PAGEOBJ_IMAGE, enums.FPDF_PAGEOBJ_FORM, enums.FPDF_PAGEOBJ_SHADING:
			return true
		case enums.FPDF_PAGEOBJ_PATH:
			paths++
			if paths >= 20 {
				return true
			}
		}
	}
	return false
}
