package pdf

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

var benchFiles = []struct {
	file  string
	pages int
}{
	{"report-lo-wqy.pdf", 4},
	{"report-lo-notocjk.pdf", 4},
	{"report-chromium-cid.pdf", 5},
}

// BenchmarkPDF reports ms/page for Extract on the three text PDFs and, in
// the same run, for `pdftotext -layout` on the same files when poppler is
// installed (the ratio is go/pdftotext; target ≤ 2).
func BenchmarkPDF(b *testing.B) {
	pdftotext, _ := exec.LookPath("pdftotext")
	for _, f := range benchFiles {
		data := readSample(b, f.file)
		var goPerPage time.Duration
		b.Run(f.file+"/go", func(b *testing.B) {
			for b.Loop() {
				if _, err := testEngine.Extract(context.Background(), data, Options{OCR: OCROff}); err != nil {
					b.Fatal(err)
				}
			}
			goPerPage = b.Elapsed() / time.Duration(b.N*f.pages)
			b.ReportMetric(float64(goPerPage.Microseconds())/1000, "ms/page")
		})
		if pdftotext == "" {
			b.Logf("%s: pdftotext not installed (apt-get install poppler-utils); no comparison", f.file)
			continue
		}
		path := filepath.Join(samples, f.file)
		b.Run(f.file+"/pdftotext", func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(pdftotext, "-layout", path, "-").Output(); err != nil || len(out) == 0 {
					b.Fatalf("pdftotext: %v", err)
				}
			}
			per := b.Elapsed() / time.Duration(b.N*f.pages)
			b.ReportMetric(float64(per.Microseconds())/1000, "ms/page")
			if per > 0 && goPerPage > 0 {
				b.ReportMetric(float64(goPerPage)/float64(per), "go/pdftotext")
			}
		})
	}
}

// FuzzPDF feeds mutated PDFs to the engine: it must return a document or
// an error, never panic or hang. Each input runs under a short timeout
// (wasm is slow; keep fuzz runs short: -fuzztime 60s).
func FuzzPDF(f *testing.F) {
	for _, name := range []string{"report-lo-wqy.pdf", "report-outlines.pdf"} {
		data := readSample(f, name)
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	f.Add([]byte("%PDF-"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		doc, err := testEngine.Extract(ctx, data, Options{OCR: OCROff, MaxPages: 20, Timeout: 15 * time.Second})
		if err == nil && doc == nil {
			t.Fatal("nil doc without error")
		}
		if err == nil && doc.Pages < 0 {
			t.Fatalf("pages = %d", doc.Pages)
		}
	})
}
