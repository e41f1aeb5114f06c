package extract

import (
	"log/slog"
	"strings"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

// Normalize folds s for label matching (format.md §6): Unicode NFKC
// (full-width digits and punctuation, Kangxi radicals such as ⼀ → 一,
// compatibility ideographs), traditional → simplified Chinese via OpenCC's
// t2s tables, zero-width characters removed, and every run of whitespace
// (including U+3000 and no-break space) collapsed to one ASCII space, with
// the ends trimmed. Quotes and the remaining spaces are left for the caller
// to strip: whether a space matters depends on what is being matched.
//
// OpenCC's converter costs microseconds per character, so it only runs when
// s contains a character that occurs in traditional text only.
func Normalize(s string) string {
	if s == "" {
		return ""
	}
	if out, ok := fastNormalize(s); ok {
		return out
	}
	return normalizeGeneral(s)
}

// normalizeGeneral is Normalize for any string.
func normalizeGeneral(s string) string {
	if needsNFKC(s) { // plain ASCII-and-CJK text skips NFKC: it would not change
		s = norm.NFKC.String(s)
	}
	if hasTraditional(s) {
		if t, err := t2s().convert(s); err == nil {
			s = t
		} else {
			slog.Warn("extract: traditional→simplified conversion failed", "err", err)
		}
	}
	return collapseSpace(s)
}

// needsNFKC is a conservative pre-check: NFKC only changes characters
// outside the ASCII and the common CJK unified block (U+4E00–U+9FFF).
func needsNFKC(s string) bool {
	for _, r := range s {
		if r < 0x80 || (r >= 0x4E00 && r <= 0x9FFF) {
			continue
		}
		return true
	}
	return false
}

// collapseSpace collapses whitespace runs to one space, drops zero-width
// characters and trims.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			continue
		case unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

type t2sConv struct {
	cc  *opencc.OpenCC
	err error
	// trad holds the BMP characters that OpenCC maps to something else and
	// that never stand for themselves in simplified text (乾 → 干 is
	// excluded because 乾 is also simplified, as in 乾隆).
	trad   []bool
	tradHi map[rune]bool
}

var t2s = sync.OnceValue(newT2S)

func newT2S() *t2sConv {
	c := &t2sConv{trad: make([]bool, 0x10000), tradHi: map[rune]bool{}}
	c.cc, c.err = opencc.New("t2s")
	if c.err != nil {
		slog.Warn("extract: opencc t2s unavailable; traditional characters are not folded", "err", c.err)
		return c
	}
	// The character table is the dictionary loaded from TSCharacters; derive
	// the trigger set from the library's own data, not a hand-made list.
	for _, g := range c.cc.DictChains {
		for i, f := range g.Files {
			if !strings.HasPrefix(f, "TSCharacters") || i >= len(g.Dicts) {
				continue
			}
			d := g.Dicts[i]
			mark := func(r rune) {
				// PrefixMatch, not Get: the trie's Get returns wrong values
				// for some keys (cedar-go), PrefixMatch is what Convert uses.
				self := string(r)
				m, err := d.PrefixMatch(self)
				v := m[self]
				if err != nil || len(v) == 0 {
					return
				}
				for _, x := range v {
					if x == self {
						return
					}
				}
				if r < 0x10000 {
					c.trad[r] = true
				} else {
					c.tradHi[r] = true
				}
			}
			for r := rune(0x3400); r <= 0x9FFF; r++ {
				mark(r)
			}
			for r := rune(0xF900); r <= 0xFAFF; r++ {
				mark(r)
			}
			for r := rune(0x20000); r <= 0x2A6DF; r++ {
				mark(r)
			}
		}
	}
	return c
}

func (c *t2sConv) convert(s string) (string, error) {
	if c.err != nil {
		return s, c.err
	}
	return c.cc.Convert(s)
}

// hasTraditional reports whether s holds a traditional-only character.
func hasTraditional(s string) bool {
	var c *t2sConv
	for _, r := range s {
		if r < 0x3400 {
			continue
		}
		if c == nil {
			c = t2s()
			if c.err != nil {
				return false
			}
		}
		if r < 0x10000 {
			if c.trad[r] {
				return true
			}
		} else if c.tradHi[r] {
			return true
		}
	}
	return false
}
