package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWriteTable(t *testing.T) {
	v := 12.5
	tb := Table{Sheet: "比较", Header: []string{"机关", "收到申请"}, Rows: [][]any{
		{"=HYPERLINK(\"x\")", &v}, {"某局", (*float64)(nil)},
	}}
	var b bytes.Buffer
	if err := WriteTableCSV(&b, tb); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff机关,收到申请\n\"'=HYPERLINK(\"\"x\"\")\",12.5\n某局,\n"
	if b.String() != want {
		t.Errorf("csv\n got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	if err := WriteTableXLSX(&b, tb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("比较")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][1] != "12.5" || !strings.HasPrefix(rows[1][0], "'=") || len(rows[2]) != 1 {
		t.Errorf("xlsx rows = %q", rows)
	}
}
