package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/extract"
)

// Fold is the one folding applied to indexed text and to queries alike:
// NFKC (full-width → half-width), traditional → simplified (OpenCC t2s,
// the parser's own normalization), whitespace collapsed, lower case.
func Fold(s string) string {
	return strings.Map(func(r rune) rune { return unicode.ToLower(r) }, extract.Normalize(s))
}

// Text is the searchable text of d, unfolded: title, issuing body,
// region, then from the parsed JSON the sections 一/五/六, every table
// label and any OCR text.
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
const textVersion = "1"

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
