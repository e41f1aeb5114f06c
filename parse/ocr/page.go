package ocr

import (
	"context"
	"fmt"
	"image"
	"math"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/parse/extract"
)

// Item is one piece of a page in reading order: a prose line (Text) or
// a ruled table (Table non-nil).
type Item struct {
	Text  string
	Table *Table
	Top   int
}

// Page is what ReadPage makes of one page image.
type Page struct {
	Items []Item
	// Skew is the tilt corrected before reading, in degrees.
	Skew float64
	// Rules found (after deskewing), for diagnostics and tests.
	Rules int
	// Reread counts the table cells read a second time; Unread those
	// left blank because neither reading was sure.
	Reread, Unread int
}

// Options tune ReadPage.
type Options struct {
	// DPI is the image's resolution (the rule and tolerance sizes scale
	// with it). 0: 300.
	DPI int
	// MinConf is the confidence (0–100) below which a number in a table
	// cell is read again. 0: DefaultMinConf.
	MinConf float64
}

// DefaultMinConf: tesseract's chi_sim gives the digits of a clean table
// 85–96; misreadings (o for 0, a rule's remnant for 1) come below 60.
const DefaultMinConf = 75

// ReadPage reads one rendered page: it straightens the scan, finds the
// table rules, erases them, has rec read the words, rebuilds each ruled
// table's grid from the words' positions and re-reads the table cells
// whose digits rec was unsure of. img is modified (erased rules).
func ReadPage(ctx context.Context, img *image.Gray, rec Recognizer, opts Options) (Page, error) {
	dpi := opts.DPI
	if dpi <= 0 {
		dpi = 300
	}
	minConf := opts.MinConf
	if minConf <= 0 {
		minConf = DefaultMinConf
	}
	var pg Page
	if img == nil || img.Rect.Dx() < 8 || img.Rect.Dy() < 8 {
		return pg, nil
	}
	if img.Rect.Min != (image.Point{}) {
		cp := image.NewGray(image.Rect(0, 0, img.Rect.Dx(), img.Rect.Dy()))
		for y := 0; y < img.Rect.Dy(); y++ {
			copy(cp.Pix[y*cp.Stride:y*cp.Stride+img.Rect.Dx()], img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):])
		}
		img = cp
	}
	t := threshold(img)
	if a := skewAngle(img, t); math.Abs(a) > 0.02*math.Pi/180 {
		img = rotate(img, a)
		pg.Skew = a * 180 / math.Pi
	}
	rules := findRules(img, t, dpi*3/10, max(1, dpi/100), max(2, dpi/30))
	pg.Rules = len(rules)
	eraseRules(img, rules)
	words, err := rec.Recognize(ctx, Request{Image: img, PSM: 6, DPI: dpi})
	if err != nil {
		return pg, fmt.Errorf("read page: %w", err)
	}
	tables, rest := buildTables(rules, words, gridTol{snap: max(2, dpi/40), meet: max(3, dpi/20)})
	for i := range tables {
		n, u, err := readCells(ctx, img, &tables[i], rec, minConf, dpi, t)
		if err != nil {
			return pg, fmt.Errorf("re-read table cells: %w", err)
		}
		pg.Reread += n
		pg.Unread += u
	}
	pg.Items = layoutItems(tables, rest)
	return pg, nil
}

// layoutItems interleaves the tables with the prose lines by position.
func layoutItems(tables []Table, rest []Word) []Item {
	byLine := map[int][]Word{}
	var keys []int
	for _, w := range rest {
		if _, ok := byLine[w.Line]; !ok {
			keys = append(keys, w.Line)
		}
		byLine[w.Line] = append(byLine[w.Line], w)
	}
	var items []Item
	for _, k := range keys {
		ws := byLine[k]
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].Left < ws[j].Left })
		top := ws[0].Top
		var b strings.Builder
		var prev rune
		for _, w := range ws {
			top = min(top, w.Top)
			txt := strings.TrimSpace(w.Text)
			if txt == "" {
				continue
			}
			first := []rune(txt)[0]
			if prev != 0 && !(wide(prev) && (wide(first) || isDigit(first))) && !(isDigit(prev) && wide(first)) {
				b.WriteByte(' ')
			}
			b.WriteString(txt)
			rs := []rune(txt)
			prev = rs[len(rs)-1]
		}
		if s := strings.TrimSpace(b.String()); s != "" && !isNoise(s) {
			items = append(items, Item{Text: s, Top: top})
		}
	}
	for i := range tables {
		items = append(items, Item{Table: &tables[i], Top: tables[i].Top})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Top < items[j].Top })
	return items
}

// isNoise: a line of only punctuation or rule remnants.
func isNoise(s string) bool {
	for _, r := range s {
		if wide(r) && !strings.ContainsRune("、，。：；“”（）", r) || isDigit(r) || r >= 'A' && r <= 'z' {
			return false
		}
	}
	return true
}

// Blocks turns the page's items into the extractor's blocks. prose turns
// a run of prose lines (joined by newlines) into blocks; the PDF reader
// passes its own line classifier, which also finds unruled tables.
func (p Page) Blocks(prose func(string) []extract.Block) []extract.Block {
	var out []extract.Block
	var lines []string
	flush := func() {
		if len(lines) > 0 {
			out = append(out, prose(strings.Join(lines, "\n"))...)
			lines = nil
		}
	}
	for _, it := range p.Items {
		if it.Table == nil {
			lines = append(lines, it.Text)
			continue
		}
		flush()
		out = append(out, it.Table.block())
	}
	flush()
	return out
}
