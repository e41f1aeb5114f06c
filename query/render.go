package query

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Grid turns one table's cells into a printable grid: rows in order of
// first appearance, columns likewise. A null value prints as "null"; a
// cell the report's format does not have stays blank.
func Grid(cells []Cell) *Table {
	type pos struct{ row, col string }
	var rows, cols []string
	rowLabel, colLabel := map[string]string{}, map[string]string{}
	vals := map[pos]string{}
	for _, c := range cells {
		if _, ok := rowLabel[c.RowKey]; !ok {
			rows = append(rows, c.RowKey)
			rowLabel[c.RowKey] = c.RowLabel
		}
		if _, ok := colLabel[c.ColKey]; !ok {
			cols = append(cols, c.ColKey)
			colLabel[c.ColKey] = c.ColLabel
		}
		v := c.Value()
		if c.Num == nil && !c.IsText {
			v = "null"
		}
		vals[pos{c.RowKey, c.ColKey}] = v
	}
	// Both the label and the key may be cut to fit a terminal (Table.Width):
	// each tells a row apart when the other is cut, and numbers never are.
	t := &Table{Header: []string{"", "key"}, Right: map[int]bool{}, MaxWidth: map[int]int{0: 40, 1: 0}}
	for i, c := range cols {
		l := colLabel[c]
		if l == "" {
			l = c
		}
		t.Header = append(t.Header, l)
		t.Right[i+2] = true
	}
	for _, r := range rows {
		line := []string{rowLabel[r], r}
		for _, c := range cols {
			line = append(line, vals[pos{r, c}])
		}
		t.Rows = append(t.Rows, line)
	}
	return t
}

// RenderReport prints every table of a parsed report as a grid, then the
// checks that failed and the parser's warnings. width is the terminal's
// (0: unknown, no limit): the grids' label and key columns are cut to fit.
func RenderReport(w io.Writer, rep *Report, width int) error {
	if rep == nil {
		_, err := fmt.Fprintln(w, "(no parsed tables: see the parse status and warnings above; `crawler reparse` re-runs the parser)")
		return err
	}
	fmt.Fprintf(w, "format %s\n", rep.Format)
	if err := RenderTables(w, rep, width); err != nil {
		return err
	}
	failed := rep.FailedChecks()
	fmt.Fprintf(w, "\nchecks: %d evaluated, %d failed\n", len(rep.Checks), len(failed))
	for _, c := range failed {
		fmt.Fprintf(w, "  ✗ %s %s: expected %s, found %s\n", c.Rule, Printable(c.Where), numOrNull(c.Expected), numOrNull(c.Found))
	}
	if len(rep.Warnings) > 0 {
		fmt.Fprintf(w, "\nwarnings (%d):\n", len(rep.Warnings))
		for _, wr := range rep.Warnings {
			fmt.Fprintf(w, "  %s: %s\n", Printable(wr.Code), Printable(wr.Message))
		}
	}
	return nil
}

// RenderTables prints every table of a parsed report as a grid, each
// after a blank line and its heading, fitted to width as RenderReport's.
func RenderTables(w io.Writer, rep *Report, width int) error {
	for _, tb := range Tables {
		cells, err := rep.CellsOf(tb)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%s (%s)\n", TableLabels[tb], tb)
		if len(cells) == 0 {
			fmt.Fprintln(w, "  (table not found in this report: no numbers)")
			continue
		}
		g := Grid(cells)
		g.Width = width
		if err := g.Render(w); err != nil {
			return err
		}
	}
	return nil
}

func numOrNull(v *float64) string {
	if v == nil {
		return "null"
	}
	return FormatNum(*v)
}

// RenderSeries prints one body's series: a grid of values by year, then
// the SR1 carry-over checks; the grid fits width as RenderReport's.
func RenderSeries(w io.Writer, s *Series, width int) error {
	fmt.Fprintf(w, "%s", s.Body)
	if s.Region != "" {
		fmt.Fprintf(w, " (%s)", s.Region)
	}
	// One column (requests' 总计 by default) is named once in the heading,
	// not after every row label, where it read "（七）总计 总计"; several
	// are told apart row by row as "row · column".
	oneCol := len(s.Rows) > 0
	for _, r := range s.Rows {
		oneCol = oneCol && r.ColLabel == s.Rows[0].ColLabel
	}
	fmt.Fprintf(w, " — %s", TableLabels[s.Table])
	if oneCol && s.Rows[0].ColLabel != "" {
		fmt.Fprintf(w, " — %s", s.Rows[0].ColLabel)
	}
	fmt.Fprintln(w)
	t := &Table{Header: []string{"", "key"}, Right: map[int]bool{}, MaxWidth: map[int]int{0: 48, 1: 0}, Width: width}
	for i, y := range s.Years {
		t.Header = append(t.Header, strconv.Itoa(y))
		t.Right[i+2] = true
	}
	for _, r := range s.Rows {
		label := r.RowLabel
		if r.ColLabel != "" && !oneCol {
			label += " · " + r.ColLabel
		}
		line := []string{label, r.Key}
		for i, v := range r.Values {
			switch {
			case v != nil:
				line = append(line, FormatNum(*v))
			case r.Texts != nil && r.Texts[i] != "":
				line = append(line, r.Texts[i])
			default:
				line = append(line, "")
			}
		}
		t.Rows = append(t.Rows, line)
	}
	if len(t.Rows) == 0 {
		fmt.Fprintln(w, "  (no parsed numbers for this table)")
	} else if err := t.Render(w); err != nil {
		return err
	}
	ids := make([]string, 0, len(s.Years))
	for _, y := range s.Years {
		ids = append(ids, fmt.Sprintf("%d=%s", y, s.Reports[strconv.Itoa(y)].ID))
	}
	fmt.Fprintf(w, "reports: %s\n", strings.Join(ids, " "))
	byYear := map[int][]CarryCheck{}
	var years []int
	for _, c := range s.Carry {
		if _, ok := byYear[c.Year]; !ok {
			years = append(years, c.Year)
		}
		byYear[c.Year] = append(byYear[c.Year], c)
	}
	if len(years) == 0 {
		fmt.Fprintln(w, "SR1 (上年结转 = 上年结转下年度): no consecutive years to compare")
	}
	for _, y := range years {
		var bad []string
		ok, skipped := 0, 0
		for _, c := range byYear[y] {
			switch {
			case c.Skipped:
				skipped++
			case c.OK:
				ok++
			default:
				col := strings.TrimPrefix(c.Where, "requests.carried_over.")
				for _, rc := range RequestColumns {
					if rc.Key == col {
						col = rc.Label
					}
				}
				bad = append(bad, fmt.Sprintf("%s: %d年结转下年度 %s ≠ %d年上年结转 %s", col, y-1, numOrNull(c.Expected), y, numOrNull(c.Found)))
			}
		}
		verdict := "ok"
		if len(bad) > 0 {
			verdict = "MISMATCH"
		} else if ok == 0 {
			verdict = "not checked (rows missing or null)"
		}
		fmt.Fprintf(w, "SR1 %d←%d (上年结转 = 上年结转下年度): %s [%d ok, %d mismatched, %d skipped]\n", y, y-1, verdict, ok, len(bad), skipped)
		for _, b := range bad {
			fmt.Fprintf(w, "  ✗ %s\n", b)
		}
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}
