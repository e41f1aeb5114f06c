package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"math"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"

	"github.com/nianbao/nianbao/parse/extract"
)

const (
	ocrDPI = 300
	// Render at most this many pixels per page (a 300 dpi A4 page is ~8.7M);
	// huge or hostile page sizes get a lower resolution, not more memory.
	maxOCRPixels = 40_000_000
	// Cap on what one tesseract run may print.
	maxOCROutput = 4 << 20
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

	ocrText := map[int]string{}
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
			if bin == "" {
				msg += "; tesseract is not installed, pages left unread"
			}
		} else {
			msg += "; OCR disabled"
		}
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnNeedsOCR, Message: msg})
		if bin != "" {
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
			blocks = append(blocks, OCRBlocks(t)...)
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

// ocrPages renders each page in order (pdfium is single-threaded) and runs
// tesseract on the images in parallel. Failures become warnings.
func (e *Engine) ocrPages(ctx context.Context, inst pdfium.Pdfium, d references.FPDF_DOCUMENT, bin string, pages []pageText, idx []int, doc *extract.Doc, opts Options) map[int]string {
	timeout := opts.OCRPageTimeout
	if timeout <= 0 {
		timeout = DefaultOCRPageTimeout
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		out      = map[int]string{}
		failures []string
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
		img, err := renderPNG(inst, d, pages[i])
		if err != nil {
			fail(i, err)
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int, img []byte) {
			defer wg.Done()
			defer func() { <-sem }()
			text, err := runTesseract(ctx, bin, img, timeout)
			if err != nil {
				fail(i, err)
				return
			}
			mu.Lock()
			out[i] = text
			mu.Unlock()
		}(i, img)
	}
	wg.Wait()
	if len(out) > 0 {
		got := make([]int, 0, len(out))
		for i := range out {
			got = append(got, i)
		}
		sort.Ints(got)
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnOCR,
			Message: "text of pages " + pageList(got) + " is from OCR (tesseract chi_sim); numbers from OCR are unreliable"})
	}
	if len(failures) > 0 {
		sort.Strings(failures)
		doc.Warnings = append(doc.Warnings, extract.Warning{Code: WarnOCRFailed,
			Message: "OCR failed: " + strings.Join(failures, "; ")})
	}
	return out
}

// renderPNG renders a page in grey at 300 dpi (less for huge pages) and
// encodes it as PNG for tesseract's stdin.
func renderPNG(inst pdfium.Pdfium, d references.FPDF_DOCUMENT, p pageText) ([]byte, error) {
	dpi := ocrDPI
	if p.width > 0 && p.height > 0 {
		px := p.width / 72 * p.height / 72 // square inches
		if limit := int(math.Sqrt(maxOCRPixels / px)); limit < dpi {
			dpi = max(limit, 1)
		}
	}
	res, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{
		Page:        requests.Page{ByIndex: &requests.PageByIndex{Document: d, Index: p.index}},
		DPI:         dpi,
		ImageFormat: requests.RenderImageFormatGrayscale,
	})
	if err != nil {
		return nil, fmt.Errorf("render at %d dpi: %w", dpi, err)
	}
	defer res.Cleanup() // the pixels live in wasm memory until then
	if res.Result.RenderedImage == nil {
		return nil, errors.New("render: no image")
	}
	// Table rules are left in: removing them from a tilted, noisy scan
	// leaves stair-step fragments that tesseract reads as characters
	// (measured on testdata/samples/report-scan.pdf: worse rows, not better).
	img := res.Result.RenderedImage
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// runTesseract OCRs one PNG: simplified Chinese, one uniform block of text
// (--psm 6 keeps table rows on one line), one OpenMP thread (tesseract's
// default four threads spin and make parallel pages slower).
func runTesseract(ctx context.Context, bin string, img []byte, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-", "-", "-l", "chi_sim", "--psm", "6")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(img)
	stdout := &limitedBuffer{max: maxOCROutput}
	var stderr limitedBuffer
	stderr.max = 4096
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("tesseract: %w", ctx.Err())
		}
		return "", fmt.Errorf("tesseract: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// limitedBuffer keeps at most max bytes and silently drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
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
