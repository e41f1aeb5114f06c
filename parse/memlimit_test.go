package parse

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/parse/ocr"
	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/pdf/pdftest"
	"github.com/nianbao/nianbao/parse/report"
)

// noWords stands in for tesseract: the page is still rendered by pdfium
// (which decodes its image); no word is read from it.
type noWords struct{}

func (noWords) Recognize(context.Context, ocr.Request) ([]ocr.Word, error) { return nil, nil }

// TestMemoryLimitStatus: a PDF whose page pdfium cannot render within its
// memory budget (here 40 MiB for a 6000 × 6000 image) parses to status
// failed with one pdf_memory_limit warning naming the budget, not to a
// blank page read.
func TestMemoryLimitStatus(t *testing.T) {
	eng, err := pdf.NewEngine(context.Background(), pdf.Config{CacheDir: filepath.Join(os.TempDir(), "nianbao-test-cache"), Workers: 1, TotalMemoryMB: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	data := pdftest.ImagePage(595, 842, pdftest.Image{Width: 6000, Height: 6000, Filter: "FlateDecode", Data: pdftest.BombStream(6000 * 6000)})
	r, err := Parse(context.Background(), data, report.Meta{File: "big-image.pdf"}, Options{PDFEngine: eng, PDF: pdf.Options{Recognizer: noWords{}}})
	if err != nil {
		t.Fatal(err)
	}
	if st := Status(r); st != StatusFailed {
		t.Errorf("status %q, want %q; warnings %v", st, StatusFailed, r.Warnings)
	}
	n := 0
	for _, w := range r.Warnings {
		if w.Code == WarnMemoryLimit {
			n++
			if !strings.Contains(w.Message, "budget of 40 MiB") {
				t.Errorf("warning %q does not name the budget", w.Message)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d %s warnings in %v, want 1", n, WarnMemoryLimit, r.Warnings)
	}
}
