package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// keywordFiles are files made of one PDF keyword pattern repeated to
// 16 MiB: the shapes that made earlier scans quadratic (each keyword
// looked back to the start of the file for its dictionary).
func keywordFiles() map[string][]byte {
	out := map[string][]byte{}
	for _, unit := range []string{"stream", "\nstream\n", "1 0 obj<</Filter/FlateDecode>>stream\n", "trailer<</Encrypt 1 0 R>>", "1 0 obj<</Encrypt 1 0 R/A("} {
		out[unit] = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte(unit), (16<<20)/len(unit))...)
	}
	return out
}

// TestCheckInflateLinear: a file made of stream keywords is scanned to
// the end without error. A linear scan takes seconds; a quadratic one
// would take hours, so a generous deadline (not a speed target: the
// throughput is BenchmarkCheckInflateKeywords's) tells the two apart on
// any machine, however loaded.
func TestCheckInflateLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: scans 16 MB files of stream keywords (runs without -short)")
	}
	for unit, data := range keywordFiles() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		start := time.Now()
		err := checkInflate(ctx, data, MaxStreamInflate, MaxTotalInflate)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%q × %d: the scan did not finish in 3 minutes: not linear in the file's size", unit, len(data)/len(unit))
		} else if err != nil {
			t.Errorf("%q: %v", unit, err)
		}
		t.Logf("%q × %d: %v", unit, len(data)/len(unit), time.Since(start))
	}
}

// BenchmarkCheckInflateKeywords: the scan's throughput (MB/s) on the
// keyword files of TestCheckInflateLinear.
func BenchmarkCheckInflateKeywords(b *testing.B) {
	for unit, data := range keywordFiles() {
		b.Run(fmt.Sprintf("%q", unit), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := checkInflate(context.Background(), data, MaxStreamInflate, MaxTotalInflate); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
