package textfold

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"
)

// legacyRow is one input and what each caller's own fold returned for it
// before the folds were gathered here: extract.Normalize (Label),
// query.Normalize (Name) and sites.NormalizeTitle (Title). Raw holds the
// input's bytes when it is not valid UTF-8 (JSON would replace them).
//
// testdata/legacy.jsonl.gz was written by those functions on 8,111
// inputs: the callers' test cases; every ASCII character and every
// character of Latin-1, general punctuation, number forms, enclosed
// alphanumerics, CJK radicals, CJK symbols and punctuation and the half-
// and full-width forms, alone, between letters and between spaces;
// traditional and simplified ideographs, Chinese-numeral years,
// compatibility ideographs, combining marks, case-folding oddities (İ, K
// KELVIN SIGN, ẞ, Σ) and invalid bytes; and 4,000 random strings over all
// of these.
type legacyRow struct {
	In    string
	Raw   []byte `json:",omitempty"`
	Label string
	Name  string
	Title string
}

// TestLegacyFolds: each rule set folds exactly as the function it
// replaced did.
func TestLegacyFolds(t *testing.T) {
	f, err := os.Open("testdata/legacy.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	n, fails := 0, 0
	for sc.Scan() {
		var r legacyRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		in := r.In
		if r.Raw != nil {
			in = string(r.Raw)
		}
		n++
		for _, c := range []struct {
			name  string
			rules Rules
			want  string
		}{{"Label", Label, r.Label}, {"Name", Name, r.Name}, {"Title", Title, r.Title}} {
			if got := Fold(in, c.rules); got != c.want {
				t.Errorf("Fold(%q, %s) = %q, want %q", in, c.name, got, c.want)
				if fails++; fails == 20 {
					t.Fatal("too many differences")
				}
			}
		}
		// The general path agrees with Label's fast path too.
		if got := fold(in, Label); got != r.Label {
			t.Errorf("fold(%q, Label) = %q, want %q", in, got, r.Label)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 8000 {
		t.Fatalf("%d rows", n)
	}
}
