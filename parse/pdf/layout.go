package pdf

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/parse/extract"
)

// Char is one character with its loose box in PDF user space (points, y
// grows upwards). Loose boxes cover the font's ascent and descent, so
// punctuation such as "." and "、" shares its line's vertical extent.
type Char struct {
	R                        rune
	Left, Right, Bottom, Top float64
}

func (c Char) cy() float64 { return (c.Top + c.Bottom) / 2 }
func (c Char) h() float64  { return c.Top - c.Bottom }

// Line is one visual line: characters sharing a vertical centre, split into
// cells wherever the horizontal gap is wide.
type Line struct {
	Cells        []Cell
	Top, Bottom  float64
	Left, Right  float64
	Height       float64 // median character height
	hasSpaceChar bool
}

// Cell is a run of characters without a wide gap, with the box around
// them (PDF user space, y upwards).
type Cell struct {
	Text        string
	Left, Right float64
	Top, Bottom float64
}

// Text joins the cells with a single space.
func (l Line) Text() string {
	parts := make([]string, len(l.Cells))
	for i, c := range l.Cells {
		parts[i] = c.Text
	}
	return strings.Join(parts, " ")
}

func (l Line) cy() float64 { return (l.Top + l.Bottom) / 2 }

// Layout thresholds, as fractions of the line's character height.
const (
	// Characters belong to one line while their centres are this close.
	sameLineFrac = 0.4
	// A gap wider than this starts a new cell. A CJK character is about
	// 0.85 h wide, so two missing characters' worth of space is a column
	// break, while justified prose and ASCII spaces (≈0.25 h) are not.
	cellGapFrac = 1.2
	// A gap wider than this inside a cell becomes a space between
	// non-Han characters ("Word 2019", "1 0").
	spaceGapFrac = 0.2
)

// BuildLines groups characters into lines (top to bottom) and each line's
// characters into cells (left to right). Whitespace characters only
// separate words; they are never part of a cell's text edges.
func BuildLines(chars []Char) []Line {
	cs := make([]Char, 0, len(chars))
	for _, c := range chars {
		if !finite(c.Left) || !finite(c.Right) || !finite(c.Top) || !finite(c.Bottom) {
			continue
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil
	}
	// Typical height: zero-height boxes (some producers' spaces) must not
	// make every centre difference look large.
	hs := make([]float64, 0, len(cs))
	for _, c := range cs {
		if c.h() > 0 && !unicode.IsSpace(c.R) {
			hs = append(hs, c.h())
		}
	}
	typical := median(hs)
	if typical <= 0 {
		typical = 10
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].cy() > cs[j].cy() })

	type group struct {
		chars []Char
		sum   float64 // of centres, for the running mean
		h     float64 // max char height seen, for the tolerance
	}
	var groups []*group
	for _, c := range cs {
		h := c.h()
		if h <= 0 || h > 4*typical {
			h = typical
		}
		var g *group
		if n := len(groups); n > 0 {
			last := groups[n-1]
			mean := last.sum / float64(len(last.chars))
			if math.Abs(c.cy()-mean) <= sameLineFrac*math.Min(h, last.h) {
				g = last
			}
		}
		if g == nil {
			g = &group{h: h}
			groups = append(groups, g)
		}
		g.chars = append(g.chars, c)
		g.sum += c.cy()
		g.h = math.Max(g.h, h)
	}

	lines := make([]Line, 0, len(groups))
	for _, g := range groups {
		if l, ok := buildLine(g.chars, typical); ok {
			lines = append(lines, l)
		}
	}
	return lines
}

func buildLine(chars []Char, typical float64) (Line, bool) {
	sort.SliceStable(chars, func(i, j int) bool { return chars[i].Left < chars[j].Left })
	var hs []float64
	l := Line{Top: math.Inf(-1), Bottom: math.Inf(1)}
	for _, c := range chars {
		if unicode.IsSpace(c.R) {
			l.hasSpaceChar = true
			continue
		}
		if c.h() > 0 {
			hs = append(hs, c.h())
		}
		l.Top = math.Max(l.Top, c.Top)
		l.Bottom = math.Min(l.Bottom, c.Bottom)
	}
	if math.IsInf(l.Top, 0) { // whitespace only
		return Line{}, false
	}
	h := median(hs)
	if h <= 0 {
		h = typical
	}
	l.Height = h

	var cur []rune
	var cell Cell
	var prev *Char
	spacePending := false
	flush := func() {
		if len(cur) > 0 {
			cell.Text = string(cur)
			l.Cells = append(l.Cells, cell)
		}
		cur = cur[:0]
		prev = nil
		spacePending = false
	}
	for i := range chars {
		c := chars[i]
		if unicode.IsSpace(c.R) {
			if prev != nil {
				spacePending = true
			}
			continue
		}
		if prev != nil {
			gap := c.Left - prev.Right
			if gap > cellGapFrac*h {
				flush()
			} else if (spacePending || gap > spaceGapFrac*h) && !isWide(prev.R) && !isWide(c.R) {
				// Only between Latin/digits: the gap producers put between
				// "2023" and "年" (autospace) is layout, not a space.
				cur = append(cur, ' ')
			}
		}
		if prev == nil {
			cell = Cell{Left: c.Left, Right: c.Right, Top: c.Top, Bottom: c.Bottom}
		}
		cur = append(cur, c.R)
		cell.Right = math.Max(cell.Right, c.Right)
		cell.Top = math.Max(cell.Top, c.Top)
		cell.Bottom = math.Min(cell.Bottom, c.Bottom)
		cc := c
		prev = &cc
		spacePending = false
	}
	flush()
	if len(l.Cells) == 0 {
		return Line{}, false
	}
	l.Left = l.Cells[0].Left
	l.Right = l.Cells[len(l.Cells)-1].Right
	return l, true
}

var (
	numberRE = regexp.MustCompile(`^[-+−]?[0-9０-９]+([,，][0-9０-９]{3})*([.．][0-9０-９]+)?[%％]?$`)
	// Page furniture: "- 3 -", "第3页", "第 3 页 共 5 页", "3/5", "3".
	pageNumRE = regexp.MustCompile(`^[-—–\s]*(第\s*)?[0-9]+(\s*页)?(\s*[/／]\s*[0-9]+|\s*共\s*[0-9]+\s*页)?[-—–\s]*$`)
)

// isNumberCell reports whether a cell is a bare number ("12", "12.5", "1,234").
func isNumberCell(s string) bool { return numberRE.MatchString(strings.TrimSpace(s)) }

// lineKind classifies a line for block building.
type lineKind int

const (
	kindProse lineKind = iota
	kindTable
	kindShort // one short cell: joins a table run when it sits inside one
)

// PageBlocks turns one page's lines into blocks: runs of table-like lines
// become a Table block (one row per line, cells in order), the rest Text
// blocks with wrapped prose lines joined into paragraphs. Page numbers at
// the top or bottom edge are dropped. Cells' boxes are in points from the
// page's top-left corner; their Page is 0 (the caller knows which).
func PageBlocks(lines []Line, pageHeight float64) []extract.Block {
	blocks := layoutPage(dropPageNumbers(lines, pageHeight), false, false).blocks
	placeBlocks(blocks, -1, pageHeight)
	return blocks
}

// pageLayout is one page's blocks plus what is needed to join a paragraph
// that runs over the page break.
type pageLayout struct {
	blocks []extract.Block
	// openEnd: the page ends with prose whose last line reaches the right
	// margin, so the paragraph may go on on the next page.
	openEnd bool
	// contStart: the page starts with a prose line that is not indented.
	contStart bool
	// endsTable: the page's last line is a table row.
	endsTable bool
}

var headingRE = regexp.MustCompile(`^[一二三四五六七八九十]+[、.．]`)

// classifyPage gives each line its raw kind (before short lines are
// resolved).
func classifyPage(lines []Line) []lineKind {
	left, right := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		left = math.Min(left, l.Left)
		right = math.Max(right, l.Right)
	}
	width := right - left
	kinds := make([]lineKind, len(lines))
	for i, l := range lines {
		kinds[i] = classify(l, width)
	}
	return kinds
}

// startsWithTable: the page's first line that is not a short fragment is
// table-like.
func startsWithTable(lines []Line) bool {
	for _, k := range classifyPage(lines) {
		if k != kindShort {
			return k == kindTable
		}
	}
	return false
}

// layoutPage lays out one page. prevTable and nextTable say whether the
// previous page ended, and the next page starts, with a table, so that
// short fragments at a page edge inside a page-spanning table stay in it.
func layoutPage(lines []Line, prevTable, nextTable bool) pageLayout {
	if len(lines) == 0 {
		return pageLayout{}
	}
	kinds := classifyPage(lines)
	// A short single cell between table lines (a wrapped label's tail, a
	// header character stacked vertically) belongs to the table.
	for i := range kinds {
		if kinds[i] != kindShort {
			continue
		}
		prevT, nextT := prevTable, nextTable
		for j := i - 1; j >= 0; j-- {
			if kinds[j] != kindShort {
				prevT = kinds[j] == kindTable
				break
			}
		}
		for j := i + 1; j < len(kinds); j++ {
			if kinds[j] != kindShort {
				nextT = kinds[j] == kindTable
				break
			}
		}
		// the last row's label may end below its values, on lines set as
		// close as a cell sets them
		tail := i > 0 && kinds[i-1] == kindTable &&
			lines[i-1].Bottom-lines[i].Top <= blockGapFrac*math.Max(lines[i].Height, lines[i-1].Height)
		if prevT && (nextT || tail) {
			kinds[i] = kindTable
		} else {
			kinds[i] = kindProse
		}
	}
	// The prose column: tables are often wider than the text, so the
	// margins used for paragraph joining come from prose lines only.
	pl, pr := math.Inf(1), math.Inf(-1)
	for i, l := range lines {
		if kinds[i] == kindProse {
			pl = math.Min(pl, l.Left)
			pr = math.Max(pr, l.Right)
		}
	}

	var out pageLayout
	var run []Line // the table lines since the last prose line
	var para strings.Builder
	var paraLast *Line
	flushRows := func() {
		if len(run) == 0 {
			return
		}
		trs := rebuildRows(run)
		rows := make([][]string, len(trs))
		pos := make([][]extract.Pos, len(trs))
		for k, tr := range trs {
			row := make([]string, len(tr.Cells))
			ps := make([]extract.Pos, len(tr.Cells))
			for j, c := range tr.Cells {
				row[j] = c.Text
				// in user space here; placeBlocks names the page and
				// turns the box to the page's top-left origin
				ps[j] = extract.Pos{Kind: extract.PosPDF, Box: [4]float32{float32(c.Left), float32(c.Bottom), float32(c.Right), float32(c.Top)}}
			}
			rows[k], pos[k] = row, ps
		}
		out.blocks = append(out.blocks, extract.Block{Rows: rows, Pos: pos})
		run = nil
	}
	flushPara := func() {
		if para.Len() > 0 {
			out.blocks = append(out.blocks, extract.Block{Text: para.String()})
			para.Reset()
		}
		paraLast = nil
	}
	for i := range lines {
		l := &lines[i]
		if kinds[i] == kindTable {
			flushPara()
			run = append(run, *l)
			continue
		}
		flushRows()
		text := l.Text()
		if i == 0 {
			out.contStart = l.Left <= pl+0.8*l.Height && !headingRE.MatchString(text)
		}
		if paraLast != nil && continuesParagraph(*paraLast, *l, pl, pr) {
			para.WriteString(joinSep(para.String(), text))
		} else {
			flushPara()
		}
		para.WriteString(text)
		paraLast = l
	}
	out.endsTable = len(run) > 0
	out.openEnd = paraLast != nil && paraLast.Right >= pr-1.5*paraLast.Height
	flushRows()
	flushPara()
	return out
}

func classify(l Line, width float64) lineKind {
	if len(l.Cells) >= 2 {
		return kindTable
	}
	t := strings.TrimSpace(l.Cells[0].Text)
	if isNumberCell(t) {
		return kindTable
	}
	// Section headings, full-width lines and finished sentences are prose.
	// A bare numeral ("三、") is no heading: it is a row group's label
	// stacked in a narrow column, one or two characters a line.
	if loc := headingRE.FindStringIndex(t); loc != nil && utf8.RuneCountInString(t[loc[1]:]) >= 2 {
		return kindProse
	}
	if width > 0 && l.Right-l.Left > 0.6*width {
		return kindProse
	}
	if strings.HasSuffix(t, "。") {
		return kindProse
	}
	return kindShort
}

// continuesParagraph: cur is the next line of prev's paragraph when it
// sits directly below, is not indented (Chinese paragraphs start with a
// two-character indent), and prev either reaches the right margin or
// stops short only because of line-breaking rules (it does not end a
// sentence, is not a heading, and cur does not start a numbered item).
func continuesParagraph(prev, cur Line, left, right float64) bool {
	// The lines' own size: a page full of small table text must not
	// shrink the tolerances for body text.
	h := math.Max(prev.Height, cur.Height)
	if cur.Left > left+0.8*h {
		return false
	}
	if gap := prev.Bottom - cur.Top; gap > 1.3*h || gap < -0.5*h {
		return false
	}
	if prev.Right >= right-1.5*h {
		return true
	}
	if prev.Right < right-5*h { // line-breaking rules move only a few characters
		return false
	}
	pt, ct := prev.Text(), cur.Text()
	last, _ := lastRune(pt)
	if strings.ContainsRune("。！？!?：:；;", last) {
		return false
	}
	return !headingRE.MatchString(pt) && !itemRE.MatchString(pt) && !itemRE.MatchString(ct) && !headingRE.MatchString(ct)
}

// itemRE: a numbered sub-heading or item at the start of a line.
var itemRE = regexp.MustCompile(`^([（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[、．.])`)

// joinSep is the separator between two joined prose lines: none inside
// Chinese text, a space between Latin words.
func joinSep(before, after string) string {
	b, _ := lastRune(before)
	a, _ := firstRune(after)
	if isHan(b) || isHan(a) || isCJKPunct(b) || isCJKPunct(a) || b == '-' {
		return ""
	}
	return " "
}

// dropPageNumbers removes page-number lines that are the first or last
// line of the page and sit in its outer fifth.
func dropPageNumbers(lines []Line, pageHeight float64) []Line {
	isNum := func(l Line, top bool) bool {
		if !pageNumRE.MatchString(l.Text()) {
			return false
		}
		if pageHeight <= 0 {
			return false
		}
		if top {
			return l.Bottom > 0.8*pageHeight
		}
		return l.Top < 0.2*pageHeight
	}
	if n := len(lines); n > 0 && isNum(lines[n-1], false) {
		lines = lines[:n-1]
	}
	if len(lines) > 0 && isNum(lines[0], true) {
		lines = lines[1:]
	}
	return lines
}

// placeBlocks gives the cells' positions of one page's blocks their page
// (0-based index) and turns their boxes from user space to points from
// the page's top-left corner, as a viewer places an overlay.
func placeBlocks(blocks []extract.Block, index int, height float64) {
	for _, b := range blocks {
		for _, row := range b.Pos {
			for j := range row {
				p := &row[j]
				if p.Kind != extract.PosPDF {
					continue
				}
				p.Page = int32(index + 1)
				x0, y0, x1, y1 := p.Box[0], p.Box[1], p.Box[2], p.Box[3]
				h := float32(height)
				p.Box = [4]float32{x0, h - y1, x1, h - y0}
			}
		}
	}
}

// mergeAcrossPages joins a table that ends one page with the table that
// starts the next (blocks are produced page by page; a page break inside
// a table must not split its rows into two tables). Page boundaries are
// marked by pageBreak blocks, removed here.
func mergeAcrossPages(blocks []extract.Block) []extract.Block {
	out := make([]extract.Block, 0, len(blocks))
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if isPageBreak(b) {
			if len(out) > 0 && out[len(out)-1].IsTable() && i+1 < len(blocks) && blocks[i+1].IsTable() {
				last := &out[len(out)-1]
				if last.Pos != nil && blocks[i+1].Pos != nil {
					last.Pos = append(slices.Clip(last.Pos), blocks[i+1].Pos...)
				} else {
					last.Pos = nil
				}
				last.Rows = append(slices.Clip(last.Rows), blocks[i+1].Rows...)
				i++
			}
			continue
		}
		out = append(out, b)
	}
	return out
}

// pageBreakMark is a sentinel Text that cannot come from a PDF (it holds
// a NUL, which readPage drops as a control character).
const pageBreakMark = "\x00page\x00"

func isPageBreak(b extract.Block) bool { return b.Rows == nil && b.Text == pageBreakMark }

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isWide: Han characters and CJK punctuation, next to which no space is
// written.
func isWide(r rune) bool { return isHan(r) || isCJKPunct(r) }

func isCJKPunct(r rune) bool {
	return (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) || r == '“' || r == '”' || r == '‘' || r == '’' || r == '…' || r == '—'
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

func lastRune(s string) (rune, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, false
	}
	return rs[len(rs)-1], true
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
