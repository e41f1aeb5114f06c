package textfold

import (
	"log/slog"
	"strings"
	"sync"

	"github.com/longbridgeapp/opencc"
)

// The Traditional rule: OpenCC's t2s tables, loaded on first use.

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
		slog.Warn("textfold: opencc t2s unavailable; traditional characters are not folded", "err", c.err)
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
