package pdf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

// TestPDFBombChild is the child half of TestPDFBombBounded: it reads the
// bomb named by NIANBAO_BOMB with the test engine (two workers, the
// default memory limit) and prints the result and its peak memory.
func TestPDFBombChild(t *testing.T) {
	path := os.Getenv("NIANBAO_BOMB")
	if path == "" {
		t.Skip("child of TestPDFBombBounded")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{OCR: OCROff, PdfiumOnly: os.Getenv("NIANBAO_BOMB_PDFIUM") != ""}
	start := time.Now()
	doc, err := testEngine.Extract(context.Background(), data, opts)
	pages := -1
	if doc != nil {
		pages = doc.Pages
	}
	fmt.Printf("RESULT pages=%d took=%v err=%v\n", pages, time.Since(start).Round(time.Millisecond), err)
	fmt.Printf("VmHWM=%s kB\n", vmHWM())
}

// TestPDFBombBounded: a 2 MB PDF whose content stream inflates to 2 GiB
// is refused with a clear error before pdfium reads it, and reading it
// costs the process (measured alone, in a child) well under 1 GB; with
// the fast path and without it, encrypted (as anyone may open it: RC4
// or AES, empty user password) or not. Even with that check off, pdfium reading
// the whole bomb stays under 1 GB: its instances' memory is mapped, not
// grown by copying in the Go heap (before both: 2.5 GB).
//
// The figures without either defence:
//
//	NIANBAO_BOMB_NOSCAN=1 NIANBAO_BOMB_NOMMAP=1 go test -run TestPDFBombBounded -v ./parse/pdf
func TestPDFBombBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 2 GiB flate bomb (≈5 s)")
	}
	dir := t.TempDir()
	bombs := map[pdftest.Method]string{}
	for _, m := range []pdftest.Method{pdftest.Plain, pdftest.AES128, pdftest.RC4128} {
		bomb := pdftest.Bomb(2<<30, m)
		if len(bomb) > 3<<20 {
			t.Fatalf("bomb is %d bytes", len(bomb))
		}
		bombs[m] = filepath.Join(dir, "bomb-"+string(m)+".pdf")
		if err := os.WriteFile(bombs[m], bomb, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const bound = 1 << 30
	for _, c := range []struct {
		name    string
		bomb    pdftest.Method
		env     []string
		refused bool
	}{
		{"fast path first", pdftest.Plain, nil, true},
		{"pdfium only", pdftest.Plain, []string{"NIANBAO_BOMB_PDFIUM=1"}, true},
		{"pdfium reading it", pdftest.Plain, []string{"NIANBAO_BOMB_PDFIUM=1", "NIANBAO_BOMB_NOSCAN=1"}, false},
		// Encrypted streams are read decrypted by the scan (decrypt.go).
		{"encrypted AES-128", pdftest.AES128, nil, true},
		{"encrypted RC4-128", pdftest.RC4128, nil, true},
		{"encrypted, pdfium reading it", pdftest.AES128, []string{"NIANBAO_BOMB_NOSCAN=1"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			peak, out := peakRSS(t, "TestPDFBombChild", append([]string{"NIANBAO_BOMB=" + bombs[c.bomb]}, c.env...)...)
			res := regexp.MustCompile(`RESULT .*`).FindString(out)
			t.Logf("bomb %q: peak RSS %d MiB; %s", c.bomb, peak>>20, res)
			if peak >= bound {
				t.Errorf("peak RSS %d MiB, want under %d MiB", peak>>20, bound>>20)
			}
			want := "err=pdf: a content stream (object 4) inflates past 256 MiB: not parsed"
			if !c.refused {
				want = "not parsed: pdf memory limit"
			}
			if !strings.HasSuffix(res, want) {
				t.Errorf("got %q, want it to end %q", res, want)
			}
		})
	}
}
