package textfold

import (
	"log/slog"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Rules is a set of folding rules. Fold applies them in a fixed order:
// Width, then Traditional, then the per-character rules (ZeroWidthSpace,
// Joiners, DropSpace or CollapseSpace, NarrowASCII, Lower), then
// ChineseYear.
type Rules uint

const (
	// Width is Unicode NFKC: full-width letters, digits and punctuation
	// to ASCII (（）→ ()), Kangxi radicals such as ⼀ → 一, compatibility
	// ideographs, circled numbers, ligatures.
	Width Rules = 1 << iota
	// Traditional maps traditional Chinese to simplified with OpenCC's
	// t2s tables. The converter costs microseconds per character, so it
	// only runs when the text holds a character that occurs in
	// traditional text only (乾 is not one: it is also simplified).
	Traditional
	// ZeroWidthSpace drops U+200B ZERO WIDTH SPACE and U+FEFF ZERO WIDTH
	// NO-BREAK SPACE (the byte order mark).
	ZeroWidthSpace
	// Joiners drops the other invisible characters: U+200C ZWNJ, U+200D
	// ZWJ, U+2060 WORD JOINER and U+00AD SOFT HYPHEN.
	Joiners
	// DropSpace removes every white space character (unicode.IsSpace,
	// which includes U+3000 and the no-break space).
	DropSpace
	// CollapseSpace turns every run of white space into one ASCII space
	// and trims both ends. DropSpace wins when both are set.
	CollapseSpace
	// NarrowASCII maps the full-width forms of ASCII (U+FF01–U+FF5E) to
	// ASCII, except （ ） and ：, which titles keep. It is the part of
	// Width that titles need, without Width's other changes.
	NarrowASCII
	// Lower maps every letter to lower case (unicode.ToLower).
	Lower
	// ChineseYear writes a year spelled in Chinese numerals as digits:
	// 二〇二三年 → 2023年 (exactly four numerals before 年).
	ChineseYear
)

// The callers' rule sets.
const (
	// Label folds report labels for matching (format.md §6): NFKC,
	// traditional → simplified, zero-width characters dropped, white
	// space collapsed to single spaces and trimmed. Quotes and the
	// remaining spaces are left for the caller to strip: whether a space
	// matters depends on what is being matched.
	Label = Width | Traditional | ZeroWidthSpace | Joiners | CollapseSpace
	// Name folds body and region names for queries: NFKC, no white
	// space, lower case.
	Name = Width | DropSpace | Lower
	// Title folds crawl titles (link texts, headings, <title>): broken
	// lines joined and all white space dropped (titles such as "2025 年"
	// and "宿迁市 2025 年…" occur), full-width ASCII to half-width, and
	// Chinese-numeral years to digits.
	Title = DropSpace | ZeroWidthSpace | NarrowASCII | ChineseYear
)

// Fold applies rules to s.
func Fold(s string, rules Rules) string {
	if s == "" {
		return ""
	}
	if rules == Label {
		// Label runs on every line and table cell of every report.
		if out, ok := fastLabel(s); ok {
			return out
		}
	}
	return fold(s, rules)
}

// fold is Fold without Label's fast path.
func fold(s string, rules Rules) string {
	if rules&Width != 0 && needsNFKC(s) { // plain ASCII-and-CJK text skips NFKC: it would not change
		s = norm.NFKC.String(s)
	}
	if rules&Traditional != 0 && hasTraditional(s) {
		if t, err := t2s().convert(s); err == nil {
			s = t
		} else {
			slog.Warn("textfold: traditional→simplified conversion failed", "err", err)
		}
	}
	if rules&(ZeroWidthSpace|Joiners|DropSpace|CollapseSpace|NarrowASCII|Lower) != 0 {
		s = foldRunes(s, rules)
	}
	if rules&ChineseYear != 0 {
		s = cnYear.ReplaceAllStringFunc(s, cnDigits.Replace)
	}
	return s
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

// foldRunes applies the per-character rules. Invalid UTF-8 comes out as
// U+FFFD.
func foldRunes(s string, rules Rules) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case rules&ZeroWidthSpace != 0 && isZeroWidthSpace(r),
			rules&Joiners != 0 && isJoiner(r):
			continue
		case rules&(DropSpace|CollapseSpace) != 0 && unicode.IsSpace(r):
			space = rules&DropSpace == 0
			continue
		case rules&NarrowASCII != 0 && r >= '！' && r <= '～' && r != '（' && r != '）' && r != '：':
			r -= 0xFEE0
		}
		if rules&Lower != 0 {
			r = unicode.ToLower(r)
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func isZeroWidthSpace(r rune) bool { return r == '\u200b' || r == '\ufeff' }

func isJoiner(r rune) bool {
	return r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\u00ad'
}

var (
	cnDigits = strings.NewReplacer("〇", "0", "零", "0", "○", "0", "Ｏ", "0", "一", "1", "二", "2", "三", "3", "四", "4", "五", "5", "六", "6", "七", "7", "八", "8", "九", "9")
	cnYear   = regexp.MustCompile(`[〇零○Ｏ一二三四五六七八九]{4}年`)
)
