package report

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fast paths must agree with the general code they bypass.

func TestParseCellFastPathAgrees(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 100000; i++ {
		var b strings.Builder
		for n := 1 + rnd.IntN(18); n > 0; n-- {
			b.WriteByte(byte('0' + rnd.IntN(10)))
		}
		s := b.String()
		if got, want := parseCell(s), parseCellGeneral(s); got != want {
			t.Fatalf("parseCell(%q) = %+v, general %+v", s, got, want)
		}
	}
}

func TestHasMatchNoiseAgrees(t *testing.T) {
	const noise = " \"'“”‘’「」『』"
	parts := []string{"a", "中", " ", "\"", "'", "“", "”", "‘", "’", "「", "」", "『", "』", "‚", "„", "〈", "\xe2", "\xe2\x80", "\xe3\x80", "\x80", "\xff", "《"}
	rnd := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := rnd.IntN(6); n >= 0; n-- {
			b.WriteString(parts[rnd.IntN(len(parts))])
		}
		s := b.String()
		if got, want := hasMatchNoise(s), strings.ContainsAny(s, noise); got != want {
			t.Fatalf("hasMatchNoise(%q) = %v, ContainsAny %v", s, got, want)
		}
	}
}

// TestMatcherAgreesWithMatch: the indexed matcher picks the same row as
// the search of every pattern, on labels assembled from the templates'
// own patterns (overlapping, repeated, wrapped in other text).
func TestMatcherAgreesWithMatch(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	var frags []string
	for _, tpl := range append(Templates, &commonTemplate) {
		for _, r := range tpl.Requests {
			frags = append(frags, r.Match...)
		}
		for _, a := range tpl.Active {
			frags = append(frags, a.Match...)
		}
	}
	frags = append(frags, "(一)", "1.", "其他", "公开", "申请", "\xe4", "x", "行政")
	for _, tpl := range append(Templates, &commonTemplate) {
		req := func(i int) []string { return tpl.Requests[i].Match }
		act := func(i int) []string { return tpl.Active[i].Match }
		found := 0
		for i := 0; i < 20000; i++ {
			var b strings.Builder
			for n := rnd.IntN(5); n >= 0; n-- {
				f := frags[rnd.IntN(len(frags))]
				if rnd.IntN(3) == 0 && len(f) > 3 {
					f = f[:len(f)-3] // a cut-off pattern must not match
				}
				b.WriteString(f)
			}
			label := b.String()
			if got, want := requestMatcher(tpl).match(label), match(label, req, len(tpl.Requests)); got != want {
				t.Fatalf("%s requests: matcher(%q) = %d, match %d", tpl.Name, label, got, want)
			} else if got >= 0 {
				found++
			}
			if got, want := activeMatcher(tpl).match(label), match(label, act, len(tpl.Active)); got != want {
				t.Fatalf("%s active: matcher(%q) = %d, match %d", tpl.Name, label, got, want)
			}
			// matchTail: the same row, and the rows of the tail that
			// rowsIn finds on the tail alone
			from := rnd.IntN(len(label) + 1)
			var buf [4]int
			best, _, n := requestMatcher(tpl).matchTail(label, from, &buf)
			if n <= -2 {
				n = -2 - n
			}
			if want := requestMatcher(tpl).match(label); best != want {
				t.Fatalf("%s: matchTail(%q) = %d, match %d", tpl.Name, label, best, want)
			}
			if utf8.ValidString(label[from:]) && n <= len(buf) {
				tail := label[from:]
				var want []int
				requestMatcher(tpl).each(tail, func(spec, end int) {
					if (!tpl.reqGroup(spec) || end == len(tail)) && !slices.Contains(want, spec) {
						want = append(want, spec)
					}
				})
				got := buf[:n]
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Fatalf("%s: matchTail(%q, %d) rows %v, tail scan %v", tpl.Name, label, from, got, want)
				}
			}
		}
		if found < 1000 {
			t.Errorf("%s: only %d labels matched a row: the test proves little", tpl.Name, found)
		}
	}
	// a template with an empty pattern falls back to the general search
	tpl := &Template{Requests: []RowSpec{{Key: "a", Match: []string{"甲"}}, {Key: "b", Match: []string{""}}}}
	for _, label := range []string{"甲", "乙甲丙", ""} {
		req := func(i int) []string { return tpl.Requests[i].Match }
		if got, want := requestMatcher(tpl).match(label), match(label, req, 2); got != want {
			t.Errorf("empty pattern: matcher(%q) = %d, match %d", label, got, want)
		}
	}
}

func refIsDecimal(s string) bool {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if hasDot && !allDigits(frac) {
		return false
	}
	if allDigits(intPart) {
		return true
	}
	groups := strings.Split(intPart, ",")
	if len(groups) < 2 || len(groups[0]) == 0 || len(groups[0]) > 3 || !allDigits(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return false
		}
	}
	return true
}

func TestNumberFastPathsAgree(t *testing.T) {
	parts := []string{"1", "12", "123", "1234", ",", ".", "0", "元", "万元", "减", "-", "/", "—", "无", "、", "件", "a", " ", "N/A", "+", "−"}
	rnd := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := rnd.IntN(6); n >= 0; n-- {
			b.WriteString(parts[rnd.IntN(len(parts))])
		}
		s := b.String()
		if got, want := isDecimal(s), refIsDecimal(s); got != want {
			t.Fatalf("isDecimal(%q) = %v, reference %v", s, got, want)
		}
		k := parseCell(s).kind
		if got, want := isValueToken(s), s != "" && (k == cellNum || k == cellNA); got != want {
			t.Fatalf("isValueToken(%q) = %v, parseCell says %v", s, got, want)
		}
	}
	for s := range naTokens {
		k := parseCell(s).kind
		if got, want := isValueToken(s), k == cellNum || k == cellNA; got != want {
			t.Errorf("isValueToken(%q) = %v, parseCell says %v", s, got, want)
		}
	}
}

func TestDetectFormatAgrees(t *testing.T) {
	var frags []string
	for _, tpl := range Templates {
		frags = append(frags, tpl.Markers...)
	}
	frags = append(frags, "本年", "件数", "x", "三、收到和处理政府信息公开申请情况", "一、总体情况")
	rnd := rand.New(rand.NewPCG(15, 16))
	seen := map[string]int{}
	for i := 0; i < 5000; i++ {
		var items []item
		for n := rnd.IntN(6); n >= 0; n-- {
			var b strings.Builder
			for k := rnd.IntN(4); k >= 0; k-- {
				f := frags[rnd.IntN(len(frags))]
				if rnd.IntN(4) == 0 && len(f) > 3 {
					f = f[3:]
				}
				b.WriteString(f)
			}
			items = append(items, item{kind: itemText, folded: b.String(), heading: headingOf(b.String())})
		}
		p := &parser{items: items}
		p.findSections()
		p.detectFormat()
		fast := p.tpl
		p.detectFormatGeneral()
		if fast != p.tpl {
			t.Fatalf("detectFormat picked %v, general %v, for %+v", fast, p.tpl, items)
		}
		name := "none"
		if fast != nil {
			name = fast.Name
		}
		seen[name]++
	}
	if len(seen) < 3 {
		t.Errorf("the generator reached only %v", seen)
	}
}

// TestListMarkerPrefilter: every line listMarkerRe matches passes the
// first-character check that guards it.
func TestListMarkerPrefilter(t *testing.T) {
	tails := []string{"", "一)", "1)", "、", ".", "．", "十、", "二）", "3、"}
	for r := rune(0); r < 0x10000; r++ {
		for _, tail := range tails {
			l := string(r) + tail
			if listMarkerRe.MatchString(l) && !mayStartList(l) {
				t.Fatalf("listMarkerRe matches %q but mayStartList says no", l)
			}
		}
	}
}
