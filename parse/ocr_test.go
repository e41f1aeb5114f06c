package parse

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/ocr"
	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/report"
)

var updateOCR = flag.Bool("update-ocr", false, "record the sample scans' OCR answers again with tesseract (testdata/ocr)")

// The two sample scans hold one page of the report's tables: section 三
// from 2.没有现成信息需要另行制作 to 四、结转下年度继续办理, and section 四.
// The true values are those of the same report read from its DOCX.
var ocrVisible = []string{
	"requests.unable.needs_creation.", "requests.unable.unclear.", "requests.not_processed.",
	"requests.other.", "requests.total.", "requests.carried_forward.", "review_litigation.",
}

// ocrTruth: the table cells of the DOCX sample that the scans show.
func ocrTruth(t *testing.T) (map[string]any, *report.Report) { return ocrTruthB(t) }

func ocrTruthB(t testing.TB) (map[string]any, *report.Report) {
	t.Helper()
	data, err := os.ReadFile("../testdata/samples/report.docx")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(context.Background(), data, report.Meta{File: "report.docx"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for k, v := range reportCells(r) {
		for _, p := range ocrVisible {
			if strings.HasPrefix(k, p) {
				out[k] = v
			}
		}
	}
	if len(out) != 12*7+15 {
		t.Fatalf("truth has %d visible cells, want 99", len(out))
	}
	return out, r
}

// scoreOCR counts the truth's cells the report gives right, and lists
// those it gives wrong (a value that is not the true one, anywhere).
func scoreOCR(truth map[string]any, r *report.Report) (right int, wrong []string) {
	for k, v := range reportCells(r) {
		if v == nil {
			continue
		}
		tv, ok := truth[k]
		switch {
		case ok && tv == v:
			right++
		default:
			wrong = append(wrong, k)
		}
	}
	sort.Strings(wrong)
	return right, wrong
}

func needTesseract(t *testing.T) string { return needTesseractB(t) }

func needTesseractB(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("tesseract")
	if err != nil {
		t.Skip("tesseract not on PATH (apt-get install tesseract-ocr tesseract-ocr-chi-sim; .ci/run installs them)")
	}
	out, _ := exec.Command(bin, "--list-langs").CombinedOutput()
	if !strings.Contains(string(out), "chi_sim") {
		t.Skip("tesseract has no chi_sim data (apt-get install tesseract-ocr-chi-sim)")
	}
	if testing.Short() {
		t.Skip("OCR takes a few seconds per page; skipped with -short")
	}
	return bin
}

// recording loads the sample's recorded OCR answers (or, with
// -update-ocr, records them with tesseract and writes them at the end).
func recording(t *testing.T, sample string) *ocr.Recording {
	t.Helper()
	path := filepath.Join("../testdata/ocr", strings.TrimSuffix(sample, ".pdf")+".json")
	rec := &ocr.Recording{}
	if *updateOCR {
		bin := needTesseract(t)
		rec.Next = ocr.Tesseract{Bin: bin}
		t.Cleanup(func() {
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		})
		return rec
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, rec); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rec
}

func parseOCR(t *testing.T, sample string, rec ocr.Recognizer, meta report.Meta) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../testdata/samples", sample))
	if err != nil {
		t.Fatal(err)
	}
	meta.File = sample
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r, err := Parse(ctx, data, meta, Options{PDFEngine: testEngine(t), PDF: pdf.Options{Recognizer: rec}})
	if err != nil {
		t.Fatalf("Parse(%s): %v", sample, err)
	}
	return r
}

// checkOCRSample holds a sample scan's report to the targets: at least
// 90% of the table values shown, none wrong, the body right or absent.
func checkOCRSample(t *testing.T, sample string, r *report.Report, truth map[string]any, body string) {
	t.Helper()
	right, wrong := scoreOCR(truth, r)
	t.Logf("%s: %d of %d table values, %d wrong %v; body %q region %q", sample, right, len(truth), len(wrong), wrong, r.Body, r.Region)
	if len(wrong) > 0 {
		t.Errorf("%s: wrong values %v", sample, wrong)
	}
	if right*10 < len(truth)*9 {
		t.Errorf("%s: %d of %d table values read, want at least 90%%; warnings %v", sample, right, len(truth), r.Warnings)
	}
	if r.Body != "" && r.Body != body {
		t.Errorf("%s: body %q, want %q or none", sample, r.Body, body)
	}
	if Status(r) == StatusNeedsOCR {
		t.Errorf("%s: status %s although tables were read", sample, Status(r))
	}
}

// TestOCRSamples runs tesseract on the two sample scans (pages rendered,
// tables rebuilt, numbers re-read and gated).
func TestOCRSamples(t *testing.T) {
	needTesseract(t)
	truth, tr := ocrTruth(t)
	for _, sample := range []string{"report-scan.pdf", "report-outlines.pdf"} {
		t.Run(sample, func(t *testing.T) {
			checkOCRSample(t, sample, parseOCR(t, sample, nil, report.Meta{}), truth, tr.Body)
		})
	}
}

// TestOCRSamplesRecorded is TestOCRSamples on the recorded answers of
// tesseract: the same pipeline, deterministic, without tesseract.
func TestOCRSamplesRecorded(t *testing.T) {
	truth, tr := ocrTruth(t)
	for _, sample := range []string{"report-scan.pdf", "report-outlines.pdf"} {
		t.Run(sample, func(t *testing.T) {
			checkOCRSample(t, sample, parseOCR(t, sample, recording(t, sample), report.Meta{}), truth, tr.Body)
		})
	}
}

// TestOCRGateWithholdsCorruptedDigit: one digit of the scan's 总计 row
// misread the same way by both readings (26 → 28), so re-reading cannot
// catch it; the row's H3 fails and the trust gate must withhold the row,
// naming the failure, and give every other row as before.
func TestOCRGateWithholdsCorruptedDigit(t *testing.T) {
	truth, _ := ocrTruth(t)
	clean := parseOCR(t, "report-scan.pdf", recording(t, "report-scan.pdf"), report.Meta{})
	if v, _ := clean.Requests.Get("total"); v[0] == nil || *v[0] != 26 {
		t.Fatalf("uncorrupted: requests.total = %v, want 26 first", v)
	}
	rec := recording(t, "report-scan.pdf")
	altered := 0
	rec.Alter = func(_ ocr.Request, words []ocr.Word) []ocr.Word {
		for i := range words {
			if words[i].Text == "26" {
				words[i].Text = "28"
				altered++
			}
		}
		return words
	}
	r := parseOCR(t, "report-scan.pdf", rec, report.Meta{})
	if altered < 2 {
		t.Fatalf("the digit was altered in %d readings, want both (the cell sheet and the digits)", altered)
	}
	if v, ok := r.Requests.Get("total"); !ok || v != [7]*float64{} {
		t.Errorf("requests.total = %v, want the row withheld (all null)", v)
	}
	msg := ""
	for _, w := range r.Warnings {
		if w.Code == ocr.WarnWithheld {
			msg = w.Message
		}
	}
	if !strings.Contains(msg, "requests.total (H3 requests.total: 36 ≠ 34)") {
		t.Errorf("withheld warning %q does not name the failed check", msg)
	}
	right, wrong := scoreOCR(truth, r)
	if len(wrong) > 0 {
		t.Errorf("wrong values %v", wrong)
	}
	cr, _ := scoreOCR(truth, clean)
	if right != cr-7 {
		t.Errorf("%d values kept, want %d (all but the 7 of the row)", right, cr-7)
	}
}

// TestOCRNamesChecked: the scan's title reads 候/优师区 for 偃师区; with the
// listing's title known, the body and region come from it, and the
// OCR'd names are only a warning.
func TestOCRNamesChecked(t *testing.T) {
	_, tr := ocrTruth(t)
	meta := report.Meta{Title: "偃师区工业和信息化局2023年政府信息公开工作年度报告", Region: "河南省洛阳市"}
	r := parseOCR(t, "report-scan.pdf", recording(t, "report-scan.pdf"), meta)
	if r.Body != tr.Body {
		t.Errorf("body %q, want %q (the listing title's)", r.Body, tr.Body)
	}
	if r.Region != tr.Region && !strings.HasSuffix(r.Region, tr.Region) {
		t.Errorf("region %q, want %q", r.Region, tr.Region)
	}
	found := false
	for _, w := range r.Warnings {
		if w.Code == ocr.WarnNameUnconfirmed && strings.Contains(w.Message, "师区工业和信息化局") {
			found = true
		}
	}
	if !found {
		t.Errorf("no %s warning naming the OCR'd body: %v", ocr.WarnNameUnconfirmed, r.Warnings)
	}
}

// TestOCRAbsentNeedsOCR: without tesseract a scan is parsed as before,
// needs_ocr, with no number and no name taken from it.
func TestOCRAbsentNeedsOCR(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no tesseract
	r := parseOCR(t, "report-scan.pdf", nil, report.Meta{})
	if got := Status(r); got != StatusNeedsOCR {
		t.Errorf("status %s, want %s; warnings %v", got, StatusNeedsOCR, r.Warnings)
	}
	if r.Requests != nil || r.ReviewLitigation != nil || r.Active != nil {
		t.Errorf("numbers without OCR: %+v %+v %+v", r.Requests, r.ReviewLitigation, r.Active)
	}
}
