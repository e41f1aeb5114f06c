package extract

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/charset"
)

// Text reads a plain-text report (decoded like HTML: BOM, UTF-8, then
// GB18030). Runs of non-blank lines become one Text block with the lines
// joined by "\n" (a wrapped line, or a label followed by space-separated
// numbers, stays visible as a line for the report parser). Lines flattened
// from tables as "a | b | c |" (ASCII or full-width bars) become table
// Blocks, one row per line, without padding: such rows often have
// differing lengths and Spanned is nil.
func Text(data []byte, opts Options) (doc *Doc, err error) {
	defer protect("text", &doc, &err)
	g := newGuard(opts)
	if err := g.checkSize(len(data)); err != nil {
		return nil, err
	}
	s, enc := charset.Decode(data, "", false)
	doc = &Doc{Container: "text"}
	if bad := strings.Count(s, "\uFFFD") + strings.Count(s, "\x00"); bad > 0 && bad*100 > utf8.RuneCountInString(s) {
		doc.Warnings = append(doc.Warnings, Warning{Code: "text_undecodable",
			Message: fmt.Sprintf("%d undecodable characters after decoding as %s", bad, enc)})
	}
	if strings.ContainsAny(s, "\r\f") {
		s = lineEnds.Replace(s)
	}
	var para []string
	var rows [][]string
	flushPara := func() {
		if len(para) > 0 {
			doc.Blocks = append(doc.Blocks, Block{Text: strings.Join(para, "\n")})
			para = nil
		}
	}
	flushRows := func() {
		if len(rows) > 0 {
			doc.Blocks = append(doc.Blocks, Block{Rows: rows})
			rows = nil
		}
	}
	for line := range strings.SplitSeq(s, "\n") {
		if err := g.tick(); err != nil {
			return nil, err
		}
		line = strings.TrimFunc(line, isSpaceRune)
		if line == "" {
			flushPara()
			flushRows()
			continue
		}
		if cells, ok := pipeRow(line); ok {
			flushPara()
			if cells != nil {
				rows = append(rows, cells)
			}
			continue
		}
		flushRows()
		para = append(para, line)
	}
	flushPara()
	flushRows()
	return finish(doc), nil
}

var lineEnds = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\f", "\n")

// pipeRow splits a "a | b | c |" line into trimmed cells. ok is false for
// prose; a Markdown rule line ("|---|---|") is ok with nil cells. A line
// counts as a row when it has two bars, or one bar at either end.
func pipeRow(line string) ([]string, bool) {
	line = strings.ReplaceAll(line, "｜", "|")
	n := strings.Count(line, "|")
	if n == 0 || (n == 1 && !strings.HasPrefix(line, "|") && !strings.HasSuffix(line, "|")) {
		return nil, false
	}
	parts := strings.Split(line, "|")
	if strings.HasPrefix(line, "|") {
		parts = parts[1:]
	}
	if strings.HasSuffix(line, "|") && len(parts) > 0 {
		parts = parts[:len(parts)-1]
	}
	rule := true
	cells := make([]string, len(parts))
	for i, p := range parts {
		p = strings.Join(strings.FieldsFunc(p, isSpaceRune), " ")
		cells[i] = p
		if strings.Trim(p, "-: ") != "" {
			rule = false
		}
	}
	if rule && strings.Contains(line, "-") {
		return nil, true
	}
	return cells, true
}
