package pdf

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Rebuilding table rows from the layout.
//
// WPS and Word centre a cell's text vertically in its row. A label that
// wraps over three lines has the row's values on its middle line; one
// of two lines has them between its lines, on a line of their own. Read
// line by line, the lines of a label below its values run into the next
// row's label ("…已获取信息" + "（六）其他处理"), and both rows are lost.
// So a run of table lines is rebuilt into rows from the geometry: the
// label column's text is cut into cell blocks (lines of one column
// directly below each other), and a block whose vertical centre is a
// value line's centre is that row's label, wherever its lines stand.
//
// Only what the geometry shows is moved: a block centred on no value
// line — a row group's label spanning several rows, a row without values,
// text laid out some other way — keeps its place, with its lines as
// they were (several lines when it reaches over more than one value
// line), so the report parser reads it as it read every line before.

// Layout tolerances.
const (
	// Lines of one cell follow each other at the line pitch; lines this
	// many pitches apart or more are different cells (rows are further
	// apart by the cells' padding; where they are not, the cut by
	// centres below tells the rows apart).
	blockPitchFrac = 1.25
	// A block is centred on a value line when the centres are this close,
	// as a fraction of the line pitch.
	centreFrac = 0.3
	// The last row's label may end below the table's last line at most
	// this far (box to box), as a fraction of the line height.
	blockGapFrac = 0.5
)

// maxFragments bounds the label cells of one run rebuilt into rows (a
// report's table 三 has about a hundred).
const maxFragments = 2000

func overlaps(a, b Cell) bool { return a.Left < b.Right && b.Left < a.Right }

// TableRow is one rebuilt row: its cells in reading order with their
// boxes (PDF user space, y upwards).
type TableRow struct {
	Cells []Cell
	Top   float64
	// Bottom of the row's lowest line.
	Bottom float64
	// Values: the row was built around a value line.
	Values bool
}

// fragment is one label cell of a line in a run.
type fragment struct {
	line int
	cell Cell
	top  float64
	bot  float64
}

func (f fragment) cy() float64 { return (f.top + f.bot) / 2 }

// block is a column's cell: fragments directly below each other.
type block struct {
	frags []fragment
	row   int // index of the value line it labels, or -1
}

func (b *block) top() float64    { return b.frags[0].top }
func (b *block) bottom() float64 { return b.frags[len(b.frags)-1].bot }
func (b *block) left() float64 {
	l := math.Inf(1)
	for _, f := range b.frags {
		l = math.Min(l, f.cell.Left)
	}
	return l
}

// isValueish: a cell that can be a value of a table row — a number, a
// number with a unit or sign ("12.5万元", "减4"), or a mark for "none".
func isValueish(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	switch s {
	case "/", "／", "-", "－", "—", "——", "无", "\\", "0.00":
		return true
	}
	if utf8.RuneCountInString(s) > 12 {
		return false
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			digits++
		}
	}
	return digits > 0 && digits*2 >= utf8.RuneCountInString(s)
}

// rebuildRows rebuilds a run of table lines (top to bottom) into rows. It
// returns one row per line, unchanged, when the run has no label column
// beside its values.
func rebuildRows(lines []Line) []TableRow {
	plain := func() []TableRow {
		out := make([]TableRow, len(lines))
		for i, l := range lines {
			out[i] = TableRow{Cells: l.Cells, Top: l.Top, Bottom: l.Bottom}
		}
		return out
	}
	if len(lines) < 2 {
		return plain()
	}
	hs := make([]float64, len(lines))
	for i, l := range lines {
		hs[i] = l.Height
	}
	h := median(hs)
	if h <= 0 {
		return plain()
	}
	// the values' column band starts at the leftmost number
	valueLeft := math.Inf(1)
	for _, l := range lines {
		for _, c := range l.Cells {
			if isNumberCell(c.Text) {
				valueLeft = math.Min(valueLeft, c.Left)
			}
		}
	}
	if math.IsInf(valueLeft, 1) {
		return plain()
	}
	inValues := func(c Cell) bool { return c.Left >= valueLeft-0.5*h }
	// a line with text in the value band that is no value is a header
	// line (column headers, a sub-table's title); it bounds the rows
	header := make([]bool, len(lines))
	isValue := make([]bool, len(lines))
	for i, l := range lines {
		for _, c := range l.Cells {
			switch {
			case c.Right > valueLeft+0.5*h && !isValueish(c.Text):
				header[i] = true
			case inValues(c) && isNumberCell(c.Text):
				isValue[i] = true
			}
		}
		if header[i] {
			isValue[i] = false
		}
	}
	out := make([]TableRow, 0, len(lines))
	for s := 0; s < len(lines); {
		if header[s] {
			out = append(out, TableRow{Cells: lines[s].Cells, Top: lines[s].Top, Bottom: lines[s].Bottom})
			s++
			continue
		}
		e := s
		for e < len(lines) && !header[e] {
			e++
		}
		out = append(out, segmentRows(lines[s:e], isValue[s:e], valueLeft, h)...)
		s = e
	}
	return out
}

// segmentRows rebuilds the lines between two header lines.
func segmentRows(lines []Line, isValue []bool, valueLeft, h float64) []TableRow {
	var values []int // indexes of value lines
	for i, v := range isValue {
		if v {
			values = append(values, i)
		}
	}
	var frags []fragment
	for i, l := range lines {
		for _, c := range l.Cells {
			if isValue[i] && c.Left >= valueLeft-0.5*h {
				continue
			}
			frags = append(frags, fragment{line: i, cell: c, top: l.Top, bot: l.Bottom})
		}
	}
	// the pairing below is quadratic in the fragments: a run longer than
	// any report's table is left line by line
	if len(values) == 0 || len(frags) == 0 || len(frags) > maxFragments {
		out := make([]TableRow, len(lines))
		for i, l := range lines {
			out[i] = TableRow{Cells: l.Cells, Top: l.Top, Bottom: l.Bottom, Values: isValue[i]}
		}
		return out
	}
	// the line pitch inside a cell: the closest two fragments of one
	// column on different lines. Measured, not taken from the boxes'
	// heights, which are the font's line box on one reader and the
	// glyphs' ink on another.
	lead := math.Inf(1)
	for i, a := range frags {
		for _, b := range frags[i+1:] {
			if b.line == a.line || !overlaps(a.cell, b.cell) {
				continue
			}
			if d := a.cy() - b.cy(); d > sameLineFrac*h {
				lead = math.Min(lead, d)
			}
		}
	}
	// cut the label text into blocks: a fragment continues the block
	// whose last fragment is on an earlier line, one line pitch above
	// it, and overlaps it horizontally
	var blocks []*block
	for _, f := range frags {
		var into *block
		for _, b := range blocks {
			last := b.frags[len(b.frags)-1]
			if last.line >= f.line || last.cy()-f.cy() > blockPitchFrac*lead || !overlaps(last.cell, f.cell) {
				continue
			}
			into = b
			break
		}
		if into == nil {
			into = &block{row: -1}
			blocks = append(blocks, into)
		}
		into.frags = append(into.frags, f)
	}
	// a block centred on a value line labels that row; a block reaching
	// over several rows' lines (no space between the rows) is cut where
	// each part is centred on the next value line, or not at all
	tol := centreFrac * h
	if !math.IsInf(lead, 1) {
		tol = centreFrac * lead
	}
	var placed []*block
	for _, b := range blocks {
		if v := centredOn(lines, values, (b.top()+b.bottom())/2, tol); v >= 0 && onlyOn(b, isValue, v) {
			b.row = v
			placed = append(placed, b)
			continue
		}
		if parts := cutBlock(b, lines, values, isValue, tol); parts != nil {
			placed = append(placed, parts...)
			continue
		}
		placed = append(placed, b)
	}
	type keyed struct {
		row   TableRow
		key   float64 // top of the row, for ordering
		order int
	}
	var rows []keyed
	labelsOf := map[int][]*block{}
	for _, b := range placed {
		if b.row >= 0 {
			labelsOf[b.row] = append(labelsOf[b.row], b)
			continue
		}
		// unplaced: one row for the block when it shares no line with
		// values, else its lines where they were
		if !onValueLine(b, isValue) {
			rows = append(rows, keyed{TableRow{Cells: []Cell{blockCell(b)}, Top: b.top(), Bottom: b.bottom()}, b.top(), 0})
			continue
		}
		for _, f := range b.frags {
			if isValue[f.line] {
				labelsOf[f.line] = append(labelsOf[f.line], &block{frags: []fragment{f}, row: f.line})
				continue
			}
			rows = append(rows, keyed{TableRow{Cells: []Cell{f.cell}, Top: f.top, Bottom: f.bot}, f.top, 0})
		}
	}
	for _, v := range values {
		l := lines[v]
		bs := labelsOf[v]
		slices.SortStableFunc(bs, func(a, b *block) int { return cmpFloat(a.left(), b.left()) })
		tr := TableRow{Top: l.Top, Bottom: l.Bottom, Values: true}
		for _, b := range bs {
			tr.Cells = append(tr.Cells, blockCell(b))
			tr.Top = math.Max(tr.Top, b.top())
			tr.Bottom = math.Min(tr.Bottom, b.bottom())
		}
		for _, c := range l.Cells {
			if c.Left >= valueLeft-0.5*h {
				tr.Cells = append(tr.Cells, c)
			}
		}
		// ordered by the value line: a label block above it must not
		// come before an unplaced block standing higher
		rows = append(rows, keyed{tr, l.Top, 1})
	}
	slices.SortStableFunc(rows, func(a, b keyed) int {
		if a.key != b.key {
			return -cmpFloat(a.key, b.key)
		}
		return a.order - b.order
	})
	out := make([]TableRow, len(rows))
	for i, r := range rows {
		out[i] = r.row
	}
	return out
}

// centredOn returns the value line (index into lines) whose centre is
// within tol of cy, or -1.
func centredOn(lines []Line, values []int, cy, tol float64) int {
	best, bestD := -1, tol
	for _, v := range values {
		if d := math.Abs(lines[v].cy() - cy); d <= bestD {
			best, bestD = v, d
		}
	}
	return best
}

// onValueLine: a line of b holds values.
func onValueLine(b *block, isValue []bool) bool {
	for _, f := range b.frags {
		if isValue[f.line] {
			return true
		}
	}
	return false
}

// cutBlock cuts a block into consecutive parts each centred on the next
// value line within its extent, top down; nil unless every line finds
// its part and there are at least two.
func cutBlock(b *block, lines []Line, values []int, isValue []bool, tol float64) []*block {
	var inside []int
	for _, v := range values {
		if cy := lines[v].cy(); cy <= b.top()+tol && cy >= b.bottom()-tol {
			inside = append(inside, v)
		}
	}
	if len(inside) < 2 {
		return nil
	}
	var parts []*block
	s := 0
	for _, v := range inside {
		found := -1
		for e := s; e < len(b.frags); e++ {
			cy := (b.frags[s].top + b.frags[e].bot) / 2
			if math.Abs(cy-lines[v].cy()) <= tol {
				found = e
				break
			}
		}
		if found < 0 {
			return nil
		}
		part := &block{frags: b.frags[s : found+1], row: v}
		if !onlyOn(part, isValue, v) {
			return nil
		}
		parts = append(parts, part)
		s = found + 1
	}
	if s != len(b.frags) {
		return nil
	}
	return parts
}

// onlyOn: no line of b is a value line other than v. A cell's text never
// shares a line with another row's values; a block that does is a label
// spanning rows (a row group's) or several rows' labels run together,
// whatever its centre.
func onlyOn(b *block, isValue []bool, v int) bool {
	for _, f := range b.frags {
		if isValue[f.line] && f.line != v {
			return false
		}
	}
	return true
}

// blockCell joins a block's lines into one cell.
func blockCell(b *block) Cell {
	c := Cell{Left: math.Inf(1), Right: math.Inf(-1), Top: math.Inf(-1), Bottom: math.Inf(1)}
	var t strings.Builder
	for _, f := range b.frags {
		if t.Len() > 0 {
			t.WriteString(joinSep(t.String(), f.cell.Text))
		}
		t.WriteString(f.cell.Text)
		c.Left = math.Min(c.Left, f.cell.Left)
		c.Right = math.Max(c.Right, f.cell.Right)
		c.Top = math.Max(c.Top, f.cell.Top)
		c.Bottom = math.Min(c.Bottom, f.cell.Bottom)
	}
	c.Text = t.String()
	return c
}
