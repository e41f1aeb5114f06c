package textfold

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Label runs on every line and table cell of every report, and almost
// all of them are ASCII, common CJK ideographs and a handful of
// punctuation marks whose NFKC form does not depend on their neighbours
// (full-width forms, CJK punctuation, Kangxi radicals). fastLabel
// handles exactly those strings in one pass, without allocating when
// nothing changes; anything else (combining marks, compatibility
// ideographs, traditional characters, invalid UTF-8, rare blocks) goes
// the general way. TestFastLabelMatchesGeneral checks every pair of
// table characters against the general path.

// fastKind says how fastLabel treats one character.
type fastKind uint8

const (
	fastSlow  fastKind = iota // not handled: take the general path
	fastKeep                  // NFKC-stable, kept as is
	fastDrop                  // zero-width: dropped by Joiners and ZeroWidthSpace
	fastSpace                 // whitespace (after NFKC)
	fastMap                   // NFKC maps it to fastEntry.to, context-free
)

type fastEntry struct {
	kind fastKind
	to   string // fastMap: ASCII and/or CJK unified ideographs, no whitespace
}

// fastRanges are the blocks with a table: Latin-1, general punctuation,
// number forms, enclosed alphanumerics, CJK radicals, CJK symbols and
// punctuation, half/full-width forms.
var fastRanges = [][2]rune{
	{0x0080, 0x00FF}, {0x2000, 0x206F}, {0x2150, 0x218F}, {0x2460, 0x24FF},
	{0x2E80, 0x2FDF}, {0x3000, 0x303F}, {0xFF00, 0xFFEF},
}

type fastTable struct {
	ranges [][2]rune
	tabs   [][]fastEntry // tabs[i][r-ranges[i][0]]
}

var fastTab = sync.OnceValue(func() *fastTable {
	t := &fastTable{ranges: fastRanges}
	for _, rg := range fastRanges {
		tab := make([]fastEntry, rg[1]-rg[0]+1)
		for r := rg[0]; r <= rg[1]; r++ {
			tab[r-rg[0]] = classifyFast(r)
		}
		t.tabs = append(t.tabs, tab)
	}
	return t
})

func (t *fastTable) lookup(r rune) fastEntry {
	for i, rg := range t.ranges {
		if r >= rg[0] && r <= rg[1] {
			return t.tabs[i][r-rg[0]]
		}
	}
	return fastEntry{}
}

func isZeroWidth(r rune) bool { return isZeroWidthSpace(r) || isJoiner(r) }

func isSpaceLike(r rune) bool {
	return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0'
}

// classifyFast derives one table entry from x/text's own NFKC data. A
// character qualifies only when it and every character of its NFKC form
// are starters that never combine with what precedes them: then no
// reordering or composition crosses it, and normalizing it alone is the
// same as normalizing it inside any string of such characters.
func classifyFast(r rune) fastEntry {
	s := string(r)
	d := norm.NFKC.String(s)
	for _, x := range s + d {
		p := norm.NFKC.PropertiesString(string(x))
		if !p.BoundaryBefore() || p.CCC() != 0 {
			return fastEntry{}
		}
	}
	if d == s {
		switch {
		case isZeroWidth(r):
			return fastEntry{kind: fastDrop}
		case isSpaceLike(r):
			return fastEntry{kind: fastSpace}
		}
		return fastEntry{kind: fastKeep}
	}
	if d != "" && strings.TrimFunc(d, isSpaceLike) == "" {
		return fastEntry{kind: fastSpace}
	}
	for _, x := range d {
		switch {
		case x < utf8.RuneSelf && x > ' ' && x != 0x7f:
		case x >= 0x4E00 && x <= 0x9FFF:
		default:
			return fastEntry{} // whitespace inside, or something we do not keep
		}
	}
	return fastEntry{kind: fastMap, to: d}
}

// fastLabel returns Fold(s, Label) and true, or false when s holds a
// character it does not handle.
func fastLabel(s string) (string, bool) {
	var (
		out     []byte // nil while the output is s[:n]
		n       int
		space   bool // a whitespace run is pending
		spaceAt int  // byte offset where the pending run started
		wrote   bool // the output is not empty
		tab     *fastTable
		tc      *t2sConv
	)
	// emit appends s[i:j] unchanged, or text when it differs from s[i:j].
	emit := func(i, j int, text string) {
		if space && wrote {
			if out == nil && n == spaceAt && spaceAt+1 == i && s[spaceAt] == ' ' {
				n = i
			} else {
				if out == nil {
					out = make([]byte, 0, len(s))
					out = append(out, s[:n]...)
				}
				out = append(out, ' ')
			}
		}
		space = false
		wrote = true
		if text == "" && out == nil && n == i {
			n = j
			return
		}
		if out == nil {
			out = make([]byte, 0, len(s)+8)
			out = append(out, s[:n]...)
		}
		if text == "" {
			out = append(out, s[i:j]...)
		} else {
			out = append(out, text...)
		}
	}
	startSpace := func(i int) {
		if !space {
			space, spaceAt = true, i
		}
	}
	notTrad := func(r rune) bool {
		if tc == nil {
			tc = t2s()
		}
		return tc.err != nil || !tc.trad[r]
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '\t', '\n', '\v', '\f', '\r', ' ':
				startSpace(i)
			default:
				emit(i, i+1, "")
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		j := i + size
		switch {
		case r >= 0x4E00 && r <= 0x9FFF:
			if !notTrad(r) {
				return "", false
			}
			emit(i, j, "")
		case r == utf8.RuneError:
			return "", false
		default:
			if tab == nil {
				tab = fastTab()
			}
			e := tab.lookup(r)
			switch e.kind {
			case fastKeep:
				emit(i, j, "")
			case fastDrop: // the next emit sees the gap and copies
			case fastSpace:
				startSpace(i)
			case fastMap:
				for _, x := range e.to {
					if x >= 0x4E00 && !notTrad(x) {
						return "", false
					}
				}
				emit(i, j, e.to)
			default:
				return "", false
			}
		}
		i = j
	}
	if out == nil {
		return s[:n], true
	}
	// out is local and never written again: no need to copy it
	return unsafe.String(unsafe.SliceData(out), len(out)), true
}
