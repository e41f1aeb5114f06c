package pdf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/extract"
)

// testEngine is shared by all tests: start-up costs seconds without the
// compilation cache, ~0.1 s with it.
var testEngine *Engine

func TestMain(m *testing.M) {
	cache := os.Getenv("NIANBAO_TEST_CACHE")
	if cache == "" {
		cache = filepath.Join(os.TempDir(), "nianbao-test-cache")
	}
	// The children of TestPDFBombBounded measure parts of the defence.
	if os.Getenv("NIANBAO_BOMB_NOMMAP") != "" {
		useMappedMemory = false
	}
	if os.Getenv("NIANBAO_BOMB_NOSCAN") != "" {
		skipInflateCheck = true
	}
	var err error
	testEngine, err = NewEngine(context.Background(), Config{CacheDir: cache, Workers: 2})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pdf engine:", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := testEngine.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close:", err)
	}
	os.Exit(code)
}

const samples = "../../testdata/samples"

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samples, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type gtRow struct {
	Table string   `json:"table"`
	Label string   `json:"label"`
	Nums  []string `json:"nums"`
}

type groundTruth struct {
	Text string  `json:"text"`
	Rows []gtRow `json:"rows"`
}

func loadGT(t testing.TB) groundTruth {
	t.Helper()
	var gt groundTruth
	if err := json.Unmarshal(readSample(t, "report.gt.json"), &gt); err != nil {
		t.Fatal(err)
	}
	if len(gt.Rows) != 32 {
		t.Fatalf("ground truth has %d rows, want 32", len(gt.Rows))
	}
	return gt
}

// tableRows flattens every table block's rows in document order.
func tableRows(doc *extract.Doc) [][]string {
	var rows [][]string
	for _, b := range doc.Blocks {
		if b.IsTable() {
			rows = append(rows, b.Rows...)
		}
	}
	return rows
}

func nospace(s string) string { return strings.Join(strings.Fields(s), "") }

// findRow checks one ground-truth row against the rebuilt rows, starting
// at row from. A labelled row: the first row whose label cells contain
// the label's start; its numbers are the next len(nums) number cells,
// which may sit on that row or (wrapped label) on the next two rows. A
// row without a label (table 四): a row whose numbers are exactly nums.
// It returns the index after the matched label row.
func findRow(rows [][]string, from int, want gtRow) (int, error) {
	if want.Label == "" {
		for i := from; i < len(rows); i++ {
			if strings.Join(numbersOf(rows[i]), " ") == strings.Join(want.Nums, " ") {
				return i + 1, nil
			}
		}
		return from, fmt.Errorf("no row with numbers %v", want.Nums)
	}
	prefix := []rune(nospace(want.Label))
	if len(prefix) > 8 {
		prefix = prefix[:8]
	}
	for i := from; i < len(rows); i++ {
		var label string
		for _, c := range rows[i] {
			if !isNumberCell(c) {
				label += nospace(c)
			}
		}
		if !strings.Contains(label, string(prefix)) {
			continue
		}
		var got []string
		for j := i; j < len(rows) && j <= i+2 && len(got) < len(want.Nums); j++ {
			got = append(got, numbersOf(rows[j])...)
		}
		if len(got) > len(want.Nums) {
			got = got[:len(want.Nums)]
		}
		if strings.Join(got, " ") != strings.Join(want.Nums, " ") {
			return from, fmt.Errorf("label %q at row %d: numbers %v, want %v", want.Label, i, got, want.Nums)
		}
		return i + 1, nil
	}
	return from, fmt.Errorf("label %q not found", want.Label)
}

func numbersOf(row []string) []string {
	var out []string
	for _, c := range row {
		if isNumberCell(c) {
			out = append(out, strings.TrimSpace(c))
		}
	}
	return out
}

func TestSamplesYieldAllRows(t *testing.T) {
	gt := loadGT(t)
	// Ground-truth paragraphs (sentences) that must come out as one Text
	// block each, whatever the producer's line breaks.
	var paras []string
	for _, l := range strings.Split(gt.Text, "\n") {
		if strings.HasSuffix(l, "。") && len([]rune(l)) > 30 {
			paras = append(paras, l)
		}
	}
	if len(paras) < 5 {
		t.Fatalf("only %d ground-truth paragraphs", len(paras))
	}
	tests := []struct {
		file  string
		pages int
	}{
		{"report-lo-wqy.pdf", 4},
		{"report-lo-notocjk.pdf", 4},
		{"report-chromium-cid.pdf", 5},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := testEngine.Extract(context.Background(), readSample(t, tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Container != "pdf" || doc.Pages != tt.pages || doc.NeedsOCR || doc.Encrypted {
				t.Errorf("container %q pages %d needsOCR %v encrypted %v; want pdf %d false false",
					doc.Container, doc.Pages, doc.NeedsOCR, doc.Encrypted, tt.pages)
			}
			if len(doc.Warnings) != 0 {
				t.Errorf("warnings: %v", doc.Warnings)
			}
			rows := tableRows(doc)
			at, found := 0, 0
			for _, want := range gt.Rows {
				next, err := findRow(rows, at, want)
				if err != nil {
					t.Errorf("table %s: %v", want.Table, err)
					continue
				}
				at = next
				found++
			}
			if found != len(gt.Rows) {
				t.Errorf("found %d of %d rows", found, len(gt.Rows))
			}
			texts := map[string]bool{}
			for _, b := range doc.Blocks {
				if !b.IsTable() {
					texts[b.Text] = true
				}
				if isPageBreak(b) {
					t.Errorf("page-break sentinel leaked into the output")
				}
			}
			for _, p := range paras {
				if !texts[p] {
					t.Errorf("paragraph not found as one Text block: %.40s…", p)
				}
			}
			// Prose numbers must not be in tables: the overview's "37条"
			// sentence is text.
			for _, r := range rows {
				if strings.Contains(strings.Join(r, ""), "政务信息37条") {
					t.Errorf("prose line in a table: %v", r)
				}
			}
		})
	}
}

func TestNoTextLayerNeedsOCR(t *testing.T) {
	for _, file := range []string{"report-scan.pdf", "report-outlines.pdf"} {
		t.Run(file, func(t *testing.T) {
			doc, err := testEngine.Extract(context.Background(), readSample(t, file), Options{OCR: OCROff})
			if err != nil {
				t.Fatal(err)
			}
			if !doc.NeedsOCR {
				t.Error("NeedsOCR not set")
			}
			if !hasWarning(doc, WarnNeedsOCR) || hasWarning(doc, WarnOCR) {
				t.Errorf("warnings %v: want %s and no %s", doc.Warnings, WarnNeedsOCR, WarnOCR)
			}
			if doc.Pages == 0 {
				t.Error("Pages not set")
			}
		})
	}
}

func TestNoTesseractIsNotAnError(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // nothing on PATH
	doc, err := testEngine.Extract(context.Background(), readSample(t, "report-outlines.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !doc.NeedsOCR || !hasWarning(doc, WarnNeedsOCR) {
		t.Fatalf("needsOCR %v warnings %v", doc.NeedsOCR, doc.Warnings)
	}
	if w := warning(doc, WarnNeedsOCR); !strings.Contains(w, "tesseract is not installed") {
		t.Errorf("warning does not say why: %q", w)
	}
}

func TestBrokenTesseractIsAWarning(t *testing.T) {
	doc, err := testEngine.Extract(context.Background(), readSample(t, "report-outlines.pdf"),
		Options{Tesseract: filepath.Join(t.TempDir(), "no-such-tesseract")})
	if err != nil {
		t.Fatal(err)
	}
	if !doc.NeedsOCR || !hasWarning(doc, WarnOCRFailed) || hasWarning(doc, WarnOCR) {
		t.Fatalf("needsOCR %v warnings %v", doc.NeedsOCR, doc.Warnings)
	}
}

func TestOCR(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract not on PATH (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
	}
	if testing.Short() {
		t.Skip("OCR takes ~10 s per page on a busy 2-core machine; skipped with -short")
	}
	out, _ := exec.Command("tesseract", "--list-langs").CombinedOutput()
	if !strings.Contains(string(out), "chi_sim") {
		t.Skip("tesseract has no chi_sim data (apt-get install tesseract-ocr-chi-sim)")
	}
	doc, err := testEngine.Extract(context.Background(), readSample(t, "report-outlines.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !doc.NeedsOCR || !hasWarning(doc, WarnOCR) {
		t.Fatalf("needsOCR %v warnings %v", doc.NeedsOCR, doc.Warnings)
	}
	// Prose comes out nearly right (table numbers do not: see the warning).
	var all strings.Builder
	for _, b := range doc.Blocks {
		all.WriteString(b.Text)
		for _, r := range b.Rows {
			all.WriteString(strings.Join(r, ""))
		}
	}
	got := nospace(all.String())
	for _, want := range []string{"政府信息公开行政复议", "存在的主要问题及改进情况", "申请人无正当理由逾期不补"} {
		if !strings.Contains(got, want) {
			t.Errorf("OCR text lacks %q", want)
		}
	}
}

func TestEncrypted(t *testing.T) {
	for _, file := range []string{"encrypted-user-rc4.pdf", "encrypted-user-aes256.pdf"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("../../testdata/pdf", file))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := testEngine.Extract(context.Background(), data, Options{})
			if !errors.Is(err, ErrEncrypted) {
				t.Fatalf("err = %v, want ErrEncrypted", err)
			}
			if doc == nil || !doc.Encrypted || doc.Container != "pdf" {
				t.Fatalf("doc = %+v, want Encrypted pdf", doc)
			}
		})
	}
	// Owner password only: readable, with a warning.
	data, err := os.ReadFile("../../testdata/pdf/encrypted-owner-only.pdf")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := testEngine.Extract(context.Background(), data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Encrypted || !hasWarning(doc, WarnOwnerLocked) {
		t.Errorf("encrypted %v warnings %v", doc.Encrypted, doc.Warnings)
	}
	if _, err := findRow(tableRows(doc), 0, loadGT(t).Rows[6]); err != nil {
		t.Error(err)
	}
}

func TestHostileInputs(t *testing.T) {
	good := readSample(t, "report-lo-wqy.pdf")
	rng := rand.New(rand.NewSource(1))
	corrupt := func(frac float64) []byte {
		b := append([]byte(nil), good...)
		for i := 0; i < int(float64(len(b))*frac); i++ {
			b[rng.Intn(len(b)-64)+64] = byte(rng.Intn(256))
		}
		return b
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr error // nil: any outcome but a panic or hang
	}{
		{"empty", nil, ErrNotPDF},
		{"html named pdf", []byte("<!DOCTYPE html><html><body>404 Not Found</body></html>"), ErrNotPDF},
		{"header only", []byte("%PDF-1.7\n"), ErrCorrupt},
		{"header and junk", append([]byte("%PDF-1.4\n"), make([]byte, 5000)...), ErrCorrupt},
		{"truncated 10%", good[:len(good)/10], nil},
		{"truncated 60%", good[:len(good)*6/10], nil},
		{"no xref tail", good[:len(good)-200], nil},
		{"corrupt 0.1%", corrupt(0.001), nil},
		{"corrupt 2%", corrupt(0.02), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			doc, err := testEngine.Extract(ctx, tt.data, Options{OCR: OCROff})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err == nil && doc == nil {
				t.Fatal("nil doc without error")
			}
			if err != nil && ctx.Err() != nil {
				t.Fatalf("hung until the deadline: %v", err)
			}
		})
	}
}

func TestTimeoutKillsAndEngineRecovers(t *testing.T) {
	data := readSample(t, "report-chromium-cid.pdf")
	// PdfiumOnly: the fast path may finish a document within 1 ms, and
	// this test is about killing a pdfium instance mid-document.
	_, err := testEngine.Extract(context.Background(), data, Options{Timeout: time.Millisecond, PdfiumOnly: true})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := testEngine.Extract(ctx, data, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
	doc, err := testEngine.Extract(context.Background(), data, Options{})
	if err != nil || doc.Pages != 5 {
		t.Fatalf("after a killed instance: pages %v err %v", doc, err)
	}
}

func TestMaxPagesAndSize(t *testing.T) {
	doc, err := testEngine.Extract(context.Background(), readSample(t, "report-lo-wqy.pdf"), Options{MaxPages: 1})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Pages != 4 || !hasWarning(doc, WarnPagesCut) {
		t.Errorf("pages %d warnings %v", doc.Pages, doc.Warnings)
	}
	for _, r := range tableRows(doc) {
		if len(numbersOf(r)) == 7 {
			t.Errorf("row from a page beyond MaxPages: %v", r)
		}
	}
	small, err := NewEngine(context.Background(), Config{CacheDir: filepath.Join(os.TempDir(), "nianbao-test-cache"), MaxBytes: 1000, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if _, err := small.Extract(context.Background(), readSample(t, "report-lo-wqy.pdf"), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

func TestConcurrentExtractsAgree(t *testing.T) {
	files := []string{"report-lo-wqy.pdf", "report-lo-notocjk.pdf", "report-chromium-cid.pdf"}
	want := map[string]string{}
	for _, f := range files {
		doc, err := testEngine.Extract(context.Background(), readSample(t, f), Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(doc)
		want[f] = string(b)
	}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		f := files[i%len(files)]
		data := readSample(t, f)
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc, err := testEngine.Extract(context.Background(), data, Options{})
			if err != nil {
				t.Error(err)
				return
			}
			if b, _ := json.Marshal(doc); string(b) != want[f] {
				t.Errorf("%s: concurrent result differs", f)
			}
		}()
	}
	wg.Wait()
}

func TestDefaultEngine(t *testing.T) {
	SetDefaultConfig(Config{CacheDir: filepath.Join(os.TempDir(), "nianbao-test-cache"), Workers: 1})
	e1, err := DefaultEngine()
	if err != nil {
		t.Fatal(err)
	}
	e2, _ := DefaultEngine()
	if e1 != e2 {
		t.Error("DefaultEngine not shared")
	}
	if err := CloseDefault(); err != nil {
		t.Fatal(err)
	}
	if _, err := e1.Extract(context.Background(), readSample(t, "report-lo-wqy.pdf"), Options{}); err == nil {
		t.Error("closed engine still extracts")
	}
}

func hasWarning(doc *extract.Doc, code string) bool { return warning(doc, code) != "" }

func warning(doc *extract.Doc, code string) string {
	for _, w := range doc.Warnings {
		if w.Code == code {
			return w.Message
		}
	}
	return ""
}
