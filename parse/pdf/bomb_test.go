package pdf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

// bombPDF returns a valid one-page PDF whose content stream (object 4)
// is FlateDecode of inflated zero bytes (≈1 KiB of file per MiB
// inflated, so 2 GiB make a 2 MB file).
func bombPDF(tb testing.TB, inflated int64) []byte {
	return pdftest.Bomb(inflated, pdftest.Plain)
}

// peakRSS runs this test binary again with only the test named run and
// the environment env, and returns the child's peak resident set size
// (VmHWM, which the child prints) and its other output.
func peakRSS(t *testing.T, run string, env ...string) (int64, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^"+run+"$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`VmHWM=(\d+) kB`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("child printed no VmHWM:\n%s", out)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10, string(out)
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			return f[1]
		}
	}
	return ""
}

// TestWasmMemoryMapped: instances' memory comes from the mapping
// allocator, real reports need a small part of the limit, and the
// mapping of an instance killed mid-document is released once no
// instance runs.
func TestWasmMemoryMapped(t *testing.T) {
	if !useMappedMemory || newWasmMemory(0, 0) == nil {
		t.Skip("no mapped wasm memory on this platform")
	}
	e, err := NewEngine(context.Background(), Config{CacheDir: filepath.Join(os.TempDir(), "nianbao-test-cache"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	data := readSample(t, "report-chromium-cid.pdf")
	if _, err := e.Extract(context.Background(), data, Options{PdfiumOnly: true}); err != nil {
		t.Fatal(err)
	}
	peak := e.mem.peakBytes()
	t.Logf("linear memory after a 5-page report: %d MiB", peak>>20)
	if peak == 0 || peak > 64<<20 {
		t.Errorf("peak linear memory %d bytes: allocator unused, or far more than the 18 MiB measured", peak)
	}
	if _, err := e.Extract(context.Background(), data, Options{PdfiumOnly: true, Timeout: time.Millisecond}); err == nil {
		t.Fatal("1 ms timeout: no error")
	}
	if _, err := e.Extract(context.Background(), data, Options{PdfiumOnly: true}); err != nil {
		t.Fatalf("after a killed instance: %v", err)
	}
	if left := e.mem.pending(); left != 0 {
		t.Errorf("%d freed mappings still mapped with no instance running", left)
	}
}

// TestWasmMemoryBudget: the allocator lets a memory grow within its own
// budget and, with the others, within the total; a refusal is recorded
// as the memory's own or the total's; freeing a memory returns its share.
func TestWasmMemoryBudget(t *testing.T) {
	w := newWasmMemory(100<<20, 60<<20)
	if !useMappedMemory || w == nil {
		t.Skip("no mapped wasm memory on this platform")
	}
	defer w.sweep()
	a := w.allocator()
	mm1, ok1 := a.Allocate(0, 128<<20).(*mappedMemory)
	mm2, ok2 := a.Allocate(0, 128<<20).(*mappedMemory)
	if !ok1 || !ok2 {
		t.Fatal("memories not mapped")
	}
	grow := func(m *mappedMemory, mib uint64) bool { return m.Reallocate(mib<<20) != nil }
	if !grow(mm1, 16) || !grow(mm2, 16) {
		t.Fatal("initial memory refused")
	}
	if !grow(mm1, 60) {
		t.Fatal("growth within both budgets refused")
	}
	if grow(mm1, 61) {
		t.Fatal("growth past the memory's own 60 MiB allowed")
	}
	if d, sh := mm1.deniedGrowth(); !d || sh {
		t.Errorf("own refusal recorded as denied %v shared %v", d, sh)
	}
	if !grow(mm2, 40) {
		t.Fatal("growth to 100 MiB together refused")
	}
	if grow(mm2, 41) {
		t.Fatal("growth past 100 MiB together allowed")
	}
	if d, sh := mm2.deniedGrowth(); !d || !sh {
		t.Errorf("total's refusal recorded as denied %v shared %v", d, sh)
	}
	mm1.Free()
	mm2.resetDenied()
	if !grow(mm2, 60) {
		t.Fatal("growth refused after the other memory was freed")
	}
	if d, _ := mm2.deniedGrowth(); d {
		t.Error("refusal still recorded after resetDenied")
	}
	if got := w.usedPeakBytes(); got != 100<<20 {
		t.Errorf("peak together %d MiB, want 100", got>>20)
	}
	mm2.Free()
}
