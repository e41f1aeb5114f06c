package pdf

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// TestCheckInflateLinear: a file made of stream keywords costs the scan
// time in proportion to its size, not its square.
func TestCheckInflateLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: scans 16 MB files of stream keywords (runs without -short)")
	}
	for _, unit := range []string{"stream", "\nstream\n", "1 0 obj<</Filter/FlateDecode>>stream\n", "trailer<</Encrypt 1 0 R>>", "1 0 obj<</Encrypt 1 0 R/A("} {
		data := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte(unit), (16<<20)/len(unit))...)
		start := time.Now()
		if err := checkInflate(context.Background(), data, MaxStreamInflate, MaxTotalInflate); err != nil {
			t.Errorf("%q: %v", unit, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%q × %d: %v", unit, len(data)/len(unit), d)
		} else {
			t.Logf("%q × %d: %v", unit, len(data)/len(unit), d)
		}
	}
}
