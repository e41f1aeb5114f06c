package ocr

import (
	"context"
	"image"
	"regexp"
	"strings"
)

var intRE = regexp.MustCompile(`^[0-9]{1,12}$`)

// noiseConf: a reading below this confidence counts as no reading.
const noiseConf = 30

// numericColumns: a column is numeric when most of its filled cells (not
// spanned copies) read as whole numbers; the header rows above the
// numbers are text and outvoted.
func numericColumns(t *Table) []bool {
	nc := 0
	if len(t.Rows) > 0 {
		nc = len(t.Rows[0])
	}
	out := make([]bool, nc)
	for c := 0; c < nc; c++ {
		nums, filled := 0, 0
		for r := range t.Rows {
			if t.Spanned[r][c] {
				continue
			}
			s := strings.TrimSpace(t.Rows[r][c])
			if s == "" {
				continue
			}
			filled++
			if intRE.MatchString(s) {
				nums++
			}
		}
		out[c] = filled >= 2 && nums*2 > filled
	}
	return out
}

// dataRow: most of the row's own cells read as whole numbers.
func dataRow(t *Table, r int) bool {
	nums, filled := 0, 0
	for c, s := range t.Rows[r] {
		if t.Spanned[r][c] || s == "" {
			continue
		}
		filled++
		if intRE.MatchString(s) {
			nums++
		}
	}
	return nums >= 2 && nums*2 > filled
}

// isLabel: text of two or more characters that is not a number.
func isLabel(s string) bool {
	return len([]rune(s)) >= 2 && !intRE.MatchString(s)
}

// cellConf is the lowest confidence of the cell's words.
func cellConf(ws []Word) float64 {
	c := 100.0
	for _, w := range ws {
		c = min(c, w.Conf)
	}
	return c
}

// readCells reads a table's cells apart from the page: every cell with
// ink, pasted one under another on a clean sheet, read in one run (the
// page's own reading runs a row's cells together and drops isolated
// digits); then the cells of the numeric columns once more, as digits
// only, at twice the size. A number is kept when both readings agree, or
// when one is sure (MinConf) and the other has no other number; otherwise
// the cell is left blank (a null, never a guess) and counted as unread.
func readCells(ctx context.Context, img *image.Gray, t *Table, rec Recognizer, minConf float64, dpi int, thr uint8) (n, unread int, err error) {
	type cell struct{ r, c int }
	var todo []cell
	var boxes []image4
	for r := range t.Rows {
		for c := range t.Rows[r] {
			if t.Spanned[r][c] || !hasInk(img, t.Boxes[r][c], dpi) {
				continue
			}
			todo = append(todo, cell{r, c})
			boxes = append(boxes, t.Boxes[r][c])
		}
	}
	if len(todo) == 0 {
		return 0, 0, nil
	}
	each := make([]int, len(boxes))
	for i := range each {
		each[i] = i
	}
	sheet, slots := stack(img, boxes, each, dpi, thr, 1)
	words, err := rec.Recognize(ctx, Request{Image: sheet, PSM: 6, DPI: dpi})
	if err != nil {
		return 0, 0, err
	}
	got := bySlot(words, slots)
	for i, k := range todo {
		t.Cells[k.r][k.c] = got[i]
		t.Rows[k.r][k.c] = cellText(got[i])
	}

	num := numericColumns(t)
	todo, boxes = todo[:0], boxes[:0]
	for r := range t.Rows {
		data := dataRow(t, r)
		for c := range t.Rows[r] {
			if t.Spanned[r][c] || !hasInk(img, t.Boxes[r][c], dpi) {
				continue
			}
			s := t.Rows[r][c]
			// In a row of numbers, a cell that is no label (a short
			// misreading such as 工 for 1) is a number to read again.
			if !(num[c] && intRE.MatchString(s)) && !(data && !isLabel(s)) {
				continue
			}
			todo = append(todo, cell{r, c})
			boxes = append(boxes, t.Boxes[r][c])
		}
	}
	if len(todo) > 0 {
		// a row's numbers on one line: beside other digits a 0 is read
		// as a digit, alone it is often taken for the letter O
		rowOf := make([]int, len(todo))
		for i, k := range todo {
			rowOf[i] = k.r
		}
		sheet, slots := stack(img, boxes, rowOf, dpi, thr, 2)
		words, err := rec.Recognize(ctx, Request{Image: sheet, PSM: 6, Lang: "eng", Whitelist: "0123456789", DPI: dpi})
		if err != nil {
			return 0, 0, err
		}
		got := bySlot(words, slots)
		for i, k := range todo {
			n++
			a, ca := t.Rows[k.r][k.c], cellConf(t.Cells[k.r][k.c])
			b, cb := cellText(got[i]), cellConf(got[i])
			// a digits-only reading near 0 confidence is noise (a 0
			// forced into the whitelist comes out as 6 or 8), not a
			// second opinion
			okA, okB := intRE.MatchString(a), intRE.MatchString(b) && cb >= noiseConf
			switch {
			case okA && okB && a == b:
			case okA && ca >= minConf && !okB:
			case okB && cb >= minConf && !okA:
				t.Rows[k.r][k.c], t.Cells[k.r][k.c] = b, got[i]
			default:
				unread++
				t.Rows[k.r][k.c], t.Cells[k.r][k.c] = "", nil
			}
		}
	}
	// Spanned copies follow their cell.
	for r := range t.Rows {
		for c := range t.Rows[r] {
			if t.Spanned[r][c] {
				t.Rows[r][c] = spannedSource(t, r, c)
			}
		}
	}
	return n, unread, nil
}

// bySlot hands each word to the sheet slot its centre lies in.
func bySlot(words []Word, slots []image4) [][]Word {
	got := make([][]Word, len(slots))
	for _, w := range words {
		x, y := w.cx(), w.cy()
		for k, s := range slots {
			if x >= s[0] && x < s[2] && y >= s[1] && y < s[3] {
				got[k] = append(got[k], w)
				break
			}
		}
	}
	return got
}

// spannedSource is the text of the merged cell a spanned copy belongs to.
func spannedSource(t *Table, r, c int) string {
	b := t.Boxes[r][c]
	for rr := 0; rr <= r; rr++ {
		for cc := range t.Rows[rr] {
			if !t.Spanned[rr][cc] && t.Boxes[rr][cc] == b {
				return t.Rows[rr][cc]
			}
		}
	}
	return t.Rows[r][c]
}

// hasInk: the cell's inside (away from its rules) holds dark pixels.
func hasInk(img *image.Gray, b image4, dpi int) bool {
	in := max(2, dpi/60)
	x0, y0, x1, y1 := b[0]+in, b[1]+in, b[2]-in, b[3]-in
	dark := 0
	for y := max(0, y0); y < min(y1, img.Rect.Dy()); y++ {
		row := img.Pix[y*img.Stride:]
		for x := max(0, x0); x < min(x1, img.Rect.Dx()); x++ {
			if row[x] < 128 {
				dark++
			}
		}
	}
	return dark >= max(4, dpi*dpi/30000)
}

// stack pastes the cells' insides, scaled and binarised, on a white
// sheet: the cells of one line (line[i]) left to right with a wide gap,
// lines one under another with a blank line between, so that one
// recognition reads them all and no two cells run together; slots are
// each cell's box on the sheet, padding included.
func stack(img *image.Gray, boxes []image4, line []int, dpi int, t uint8, scale int) (*image.Gray, []image4) {
	in := max(2, dpi/100)
	pad := dpi / 6
	size := func(b image4) (int, int) {
		return max(0, b[2]-b[0]-2*in) * scale, max(0, b[3]-b[1]-2*in) * scale
	}
	// sheet size: each line as wide as its cells, as tall as its tallest
	type lineBox struct{ w, h, y int }
	var lines []lineBox
	idx := map[int]int{}
	for i, b := range boxes {
		k, ok := idx[line[i]]
		if !ok {
			k = len(lines)
			idx[line[i]] = k
			lines = append(lines, lineBox{w: pad})
		}
		cw, ch := size(b)
		lines[k].w += cw + pad
		lines[k].h = max(lines[k].h, ch)
	}
	w, h := 0, pad
	for k := range lines {
		lines[k].y = h
		w = max(w, lines[k].w)
		h += lines[k].h + pad
	}
	sheet := image.NewGray(image.Rect(0, 0, max(w, 1), h))
	for i := range sheet.Pix {
		sheet.Pix[i] = 255
	}
	slots := make([]image4, len(boxes))
	xAt := make([]int, len(lines))
	for k := range xAt {
		xAt[k] = pad
	}
	for i, b := range boxes {
		k := idx[line[i]]
		x, y := xAt[k], lines[k].y
		cw, ch := size(b)
		x0, y0 := b[0]+in, b[1]+in
		for dy := 0; dy < ch; dy++ {
			sy := y0 + dy/scale
			if sy < 0 || sy >= img.Rect.Dy() {
				continue
			}
			srow := img.Pix[sy*img.Stride:]
			drow := sheet.Pix[(y+dy)*sheet.Stride:]
			for dx := 0; dx < cw; dx++ {
				sx := x0 + dx/scale
				if sx < 0 || sx >= img.Rect.Dx() {
					continue
				}
				// Binary: the speckle of a scanned page's paper lowers
				// tesseract's confidence in isolated digits.
				if srow[sx] < t {
					drow[x+dx] = 0
				}
			}
		}
		slots[i] = image4{x - pad/2, y - pad/2, x + cw + pad/2, y + lines[k].h + pad/2}
		xAt[k] += cw + pad
	}
	return sheet, slots
}
