package parse

// The corpus's PDF renderer: reports laid out as WPS and Word export their
// tables — every cell's text wrapped to its column's width and centred
// vertically in its row (a merged cell in all the rows it spans), so a
// row's values sit on the middle line of a label of three lines, or
// between the two lines of a label of two. The text is drawn with one
// Type0 font whose CIDs are the characters' code points (Identity-H) with
// a ToUnicode map and widths and no font program, the structure the
// WPS and Word exports have and the PDF reader needs.

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

const (
	pdfPageW, pdfPageH = 595.28, 841.89
	pdfMarginX         = 72.0
	pdfMarginY         = 60.0
	pdfAscent          = 0.859 // of the font size: the descriptor's /Ascent
)

// pdfWriter lays text out top-down (y grows downwards from the top of the
// page) and writes it as PDF operators.
type pdfWriter struct {
	pages []*bytes.Buffer
	y     float64
	runes map[rune]bool
	// drawn: where each value was drawn, by provenance key
	drawn map[string]drawnAt
}

// drawnAt is a value's page (1-based) and box (points from the page's
// top-left corner).
type drawnAt struct {
	Page int        `json:"page"`
	Box  [4]float64 `json:"box"`
}

func newPDFWriter() *pdfWriter {
	w := &pdfWriter{runes: map[rune]bool{}, drawn: map[string]drawnAt{}}
	w.newPage()
	return w
}

func (w *pdfWriter) newPage() {
	w.pages = append(w.pages, &bytes.Buffer{})
	w.y = pdfMarginY
}

// ensure starts a new page unless h points fit below the current position.
func (w *pdfWriter) ensure(h float64) {
	if w.y+h > pdfPageH-pdfMarginY {
		w.newPage()
	}
}

func runeWidth(r rune) float64 {
	if r < 0x80 {
		return 0.5
	}
	return 1
}

func textWidth(s string, size float64) float64 {
	var w float64
	for _, r := range s {
		w += runeWidth(r)
	}
	return w * size
}

// wrapWidth breaks s into lines no wider than width points.
func wrapWidth(s string, size, width float64) []string {
	var out []string
	var cur []rune
	var cw float64
	for _, r := range s {
		rw := runeWidth(r) * size
		if cw+rw > width+0.01 && len(cur) > 0 {
			out = append(out, string(cur))
			cur, cw = nil, 0
		}
		cur = append(cur, r)
		cw += rw
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// text draws s on the current page with its line box's top-left at (x, top).
func (w *pdfWriter) text(s string, x, top, size float64) {
	w.textOn(len(w.pages)-1, s, x, top, size)
}

func (w *pdfWriter) textOn(page int, s string, x, top, size float64) {
	if s == "" {
		return
	}
	var hex strings.Builder
	for _, r := range s {
		w.runes[r] = true
		fmt.Fprintf(&hex, "%04X", r)
	}
	base := pdfPageH - (top + pdfAscent*size)
	fmt.Fprintf(w.pages[page], "BT /F1 %.2f Tf 1 0 0 1 %.2f %.2f Tm <%s> Tj ET\n", size, x, base, hex.String())
}

// para writes a paragraph wrapped to the text width, first line indented
// by two characters unless it is centred or right-aligned.
func (w *pdfWriter) para(s string, size float64, align byte) {
	lead := size * 1.5
	width := pdfPageW - 2*pdfMarginX
	indent := 0.0
	if align == 'l' {
		indent = 2 * size
	}
	lines := wrapWidth(s, size, width-indent)
	if len(lines) > 1 && indent > 0 {
		rest := wrapWidth(strings.Join(lines[1:], ""), size, width)
		lines = append(lines[:1], rest...)
	}
	for i, l := range lines {
		w.ensure(lead)
		x := pdfMarginX
		switch {
		case align == 'c':
			x = (pdfPageW - textWidth(l, size)) / 2
		case align == 'r':
			x = pdfPageW - pdfMarginX - textWidth(l, size)
		case i == 0:
			x += indent
		}
		w.text(l, x, w.y, size)
		w.y += lead
	}
}

// tcell is one cell of a table: its text, first column, and spans.
type tcell struct {
	text             string
	path             string // the value's provenance key, for values
	col, cols, rows  int
	center           bool
	wrapped          []string
	top, height      float64 // laid out
	x, width         float64
	rowIndex, spanTo int
}

// table lays out rows of cells over columns of the given widths, every
// cell's text wrapped to its width and centred vertically over the rows
// it spans. The table is kept on one page.
func (w *pdfWriter) table(widths []float64, rows [][]tcell, size float64, breakAt int, spanPages bool, headerRows int) {
	const pad = 5.4 // WPS's default cell margin, 0.19 cm
	lead := size * 1.3
	left := pdfMarginX
	colX := make([]float64, len(widths)+1)
	colX[0] = left
	for i, cw := range widths {
		colX[i+1] = colX[i] + cw
	}
	heights := make([]float64, len(rows))
	var cells []*tcell
	for ri := range rows {
		heights[ri] = lead + 2*pad
		for ci := range rows[ri] {
			c := &rows[ri][ci]
			if c.cols == 0 {
				c.cols = 1
			}
			if c.rows == 0 {
				c.rows = 1
			}
			c.rowIndex, c.spanTo = ri, ri+c.rows
			c.x, c.width = colX[c.col], colX[c.col+c.cols]-colX[c.col]
			c.wrapped = wrapWidth(c.text, size, c.width-2*pad)
			if h := float64(len(c.wrapped))*lead + 2*pad; c.rows == 1 && h > heights[ri] {
				heights[ri] = h
			}
			cells = append(cells, c)
		}
	}
	// a merged cell taller than its rows stretches the last of them
	for _, c := range cells {
		if c.rows == 1 {
			continue
		}
		var sum float64
		for r := c.rowIndex; r < c.spanTo; r++ {
			sum += heights[r]
		}
		if need := float64(len(c.wrapped))*lead + 2*pad; need > sum {
			heights[c.spanTo-1] += need - sum
		}
	}
	var total float64
	for _, h := range heights {
		total += h
	}
	w.ensure(min(total, pdfPageH-2*pdfMarginY))
	// rows go on the page while they fit, then on a new one; a merged
	// cell cut by the page break is drawn on its first page, centred
	// over the part of it there
	pageOf := make([]int, len(rows)+1)
	tops := make([]float64, len(rows)+1)
	y := w.y
	var headerH float64
	for _, h := range heights[:headerRows] {
		headerH += h
	}
	var repeatOn []int // pages the header rows are drawn again on
	for i, h := range heights {
		if (y+h > pdfPageH-pdfMarginY && y > pdfMarginY) || i == breakAt {
			w.newPage()
			y = pdfMarginY
			if headerRows > 0 {
				repeatOn = append(repeatOn, len(w.pages)-1)
				y += headerH
			}
		}
		pageOf[i], tops[i] = len(w.pages)-1, y
		y += h
	}
	pageOf[len(rows)], tops[len(rows)] = len(w.pages)-1, y
	bottomOf := func(c *tcell) float64 { // where the cell ends on its first page
		end := c.spanTo
		for r := c.rowIndex + 1; r < c.spanTo; r++ {
			if pageOf[r] != pageOf[c.rowIndex] {
				end = r
				break
			}
		}
		if end < len(rows) && pageOf[end] != pageOf[c.rowIndex] {
			return tops[end-1] + heights[end-1]
		}
		return tops[end]
	}
	for _, c := range cells {
		page := w.pages[pageOf[c.rowIndex]]
		y0, y1 := pdfPageH-tops[c.rowIndex], pdfPageH-bottomOf(c)
		fmt.Fprintf(page, "0.5 w %.2f %.2f %.2f %.2f re S\n", c.x, y1, c.width, y0-y1)
	}
	for _, pg := range repeatOn {
		for _, c := range cells {
			if c.spanTo > headerRows {
				continue
			}
			top := pdfMarginY + tops[c.rowIndex] - tops[0]
			h := tops[c.spanTo] - tops[c.rowIndex]
			ltop := top + (h-float64(len(c.wrapped))*lead)/2 + (lead-size)/2
			for i, l := range c.wrapped {
				w.textOn(pg, l, c.x+(c.width-textWidth(l, size))/2, ltop+float64(i)*lead, size)
			}
		}
	}
	// vt: the rows' tops as if on one endless page
	vt := make([]float64, len(rows)+1)
	for i, h := range heights {
		vt[i+1] = vt[i] + h
	}
	place := func(v float64) (int, float64) { // endless-page y → page, y
		r := 0
		for r+1 < len(rows) && vt[r+1] <= v {
			r++
		}
		return pageOf[r], tops[r] + v - vt[r]
	}
	for _, c := range cells {
		if spanPages && pageOf[c.spanTo-1] != pageOf[c.rowIndex] {
			vh := vt[c.spanTo] - vt[c.rowIndex]
			vtop := vt[c.rowIndex] + (vh-float64(len(c.wrapped))*lead)/2 + (lead-size)/2
			for i, l := range c.wrapped {
				pg, y := place(vtop + float64(i)*lead)
				x := c.x + pad
				if c.center {
					x = c.x + (c.width-textWidth(l, size))/2
				}
				w.textOn(pg, l, x, y, size)
			}
			continue
		}
		h := bottomOf(c) - tops[c.rowIndex]
		top := tops[c.rowIndex] + (h-float64(len(c.wrapped))*lead)/2 + (lead-size)/2
		for i, l := range c.wrapped {
			x := c.x + pad
			if c.center {
				x = c.x + (c.width-textWidth(l, size))/2
			}
			y := top + float64(i)*lead
			w.textOn(pageOf[c.rowIndex], l, x, y, size)
			if c.path != "" {
				r2 := func(v float64) float64 { return math.Round(v*100) / 100 }
				w.drawn[c.path] = drawnAt{pageOf[c.rowIndex] + 1, [4]float64{r2(x), r2(y), r2(x + textWidth(l, size)), r2(y + size)}}
			}
		}
	}
	w.y = y + lead
}

// bytes writes the document: one Type0 font, CID = code point.
func (w *pdfWriter) bytes() []byte {
	rs := make([]rune, 0, len(w.runes))
	for r := range w.runes {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	for i := 0; i < len(rs); i += 100 {
		chunk := rs[i:min(i+100, len(rs))]
		fmt.Fprintf(&cmap, "%d beginbfchar\n", len(chunk))
		for _, r := range chunk {
			fmt.Fprintf(&cmap, "<%04X> <%04X>\n", r, r)
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap CMapName currentdict /CMap defineresource pop end end")

	n := len(w.pages)
	// objects: 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor,
	// 6 ToUnicode, then page i at 7+2i and its content at 8+2i
	kids := make([]string, n)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 7+2*i)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 %.2f %.2f] >>", strings.Join(kids, " "), n, pdfPageW, pdfPageH),
		"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /W [32 127 500] >>",
		"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 859 /StemV 80 >>",
		pdfFlate(cmap.String()),
	}
	for i, p := range w.pages {
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 8+2*i),
			pdfFlate(p.String()))
	}
	return pdftest.Assemble(objs, "")
}

func pdfFlate(data string) string {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(data))
	zw.Close()
	return fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.String())
}

// renderPDF lays a report out as a WPS export: prose wrapped to the page,
// the three tables with narrow label columns.
// pdfStyle sets the label columns' widths in points: table 二's, and
// table 三's three (row group, sub-group, row).
type pdfStyle struct {
	active float64
	req    [3]float64
	// breakBefore: table 三 goes on on a new page from this row (a key
	// of reqDefs), whatever room is left
	breakBefore string
	// spanPages: a merged cell cut by a page break is centred over all
	// its rows, so its lines run on at the top of the next page (else it
	// is centred over its part on its first page)
	spanPages bool
	// repeatHeader: table 三's three header rows are drawn again at the
	// top of each page it runs on to ("repeat as header row")
	repeatHeader bool
}

var wpsStyle = pdfStyle{active: 58, req: [3]float64{40, 50, 120}}

func renderPDF(r *rep, st pdfStyle) []byte {
	w := newPDFWriter()
	const body, small = 12.0, 9.0
	for _, l := range r.furniture {
		w.para(l, 9, 'x') // small, flush left
	}
	for _, l := range r.titleLines {
		w.para(l, 14, 'c')
	}
	w.y += 8
	for _, p := range r.intro {
		w.para(p, body, 'l')
	}
	w.para(r.headings[0], body, 'l')
	for _, p := range r.overview {
		w.para(p, body, 'l')
	}
	if !r.noTables {
		w.para(r.headings[1], body, 'l')
		w.table(append([]float64{st.active}, repeat((448-st.active)/3, 3)...), pdfActiveRows(r), small, -1, false, 0)
		w.para(r.headings[2], body, 'l')
		w.table(append(st.req[:], repeat((448-st.req[0]-st.req[1]-st.req[2])/7, 7)...), pdfRequestRows(r), small, pdfBreakAt(r, st.breakBefore), st.spanPages, map[bool]int{true: 3}[st.repeatHeader])
		w.para(r.headings[3], body, 'l')
		w.table(repeat(448.0/15, 15), pdfReviewRows(r), small, -1, false, 0)
	}
	w.para(r.headings[4], body, 'l')
	for _, p := range r.problems {
		w.para(p, body, 'l')
	}
	w.para(r.headings[5], body, 'l')
	for _, p := range r.other {
		w.para(p, body, 'l')
	}
	for _, s := range r.signoff {
		w.para(s, body, 'r')
	}
	r.drawn = w.drawn
	return w.bytes()
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func pdfActiveRows(r *rep) [][]tcell {
	var rows [][]tcell
	for _, d := range activeDefs[r.format] {
		rows = append(rows, []tcell{{text: d.title, col: 0, cols: 4, center: true}})
		hdr := []tcell{{text: d.headers[0], col: 0, center: true}}
		span := 3 / (len(d.headers) - 1)
		for i, h := range d.headers[1:] {
			hdr = append(hdr, tcell{text: h, col: 1 + i*span, cols: span, center: true})
		}
		rows = append(rows, hdr)
		for _, rw := range d.rows {
			row := []tcell{{text: activeLabel(r, rw.key), col: 0}}
			for i, c := range r.active[rw.key] {
				row = append(row, tcell{text: c.text, path: "active." + rw.key + "." + d.fields[i], col: 1 + i*span, cols: span, center: true})
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// pdfBreakAt is the index in pdfRequestRows of the row of key, or -1.
func pdfBreakAt(r *rep, key string) int {
	if key == "" {
		return -1
	}
	return 3 + indexOf(r.defs(), key) // after the three header rows
}

func pdfRequestRows(r *rep) [][]tcell {
	rows := [][]tcell{
		{{text: "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", col: 0, cols: 3, rows: 3, center: true}, {text: "申请人情况", col: 3, cols: 7, center: true}},
		{{text: "自然人", col: 3, rows: 2, center: true}, {text: "法人或其他组织", col: 4, cols: 5, center: true}, {text: "总计", col: 9, rows: 2, center: true}},
	}
	var hdr []tcell
	for i, h := range []string{"商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"} {
		hdr = append(hdr, tcell{text: h, col: 4 + i, center: true})
	}
	rows = append(rows, hdr)
	defs := r.defs()
	parentSpan, groupSpan := map[string]int{}, map[string]int{}
	for _, d := range defs {
		if d.parent != "" {
			parentSpan[d.parent]++
		}
		if d.group != "" {
			groupSpan[d.group]++
		}
	}
	seenP, seenG := map[string]bool{}, map[string]bool{}
	for _, d := range defs {
		var row []tcell
		switch {
		case d.parent == "":
			row = append(row, tcell{text: d.label, col: 0, cols: 3})
		default:
			if !seenP[d.parent] {
				seenP[d.parent] = true
				row = append(row, tcell{text: d.parent, col: 0, rows: parentSpan[d.parent], center: true})
			}
			if d.group == "" {
				row = append(row, tcell{text: d.label, col: 1, cols: 2})
			} else {
				if !seenG[d.group] {
					seenG[d.group] = true
					row = append(row, tcell{text: d.group, col: 1, rows: groupSpan[d.group], center: true})
				}
				row = append(row, tcell{text: d.label, col: 2})
			}
		}
		for i, c := range r.reqRow(d.key) {
			row = append(row, tcell{text: c.text, path: fmt.Sprintf("requests.%s[%d]", d.key, i), col: 3 + i, center: true})
		}
		rows = append(rows, row)
	}
	return rows
}

func pdfReviewRows(r *rep) [][]tcell {
	rows := [][]tcell{{{text: "行政复议", col: 0, cols: 5, center: true}, {text: "行政诉讼", col: 5, cols: 10, center: true}}}
	var h2, h3 []tcell
	for i, h := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
		h2 = append(h2, tcell{text: h, col: i, rows: 2, center: true})
	}
	h2 = append(h2, tcell{text: "未经复议直接起诉", col: 5, cols: 5, center: true}, tcell{text: "复议后起诉", col: 10, cols: 5, center: true})
	for g := 0; g < 2; g++ {
		for i, h := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
			h3 = append(h3, tcell{text: h, col: 5 + g*5 + i, center: true})
		}
	}
	var vals []tcell
	if r.review != nil {
		for i, c := range r.review {
			vals = append(vals, tcell{text: c.text, path: "review_litigation." + reviewGroups[i/5] + "." + reviewFields[i%5], col: i, center: true})
		}
	}
	rows = append(rows, h2, h3, vals)
	return rows
}
