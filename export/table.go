package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"

	"github.com/nianbao/nianbao/query"
)

// A Table is a small labelled table a reader page offers for download
// (the web page's comparison and series views): a header row, then rows
// whose cells are a string or a *float64 (nil: null, written empty —
// never 0).
type Table struct {
	Sheet  string // the XLSX sheet's name
	Header []string
	Rows   [][]any
}

func cellText(v any) string {
	switch x := v.(type) {
	case string:
		return csvSafe(x)
	case *float64:
		if x == nil {
			return ""
		}
		return query.FormatNum(*x)
	case int:
		return fmt.Sprint(x)
	}
	return csvSafe(fmt.Sprint(v))
}

// WriteTableCSV writes t as UTF-8 CSV with a BOM (Excel reads it as UTF-8),
// text cells defused against formula injection.
func WriteTableCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvSafeAll(append([]string(nil), t.Header...))); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = cellText(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTableXLSX writes t as a one-sheet workbook, the header frozen,
// numbers as numbers and null cells empty.
func WriteTableXLSX(w io.Writer, t Table) error {
	name := t.Sheet
	if name == "" {
		name = "data"
	}
	b, err := newBook(os.TempDir(), name)
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.header(name, t.Header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		vals := make([]any, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case *float64:
				if x != nil {
					vals[i] = *x
				}
			case string:
				vals[i] = csvSafe(x)
			default:
				vals[i] = v
			}
		}
		if err := b.add(name, vals); err != nil {
			return err
		}
	}
	return b.writeTo(w)
}
