package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/parse/extract"
)

// fold prepares text for label matching (format.md §6): extract.Normalize
// (NFKC, traditional → simplified, whitespace collapsed), then all spaces
// and quote marks removed.
func fold(s string) string {
	return stripForMatch(extract.Normalize(s))
}

func stripForMatch(s string) string {
	if !hasMatchNoise(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case ' ', '"', '\'', '“', '”', '‘', '’', '「', '」', '『', '』':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasMatchNoise is strings.ContainsAny(s, " \"'“”‘’「」『』") as a byte
// scan: the quotes are U+2018/2019/201C/201D (E2 80 98/99/9C/9D) and
// U+300C–300F (E3 80 8C–8F); a valid sequence is found at the same place
// however invalid bytes before it are decoded.
func hasMatchNoise(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '"', '\'':
			return true
		case 0xE2:
			if i+2 < len(s) && s[i+1] == 0x80 {
				switch s[i+2] {
				case 0x98, 0x99, 0x9C, 0x9D:
					return true
				}
			}
		case 0xE3:
			if i+2 < len(s) && s[i+1] == 0x80 && s[i+2] >= 0x8C && s[i+2] <= 0x8F {
				return true
			}
		}
	}
	return false
}

// squash removes whitespace next to a non-ASCII character (PDF and text
// extractions put spaces around numbers inside Chinese prose: "参照 2023年")
// and collapses the remaining runs to one space, so the same paragraph
// reads the same from every container.
func squash(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune = -1
	pending := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' {
			pending = true
			continue
		}
		if pending && prev >= 0 && prev < utf8.RuneSelf && r < utf8.RuneSelf {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// cellKind classifies one table cell.
type cellKind int

const (
	cellBlank cellKind = iota // "" → null
	cellNA                    // "/", "-", "—", "无" → null + warning
	cellNum                   // a number (possibly with a unit)
	cellBad                   // text where a number belongs
)

// cell is a parsed value cell.
type cell struct {
	raw  string // folded text
	kind cellKind
	val  float64
	unit string // unit written in the cell, stripped from val
}

var naTokens = map[string]bool{
	"/": true, "-": true, "--": true, "—": true, "——": true, "－": true, "−": true,
	"–": true, "无": true, "\\": true, "／": true, "、": false, "空": true, "N/A": true, "n/a": true,
}

// maxNATokenLen is the longest key of naTokens, in bytes.
var maxNATokenLen = func() int {
	n := 0
	for k := range naTokens {
		n = max(n, len(k))
	}
	return n
}()

// units that may follow a number in a cell (format.md §5), longest first.
var cellUnits = []string{"万元", "人次", "元", "件", "条", "个", "次", "项", "起", "宗"}

// parseCell reads one folded cell.
func parseCell(s string) cell {
	c := cell{raw: s}
	if s == "" {
		c.kind = cellBlank
		return c
	}
	if len(s) <= 15 && allDigits(s) {
		// the common case, and exactly what parseCellGeneral computes:
		// integers below 10^15 are exact in a float64
		var n int64
		for i := 0; i < len(s); i++ {
			n = n*10 + int64(s[i]-'0')
		}
		c.kind, c.val = cellNum, float64(n)
		return c
	}
	return parseCellGeneral(s)
}

// parseCellGeneral is parseCell for any non-empty cell.
func parseCellGeneral(s string) cell {
	c := cell{raw: s}
	if v, ok := naTokens[s]; ok && v {
		c.kind = cellNA
		return c
	}
	body := s
	for _, u := range cellUnits {
		if strings.HasSuffix(body, u) && len(body) > len(u) {
			body = strings.TrimSuffix(body, u)
			c.unit = u
			break
		}
	}
	sign := 1.0
	switch {
	case strings.HasPrefix(body, "减"):
		sign, body = -1, strings.TrimPrefix(body, "减")
	case strings.HasPrefix(body, "增"):
		body = strings.TrimPrefix(body, "增")
	case strings.HasPrefix(body, "−"): // U+2212 survives NFKC
		sign, body = -1, strings.TrimPrefix(body, "−")
	case strings.HasPrefix(body, "-"):
		sign, body = -1, body[1:]
	case strings.HasPrefix(body, "+"):
		body = body[1:]
	}
	if !isDecimal(body) {
		c.kind = cellBad
		c.unit = ""
		return c
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(body, ",", ""), 64)
	if err != nil {
		c.kind = cellBad
		c.unit = ""
		return c
	}
	c.kind, c.val = cellNum, sign*v
	if c.val == 0 {
		c.val = 0 // no "-0" in JSON
	}
	return c
}

// isDecimal accepts 12, 1,243, 12.5 (not "1." or ".5": those are list
// markers and fragments, not numbers).
func isDecimal(s string) bool {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if hasDot && !allDigits(frac) {
		return false
	}
	if allDigits(intPart) {
		return true
	}
	// 1–3 digits, then one or more ",ddd" groups
	first, rest, ok := strings.Cut(intPart, ",")
	if !ok || len(first) == 0 || len(first) > 3 || !allDigits(first) {
		return false
	}
	for {
		g, more, ok := strings.Cut(rest, ",")
		if len(g) != 3 || !allDigits(g) {
			return false
		}
		if !ok {
			return true
		}
		rest = more
	}
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isValueToken tells whether a folded token/cell reads as a table value
// (number, number with unit, signed change, or a n/a marker).
func isValueToken(s string) bool {
	if s == "" {
		return false
	}
	if !hasDigit(s) {
		// no digit, no number: only the n/a markers are values (most
		// tokens are label text, so this skips the unit and sign checks)
		return len(s) <= maxNATokenLen && naTokens[s]
	}
	k := parseCell(s).kind
	return k == cellNum || k == cellNA
}

// isValueCell is isValueToken for grid cells, where blank is a value too.
func isValueCell(s string) bool {
	return s == "" || isValueToken(s)
}
