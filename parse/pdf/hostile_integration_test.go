package pdf

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

// hostilePages are scanned pages whose size or image dimensions ask
// pdfium (and OCR) for far more memory than their bytes suggest.
func hostilePages() map[string][]byte {
	return map[string][]byte{
		// 200 × 200 inches: 3.6 G pixels at 300 dpi.
		"giant-mediabox": pdftest.ImagePage(14400, 14400, pdftest.Image{Width: 64, Height: 64, Filter: "FlateDecode", Data: pdftest.Zlib(make([]byte, 64*64))}),
		// An A4 page painting a 65535 × 65535 grey JPEG (4 GiB decoded) of 2 KB.
		"huge-dct": pdftest.ImagePage(595, 842, pdftest.Image{Width: 65535, Height: 65535, Filter: "DCTDecode", Data: pdftest.JPEGHeader(65535, 65535)}),
		// The same as RGB Flate: 50000 × 50000 × 3 (7 GiB) from a short stream.
		"huge-flate": pdftest.ImagePage(595, 842, pdftest.Image{Width: 50000, Height: 50000, RGB: true, Filter: "FlateDecode", Data: pdftest.Zlib(make([]byte, 1<<20))}),
		// 16000 × 16000 grey with all its data: 244 MiB inflated, under
		// the decompression scan's 256 MiB per stream.
		"big-flate-full": pdftest.ImagePage(595, 842, pdftest.Image{Width: 16000, Height: 16000, Filter: "FlateDecode", Data: pdftest.BombStream(16000 * 16000)}),
	}
}

// TestHostilePageChild is the child half of TestHostilePagesBounded: it
// reads the file named by NIANBAO_HOSTILE with two workers at once (the
// same file twice), OCR on, and prints the results and its peak memory.
func TestHostilePageChild(t *testing.T) {
	path := os.Getenv("NIANBAO_HOSTILE")
	if path == "" {
		t.Skip("child of TestHostilePagesBounded")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	type result struct {
		warnings []string
		err      error
	}
	res := make(chan result, 2)
	for range 2 {
		go func() {
			doc, err := testEngine.Extract(context.Background(), data, Options{OCR: OCRAuto})
			var ws []string
			if doc != nil {
				for _, w := range doc.Warnings {
					ws = append(ws, w.Code+": "+w.Message)
				}
			}
			res <- result{ws, err}
		}()
	}
	for range 2 {
		r := <-res
		fmt.Printf("RESULT err=%v warnings=%q\n", r.err, r.warnings)
	}
	fmt.Printf("took=%v wasm_peak=%d MiB\n", time.Since(start).Round(time.Millisecond), testEngine.mem.peakBytes()>>20)
	fmt.Printf("VmHWM=%s kB\n", vmHWM())
}

// TestHostilePagesBounded: two workers reading a scanned page of 200 ×
// 200 inches, or an A4 page painting an image of 65535 × 65535 pixels
// (a 2 KB JPEG, or a short Flate stream), with OCR on, stay under 1 GB
// together (peak RSS of a child process) and end in a result or a clear
// error, never a crash.
func TestHostilePagesBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and OCRs hostile pages in child processes")
	}
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract not installed")
	}
	dir := t.TempDir()
	for name, data := range hostilePages() {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".pdf")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			peak, out := peakRSS(t, "TestHostilePageChild", "NIANBAO_HOSTILE="+path)
			res := regexp.MustCompile(`(?m)^(RESULT|took=).*`).FindAllString(out, -1)
			t.Logf("%s (%d bytes): peak RSS %d MiB\n%s", name, len(data), peak>>20, strings.Join(res, "\n"))
			if peak >= 1<<30 {
				t.Errorf("peak RSS %d MiB, want under 1024 MiB", peak>>20)
			}
		})
	}
}
