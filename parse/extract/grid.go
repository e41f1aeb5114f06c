package extract

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cellSrc is one table cell as written in the source, before expansion.
type cellSrc struct {
	blocks []Block // content: paragraphs and nested tables, in order
	// text, when blocks is nil, is the content of a cell holding one
	// paragraph (most HTML cells): no Block is built for it
	text    string
	colspan int  // ≥ 1
	rowspan int  // ≥ 1 (HTML); 0 = to the end of the table
	vcont   bool // DOCX/DOC vertical-merge continuation: repeats the cell above
	// pad: grid columns a row skips (DOCX gridBefore, DOC rows narrower
	// than the table), no cell of the markup
	pad bool
	// at is 1 + the cell's index in its row as the markup has it, where
	// the reader skips cells (HTML); 0 when the cells read are the row's
	at int32
}

// tableSrc is one table as written: rows of physical cells.
type tableSrc struct {
	rows [][]cellSrc
	// index of the table in document order (guard.nextTable)
	index int32
	// rowAt is each row's index among the table's rows as the markup has
	// them, where the reader skips rows (HTML); nil when rows are all read
	rowAt []int32
}

const maxSpan = 1000 // HTML caps colspan at 1000; we cap rowspan the same way.

// cellText joins a cell's paragraphs with spaces: line breaks inside a cell
// are layout, not structure.
func cellText(blocks []Block) string {
	if len(blocks) == 1 && !blocks[0].IsTable() {
		return joinFields(blocks[0].Text) // the usual cell: what the loop gives
	}
	var parts []string
	for _, b := range blocks {
		if b.IsTable() {
			for _, r := range b.Rows {
				for _, c := range r {
					if c != "" {
						parts = append(parts, c)
					}
				}
			}
			continue
		}
		if t := strings.Join(strings.Fields(b.Text), " "); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// cellText is cellText(c's blocks).
func (c *cellSrc) cellText() string {
	if c.blocks == nil {
		return joinFields(c.text)
	}
	return cellText(c.blocks)
}

// joinFields is strings.Join(strings.Fields(s), " "), returning s itself
// when it is already in that form.
func joinFields(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ':
				if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
					return strings.Join(strings.Fields(s), " ")
				}
			case '\t', '\n', '\v', '\f', '\r':
				return strings.Join(strings.Fields(s), " ")
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return strings.Join(strings.Fields(s), " ")
		}
		i += n
	}
	return s
}

// isLayout reports whether a table is page layout rather than data: it
// holds a nested table (a wrapper around the real table), or it has a
// single column (a framed block of paragraphs).
func (t *tableSrc) isLayout() bool {
	width := 0
	for _, r := range t.rows {
		w := 0
		for _, c := range r {
			for _, b := range c.blocks {
				if b.IsTable() {
					return true
				}
			}
			w += max(c.colspan, 1)
		}
		width = max(width, w)
	}
	return width <= 1
}

// emit appends the table to out: a layout table contributes its cells'
// content in reading order, a data table one grid Block.
func (t *tableSrc) emit(out []Block, g *guard) ([]Block, error) {
	if len(t.rows) == 0 {
		return out, nil
	}
	if t.isLayout() {
		for _, r := range t.rows {
			for _, c := range r {
				if c.blocks == nil && c.text != "" {
					out = append(out, Block{Text: c.text})
				}
				out = append(out, c.blocks...)
			}
		}
		return out, nil
	}
	rows, spanned, err := expandGrid(t.rows, g)
	if err != nil {
		return out, err
	}
	if len(rows) == 0 {
		return out, nil
	}
	return append(out, Block{Rows: rows, Spanned: spanned, Pos: t.positions(rows, spanned)}), nil
}

// positions gives each position of the expanded grid the markup cell it
// shows: the grid is rebuilt the way expandGrid builds it, positions only.
func (t *tableSrc) positions(rows [][]string, spanned [][]bool) [][]Pos {
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	slab := make([]Pos, n)
	out := make([][]Pos, len(rows))
	for r := range rows {
		out[r], slab = slab[:len(rows[r]):len(rows[r])], slab[len(rows[r]):]
	}
	nrows := len(rows)
	for r, cs := range t.rows {
		col, k := 0, int32(0)
		for _, c := range cs {
			for col < len(out[r]) && out[r][col].Kind != PosNone {
				col++
			}
			cspan := min(max(c.colspan, 1), maxSpan)
			rspan := c.rowspan
			if rspan <= 0 || rspan > nrows-r {
				rspan = nrows - r
			}
			rspan = min(rspan, maxSpan)
			at := Pos{Kind: PosCell, Table: t.index, Row: int32(r), Col: k}
			if r < len(t.rowAt) {
				at.Row = t.rowAt[r]
			}
			if c.at > 0 {
				at.Col = c.at - 1
			}
			if !c.pad {
				k++
			}
			for dr := 0; dr < rspan; dr++ {
				for dc := 0; dc < cspan; dc++ {
					rr, cc := r+dr, col+dc
					if cc >= len(out[rr]) || out[rr][cc].Kind != PosNone {
						continue
					}
					out[rr][cc] = at
					if c.pad {
						out[rr][cc].Kind = PosCell
						out[rr][cc].Col = -1
					}
				}
			}
			if c.vcont && r > 0 {
				for dc := 0; dc < cspan; dc++ {
					cc := col + dc
					if cc < len(out[r-1]) && cc < len(rows[r]) && spanned[r][cc] && rows[r][cc] == rows[r-1][cc] {
						out[r][cc] = out[r-1][cc]
					}
				}
			}
			col += cspan
		}
	}
	// positions of padding (no markup cell) are unknown
	for r := range out {
		for c := range out[r] {
			if out[r][c].Col < 0 {
				out[r][c] = Pos{}
			}
		}
	}
	return out
}

// expandGrid places cells on a grid the way HTML table layout does: each
// cell takes the first free column of its row and covers colspan×rowspan
// positions; copies carry the cell's text and are flagged in spanned.
// Rows are padded with "" to a common width. A rowspan never reaches past
// the table's last row, so hostile spans cannot inflate the grid.
func expandGrid(src [][]cellSrc, g *guard) ([][]string, [][]bool, error) {
	nrows := len(src)
	rows := make([][]string, nrows)
	spanned := make([][]bool, nrows)
	filled := make([][]bool, nrows)
	// rows are cut from shared slabs: a few allocations per table, not
	// three per row
	var slabS []string
	var slabB []bool
	widest := 0 // the widest row so far: later rows are usually as wide
	spare := maxCells / 8
	cells := 0
	ensure := func(r, w int) error {
		if w <= len(rows[r]) {
			return nil
		}
		cells += w - len(rows[r])
		if cells > maxCells {
			return fmt.Errorf("%w: table grid over %d cells", ErrTooLarge, maxCells)
		}
		if rows[r] == nil {
			// room for the row's own cells at once (a hint, capped: the
			// cell budget above is what bounds hostile spans)
			c := max(w, min(widest, 1024))
			if r < len(src) {
				c = max(c, min(len(src[r])*2, 256))
			}
			// room beyond w is spent from a fixed budget, so that a hostile
			// table cannot reserve much more than the cells it really fills
			if extra := c - w; extra > spare {
				c = w
			} else {
				spare -= extra
			}
			if cap(slabS)-len(slabS) < c {
				n := max(c, min(1024, (nrows-r)*c)) // enough for the rows left, if alike
				slabS, slabB = make([]string, 0, n), make([]bool, 0, 2*n)
			}
			at, atB := len(slabS), len(slabB)
			slabS, slabB = slabS[:at+c], slabB[:atB+2*c]
			rows[r] = slabS[at : at+w : at+c]
			spanned[r] = slabB[atB : atB+w : atB+c]
			filled[r] = slabB[atB+c : atB+c+w : atB+2*c]
			widest = max(widest, w)
			return nil
		}
		widest = max(widest, w)
		rows[r] = append(rows[r], make([]string, w-len(rows[r]))...)
		spanned[r] = append(spanned[r], make([]bool, w-len(spanned[r]))...)
		filled[r] = append(filled[r], make([]bool, w-len(filled[r]))...)
		return nil
	}
	for r, cs := range src {
		col := 0
		for _, c := range cs {
			if err := g.tick(); err != nil {
				return nil, nil, err
			}
			for col < len(filled[r]) && filled[r][col] {
				col++
			}
			cspan := min(max(c.colspan, 1), maxSpan)
			rspan := c.rowspan
			if rspan <= 0 || rspan > nrows-r {
				rspan = nrows - r
			}
			rspan = min(rspan, maxSpan)
			text := c.cellText()
			for dr := 0; dr < rspan; dr++ {
				if err := ensure(r+dr, col+cspan); err != nil {
					return nil, nil, err
				}
				for dc := 0; dc < cspan; dc++ {
					rr, cc := r+dr, col+dc
					if filled[rr][cc] {
						// Overlapping spans (malformed markup): the earlier
						// cell keeps the position, as browsers do.
						continue
					}
					filled[rr][cc] = true
					rows[rr][cc] = text
					spanned[rr][cc] = dr > 0 || dc > 0
				}
			}
			if c.vcont && r > 0 {
				for dc := 0; dc < cspan; dc++ {
					cc := col + dc
					if cc < len(rows[r-1]) && text == "" {
						rows[r][cc] = rows[r-1][cc]
						spanned[r][cc] = true
					}
				}
			}
			col += cspan
		}
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	if width == 0 {
		return nil, nil, nil
	}
	for r := range rows {
		if err := ensure(r, width); err != nil {
			return nil, nil, err
		}
	}
	return rows, spanned, nil
}
