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
// differing lengths and Spanned is nil. A table printed one cell per line
// with a line of bars between cells becomes one row of all its cells. A
// text that ends in the middle of a line sets LastLineCut.
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
	// positions: the 1-based line of each paragraph's first line, of each
	// row, of each cell of a cell-per-line run
	var para []string
	paraLine := 0
	var rows [][]string
	var rowsPos [][]Pos
	lineNo := 0
	flushPara := func() {
		if len(para) > 0 {
			doc.Blocks = append(doc.Blocks, Block{Text: strings.Join(para, "\n"), Line: paraLine})
			para = nil
		}
	}
	flushRows := func() {
		if len(rows) > 0 {
			doc.Blocks = append(doc.Blocks, Block{Rows: rows, Pos: rowsPos})
			rows, rowsPos = nil, nil
		}
	}
	at := func(n int) Pos { return Pos{Kind: PosLine, Line: int32(n)} }
	// a table printed one cell per line, with a line of bars between
	// cells ("规章" / "|" / "0" / "|" / "3"): its cells in order, as one
	// row (the report parser tells the table's rows apart by their labels)
	var run []string
	var runPos []Pos
	inRun, afterBar := false, false
	flushRun := func() {
		if inRun && len(run) > 0 {
			doc.Blocks = append(doc.Blocks, Block{Rows: [][]string{run}, Pos: [][]Pos{runPos}})
		}
		run, runPos, inRun, afterBar = nil, nil, false, false
	}
	last := ""
	for line := range strings.SplitSeq(s, "\n") {
		if err := g.tick(); err != nil {
			return nil, err
		}
		lineNo++
		line = strings.TrimFunc(line, isSpaceRune)
		last = line
		if inRun {
			switch bars := barLine(line); {
			case line == "" && afterBar:
				continue // the cell after a bar may come after a blank line
			case bars > 0:
				if afterBar {
					run = append(run, "") // two bars with nothing between
					runPos = append(runPos, at(lineNo))
				}
				for k := 1; k < bars; k++ {
					run = append(run, "")
					runPos = append(runPos, at(lineNo))
				}
				afterBar = true
				continue
			case afterBar:
				run = append(run, line)
				runPos = append(runPos, at(lineNo))
				afterBar = false
				continue
			}
			flushRun()
		}
		if line == "" {
			flushPara()
			flushRows()
			continue
		}
		if bars := barLine(line); bars > 0 {
			// the line before the first bar is the run's first cell
			inRun, afterBar = true, true
			if n := len(para); n > 0 {
				run = append(run, para[n-1])
				runPos = append(runPos, at(paraLine+n-1))
				para = para[:n-1]
			} else if n := len(rows); n > 0 && len(rows[n-1]) == 1 {
				run = append(run, rows[n-1][0])
				runPos = append(runPos, rowsPos[n-1][0])
				rows, rowsPos = rows[:n-1], rowsPos[:n-1]
			}
			flushPara()
			flushRows()
			for k := 1; k < bars; k++ {
				run = append(run, "")
				runPos = append(runPos, at(lineNo))
			}
			continue
		}
		if cells, ok := pipeRow(line); ok {
			flushPara()
			if cells != nil {
				rows = append(rows, cells)
				ps := make([]Pos, len(cells))
				for i := range ps {
					ps[i] = at(lineNo)
				}
				rowsPos = append(rowsPos, ps)
			}
			continue
		}
		flushRows()
		if len(para) == 0 {
			paraLine = lineNo
		}
		para = append(para, line)
	}
	flushRun()
	flushPara()
	flushRows()
	// text that stops in the middle of a line may have lost the end of
	// its last value; a bar-separated row closed by its bar is whole
	if last != "" && !strings.HasSuffix(last, "|") && !strings.HasSuffix(last, "｜") {
		doc.LastLineCut = true
	}
	return finish(doc), nil
}

// barLine counts the bars of a line made of bars only ("|", "| |",
// "｜"); 0 for any other line.
func barLine(line string) int {
	n := 0
	for _, r := range line {
		switch {
		case r == '|' || r == '｜':
			n++
		case isSpaceRune(r):
		default:
			return 0
		}
	}
	return n
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
