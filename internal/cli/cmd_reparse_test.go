package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse"
)

// reparse selects documents exactly as query does (same flags, aliases,
// year ranges); documents already at the current parser version are
// counted but not re-parsed, so this runs no parser.
func TestReparseFilters(t *testing.T) {
	db, _ := queryArchive(t)
	func() {
		a, err := archive.Open(db, archive.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		ds, err := a.FindDocuments(archive.Query{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			d.ParserVer = parse.Version
			if err := a.PutDocument(d); err != nil {
				t.Fatal(err)
			}
		}
	}()
	tests := []struct {
		args    []string
		matched int
		code    int
	}{
		{nil, 4, 0},
		{[]string{"--body", "工信局"}, 3, 0}, // alias: 工信局 ↔ 工业和信息化局
		{[]string{"--body", "工信局", "--year", "2022-2023"}, 2, 0},
		{[]string{"--year", "2022-"}, 3, 0},
		{[]string{"--region", "洛阳市"}, 4, 0},
		{[]string{"--region", "偃师区"}, 3, 0},
		{[]string{"--site", "luoyang"}, 1, 0},
		{[]string{"--failed-checks"}, 1, 0},
		{[]string{"--format", "2019"}, 0, 0},
		{[]string{"--year", "x"}, 0, 2},
		{[]string{"--year", "2024-2019"}, 0, 2},
		{[]string{"--format", "1999"}, 0, 2},
	}
	for _, tc := range tests {
		args := append([]string{"--archive", db, "reparse", "--dry-run"}, tc.args...)
		out, errOut, code := runQ(args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d (%s%s)", tc.args, code, tc.code, out, errOut)
			continue
		}
		if tc.code != 0 {
			continue
		}
		noun := "documents"
		if tc.matched == 1 {
			noun = "document"
		}
		want := fmt.Sprintf("%d %s matched", tc.matched, noun)
		if !strings.Contains(out, want) || !strings.Contains(out, "0 re-parsed") {
			t.Errorf("%v: output %q, want %q and 0 re-parsed", tc.args, out, want)
		}
	}
}
