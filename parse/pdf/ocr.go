package pdf

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"

	"github.com/nianbao/nianbao/parse/extract"
	"github.com/nianbao/nianbao/parse/ocr"
)

const (
	ocrDPI = 300
	// Render at most this many pixels per page (a 300 dpi A4 page is ~8.7M);
	// huge or hostile page sizes get a lower resolution, not more memory.
	maxOCRPixels = 40_000_000
	// minOCRDPI: a page that fits maxOCRPixels only below this resolution
	// (over about 63 × 63 inches; an A0 poster renders at 160 dpi) is
	// not OCRed: body text would be a few pixels high, and such a page is
	// more likely hostile than a report.
	minOCRDPI = 100
)

// layout turns the pages' characters into blocks, OCRing the pages that
// have no usable text layer when tesseract is available and allowed.
func (e *Engine) layout(ctx context.Context, inst pdfium.Pdfium, d references.FPDF_DOCUMENT, doc *extract.Doc, pages []pageText, opts Options) error {
	var ocrPages []int
	totalHan, totalChars, unmapped := 0, 0, 0
	for _, p := range pages {
		totalHan += p.han
		totalChars += len(p.chars)
		unmapped += p.unmapped
		if pageNeedsOCR(p) {
			ocrPages = append(ocrPages, p.index)
		}
	}
	if len(pages) > 0 && totalHan < hanPerPageForOCR && len(ocrPages) == 0 {
		// Nothing on any page looks like an image either, but a report
		// without Chinese text is not readable as one.
		for _, p := range pages {
			ocrPages = append(ocrPages, p.index)
		}
	}
	if unmapped > 0 && unmapped*10 > totalChars+unmapped {
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnGarbled,
			Message: fmt.Sprintf("%d of %d characters have no Unicode mapping; text may be wrong", unmapped, totalChars+unmapped)})
	}

	ocrText := map[int][]extract.Block{}
	if len(ocrPages) > 0 {
		doc.NeedsOCR = true
		msg := fmt.Sprintf("%d of %d pages have no usable text layer (fewer than %d Chinese characters): %s",
			len(ocrPages), len(pages), hanPerPageForOCR, pageList(ocrPages))
		bin := ""
		if opts.OCR == OCRAuto {
			bin = opts.Tesseract
			if bin == "" {
				bin, _ = exec.LookPath("tesseract")
			}
			if bin == "" && opts.Recognizer == nil {
				msg += "; tesseract is not installed, pages left unread"
			}
		} else {
			msg += "; OCR disabled"
		}
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnNeedsOCR, Message: msg})
		if bin != "" || opts.OCR == OCRAuto && opts.Recognizer != nil {
			ocrText = e.ocrPages(ctx, inst, d, bin, pages, ocrPages, doc, opts)
		}
	}

	// Lines of every text page first: laying out a page needs to know
	// whether the next one starts with a table.
	pageLines := make([][]Line, len(pages))
	for i, p := range pages {
		if _, ok := ocrText[p.index]; !ok {
			pageLines[i] = dropPageNumbers(BuildLines(p.chars), p.height)
		}
	}
	var blocks []extract.Block
	prevOpen, prevTable := false, false
	for i, p := range pages {
		if t, ok := ocrText[p.index]; ok {
			if i > 0 {
				blocks = append(blocks, extract.Block{Text: pageBreakMark})
			}
			blocks = append(blocks, t...)
			prevOpen, prevTable = false, false
			continue
		}
		nextTable := i+1 < len(pages) && startsWithTable(pageLines[i+1])
		pl := layoutPage(pageLines[i], prevTable, nextTable)
		placeBlocks(pl.blocks, p.index, p.height)
		if n := len(blocks); prevOpen && pl.contStart && n > 0 && !blocks[n-1].IsTable() {
			// A paragraph running over the page break: one Text block.
			blocks[n-1].Text += joinSep(blocks[n-1].Text, pl.blocks[0].Text) + pl.blocks[0].Text
			pl.blocks = pl.blocks[1:]
		} else if i > 0 {
			blocks = append(blocks, extract.Block{Text: pageBreakMark})
		}
		blocks = append(blocks, pl.blocks...)
		prevOpen, prevTable = pl.openEnd, pl.endsTable
	}
	doc.Blocks = mergeAcrossPages(blocks)
	return nil
}

// pageNeedsOCR: few Han characters, something visual on the page, and
// either almost no text at all or text that is mostly unmapped or
// non-Chinese letters (a font without a usable ToUnicode map).
func pageNeedsOCR(p pageText) bool {
	if p.han >= hanPerPageForOCR || !p.visual {
		return false
	}
	letters, visible := 0, 0
	for _, c := range p.chars {
		if unicode.IsSpace(c.R) {
			continue
		}
		visible++
		if unicode.IsLetter(c.R) && !isHan(c.R) {
			letters++
		}
	}
	return visible < hanPerPageForOCR || p.unmapped*2 > visible || letters >= hanPerPageForOCR
}

// ocrPages renders each page in order (pdfium is single-threaded) and
// reads the images in parallel (package ocr: deskew, ruled tables, word
// boxes). Failures become warnings.
func (e *Engine) ocrPages(ctx context.Context, inst pdfium.Pdfium, d references.FPDF_DOCUMENT, bin string, pages []pageText, idx []int, doc *extract.Doc, opts Options) map[int][]extract.Block {
	timeout := opts.OCRPageTimeout
	if timeout <= 0 {
		timeout = DefaultOCRPageTimeout
	}
	var rec ocr.Recognizer = ocr.Tesseract{Bin: bin, Timeout: timeout}
	if opts.Recognizer != nil {
		rec = opts.Recognizer
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		out      = map[int][]extract.Block{}
		failures []string
		unread   int
	)
	sem := make(chan struct{}, e.cfg.Workers)
	fail := func(i int, err error) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf("page %d: %v", i+1, err))
		mu.Unlock()
	}
	for _, i := range idx {
		if ctx.Err() != nil {
			break
		}
		// Wait for a reader first: a rendered page is held (about 9 MB
		// at 300 dpi, three times that while it is read) only when a
		// reader is free, so memory is bounded by the workers, not by the
		// pages of a 50-page scan.
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		img, dpi, err := renderGray(inst, d, pages[i], opts.OCRDPI)
		if err != nil {
			<-sem
			fail(i, err)
			continue
		}
		wg.Add(1)
		go func(i int, img *image.Gray, dpi int) {
			defer wg.Done()
			defer func() { <-sem }()
			pg, err := ocr.ReadPage(ctx, img, rec, ocr.Options{DPI: dpi})
			if err != nil {
				fail(i, err)
				return
			}
			e.log.Debug("pdf: OCR page", "page", i+1, "dpi", dpi, "skew_deg", pg.Skew, "rules", pg.Rules,
				"cells_reread", pg.Reread, "cells_unread", pg.Unread)
			blocks := pg.Blocks(OCRBlocks)
			mu.Lock()
			out[i] = blocks
			unread += pg.Unread
			mu.Unlock()
		}(i, img, dpi)
	}
	wg.Wait()
	if len(out) > 0 {
		got := make([]int, 0, len(out))
		for i := range out {
			got = append(got, i)
		}
		sort.Ints(got)
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnOCR,
			Message: "text of pages " + pageList(got) + " is from OCR (tesseract chi_sim); table numbers are kept only where the report's arithmetic holds"})
	}
	if unread > 0 {
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnOCRUnsure,
			Message: fmt.Sprintf("%d table cells left blank: read twice, neither reading sure", unread)})
	}
	if len(failures) > 0 {
		sort.Strings(failures)
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnOCRFailed,
			Message: "OCR failed: " + strings.Join(failures, "; ")})
	}
	return out
}

// renderGray renders a page in grey at dpi (0: ocrDPI; less for huge pages) and
// copies it out of the wasm memory.
func renderGray(inst pdfium.Pdfium, d references.FPDF_DOCUMENT, p pageText, dpi int) (*image.Gray, int, error) {
	if dpi <= 0 {
		dpi = ocrDPI
	}
	if p.width > 0 && p.height > 0 {
		px := p.width / 72 * p.height / 72 // square inches
		if limit := int(math.Sqrt(maxOCRPixels / px)); limit < dpi {
			if limit < minOCRDPI {
				return nil, 0, fmt.Errorf("page is %.0f × %.0f inches: too large to OCR (%d megapixels allow %d dpi, under %d)",
					p.width/72, p.height/72, maxOCRPixels/1_000_000, limit, minOCRDPI)
			}
			dpi = limit
		}
	}
	res, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{
		Page:        requests.Page{ByIndex: &requests.PageByIndex{Document: d, Index: p.index}},
		DPI:         dpi,
		ImageFormat: requests.RenderImageFormatGrayscale,
	})
	if err != nil {
		return nil, 0, fmt.Errorf("render at %d dpi: %w", dpi, err)
	}
	defer res.Cleanup() // the pixels live in wasm memory until then
	g, ok := res.Result.RenderedImage.(*image.Gray)
	if !ok || g == nil {
		return nil, 0, errors.New("render: no grey image")
	}
	cp := image.NewGray(image.Rect(0, 0, g.Rect.Dx(), g.Rect.Dy()))
	for y := 0; y < g.Rect.Dy(); y++ {
		copy(cp.Pix[y*cp.Stride:(y+1)*cp.Stride], g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y):])
	}
	return cp, dpi, nil
}

// OCRBlocks turns tesseract's output into blocks. Tesseract separates
// Chinese characters with spaces; those are removed. A line with a label
// and numbers (or numbers only) becomes a table row: the label words are
// one cell, every number its own cell. Other lines are Text blocks.
func OCRBlocks(text string) []extract.Block {
	var blocks []extract.Block
	var rows [][]string
	flush := func() {
		if len(rows) > 0 {
			blocks = append(blocks, extract.Block{Rows: rows})
			rows = nil
		}
	}
	for _, raw := range strings.Split(text, "\n") {
		line := squeezeHanSpaces(strings.TrimSpace(strings.ReplaceAll(raw, "\f", "")))
		if line == "" {
			continue
		}
		var cells []string
		nums := 0
		label := ""
		for _, tok := range strings.Fields(line) {
			// Leftovers of table rules.
			tok = strings.Trim(tok, "|｜丨[]【】")
			if tok == "" {
				continue
			}
			if isNumberCell(tok) {
				if label != "" {
					cells = append(cells, label)
					label = ""
				}
				cells = append(cells, tok)
				nums++
				continue
			}
			if label != "" {
				label += joinSep(label, tok)
			}
			label += tok
		}
		if label != "" {
			cells = append(cells, label)
		}
		if isOCRRow(cells, nums) {
			rows = append(rows, cells)
			continue
		}
		flush()
		blocks = append(blocks, extract.Block{Text: line})
	}
	flush()
	return blocks
}

// isOCRRow: numbers only, two or more numbers, or a short label followed
// by one number ("行政许可 1243"). A sentence quoting one number ("2023 年，
// 我局…") stays prose.
func isOCRRow(cells []string, nums int) bool {
	switch {
	case nums == 0:
		return false
	case nums == len(cells) || nums >= 2:
		return true
	}
	return len(cells) == 2 && isNumberCell(cells[1]) && len([]rune(cells[0])) <= 20
}

// squeezeHanSpaces removes spaces that have a Han character or CJK
// punctuation on either side.
func squeezeHanSpaces(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' || r == '\t' {
			var prev, next rune
			for j := i - 1; j >= 0; j-- {
				if rs[j] != ' ' && rs[j] != '\t' {
					prev = rs[j]
					break
				}
			}
			for j := i + 1; j < len(rs); j++ {
				if rs[j] != ' ' && rs[j] != '\t' {
					next = rs[j]
					break
				}
			}
			if isHan(prev) && (isHan(next) || isCJKPunct(next)) || isCJKPunct(prev) && isHan(next) {
				continue
			}
			if i > 0 && (rs[i-1] == ' ' || rs[i-1] == '\t') {
				continue
			}
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pageList formats 0-based page indexes as 1-based numbers: "1, 2, 5".
func pageList(idx []int) string {
	parts := make([]string, len(idx))
	for k, i := range idx {
		parts[k] = strconv.Itoa(i + 1)
	}
	return strings.Join(parts, ", ")
}
