package pdf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/parse/ocr"
	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

// sizeRecorder is an OCR word source that reads nothing and records the
// size and resolution of each page image pdfium rendered for it.
type sizeRecorder struct {
	mu    sync.Mutex
	sizes [][3]int // width, height, dpi
}

func (r *sizeRecorder) Recognize(_ context.Context, req ocr.Request) ([]ocr.Word, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := req.Image.Bounds()
	r.sizes = append(r.sizes, [3]int{b.Dx(), b.Dy(), req.DPI})
	return nil, nil
}

// TestOCRPageSizeBounded: a scanned page is rendered for OCR at 300 dpi
// when that fits maxOCRPixels, at the resolution that fits for a bigger
// page (an A0 poster), and not at all, with a warning saying why, for a
// page too large to read even at minOCRDPI.
func TestOCRPageSizeBounded(t *testing.T) {
	grey := pdftest.Image{Width: 64, Height: 64, Filter: "FlateDecode", Data: pdftest.Zlib(make([]byte, 64*64))}
	for _, c := range []struct {
		name          string
		w, h          float64
		minDPI, maxPx int // 0, 0: not rendered
	}{
		{"A4", 595, 842, 300, 2480 * 3509}, // 8.26 × 11.69 inches, rounded up
		{"A0", 2384, 3370, minOCRDPI, maxOCRPixels},
		{"200 inches a side", 14400, 14400, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &sizeRecorder{}
			doc, err := testEngine.Extract(context.Background(), pdftest.ImagePage(c.w, c.h, grey), Options{Recognizer: rec})
			if err != nil {
				t.Fatal(err)
			}
			if c.maxPx == 0 {
				if len(rec.sizes) != 0 {
					t.Errorf("rendered %v, want no rendering", rec.sizes)
				}
				if w := warning(doc, WarnOCRFailed); !strings.Contains(w, "too large to OCR") {
					t.Errorf("warnings %v: want %s saying the page is too large", doc.Warnings, WarnOCRFailed)
				}
				return
			}
			if len(rec.sizes) == 0 {
				t.Fatalf("page not rendered for OCR; warnings %v", doc.Warnings)
			}
			for _, s := range rec.sizes {
				if s[0]*s[1] > c.maxPx || s[2] < c.minDPI || s[2] > ocrDPI {
					t.Errorf("rendered %d × %d at %d dpi: want at most %d pixels at %d–%d dpi", s[0], s[1], s[2], c.maxPx, c.minDPI, ocrDPI)
				}
			}
		})
	}
}

// TestMemoryBudgetRefuses: with all instances' memory bounded to 40 MiB,
// a page painting a 6000 × 6000 image (36 MB decoded) rendered for OCR
// fails with ErrMemoryLimit instead of reading as a blank page, and the
// engine then reads an ordinary report within the budget.
func TestMemoryBudgetRefuses(t *testing.T) {
	if !useMappedMemory || newWasmMemory(0, 0) == nil {
		t.Skip("no memory budget on this platform")
	}
	e, err := NewEngine(context.Background(), Config{CacheDir: filepath.Join(os.TempDir(), "nianbao-test-cache"), Workers: 2, TotalMemoryMB: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	page := pdftest.ImagePage(595, 842, pdftest.Image{Width: 6000, Height: 6000, Filter: "FlateDecode", Data: pdftest.BombStream(6000 * 6000)})
	_, err = e.Extract(context.Background(), page, Options{Recognizer: &sizeRecorder{}})
	if !errors.Is(err, ErrMemoryLimit) || !strings.Contains(err.Error(), "budget of 40 MiB") {
		t.Fatalf("err %v, want %v naming the 40 MiB budget", err, ErrMemoryLimit)
	}
	if used := e.mem.usedPeakBytes(); used > 40<<20 {
		t.Errorf("instances held %d MiB together, budget 40 MiB", used>>20)
	}
	doc, err := e.Extract(context.Background(), readSample(t, "report-chromium-cid.pdf"), Options{PdfiumOnly: true})
	if err != nil || doc.Pages == 0 {
		t.Fatalf("after the refusal, a report: %v", err)
	}
}
