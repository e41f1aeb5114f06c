package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
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

// TestParseMutatedText runs the corpus texts through the mutations this
// parser's newer paths read (cells run together, bars between cells, cut
// texts, long runs of digits) with a fixed seed: no panic, the same JSON
// twice, and a bounded time per report.
func TestParseMutatedText(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/reports/*.txt")
	if len(files) == 0 {
		t.Fatal("no corpus texts")
	}
	rnd := rand.New(rand.NewPCG(31, 32))
	mutate := func(s string) string {
		for k := 1 + rnd.IntN(4); k > 0; k-- {
			switch rnd.IntN(6) {
			case 0: // cells run together on a random line
				lines := strings.Split(s, "\n")
				i := rnd.IntN(len(lines))
				lines[i] = strings.ReplaceAll(lines[i], " ", "")
				s = strings.Join(lines, "\n")
			case 1: // every separator between digits gone
				var b strings.Builder
				rs := []rune(s)
				for i, r := range rs {
					if r == ' ' && i > 0 && i+1 < len(rs) && rs[i-1] >= '0' && rs[i-1] <= '9' && rs[i+1] >= '0' && rs[i+1] <= '9' {
						continue
					}
					b.WriteRune(r)
				}
				s = b.String()
			case 2: // one cell per line
				s = strings.ReplaceAll(s, " ", "\n|\n")
			case 3: // cut anywhere
				s = s[:rnd.IntN(len(s)+1)]
			case 4: // a long run of digits
				i := rnd.IntN(len(s) + 1)
				s = s[:i] + strings.Repeat(strconv.Itoa(rnd.IntN(10)), 20+rnd.IntN(400)) + s[i:]
			case 5: // a dropped character
				rs := []rune(s)
				if len(rs) > 0 {
					i := rnd.IntN(len(rs))
					s = string(rs[:i]) + string(rs[i+1:])
				}
			}
		}
		return s
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 25; i++ {
			in := []byte(mutate(string(b)))
			start := time.Now()
			doc, _ := extract.Text(in, extract.Options{Timeout: 3 * time.Second})
			r := Parse(doc, Meta{})
			j1, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("%s #%d: %v", f, i, err)
			}
			j2, _ := json.Marshal(Parse(doc, Meta{}))
			if !bytes.Equal(j1, j2) {
				t.Fatalf("%s #%d: two parses differ", f, i)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("%s #%d: %v", f, i, d)
			}
			n++
		}
	}
	t.Logf("%d mutated texts", n)
}
