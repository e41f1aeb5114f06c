package query

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
)

// Output formats of --output.
const (
	OutTable = "table"
	OutJSON  = "json"
	OutJSONL = "jsonl"
	OutCSV   = "csv"
)

// OutputFormats lists the --output values.
var OutputFormats = []string{OutTable, OutJSON, OutJSONL, OutCSV}

// BOM starts every CSV we write so Excel reads it as UTF-8.
const BOM = "\uFEFF"

// Row is one result line in every output format: JSON marshals the value
// itself; CSV and table take cells.
type Row interface {
	CSVHeader() []string
	CSV() []string
	TableHeader() []string
	Table() []string
}

// Output writes rows in one format. JSON and JSON Lines stream; CSV
// streams; the table is rendered at Close (column widths need every row).
type Output struct {
	buf     bytes.Buffer
	kind    string
	w       *bufio.Writer
	csv     *csv.Writer
	n       int
	table   *Table
	columns Row // gives the CSV header of an empty result
}

// Columns names the kind of row to come (a zero Record or Gap), so an
// empty CSV result still has its header row.
func (o *Output) Columns(r Row) { o.columns = r }

// NewOutput starts an output of kind (see OutputFormats).
func NewOutput(w io.Writer, kind string) (*Output, error) {
	o := &Output{kind: kind, w: bufio.NewWriter(w)}
	switch kind {
	case OutJSON, OutJSONL:
	case OutCSV:
		o.w.WriteString(BOM)
		o.csv = csv.NewWriter(o.w)
	case OutTable:
		o.table = &Table{}
	default:
		return nil, fmt.Errorf("bad --output %q: want one of %s", kind, strings.Join(OutputFormats, ", "))
	}
	return o, nil
}

// Write adds one row.
func (o *Output) Write(r Row) error {
	defer func() { o.n++ }()
	switch o.kind {
	case OutJSON, OutJSONL:
		// URLs keep their & and titles their <>: no HTML escaping.
		o.buf.Reset()
		enc := json.NewEncoder(&o.buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("encode row: %w", err)
		}
		b := bytes.TrimSuffix(o.buf.Bytes(), []byte("\n"))
		if o.kind == OutJSON {
			if o.n == 0 {
				o.w.WriteString("[\n")
			} else {
				o.w.WriteString(",\n")
			}
		}
		o.w.Write(b)
		if o.kind == OutJSONL {
			o.w.WriteByte('\n')
		}
	case OutCSV:
		if o.n == 0 {
			if err := o.csv.Write(r.CSVHeader()); err != nil {
				return err
			}
		}
		if err := o.csv.Write(r.CSV()); err != nil {
			return err
		}
	case OutTable:
		if o.n == 0 {
			o.table.Header = r.TableHeader()
			if m, ok := r.(interface{ TableMaxWidth() map[int]int }); ok {
				o.table.MaxWidth = m.TableMaxWidth()
			}
		}
		o.table.Rows = append(o.table.Rows, r.Table())
	}
	return nil
}

// Close finishes the output. An empty JSON result is "[]", an empty CSV
// result its header row (given Columns); an empty table prints nothing
// (callers say "no reports match" on stderr).
func (o *Output) Close() error {
	switch o.kind {
	case OutJSON:
		if o.n == 0 {
			o.w.WriteString("[]\n")
		} else {
			o.w.WriteString("\n]\n")
		}
	case OutCSV:
		if o.n == 0 && o.columns != nil {
			if err := o.csv.Write(o.columns.CSVHeader()); err != nil {
				return err
			}
		}
		o.csv.Flush()
		if err := o.csv.Error(); err != nil {
			return err
		}
	case OutTable:
		if o.n > 0 {
			if err := o.table.Render(o.w); err != nil {
				return err
			}
		}
	}
	return o.w.Flush()
}

// FitWidth makes a table fit a terminal of width cells (0: no limit) by
// cutting its free-text columns; other formats are never cut.
func (o *Output) FitWidth(width int) {
	if o.table != nil {
		o.table.Width = width
	}
}

// Count is the number of rows written.
func (o *Output) Count() int { return o.n }

// ---- Record and Gap as rows ----

func yearString(y *int) string {
	if y == nil {
		return ""
	}
	return strconv.Itoa(*y)
}

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// CSVHeader implements Row.
func (Record) CSVHeader() []string {
	return []string{"id", "site", "body", "region", "year", "title", "url", "published_at", "format",
		"parse_status", "failed_checks", "first_seen", "last_seen", "files", "region_code", "region_path", "region_level"}
}

// CSV implements Row; files is the same JSON array as in --output json.
func (r Record) CSV() []string {
	files, _ := json.Marshal(r.Files)
	return []string{r.ID, r.Site, r.Body, r.Region, yearString(r.Year), r.Title, r.URL, r.PublishedAt, r.Format,
		r.ParseStatus, strconv.Itoa(r.FailedChecks), timeString(r.FirstSeen), timeString(r.LastSeen), string(files),
		r.RegionCode, strings.Join(r.RegionPath, " › "), r.RegionLevel}
}

// TableHeader implements Row.
func (Record) TableHeader() []string {
	return []string{"ID", "年份", "机关 body", "地区 region", "格式", "状态", "未通过", "文件", "标题 title"}
}

// TableMaxWidth caps long titles on a terminal (the full text is in
// every other format).
func (Record) TableMaxWidth() map[int]int { return map[int]int{2: 30, 3: 30, 8: 60} }

// Table implements Row.
func (r Record) Table() []string {
	return []string{r.ID, yearString(r.Year), r.Body, r.Region, r.Format, r.ParseStatus,
		strconv.Itoa(r.FailedChecks), strconv.Itoa(len(r.Files)), r.Title}
}

// CSVHeader implements Row.
func (Gap) CSVHeader() []string {
	return []string{"body", "region", "site", "last_year", "missing_year", "last_id", "last_url", "later_years", "region_code"}
}

// CSV implements Row.
func (g Gap) CSV() []string {
	return []string{g.Body, g.Region, g.Site, strconv.Itoa(g.LastYear), strconv.Itoa(g.MissingYear), g.LastID, g.LastURL, joinInts(g.LaterYears), g.RegionCode}
}

// TableHeader implements Row.
func (Gap) TableHeader() []string {
	return []string{"缺 missing", "上次 last", "机关 body", "地区 region", "站点 site", "之后 later", "上次报告 last report"}
}

// TableMaxWidth names the free-text columns, cut to fit a terminal.
func (Gap) TableMaxWidth() map[int]int { return map[int]int{2: 0, 3: 0} }

// Table implements Row.
func (g Gap) Table() []string {
	return []string{strconv.Itoa(g.MissingYear), strconv.Itoa(g.LastYear), g.Body, g.Region, g.Site, joinInts(g.LaterYears), g.LastID}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " ")
}

// ---- Table rendering ----

// Table is a grid printed with columns padded by display width, so CJK
// characters (two cells wide on a terminal) line up.
type Table struct {
	Header []string
	Rows   [][]string
	// MaxWidth caps a column's display width (0 = no cap); longer cells
	// are cut with "…". The last column is never padded.
	MaxWidth map[int]int
	// Right aligns a column to the right (numbers).
	Right map[int]bool
	// Width is the terminal's width in cells (0: unknown, no limit). When
	// the lines are wider, the columns MaxWidth names — the free text,
	// never ids or numbers — are cut further, widest first, down to
	// minCut cells each.
	Width int
}

// minCut is the narrowest a column is cut to fit the terminal: four CJK
// characters, still enough to tell most bodies and titles apart.
const minCut = 8

// Render writes the table.
func (t *Table) Render(w io.Writer) error {
	cols := len(t.Header)
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	cell := func(r []string, i int) string {
		if i >= len(r) {
			return ""
		}
		s := Printable(strings.Map(func(c rune) rune {
			if c == '\n' || c == '\r' || c == '\t' {
				return ' '
			}
			return c
		}, r[i]))
		if m := t.MaxWidth[i]; m > 0 && runewidth.StringWidth(s) > m {
			s = runewidth.Truncate(s, m, "…")
		}
		return s
	}
	widths := make([]int, cols)
	all := append([][]string{t.Header}, t.Rows...)
	for _, r := range all {
		for i := range cols {
			widths[i] = max(widths[i], runewidth.StringWidth(cell(r, i)))
		}
	}
	t.fit(widths)
	bw := bufio.NewWriter(w)
	line := func(r []string) {
		var b strings.Builder
		for i := range cols {
			s := cell(r, i)
			if runewidth.StringWidth(s) > widths[i] {
				s = runewidth.Truncate(s, widths[i], "…")
			}
			pad := widths[i] - runewidth.StringWidth(s)
			if i > 0 {
				b.WriteString("  ")
			}
			if t.Right[i] {
				b.WriteString(strings.Repeat(" ", pad))
				b.WriteString(s)
			} else {
				b.WriteString(s)
				if i < cols-1 {
					b.WriteString(strings.Repeat(" ", pad))
				}
			}
		}
		bw.WriteString(strings.TrimRight(b.String(), " "))
		bw.WriteByte('\n')
	}
	if len(t.Header) > 0 {
		line(t.Header)
		seps := make([]string, cols)
		for i := range seps {
			seps[i] = strings.Repeat("-", widths[i])
		}
		line(seps)
	}
	for _, r := range t.Rows {
		line(r)
	}
	return bw.Flush()
}

// fit narrows the cuttable columns (those in MaxWidth) until a line fits
// in t.Width, one cell at a time from the widest, so the cut falls on the
// longest text first. A table whose fixed columns alone are too wide is
// left as narrow as it can be: ids and numbers are never cut.
func (t *Table) fit(widths []int) {
	if t.Width <= 0 {
		return
	}
	total := 2 * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	for total > t.Width {
		best := -1
		for i, w := range widths {
			if _, cut := t.MaxWidth[i]; cut && w > minCut && (best < 0 || w > widths[best]) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		widths[best]--
		total--
	}
}
