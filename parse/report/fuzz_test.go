package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/extract"
)

// FuzzReportText feeds arbitrary bytes through the text reader into the
// report parser. The parser must never panic, must return a report that
// marshals to JSON, and must give the same JSON for the same input (no
// map-order or other nondeterminism in warnings and checks).
func FuzzReportText(f *testing.F) {
	for _, glob := range []string{"../../testdata/reports/*.txt", "../../testdata/seed/*.txt"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("某县2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n| 一、本年新收政府信息公开申请数量 | 1 | 2 | 3 | 4 | 5 | 6 | 21 |\n四、行政复议、行政诉讼情况\n1 2 3 4 10 0 0 0 0 0 0 0 0 0 0"))
	f.Add([]byte("二、主动公开政府信息情况\n规章 减4 251000元 — / 无\n（九）政府集中采购 3 35.6万元\n"))
	opts := extract.Options{Timeout: 3 * time.Second}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := extract.Text(data, opts)
		if err != nil && strings.Contains(err.Error(), "failed internally") {
			t.Fatalf("the text reader panicked: %v", err)
		}
		meta := Meta{File: "fuzz.txt"}
		r := Parse(doc, meta)
		if r == nil {
			t.Fatal("Parse returned nil")
		}
		if r.Checks == nil || r.Warnings == nil {
			t.Fatal("checks and warnings must be lists, never null")
		}
		j1, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("report does not marshal: %v", err)
		}
		j2, err := json.Marshal(Parse(doc, meta))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(j1, j2) {
			t.Fatalf("two parses of the same document differ:\n%s\n%s", j1, j2)
		}
	})
}
