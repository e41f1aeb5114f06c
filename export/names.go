package export

import (
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits for one path component. Windows counts UTF-16 units (255 per
// component, 260 per path by default); Linux counts bytes (255). A Chinese
// character is 3 bytes in UTF-8, so 60 runes / 180 bytes leaves room for
// "{year}/{body}/{title} (n).docx" under both.
const (
	MaxComponentRunes = 60
	MaxComponentBytes = 180
)

// windowsReserved are device names Windows refuses as a file name, with or
// without an extension ("CON.pdf" is reserved too).
var windowsReserved = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true}
	for _, p := range []string{"COM", "LPT"} {
		for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"} {
			m[p+d] = true
		}
	}
	return m
}()

// SafeComponent turns untrusted text (a title, a body name) into one path
// component that is safe on Windows, macOS and Linux: no separators or
// characters Windows forbids, no control characters, no leading or
// trailing dots and spaces (so never "." or ".."), not a reserved device
// name, capped in length on a rune boundary. Empty input gives fallback.
func SafeComponent(s, fallback string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		case r == utf8.RuneError, r < 0x20, r == 0x7f, unicode.Is(unicode.Cf, r), r >= 0xE000 && r <= 0xF8FF:
			continue // control, format (bidi overrides) and private-use characters
		case strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	s = collapseSpaces(b.String())
	s = strings.Trim(s, " .")
	s = truncate(s, MaxComponentRunes, MaxComponentBytes)
	s = strings.Trim(s, " .")
	if s == "" {
		s = fallback
	}
	stem := s
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	if windowsReserved[strings.ToUpper(strings.TrimRight(stem, " "))] {
		s = truncate("_"+s, MaxComponentRunes, MaxComponentBytes)
	}
	return s
}

func collapseSpaces(s string) string {
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return s
}

// truncate cuts s to at most n runes and m bytes.
func truncate(s string, n, m int) string {
	count, end := 0, 0
	for i, r := range s {
		if count == n || i+utf8.RuneLen(r) > m {
			return s[:end]
		}
		count++
		end = i + utf8.RuneLen(r)
	}
	return s
}

// SafeExt cleans an extension (".pdf"): lower case, ASCII letters and
// digits only, at most 8 characters; "" if nothing is left.
func SafeExt(ext string) string {
	ext = strings.ToLower(strings.TrimPrefix(ext, "."))
	var b strings.Builder
	for _, r := range ext {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	e := b.String()
	if e == "" || len(e) > 8 {
		return ""
	}
	return "." + e
}

// Namer hands out unique, safe relative paths inside a bundle. Paths are
// compared case-insensitively (Windows and macOS file systems are).
type Namer struct {
	used     map[string]bool
	reserved []string
}

// NewNamer starts an empty namespace.
func NewNamer() *Namer { return &Namer{used: map[string]bool{}} }

// Reserve marks a fixed path (manifest.csv …) as taken for good.
func (n *Namer) Reserve(p string) {
	n.used[strings.ToLower(p)] = true
	n.reserved = append(n.reserved, strings.ToLower(p))
}

// Reset forgets every path handed out (reserved ones stay taken). The
// bundle calls it when it moves on to another directory, so the set of
// names held stays as small as one directory however large the export.
func (n *Namer) Reset() {
	clear(n.used)
	for _, p := range n.reserved {
		n.used[p] = true
	}
}

// Path builds dirs.../stem+ext from untrusted parts, each made safe, and
// makes it unique by adding " (2)", " (3)" … before the extension.
func (n *Namer) Path(dirs []string, stem, ext string) string {
	parts := make([]string, 0, len(dirs)+1)
	for _, d := range dirs {
		parts = append(parts, SafeComponent(d, "_"))
	}
	ext = SafeExt(ext)
	// A title often ends in the extension already ("报告.pdf").
	if ext != "" && strings.HasSuffix(strings.ToLower(stem), ext) {
		stem = stem[:len(stem)-len(ext)]
	}
	base := SafeComponent(stem, "untitled")
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			suffix := " (" + strconv.Itoa(i) + ")"
			name = strings.Trim(truncate(base, MaxComponentRunes-len(suffix), MaxComponentBytes-len(suffix)), " .") + suffix
		}
		p := path.Join(append(parts, name+ext)...)
		if k := strings.ToLower(p); !n.used[k] {
			n.used[k] = true
			return p
		}
	}
}
