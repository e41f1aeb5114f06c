package report

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/parse/extract"
)

// itemKind: the parser sees a Doc as a flat list of lines and grid rows.
type itemKind int

const (
	itemText  itemKind = iota // a line of text (prose, heading, or a flattened row)
	itemGrid                  // one row of a real table grid (blank cells kept)
	itemBreak                 // end of a table
)

type item struct {
	kind   itemKind
	raw    string   // original text of a text line
	folded string   // fold(raw), or the folded cells joined
	toks   []string // folded whitespace-separated tokens (text lines); a grid row's cells as printed (for messages)
	cells  []string // folded cells (grid rows), merged-cell copies skipped when known
	full   []string // folded cells after span expansion (nil when same as cells)
	// noAlt: full copies a merged value cell, so it is not a reading of
	// the row's values
	noAlt bool
	// table is set for text lines rebuilt from a PDF table row: they are
	// table content, never prose.
	table bool
	// heading is the section number when the item is a section heading.
	heading int
	// sep: a grid row of a text rendition, its cells kept apart by bars
	// (blank cells may have been left out)
	sep bool
	// pos: where each of cells (grid rows) or toks (text lines) stands in
	// the original; fullPos the same for full. Nil when not known.
	pos, fullPos []extract.Pos
	// at is the place of every token of a text line (pos nil): one line
	at extract.Pos
}

// buildItems flattens doc. PDF table rows are runs of text with blank
// cells lost, so they are read like text lines (positionally); HTML, DOCX
// and DOC grids keep their blank cells and are read as grids. A text line
// with column separators ("a | b |", tabs) is a grid row too: the
// separators preserve blank cells.
func buildItems(doc *extract.Doc) []item {
	n := 0
	for _, b := range doc.Blocks {
		if b.IsTable() {
			n += len(b.Rows) + 1
		} else {
			n += strings.Count(b.Text, "\n") + 1
		}
	}
	items := make([]item, 0, n)
	pdf := doc.Container == "pdf"
	// merged cells repeat their text in the next column (colspan) or the
	// same column of the next row (rowspan): reuse the neighbour's folding
	var prevRaw, prevFold []string
	foldRow := func(cells []string) []string {
		fc := make([]string, len(cells))
		for i, c := range cells {
			switch {
			case len(c) <= 8 && allDigits(c):
				fc[i] = c // a plain number folds to itself
			case i > 0 && c == cells[i-1]:
				fc[i] = fc[i-1]
			case i < len(prevRaw) && c == prevRaw[i]:
				fc[i] = prevFold[i]
			default:
				fc[i] = fold(c)
			}
		}
		prevRaw, prevFold = cells, fc
		return fc
	}
	text := doc.Container == "text"
	// the positions of the cells as written, for rows with merged cells,
	// cut from one slab
	var written []extract.Pos
	for _, b := range doc.Blocks {
		if b.IsTable() {
			// an OCR'd page's ruled table is a grid (it has merge
			// information), not rows of text runs
			pdf := pdf && b.Spanned == nil
			for ri, row := range b.Rows {
				var rowPos []extract.Pos
				if ri < len(b.Pos) && len(b.Pos[ri]) == len(row) {
					rowPos = b.Pos[ri]
				}
				if text {
					// a text table's row may hold several of the table's
					// rows (one cell per line): one item per label and
					// the values after it
					fc := foldRow(row)
					for _, sg := range rowSegments(fc) {
						gi := gridItem(fc[sg[0]:sg[1]], nil)
						gi.toks = row[sg[0]:sg[1]]
						gi.sep = true
						if rowPos != nil {
							gi.pos = rowPos[sg[0]:sg[1]]
						}
						items = append(items, gi)
					}
					continue
				}
				if pdf {
					it := textItem(strings.Join(row, " "), true)
					if rowPos != nil {
						it.pos = tokenPos(row, rowPos, len(it.toks))
					}
					items = append(items, it)
					continue
				}
				var spanned []bool
				if ri < len(b.Spanned) && len(b.Spanned[ri]) == len(row) {
					spanned = b.Spanned[ri]
				}
				gi := gridItem(foldRow(row), spanned)
				gi.toks = row
				if rowPos != nil {
					gi.pos, gi.fullPos = rowPos, nil
					if gi.full != nil {
						if cap(written)-len(written) < len(gi.cells) {
							written = make([]extract.Pos, 0, max(64, len(gi.cells)))
						}
						at := len(written)
						written = appendWritten(written, rowPos, spanned)
						gi.pos, gi.fullPos = written[at:len(written):len(written)], rowPos
					}
				}
				items = append(items, gi)
			}
			if !pdf {
				items = append(items, item{kind: itemBreak})
			}
			continue
		}
		for li, line := range strings.Split(b.Text, "\n") {
			// a text's lines are the block's lines, one a line
			var at extract.Pos
			if b.Line > 0 {
				at = extract.Pos{Kind: extract.PosLine, Line: int32(b.Line + li)}
			}
			if cells, ok := splitSeparated(line); ok {
				gi := gridItem(foldRow(cells), nil)
				gi.toks = cells
				gi.sep = true
				if at.Kind != extract.PosNone {
					gi.pos = repeatPos(at, len(cells))
				}
				items = append(items, gi)
				continue
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			it := textItem(line, false)
			it.at = at
			items = append(items, it)
		}
	}
	for i := range items {
		items[i].heading = headingOfItem(items[i])
	}
	return items
}

// repeatPos is n copies of at.
func repeatPos(at extract.Pos, n int) []extract.Pos {
	out := make([]extract.Pos, n)
	for i := range out {
		out[i] = at
	}
	return out
}

// appendWritten appends the positions of the cells as written (gridItem's
// cells) to out.
func appendWritten(out, pos []extract.Pos, spanned []bool) []extract.Pos {
	for i, p := range pos {
		if !spanned[i] {
			out = append(out, p)
		}
	}
	return out
}

// tokenPos gives each token of a PDF row's text item the position of the
// cell it came from: the row's cells tokenised one by one must give the
// same n tokens as the joined row, else nil.
func tokenPos(cells []string, pos []extract.Pos, n int) []extract.Pos {
	out := make([]extract.Pos, 0, n)
	for i, c := range cells {
		k := len(textItem(c, true).toks)
		for j := 0; j < k; j++ {
			out = append(out, pos[i])
		}
	}
	if len(out) != n {
		return nil
	}
	return out
}

// rowSegments cuts a folded row before each label cell that follows a
// complete row (a label, then values): [start, end) pairs.
func rowSegments(fc []string) [][2]int {
	out := make([][2]int, 0, 1)
	start, label, valueAfter := 0, false, false
	for j, c := range fc {
		if isValueCell(c) {
			valueAfter = valueAfter || label
			continue
		}
		if label && valueAfter {
			out = append(out, [2]int{start, j})
			start, valueAfter = j, false
		}
		label = true
	}
	return append(out, [2]int{start, len(fc)})
}

func textItem(line string, table bool) item {
	n := extract.Normalize(line)
	out := make([]string, 0, strings.Count(n, " ")+1)
	for t := range strings.SplitSeq(n, " ") {
		if t = stripForMatch(t); t != "" {
			out = append(out, t)
		}
	}
	folded := ""
	if len(out) == 1 {
		folded = out[0]
	} else {
		folded = strings.Join(out, "")
	}
	return item{kind: itemText, raw: line, folded: folded, toks: out, table: table}
}

// gridItem keeps the cells as written (merged-cell copies dropped, as
// format.md §5 asks for section 二 where header and data spans disagree)
// and the expanded grid as a second reading.
func gridItem(fc []string, spanned []bool) item {
	it := item{kind: itemGrid, cells: fc, folded: strings.Join(fc, "")}
	if spanned != nil && slices.Contains(spanned, true) {
		written := make([]string, 0, len(fc))
		for i, c := range fc {
			if !spanned[i] {
				written = append(written, c)
			} else if c != "" && isValueCell(c) {
				// a merged value cell: its copies are not values of
				// their own ("3000003" spanning seven columns is not
				// seven numbers), so the expanded grid is no reading
				it.noAlt = true
			}
		}
		if len(written) != len(fc) {
			it.full, it.cells = fc, written
		}
	}
	return it
}

// splitSeparated splits a flattened table row: "a | b | c |" (at least two
// pipes) or tab-separated cells.
func splitSeparated(line string) ([]string, bool) {
	sep := ""
	switch {
	case strings.Count(line, "|") >= 2:
		sep = "|"
	case strings.Count(line, "｜") >= 2:
		sep = "｜"
	case strings.Count(strings.TrimSpace(line), "\t") >= 1:
		sep = "\t"
	default:
		return nil, false
	}
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, sep)
	t = strings.TrimSuffix(t, sep)
	parts := strings.Split(t, sep)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts, true
}

// Section numbers (the report's own 一 … 六).
const (
	secNone     = 0
	secOverview = 1
	secActive   = 2
	secRequests = 3
	secReview   = 4
	secProblems = 5
	secOther    = 6
)

var headingNums = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6}

// headingOf recognises the six section headings (format.md §2.1 and its
// variants) in a folded line; 0 when the line is not a heading. The row
// labels of table 三 that also start with 二、/三、/四、 are told apart by
// their words (上年结转, 办理结果, 结转下年度).
func headingOf(f string) int {
	r, size := utf8.DecodeRuneInString(f)
	n := headingNums[r]
	if n == 0 || size >= len(f) {
		return 0
	}
	if sep, _ := utf8.DecodeRuneInString(f[size:]); sep != '、' && sep != '.' && sep != ',' {
		return 0
	}
	if utf8.RuneCountInString(f) > 45 {
		return 0
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(f, w) {
				return true
			}
		}
		return false
	}
	switch n {
	case secOverview:
		if has("总体情况", "概述", "基本情况", "总体") && !has("本年新收") {
			return n
		}
	case secActive:
		if has("主动公开") && !has("上年结转") {
			return n
		}
	case secRequests:
		if has("申请") && has("收到", "处理", "依申请") && !has("办理结果", "数量") {
			return n
		}
	case secReview:
		if has("复议", "诉讼") && !has("结转") {
			return n
		}
	case secProblems:
		if has("问题", "改进") {
			return n
		}
	case secOther:
		if has("其他", "事项") {
			return n
		}
	}
	return 0
}

// headingOfItem also accepts a grid row holding one distinct non-empty
// cell (a heading typed into a layout table).
func headingOfItem(it item) int {
	switch it.kind {
	case itemText:
		if it.table {
			return 0
		}
		return headingOf(it.folded)
	case itemGrid:
		var one string
		for _, c := range it.cells {
			if c == "" || c == one {
				continue
			}
			if one != "" {
				return 0
			}
			one = c
		}
		return headingOf(one)
	}
	return 0
}
