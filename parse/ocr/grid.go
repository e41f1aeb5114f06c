package ocr

import (
	"sort"
	"strings"
	"unicode"

	"github.com/nianbao/nianbao/parse/extract"
)

// Table is one ruled table rebuilt from a page: its grid (rows between
// horizontal rules, columns between vertical ones, merged cells copied
// into every position they cover and marked Spanned, as the HTML and DOCX
// readers give them) and, per position, the words read in it.
type Table struct {
	Top, Bottom, Left, Right int
	Rows                     [][]string
	Spanned                  [][]bool
	// Cells[r][c] are the words of the cell at (r,c) (nil for a spanned
	// copy), for re-reading and confidence.
	Cells [][][]Word
	// Boxes[r][c] is the pixel box of the cell at (r,c).
	Boxes [][]image4
}

// image4 is a pixel box: left, top, right, bottom.
type image4 [4]int

// maxCells bounds a table's grid (section 三 of the 2021 format has
// 28 rows of 10 cells).
const maxCells = 2000

// gridTol: the tolerances of the grid, in pixels (they scale with the
// resolution; ReadPage sets them).
type gridTol struct {
	snap int // rules this close are one boundary
	meet int // a rule ending this close to another still meets it
}

// buildTables groups the rules into tables (rules that meet), and for
// each table with at least two horizontal and two vertical boundaries
// builds its grid and places the words whose centres fall inside. The
// words not in any table are returned as rest, in their order.
func buildTables(rules []Rule, words []Word, tol gridTol) (tables []Table, rest []Word) {
	n := len(rules)
	if n > 4000 { // a hostile or hatched image: no table, not quadratic work
		return nil, words
	}
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	meets := func(h, v Rule) bool {
		return h.Pos >= v.From-tol.meet && h.Pos <= v.To+tol.meet && v.Pos >= h.From-tol.meet && v.Pos <= h.To+tol.meet
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := rules[i], rules[j]
			if a.Vertical == b.Vertical {
				continue
			}
			if a.Vertical {
				a, b = b, a
			}
			if meets(a, b) {
				parent[find(i)] = find(j)
			}
		}
	}
	groups := map[int][]Rule{}
	var order []int
	for i, r := range rules {
		k := find(i)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	inTable := make([]bool, len(words))
	for _, k := range order {
		t, ok := gridOf(groups[k], words, inTable, tol)
		if ok {
			tables = append(tables, t)
		}
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].Top < tables[j].Top })
	for i, w := range words {
		if !inTable[i] {
			rest = append(rest, w)
		}
	}
	return tables, rest
}

// boundaries clusters positions closer than snap into one (their mean).
func boundaries(ps []int, snap int) []int {
	sort.Ints(ps)
	var out []int
	start, sum, cnt := 0, 0, 0
	for i, p := range ps {
		if cnt > 0 && p-ps[start] > snap {
			out = append(out, sum/cnt)
			start, sum, cnt = i, 0, 0
		}
		sum += p
		cnt++
	}
	if cnt > 0 {
		out = append(out, sum/cnt)
	}
	return out
}

func gridOf(rules []Rule, words []Word, inTable []bool, tol gridTol) (Table, bool) {
	var hs, vs []Rule
	var hp, vp []int
	for _, r := range rules {
		if r.Vertical {
			vs = append(vs, r)
			vp = append(vp, r.Pos)
		} else {
			hs = append(hs, r)
			hp = append(hp, r.Pos)
		}
	}
	ys := boundaries(hp, tol.snap)
	xs := boundaries(vp, tol.snap)
	// A report table has a few hundred cells; a hatched or hostile image
	// could make a grid of tens of thousands, each re-read: not a table.
	if len(ys) < 2 || len(xs) < 2 || (len(ys)-1)*(len(xs)-1) > maxCells {
		return Table{}, false
	}
	nr, nc := len(ys)-1, len(xs)-1
	// vWall(r, c): a vertical rule at xs[c] crosses the middle of row r.
	vWall := func(r, c int) bool {
		mid := (ys[r] + ys[r+1]) / 2
		for _, v := range vs {
			if abs(v.Pos-xs[c]) <= tol.snap && v.From-tol.meet <= mid && v.To+tol.meet >= mid {
				return true
			}
		}
		return false
	}
	hWall := func(r, c int) bool {
		mid := (xs[c] + xs[c+1]) / 2
		for _, h := range hs {
			if abs(h.Pos-ys[r]) <= tol.snap && h.From-tol.meet <= mid && h.To+tol.meet >= mid {
				return true
			}
		}
		return false
	}
	// Merged cells: elementary cells with no rule between them.
	id := func(r, c int) int { return r*nc + c }
	parent := make([]int, nr*nc)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for r := 0; r < nr; r++ {
		for c := 0; c < nc; c++ {
			if c+1 < nc && !vWall(r, c+1) {
				parent[find(id(r, c))] = find(id(r, c+1))
			}
			if r+1 < nr && !hWall(r+1, c) {
				parent[find(id(r, c))] = find(id(r+1, c))
			}
		}
	}
	// Words into elementary cells, then into their merged cell.
	cellWords := map[int][]Word{}
	for i, w := range words {
		if inTable[i] {
			continue
		}
		x, y := w.cx(), w.cy()
		if x < xs[0] || x >= xs[nc] || y < ys[0] || y >= ys[nr] {
			continue
		}
		r := sort.SearchInts(ys, y+1) - 1
		c := sort.SearchInts(xs, x+1) - 1
		if r < 0 || c < 0 || r >= nr || c >= nc {
			continue
		}
		inTable[i] = true
		k := find(id(r, c))
		cellWords[k] = append(cellWords[k], w)
	}
	t := Table{Top: ys[0], Bottom: ys[nr], Left: xs[0], Right: xs[nc]}
	t.Rows = make([][]string, nr)
	t.Spanned = make([][]bool, nr)
	t.Cells = make([][][]Word, nr)
	t.Boxes = make([][]image4, nr)
	first := map[int]bool{}
	box := map[int]image4{}
	for r := 0; r < nr; r++ {
		for c := 0; c < nc; c++ {
			k := find(id(r, c))
			b, ok := box[k]
			if !ok {
				b = image4{xs[c], ys[r], xs[c+1], ys[r+1]}
			}
			b[0], b[1] = min(b[0], xs[c]), min(b[1], ys[r])
			b[2], b[3] = max(b[2], xs[c+1]), max(b[3], ys[r+1])
			box[k] = b
		}
	}
	for r := 0; r < nr; r++ {
		t.Rows[r] = make([]string, nc)
		t.Spanned[r] = make([]bool, nc)
		t.Cells[r] = make([][]Word, nc)
		t.Boxes[r] = make([]image4, nc)
		for c := 0; c < nc; c++ {
			k := find(id(r, c))
			t.Rows[r][c] = cellText(cellWords[k])
			t.Boxes[r][c] = box[k]
			if first[k] {
				t.Spanned[r][c] = true
				continue
			}
			first[k] = true
			t.Cells[r][c] = cellWords[k]
		}
	}
	return t, true
}

// cellText joins a cell's words in reading order: text lines top to
// bottom (a wrapped label, a header printed one character per line),
// words left to right; no space next to a Chinese character, none inside
// a number split into two words.
func cellText(ws []Word) string {
	if len(ws) == 0 {
		return ""
	}
	lines := groupLines(ws)
	var b strings.Builder
	var prev rune
	for _, l := range lines {
		for _, w := range l {
			t := cleanWord(w.Text)
			if t == "" {
				continue
			}
			first := []rune(t)[0]
			if prev != 0 && !wide(prev) && !wide(first) && !(isDigit(prev) && isDigit(first)) {
				b.WriteByte(' ')
			}
			b.WriteString(t)
			rs := []rune(t)
			prev = rs[len(rs)-1]
		}
	}
	return b.String()
}

// groupLines sorts words into visual lines: a word joins the current line
// while its centre lies within the line's vertical extent.
func groupLines(ws []Word) [][]Word {
	s := append([]Word(nil), ws...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].cy() < s[j].cy() })
	var lines [][]Word
	top, bottom := 0, 0
	for _, w := range s {
		if n := len(lines); n > 0 && w.cy() <= bottom && w.cy() >= top {
			lines[n-1] = append(lines[n-1], w)
			top, bottom = min(top, w.Top), max(bottom, w.Bottom)
			continue
		}
		lines = append(lines, []Word{w})
		top, bottom = w.Top, w.Bottom
	}
	for _, l := range lines {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Left < l[j].Left })
	}
	return lines
}

// cleanWord drops what is left of erased rules and table borders at a
// word's edges.
func cleanWord(s string) string {
	return strings.Trim(s, "|｜丨[]【】_—-")
}

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) || r == '“' || r == '”'
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// block turns a table into the extractor's block.
func (t Table) block() extract.Block {
	return extract.Block{Rows: t.Rows, Spanned: t.Spanned}
}
