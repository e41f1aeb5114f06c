package export

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

// csvSafe defuses spreadsheet formula injection in text cells: a title
// scraped from a hostile page that starts with "=" must not run in Excel.
// Numbers (including negative ones) pass unchanged.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

func csvSafeAll(row []string) []string {
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

// RegionPath is a document's resolved region as one cell, top first:
// "河南省 › 洛阳市 › 偃师区" (empty when unresolved).
func RegionPath(d *archive.Document) string { return strings.Join(d.RegionPath, " › ") }

// ---- tidy data (data.csv) ----

// TidyHeader is the header of data.csv: one row per report × table × row ×
// column, with Chinese labels and the schema keys.
var TidyHeader = []string{"report_id", "body", "region", "region_code", "region_path", "year", "format", "table", "table_label",
	"row_key", "row_label", "column_key", "column_label", "value"}

func yearCell(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// writeTidy writes the report's cells; null values are empty (never 0).
func writeTidy(cw *csv.Writer, d *archive.Document, rep *query.Report) (int, error) {
	cells, err := rep.Cells()
	if err != nil {
		return 0, fmt.Errorf("report %s: %w", d.ID, err)
	}
	for _, c := range cells {
		v := c.Value()
		if c.IsText {
			v = csvSafe(v)
		}
		row := csvSafeAll([]string{d.ID, d.Body, d.Region, d.RegionCode, RegionPath(d), yearCell(d.Year), d.Format, c.Table, c.TableLabel,
			c.RowKey, c.RowLabel, c.ColKey, c.ColLabel})
		if err := cw.Write(append(row, v)); err != nil {
			return 0, err
		}
	}
	return len(cells), cw.Error()
}

// ---- manifest ----

// ManifestHeader is the header of manifest.csv / manifest.xlsx: one row
// per original file.
var ManifestHeader = []string{"id", "body", "region", "region_code", "region_path", "year", "title", "file", "role", "source_url", "final_url",
	"retrieved_at_utc", "published_at", "sha256", "media_type", "size", "parse_status", "failed_checks", "citation"}

// ManifestLabels are ManifestHeader in Chinese (second header row of
// manifest.xlsx).
var ManifestLabels = []string{"编号", "发布机关", "地区", "区划代码", "区划", "年度", "标题", "包内文件", "类型", "来源网址", "最终网址",
	"获取时间(UTC)", "发布日期", "SHA-256", "媒体类型", "字节数", "解析状态", "未通过校验数", "引用"}

type manifestRow struct {
	d       *archive.Document
	f       archive.FileRef
	cap     *archive.Capture
	path    string // inside the bundle
	citeURL string
}

func (m manifestRow) retrieved() time.Time {
	if m.cap != nil {
		return m.cap.Time.UTC()
	}
	return time.Time{}
}

func (m manifestRow) finalURL() string {
	if m.cap != nil && m.cap.FinalURL != "" {
		return m.cap.FinalURL
	}
	return m.f.URL
}

// Citation is a ready reference in the GB/T 7714-2015 style for online
// documents: 责任者. 题名[EB/OL]. (发布日期)[引用日期]. 网址. plus the
// archived file's hash so a reader can verify the copy.
func Citation(d *archive.Document, f archive.FileRef, retrieved time.Time) string {
	author := firstNonEmpty(d.Body, d.Site)
	title := firstNonEmpty(d.Title, f.Filename, d.ID)
	var b strings.Builder
	if author != "" {
		b.WriteString(author)
		b.WriteString(". ")
	}
	b.WriteString(title)
	b.WriteString("[EB/OL]. ")
	if d.PublishedAt != "" {
		fmt.Fprintf(&b, "(%s)", d.PublishedAt)
	}
	if !retrieved.IsZero() {
		fmt.Fprintf(&b, "[%s]", retrieved.UTC().Format("2006-01-02"))
	}
	if d.PublishedAt != "" || !retrieved.IsZero() {
		b.WriteString(". ")
	}
	u := firstNonEmpty(d.URL, f.URL)
	b.WriteString(u)
	b.WriteString(".")
	if f.URL != "" && f.URL != u {
		fmt.Fprintf(&b, " 附件: %s.", f.URL)
	}
	if f.SHA256 != "" {
		fmt.Fprintf(&b, " 存档 SHA-256: %s.", f.SHA256)
	}
	return b.String()
}

func (m manifestRow) cells() []string {
	ret := ""
	if t := m.retrieved(); !t.IsZero() {
		ret = t.Format(time.RFC3339)
	}
	return []string{m.d.ID, m.d.Body, m.d.Region, m.d.RegionCode, RegionPath(m.d), yearCell(m.d.Year), m.d.Title, m.path, m.f.Role, m.f.URL,
		m.finalURL(), ret, m.d.PublishedAt, m.f.SHA256, m.f.MediaType, strconv.FormatInt(m.f.Size, 10),
		m.d.ParseStatus, strconv.Itoa(m.d.FailedChecks), Citation(m.d, m.f, m.retrieved())}
}

// ---- streaming workbooks ----

// book is an excelize workbook written row by row through StreamWriters
// (one per sheet), so its rows never sit in memory as cell objects.
type book struct {
	f      *excelize.File
	sheets map[string]*sheet
	order  []string
}

type sheet struct {
	sw  *excelize.StreamWriter
	row int
}

func newBook(tmpDir string, names ...string) (*book, error) {
	f := excelize.NewFile(excelize.Options{TmpDir: tmpDir})
	b := &book{f: f, sheets: map[string]*sheet{}, order: names}
	for i, n := range names {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), n); err != nil {
				f.Close()
				return nil, fmt.Errorf("xlsx sheet %s: %w", n, err)
			}
		} else if _, err := f.NewSheet(n); err != nil {
			f.Close()
			return nil, fmt.Errorf("xlsx sheet %s: %w", n, err)
		}
	}
	for _, n := range names {
		sw, err := f.NewStreamWriter(n)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("xlsx stream %s: %w", n, err)
		}
		b.sheets[n] = &sheet{sw: sw}
	}
	return b, nil
}

// add appends one row to a sheet.
func (b *book) add(name string, vals []any) error {
	s := b.sheets[name]
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	if err := s.sw.SetRow(cell, vals); err != nil {
		return fmt.Errorf("xlsx %s row %d: %w", name, s.row, err)
	}
	return nil
}

// header adds header rows and freezes them.
func (b *book) header(name string, rows ...[]string) error {
	s := b.sheets[name]
	if err := s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: len(rows), TopLeftCell: fmt.Sprintf("A%d", len(rows)+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for _, r := range rows {
		vals := make([]any, len(r))
		for i, v := range r {
			vals[i] = v
		}
		if err := b.add(name, vals); err != nil {
			return err
		}
	}
	return nil
}

// writeTo finishes the workbook into w. excelize normally assembles the
// whole .xlsx in a bytes.Buffer; pointing its zip writer at w instead
// keeps memory flat (the sheets stream from their spool files).
func (b *book) writeTo(w io.Writer) error {
	for _, n := range b.order {
		if err := b.sheets[n].sw.Flush(); err != nil {
			return fmt.Errorf("xlsx flush %s: %w", n, err)
		}
	}
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := b.f.Write(io.Discard); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func (b *book) close() { _ = b.f.Close() }

// ---- data.xlsx: one sheet per table, one row per report ----

// Sheet names of data.xlsx.
const sheetReports = "reports"

var idHeader = []string{"id", "body", "region", "year", "format", "parse_status", "failed_checks"}
var idLabels = []string{"编号", "发布机关", "地区", "年度", "格式", "解析状态", "未通过校验数"}

type dataBook struct {
	*book
	cols map[string][]query.WideColumn
}

func newDataBook(tmpDir string) (*dataBook, error) {
	b, err := newBook(tmpDir, append([]string{sheetReports}, query.Tables...)...)
	if err != nil {
		return nil, err
	}
	db := &dataBook{book: b, cols: map[string][]query.WideColumn{}}
	rh := append(append([]string{}, idHeader...), "title", "url", "published_at", "first_seen", "last_seen", "overview", "problems", "other", "region_code", "region_path")
	rl := append(append([]string{}, idLabels...), "标题", "来源网址", "发布日期", "首次发现", "最近发现", "一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "区划代码", "区划")
	if err := b.header(sheetReports, rl, rh); err != nil {
		b.close()
		return nil, err
	}
	for _, t := range query.Tables {
		cols := query.WideColumns(t)
		db.cols[t] = cols
		keys := append([]string{}, idHeader...)
		labels := append([]string{}, idLabels...)
		for _, c := range cols {
			keys = append(keys, c.Key)
			labels = append(labels, c.Label)
		}
		if err := b.header(t, labels, keys); err != nil {
			b.close()
			return nil, err
		}
	}
	return db, nil
}

func idValues(d *archive.Document) []any {
	var year any
	if d.Year != 0 {
		year = d.Year
	}
	return []any{d.ID, d.Body, d.Region, year, d.Format, d.ParseStatus, d.FailedChecks}
}

// addReport writes the report's row on every sheet; rep may be nil (not
// parsed: only the reports sheet gets a row).
func (db *dataBook) addReport(d *archive.Document, rep *query.Report) error {
	var sec query.Sections
	if rep != nil {
		sec = rep.Sections
	}
	rv := append(idValues(d), d.Title, d.URL, d.PublishedAt, d.FirstSeen.UTC().Format(time.RFC3339),
		d.LastSeen.UTC().Format(time.RFC3339), sec.Overview, sec.Problems, sec.Other, d.RegionCode, RegionPath(d))
	if err := db.add(sheetReports, rv); err != nil {
		return err
	}
	if rep == nil {
		return nil
	}
	for _, t := range query.Tables {
		cells, err := rep.CellsOf(t)
		if err != nil {
			return fmt.Errorf("report %s: %w", d.ID, err)
		}
		if len(cells) == 0 {
			continue
		}
		byKey := make(map[string]query.Cell, len(cells))
		for _, c := range cells {
			byKey[c.RowKey+"."+c.ColKey] = c
		}
		vals := idValues(d)
		for _, col := range db.cols[t] {
			c, ok := byKey[col.Key]
			switch {
			case !ok, c.Num == nil && !c.IsText:
				vals = append(vals, nil)
			case c.IsText:
				vals = append(vals, c.Str)
			default:
				vals = append(vals, *c.Num)
			}
		}
		if err := db.add(t, vals); err != nil {
			return err
		}
	}
	return nil
}
