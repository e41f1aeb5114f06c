package pdf

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
)

var benchFiles = []struct {
	file  string
	pages int
}{
	{"report-lo-wqy.pdf", 4},
	{"report-lo-notocjk.pdf", 4},
	{"report-chromium-cid.pdf", 5},
}

// BenchmarkPDF reports ms/page for Extract on the three text PDFs (go:
// the pure-Go fast path takes them; pdfium: the same call with
// PdfiumOnly) and, in the same run, for `pdftotext -layout` on the same
// files when poppler is installed. The ratios are go/pdftotext (target
// ≤ 2) and pdfium/pdftotext.
func BenchmarkPDF(b *testing.B) {
	pdftotext, _ := exec.LookPath("pdftotext")
	for _, f := range benchFiles {
		data := readSample(b, f.file)
		perPage := map[string]time.Duration{}
		for _, v := range []struct {
			name string
			opts Options
		}{{"go", Options{OCR: OCROff}}, {"pdfium", Options{OCR: OCROff, PdfiumOnly: true}}} {
			b.Run(f.file+"/"+v.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := testEngine.Extract(context.Background(), data, v.opts); err != nil {
						b.Fatal(err)
					}
				}
				per := b.Elapsed() / time.Duration(b.N*f.pages)
				perPage[v.name] = per
				b.ReportMetric(float64(per.Microseconds())/1000, "ms/page")
			})
		}
		goPerPage, pdfiumPerPage := perPage["go"], perPage["pdfium"]
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
			if per > 0 && pdfiumPerPage > 0 {
				b.ReportMetric(float64(pdfiumPerPage)/float64(per), "pdfium/pdftotext")
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

// BenchmarkPDFPhases splits one document's cost into pdfium's own work
// (FPDF_LoadPage: content and first-use font parsing; FPDFText_LoadPage)
// and the per-character calls readPage makes, in ms/page, so a change to
// the extraction loop can be weighed against what it can save at most.
func BenchmarkPDFPhases(b *testing.B) {
	for _, f := range benchFiles {
		data := readSample(b, f.file)
		b.Run(f.file, func(b *testing.B) {
			inst, release, err := testEngine.instance(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			defer release()
			var load, text, chars time.Duration
			for b.Loop() {
				od, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i < f.pages; i++ {
					s := time.Now()
					lp, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: od.Document, Index: i})
					if err != nil {
						b.Fatal(err)
					}
					load += time.Since(s)
					ref := lp.Page
					s = time.Now()
					tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &ref}})
					if err != nil {
						b.Fatal(err)
					}
					text += time.Since(s)
					s = time.Now()
					cnt, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: cnt.Count}); err != nil {
						b.Fatal(err)
					}
					for j := 0; j < cnt.Count; j++ {
						if _, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp.TextPage, Index: j}); err != nil {
							b.Fatal(err)
						}
					}
					chars += time.Since(s)
					_, _ = inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
					_, _ = inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: ref})
				}
				if _, err := inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: od.Document}); err != nil {
					b.Fatal(err)
				}
			}
			pages := float64(b.N * f.pages)
			b.ReportMetric(float64(load.Microseconds())/1000/pages, "loadpage-ms/page")
			b.ReportMetric(float64(text.Microseconds())/1000/pages, "textpage-ms/page")
			b.ReportMetric(float64(chars.Microseconds())/1000/pages, "chars-ms/page")
		})
	}
}
