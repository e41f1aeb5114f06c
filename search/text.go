package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/textfold"
)

// Fold is the one folding applied to indexed text and to queries alike:
// NFKC (full-width → half-width), traditional → simplified (OpenCC t2s,
// the parser's own normalization), whitespace collapsed, lower case.
// A space between two Chinese characters goes (PDF text is full of stray
// ones, and "复议 案件" means 复议案件); lines stay apart.
func Fold(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = dropHanSpaces(textfold.Fold(l, textfold.Label|textfold.Lower))
	}
	return strings.Join(lines, "\n")
}

func dropHanSpaces(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	rs := []rune(s)
	out := rs[:0:0]
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && unicode.Is(unicode.Han, rs[i-1]) && unicode.Is(unicode.Han, rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// Text is the searchable text of d, unfolded: title, issuing body,
// region, then from the parsed JSON the sections 一/五/六, every label it
// carries (the extra local rows'; the national tables' fixed labels are
// not in it, and would match every report) and any OCR text.
func Text(d *archive.Document) string {
	var b strings.Builder
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s)
	}
	add(d.Title)
	add(d.Body)
	add(d.Region)
	if len(d.Parsed) > 0 {
		var v any
		if json.Unmarshal(d.Parsed, &v) == nil {
			if m, ok := v.(map[string]any); ok {
				if s, ok := m["sections"].(map[string]any); ok {
					for _, k := range []string{"overview", "problems", "other"} {
						if t, ok := s[k].(string); ok {
							add(t)
						}
					}
				}
				walkLabels(m, add)
			}
		}
	}
	return b.String()
}

// walkLabels adds every string under a "label", "text" or "ocr_text" key
// anywhere in the parsed JSON (table labels, extra rows, OCR text).
func walkLabels(v any, add func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "label", "row_label", "column_label", "table_label", "text", "ocr_text", "ocr":
				if s, ok := e.(string); ok {
					add(s)
					continue
				}
			case "sections", "source", "title", "body", "region":
				continue
			}
			walkLabels(e, add)
		}
	case []any:
		for _, e := range x {
			walkLabels(e, add)
		}
	}
}

// textVersion changes when Text or Fold change what they make of a
// document, so every fingerprint changes and the index is refreshed.
const textVersion = "2"

// Fingerprint identifies what the index holds for d: it hashes the inputs
// of Text (title, body, region, year, the parsed JSON), so a change to any
// of them reindexes d, and comparing costs no text extraction.
func Fingerprint(d *archive.Document) string {
	h := sha256.New()
	for _, s := range []string{textVersion, d.Title, d.Body, d.Region, strconv.Itoa(d.Year)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(d.Parsed)
	return hex.EncodeToString(h.Sum(nil)[:12])
}
