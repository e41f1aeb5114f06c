package extract

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// The helpers below are the straightforward forms the fast paths in
// html.go and grid.go replaced; the fast paths must agree with them on
// any input, including invalid UTF-8 and the characters that lower-case
// into ASCII.

func refChromeValue(v string) bool {
	for _, tok := range strings.Fields(strings.ToLower(v)) {
		for _, c := range chromeTokens {
			if strings.Contains(tok, c) {
				return true
			}
		}
	}
	return false
}

func refText(cur []byte, space bool, s string) ([]byte, bool) {
	var b strings.Builder
	b.Write(cur)
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\u00a0', '\u3000':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return []byte(b.String()), space
}

var fastPathAlphabet = []string{
	" ", "  ", "\t", "\n", "\r", "\f", "\v", "\u00a0", "\u3000", "\u0085", "\u2003",
	"İ", "\u212a", "\xc4", "\xe2\x84", "\xff", "中", "表",
	"d", "D", "i", "s", "S", "p", "l", "a", "A", "y", "Y", ":", "n", "N", "o", "e", "m", "M", "-", "h", "H",
	"display", "DISPLAY", "none", "mso-hide", "all", "nav", "NAV", "Footer", "share", "xgwz", "bread", "crumb",
	"MsoNormal", "fenxiang", "dqwz", "related", ";", "_",
	"display:none", "DISPLAY :NONE", "dis play:no", "ne", "mso-hide:all", "Mso-Hide: ALL", "mso-hide:", "d\u0130splay:none",
}

func randomFastPathString(rnd *rand.Rand) string {
	var b strings.Builder
	for n := rnd.IntN(10); n >= 0; n-- {
		b.WriteString(fastPathAlphabet[rnd.IntN(len(fastPathAlphabet))])
	}
	return b.String()
}

func TestHTMLFastPathsAgree(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	hits := map[string]int{}
	for i := 0; i < 300000; i++ {
		s := randomFastPathString(rnd)
		if got, want := hiddenStyle(s), hiddenStyleGeneral(s); got != want {
			t.Fatalf("hiddenStyle(%q) = %v, general %v", s, got, want)
		} else if got {
			hits["hidden"]++
		}
		if got, want := chromeValue(s), refChromeValue(s); got != want {
			t.Fatalf("chromeValue(%q) = %v, reference %v", s, got, want)
		} else if got {
			hits["chrome"]++
		}
		if got, want := joinFields(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("joinFields(%q) = %q, reference %q", s, got, want)
		}
		w := &htmlWalker{}
		prefix := randomFastPathString(rnd)
		w.text(prefix)
		cur0, space0 := append([]byte(nil), w.cur...), w.space
		w.text(s)
		if wantCur, wantSpace := refText(cur0, space0, s); string(w.cur) != string(wantCur) || w.space != wantSpace {
			t.Fatalf("text(%q) after %q = %q/%v, reference %q/%v", s, prefix, w.cur, w.space, wantCur, wantSpace)
		}
		if !utf8.Valid(w.cur) {
			t.Fatalf("text(%q) produced invalid UTF-8 %q", s, w.cur)
		}
	}
	// the generator must reach both answers, or the test proves nothing
	if hits["hidden"] < 1000 || hits["chrome"] < 1000 {
		t.Errorf("too few positive cases: %v", hits)
	}
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"font-family:仿宋_GB2312;DISPLAY : NONE", true},
		{"mso-hide: all", true},
		{"display:n\u0130one", false},
		{"d\u0130splay:none", true}, // İ lower-cases to i
		{"ddisplay:none", true},
		{"display;none", false},
	} {
		if got := hiddenStyle(c.s); got != c.want {
			t.Errorf("hiddenStyle(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// refExpandGrid and refCellText are expandGrid and cellText as they were
// before the allocation work (one slice per row, grown cell by cell).
func refExpandGrid(src [][]cellSrc, g *guard) ([][]string, [][]bool, error) {
	nrows := len(src)
	rows := make([][]string, nrows)
	spanned := make([][]bool, nrows)
	filled := make([][]bool, nrows)
	cells := 0
	ensure := func(r, w int) error {
		if w <= len(rows[r]) {
			return nil
		}
		cells += w - len(rows[r])
		if cells > maxCells {
			return fmt.Errorf("%w: table grid over %d cells", ErrTooLarge, maxCells)
		}
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
			text := refCellText(c.blocks)
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
func refCellText(blocks []Block) string {
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

func TestExpandGridAgrees(t *testing.T) {
	rnd := rand.New(rand.NewPCG(17, 18))
	texts := []string{"", "a", "本年 新收", " x\ty ", "12"}
	for i := 0; i < 20000; i++ {
		src := make([][]cellSrc, rnd.IntN(8))
		for r := range src {
			for n := rnd.IntN(6); n > 0; n-- {
				c := cellSrc{colspan: 1 + rnd.IntN(3), rowspan: 1}
				switch rnd.IntN(6) {
				case 0:
					c.rowspan = rnd.IntN(4)
				case 1:
					c.colspan = rnd.IntN(40)
				case 2:
					c.vcont = true
				}
				if k := rnd.IntN(4); k > 0 {
					c.blocks = []Block{{Text: texts[rnd.IntN(len(texts))]}}
					if k == 3 {
						c.blocks = append(c.blocks, Block{Rows: [][]string{{"in", ""}}})
					}
				}
				src[r] = append(src[r], c)
			}
		}
		// the HTML reader stores one-paragraph cells as text, without a
		// Block: the grid must come out the same
		asText := make([][]cellSrc, len(src))
		for r, row := range src {
			for _, c := range row {
				if len(c.blocks) == 1 && !c.blocks[0].IsTable() && c.blocks[0].Text != "" && rnd.IntN(2) == 0 {
					c.text, c.blocks = c.blocks[0].Text, nil
				}
				asText[r] = append(asText[r], c)
			}
		}
		rows, sp, err := expandGrid(asText, newGuard(Options{}))
		wrows, wsp, werr := refExpandGrid(src, newGuard(Options{}))
		if fmt.Sprint(err) != fmt.Sprint(werr) || !reflect.DeepEqual(rows, wrows) || !reflect.DeepEqual(sp, wsp) {
			t.Fatalf("expandGrid(%+v)\n= %q %v %v\nreference %q %v %v", src, rows, sp, err, wrows, wsp, werr)
		}
	}
}
