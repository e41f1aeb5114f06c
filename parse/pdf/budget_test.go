package pdf

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"

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

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestMemoryBudgetReadsAgainAlone: a document refused memory that
// another document holds (here a 60 MB file kept open in the other
// instance, of a 100 MiB budget) is read again once it can be read alone,
// and then succeeds: the budget bounds the process, not which of two
// documents happens to be read beside a big one.
func TestMemoryBudgetReadsAgainAlone(t *testing.T) {
	if !useMappedMemory || newWasmMemory(0, 0) == nil {
		t.Skip("no memory budget on this platform")
	}
	logs := &syncBuffer{}
	e, err := NewEngine(context.Background(), Config{CacheDir: filepath.Join(os.TempDir(), "nianbao-test-cache"), Workers: 2, TotalMemoryMB: 100,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// The other document: held open, as a document being read.
	e.exclusive.RLock()
	inst, release, err := e.instance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	held := append(pdftest.OnePage(pdftest.Zlib([]byte("BT /F1 12 Tf 72 700 Td (x) Tj ET")), pdftest.Plain), make([]byte, 60<<20)...)
	opened, err := inst.OpenDocument(&requests.OpenDocument{File: &held})
	if err != nil {
		t.Fatal(err)
	}
	page := pdftest.ImagePage(595, 842, pdftest.Image{Width: 4000, Height: 4000, Filter: "FlateDecode", Data: pdftest.BombStream(4000 * 4000)})
	done := make(chan error, 1)
	go func() {
		_, err := e.Extract(context.Background(), page, Options{Recognizer: &sizeRecorder{}})
		done <- err
	}()
	// Wait until the page was refused and waits to be read alone.
	for !strings.Contains(logs.String(), "reading again alone") {
		select {
		case err := <-done:
			t.Fatalf("the page ended (err %v) without being read again alone; logs:\n%s", err, logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	_, _ = inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: opened.Document})
	release()
	e.exclusive.RUnlock()
	if err := <-done; err != nil {
		t.Fatalf("read alone: %v", err)
	}
	if used := e.mem.usedPeakBytes(); used > 100<<20 {
		t.Errorf("instances held %d MiB together, budget 100 MiB", used>>20)
	}
}
