package ocr

import (
	"context"
	"image"
	"regexp"
	"sort"
	"strings"
)

var intRE = regexp.MustCompile(`^[0-9]{1,12}$`)

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
	sheet, slots := stack(img, boxes, dpi, thr, 1)
	devSave("cells", sheet)
	words, err := rec.Recognize(ctx, Request{Image: sheet, PSM: 6})
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
		sheet, slots := stack(img, boxes, dpi, thr, 2)
		devSave("digits", sheet)
		words, err := rec.Recognize(ctx, Request{Image: sheet, PSM: 6, Lang: "eng", Whitelist: "0123456789"})
		if err != nil {
			return 0, 0, err
		}
		got := bySlot(words, slots)
		for i, k := range todo {
			n++
			a, ca := t.Rows[k.r][k.c], cellConf(t.Cells[k.r][k.c])
			b, cb := cellText(got[i]), cellConf(got[i])
			okA, okB := intRE.MatchString(a), intRE.MatchString(b)
			switch {
			case okA && okB && a == b:
			case okA && ca >= minConf && !okB && len(got[i]) == 0:
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
func bySlot(words []Word, slots [][2]int) [][]Word {
	got := make([][]Word, len(slots))
	for _, w := range words {
		k := sort.Search(len(slots), func(i int) bool { return slots[i][1] > w.cy() })
		if k < len(slots) && w.cy() >= slots[k][0] {
			got[k] = append(got[k], w)
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

// stack pastes the cells' insides, scaled, one under the other on a
// white sheet with a blank line between them, so that one recognition
// reads them all; slots are each cell's vertical range on the sheet.
func stack(img *image.Gray, boxes []image4, dpi int, t uint8, scale int) (*image.Gray, [][2]int) {
	in := max(2, dpi/100)
	pad := dpi / 6
	w, h := 0, pad
	for _, b := range boxes {
		w = max(w, max(0, b[2]-b[0]-2*in)*scale)
		h += max(0, b[3]-b[1]-2*in)*scale + pad
	}
	w += 2 * pad
	sheet := image.NewGray(image.Rect(0, 0, w, h))
	for i := range sheet.Pix {
		sheet.Pix[i] = 255
	}
	slots := make([][2]int, len(boxes))
	y := pad
	for i, b := range boxes {
		x0, y0 := b[0]+in, b[1]+in
		cw, ch := max(0, b[2]-b[0]-2*in), max(0, b[3]-b[1]-2*in)
		for dy := 0; dy < ch*scale; dy++ {
			sy := y0 + dy/scale
			if sy < 0 || sy >= img.Rect.Dy() {
				continue
			}
			srow := img.Pix[sy*img.Stride:]
			drow := sheet.Pix[(y+dy)*sheet.Stride:]
			for dx := 0; dx < cw*scale; dx++ {
				sx := x0 + dx/scale
				if sx < 0 || sx >= img.Rect.Dx() {
					continue
				}
				// Binary: the speckle of a scanned page's paper lowers
				// tesseract's confidence in isolated digits.
				if srow[sx] < t {
					drow[pad+dx] = 0
				}
			}
		}
		slots[i] = [2]int{y - pad/2, y + ch*scale + pad/2}
		y += ch*scale + pad
	}
	return sheet, slots
}
