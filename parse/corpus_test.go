package parse

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/report"
)

var (
	engOnce sync.Once
	eng     *pdf.Engine
	engErr  error
)

// testEngine shares one PDF engine (and a compilation cache that outlives
// the run) across tests.
func testEngine(t testing.TB) *pdf.Engine {
	engOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "nianbao-test-cache")
		eng, engErr = pdf.NewEngine(context.Background(), pdf.Config{CacheDir: dir, Workers: 1})
	})
	if engErr != nil {
		t.Fatalf("pdf engine: %v", engErr)
	}
	return eng
}

type corpusCase struct {
	name, file string
	exp        map[string]any
}

func loadCorpus(t *testing.T) []corpusCase {
	exps, err := filepath.Glob(filepath.Join(corpusDir, "*.expected.json"))
	if err != nil || len(exps) == 0 {
		t.Fatalf("no corpus in %s: %v", corpusDir, err)
	}
	var out []corpusCase
	for _, e := range exps {
		name := strings.TrimSuffix(filepath.Base(e), ".expected.json")
		b, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		var exp map[string]any
		if err := json.Unmarshal(b, &exp); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		src := exp["source"].(map[string]any)["file"].(string)
		out = append(out, corpusCase{name, filepath.Join(corpusDir, src), exp})
	}
	return out
}

// parse parses the case's file with the meta its expectation names and
// returns the report as generic JSON, as the expectation is written.
func (c corpusCase) parse(t *testing.T) map[string]any {
	t.Helper()
	meta := report.Meta{}
	if m, ok := c.exp["meta"].(map[string]any); ok {
		meta.Region, _ = m["region"].(string)
		meta.Title, _ = m["title"].(string)
	}
	b, err := json.Marshal(parseFile(t, c.file, meta))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func parseFile(t *testing.T, path string, meta report.Meta) *report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	meta.File = filepath.Base(path)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := Options{PDF: pdf.Options{OCR: pdf.OCROff}}
	if sniffIsPDF(data) {
		opts.PDFEngine = testEngine(t)
	}
	r, err := Parse(ctx, data, meta, opts)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return r
}

func sniffIsPDF(b []byte) bool { return strings.Contains(string(b[:min(len(b), 1024)]), "%PDF-") }

func codes(ws []any) []string {
	set := map[string]bool{}
	for _, w := range ws {
		switch v := w.(type) {
		case string:
			set[v] = true
		case map[string]any:
			set[v["code"].(string)] = true
		}
	}
	var out []string
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// TestCorpus parses every report in testdata/reports and compares every
// field with its hand-checked NAME.expected.json (warnings by code).
func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 40 {
		t.Errorf("corpus has %d reports, want ≥ 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.parse(t)
			for k, want := range c.exp {
				switch k {
				case "meta", "provenance": // provenance: TestProvenance
					continue
				case "warnings":
					g, w := codes(got["warnings"].([]any)), codes(want.([]any))
					if !reflect.DeepEqual(g, w) {
						t.Errorf("warnings: got codes %v, want %v\n%s", g, w, mustJSON(got["warnings"]))
					}
					continue
				}
				if !reflect.DeepEqual(got[k], want) {
					t.Errorf("%s:\n got: %s\nwant: %s", k, mustJSON(got[k]), mustJSON(want))
				}
			}
			for k := range got {
				if _, ok := c.exp[k]; !ok && k != "provenance" {
					t.Errorf("unexpected field %q", k)
				}
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestSameReportEveryContainer: the samples are one report as DOCX, DOC,
// WPS and three PDFs; the tables must come out identical, and equal to the
// generator's text renderings of the same numbers.
func TestSameReportEveryContainer(t *testing.T) {
	files := []string{"sample-docx.docx", "sample-doc.doc", "sample-wps.wps", "sample-pdf-lo-wqy.pdf", "sample-pdf-lo-notocjk.pdf", "sample-pdf-chromium-cid.pdf"}
	var first []byte
	for _, f := range files {
		r := parseFile(t, filepath.Join(corpusDir, f), report.Meta{})
		tables, err := json.Marshal([]any{r.Active, r.Requests, r.ReviewLitigation})
		if err != nil {
			t.Fatal(err)
		}
		if r.Requests == nil || len(r.Requests.Rows) != 25 || r.Active == nil || r.ReviewLitigation == nil {
			t.Errorf("%s: tables incomplete: %s", f, tables)
		}
		if first == nil {
			first = tables
			continue
		}
		if string(tables) != string(first) {
			t.Errorf("%s: tables differ from %s:\n got %s\nwant %s", f, files[0], tables, first)
		}
	}
}
