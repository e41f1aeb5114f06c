package sniff

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestHTMLMarkerAgrees: hasHTMLMarker finds what lower-casing the head and
// searching it finds, including non-ASCII and invalid bytes and the
// characters whose lower case is ASCII.
func TestHTMLMarkerAgrees(t *testing.T) {
	ref := func(head []byte) bool {
		h := bytes.ToLower(head)
		for _, m := range htmlMarkers {
			if bytes.Contains(h, []byte(m)) {
				return true
			}
		}
		return false
	}
	parts := []string{"<", "<HTML", "<Html", "<!DOCTYPE html", "<!doctype HTML", "<BODY", "<tAbLe", "<ta", "ble", "<h", "tml",
		"İ", "\u212a", "中", "\xff", "\xc4", " ", "x", "<<", "<!doctype", " html"}
	rnd := rand.New(rand.NewPCG(11, 12))
	hits := 0
	for i := 0; i < 200000; i++ {
		var b bytes.Buffer
		for n := rnd.IntN(6); n >= 0; n-- {
			b.WriteString(parts[rnd.IntN(len(parts))])
		}
		got, want := hasHTMLMarker(b.Bytes()), ref(b.Bytes())
		if got != want {
			t.Fatalf("hasHTMLMarker(%q) = %v, lower-case search %v", b.Bytes(), got, want)
		}
		if got {
			hits++
		}
	}
	if hits < 10000 {
		t.Errorf("only %d positive cases", hits)
	}
}
