package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

// TestHostilePDFPagesCommands: `crawler parse` and `crawler import`, OCR
// on, of scanned pages that ask pdfium for more memory than their bytes
// suggest — a page of 200 × 200 inches, and an A4 page painting two
// 9000-pixel RGB images (486 MB decoded from a 500 KB file, under the
// decompression scan's limits; pdfium holds them as 648 MB of 32-bit
// pixels, one at a time) — each stay
// under 1 GB (peak RSS of a child process running the command alone) and
// end in a clear warning or status; import keeps the file's bytes
// archived with that status. (A file refused by pdfium's memory budget
// fails with pdf_memory_limit: parse.TestMemoryLimitStatus.)
func TestHostilePDFPagesCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("renders hostile pages in child processes")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to read peak memory from")
	}
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract not installed: OCR would not be tried")
	}
	big := pdftest.Image{Width: 9000, Height: 9000, RGB: true, Filter: "FlateDecode", Data: pdftest.BombStream(9000 * 9000 * 3)}
	grey := pdftest.Image{Width: 64, Height: 64, Filter: "FlateDecode", Data: pdftest.Zlib(make([]byte, 64*64))}
	const tooLarge = "page is 200 × 200 inches: too large to OCR"
	dir := t.TempDir()
	for _, f := range []struct {
		name       string
		data       []byte
		parseWant  string // in parse's output
		status     string // the archived document's
		warningHas string // in one of its warnings
	}{
		{"giant-page", pdftest.ImagePage(14400, 14400, grey), tooLarge, "needs_ocr", tooLarge},
		// pdfium decodes them one at a time for the OCR rendering: within
		// the memory budget, a blank page read.
		{"big-images", pdftest.ImagePage(595, 842, big, big), "status: needs_ocr", "needs_ocr", "is from OCR"},
	} {
		path := filepath.Join(dir, f.name+".pdf")
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(dir, f.name+".db")
		for _, c := range []struct {
			cmd  string
			args []string
			want []string
		}{
			{"parse", []string{"parse", path}, []string{f.parseWant}},
			{"import", []string{"--archive", db, "import", "--url", "http://www.example.gov.cn/" + f.name + ".pdf", path}, []string{"stored"}},
		} {
			t.Run(f.name+"/"+c.cmd, func(t *testing.T) {
				kb := commandInChild(t, c.args, 1<<30, c.want)
				t.Logf("%d-byte %s: peak RSS %d MiB", len(f.data), f.name, kb>>10)
			})
		}
		t.Run(f.name+"/archived", func(t *testing.T) {
			a, err := archive.Open(db, archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			sum := sha256.Sum256(f.data)
			sha := hex.EncodeToString(sum[:])
			stored, err := a.ReadBlob(sha)
			if err != nil || !bytes.Equal(stored, f.data) {
				t.Fatalf("the file's bytes are not archived intact (err %v, %d of %d bytes)", err, len(stored), len(f.data))
			}
			docs, err := a.DocumentsByHash(sha)
			if err != nil || len(docs) != 1 {
				t.Fatalf("documents with the file: %d, %v", len(docs), err)
			}
			d := docs[0]
			if d.ParseStatus != f.status || !slices.ContainsFunc(d.Warnings, func(w string) bool { return strings.Contains(w, f.warningHas) }) {
				t.Errorf("document %s: status %q warnings %q, want %s with %q", d.ID, d.ParseStatus, d.Warnings, f.status, f.warningHas)
			}
		})
	}
}
