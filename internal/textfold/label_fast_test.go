package textfold

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// fastAlphabet is every character fastLabel has a table entry for,
// plus ASCII, a few CJK ideographs (simplified and traditional) and
// characters it must hand to the general path.
func fastAlphabet() []rune {
	var rs []rune
	for r := rune(0); r < utf8.RuneSelf; r++ {
		rs = append(rs, r)
	}
	for _, rg := range fastRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			rs = append(rs, r)
		}
	}
	rs = append(rs, []rune("一二十公开申请報轉資乾著于\u0301\u3099\uF900\U00020000\u1680\u0085")...)
	return rs
}

// TestFastLabelMatchesGeneral: for every pair of characters (and each
// with whitespace around it), the fast path either declines or returns
// exactly what the general path returns.
func TestFastLabelMatchesGeneral(t *testing.T) {
	rs := fastAlphabet()
	handled := 0
	check := func(s string) {
		got, ok := fastLabel(s)
		if !ok {
			return
		}
		handled++
		if want := fold(s, Label); got != want {
			t.Fatalf("fastLabel(%q) = %q, general path %q", s, got, want)
		}
	}
	for _, a := range rs {
		as := string(a)
		check(as)
		check(" " + as + "  ")
		for _, b := range rs {
			check(as + string(b))
		}
	}
	if handled < len(rs)*len(rs)/2 {
		t.Errorf("fast path handled only %d strings: table not built?", handled)
	}
}

func TestFastLabelRandom(t *testing.T) {
	rs := fastAlphabet()
	rnd := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	handled := 0
	for i := 0; i < 200000; i++ {
		b.Reset()
		for n := rnd.IntN(12); n >= 0; n-- {
			switch rnd.IntN(4) {
			case 0:
				b.WriteRune([]rune(" \u3000\u200b\t\u00a0")[rnd.IntN(5)])
			default:
				b.WriteRune(rs[rnd.IntN(len(rs))])
			}
		}
		s := b.String()
		if got, ok := fastLabel(s); ok {
			handled++
			if want := fold(s, Label); got != want {
				t.Fatalf("fastLabel(%q) = %q, general path %q", s, got, want)
			}
		}
	}
	if handled < 10000 {
		t.Errorf("fast path handled only %d of the random strings", handled)
	}
}

func TestFastLabelNoAlloc(t *testing.T) {
	s := "本年新收政府信息公开申请数量 123"
	Fold(s, Label)
	if n := testing.AllocsPerRun(100, func() { Fold(s, Label) }); n != 0 {
		t.Errorf("Fold(s, Label) of already-normal text allocates %.0f times", n)
	}
}
