package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"hash"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fast paths in html.go and grid.go were held to the straightforward
// forms they replaced on fixed pseudo-random inputs (including invalid
// UTF-8 and the characters that lower-case into ASCII). Those forms are
// retired: what they returned is kept as golden checksums of every output
// on the same inputs, in testdata/golden/fastpaths.json, rewritten with
//
//	go test ./parse/extract -run 'FastPaths|ExpandGrid' -update
//
// when an output changes on purpose.
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden from the current code")

const fastPathsGolden = "testdata/golden/fastpaths.json"

// checkGoldenSum compares the checksum of everything written to h with
// the golden one named name (or records it under -update).
func checkGoldenSum(t *testing.T, name string, h hash.Hash) {
	t.Helper()
	sum := hex.EncodeToString(h.Sum(nil)[:16])
	sums := map[string]string{}
	b, err := os.ReadFile(fastPathsGolden)
	if err == nil {
		err = json.Unmarshal(b, &sums)
	}
	if *updateGolden {
		sums[name] = sum
		b, err := json.MarshalIndent(sums, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(fastPathsGolden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fastPathsGolden, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v (write the goldens with -update)", err)
	}
	if sums[name] != sum {
		t.Fatalf("%s: outputs' checksum %s, golden %q", name, sum, sums[name])
	}
}

var fastPathAlphabet = []string{
	" ", "  ", "\t", "\n", "\r", "\f", "\v", "\u00a0", "\u3000", "\u0085", "\u2003",
	"İ", "\u212a", "\xc4", "\xe2\x84", "\xff", "中", "表",
	"d", "D", "i", "s", "S", "p", "l", "a", "A", "y", "Y", ":", "n", "N", "o", "e", "m", "M", "-", "h", "H",
	"display", "DISPLAY", "none", "mso-hide", "all", "nav", "NAV", "Footer", "share", "xgwz", "bread", "crumb",
	"MsoNormal", "fenxiang", "dqwz", "related", ";", "_",
	"display:none", "DISPLAY :NONE", "dis play:no", "ne", "mso-hide:all", "Mso-Hide: ALL", "mso-hide:", "d\u0130splay:none",
}

func randomFastPathString(rnd *rand.Rand) string {
	var b strings.Builder
	for n := rnd.IntN(10); n >= 0; n-- {
		b.WriteString(fastPathAlphabet[rnd.IntN(len(fastPathAlphabet))])
	}
	return b.String()
}

func TestHTMLFastPathsGolden(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	hits := map[string]int{}
	sum := sha256.New()
	for i := 0; i < 300000; i++ {
		s := randomFastPathString(rnd)
		if got, want := hiddenStyle(s), hiddenStyleGeneral(s); got != want {
			t.Fatalf("hiddenStyle(%q) = %v, general %v", s, got, want)
		} else if got {
			hits["hidden"]++
		}
		chrome := chromeValue(s)
		if chrome {
			hits["chrome"]++
		}
		if got, want := joinFields(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("joinFields(%q) = %q, reference %q", s, got, want)
		}
		w := &htmlWalker{}
		prefix := randomFastPathString(rnd)
		w.text(prefix)
		cur0, space0 := append([]byte(nil), w.cur...), w.space
		w.text(s)
		fmt.Fprintf(sum, "%q %v %q %v %q %v\n", s, chrome, cur0, space0, w.cur, w.space)
		if !utf8.Valid(w.cur) {
			t.Fatalf("text(%q) produced invalid UTF-8 %q", s, w.cur)
		}
	}
	// the generator must reach both answers, or the test proves nothing
	if hits["hidden"] < 1000 || hits["chrome"] < 1000 {
		t.Errorf("too few positive cases: %v", hits)
	}
	// chromeValue and text as the reference forms answered
	checkGoldenSum(t, "chromeValue+text", sum)
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"font-family:仿宋_GB2312;DISPLAY : NONE", true},
		{"mso-hide: all", true},
		{"display:n\u0130one", false},
		{"d\u0130splay:none", true}, // İ lower-cases to i
		{"ddisplay:none", true},
		{"display;none", false},
	} {
		if got := hiddenStyle(c.s); got != c.want {
			t.Errorf("hiddenStyle(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestExpandGridGolden(t *testing.T) {
	rnd := rand.New(rand.NewPCG(17, 18))
	texts := []string{"", "a", "本年 新收", " x\ty ", "12"}
	sum := sha256.New()
	for i := 0; i < 20000; i++ {
		src := make([][]cellSrc, rnd.IntN(8))
		for r := range src {
			for n := rnd.IntN(6); n > 0; n-- {
				c := cellSrc{colspan: 1 + rnd.IntN(3), rowspan: 1}
				switch rnd.IntN(6) {
				case 0:
					c.rowspan = rnd.IntN(4)
				case 1:
					c.colspan = rnd.IntN(40)
				case 2:
					c.vcont = true
				}
				if k := rnd.IntN(4); k > 0 {
					c.blocks = []Block{{Text: texts[rnd.IntN(len(texts))]}}
					if k == 3 {
						c.blocks = append(c.blocks, Block{Rows: [][]string{{"in", ""}}})
					}
				}
				src[r] = append(src[r], c)
			}
		}
		// the HTML reader stores one-paragraph cells as text, without a
		// Block: the grid must come out the same
		asText := make([][]cellSrc, len(src))
		for r, row := range src {
			for _, c := range row {
				if len(c.blocks) == 1 && !c.blocks[0].IsTable() && c.blocks[0].Text != "" && rnd.IntN(2) == 0 {
					c.text, c.blocks = c.blocks[0].Text, nil
				}
				asText[r] = append(asText[r], c)
			}
		}
		rows, sp, err := expandGrid(asText, newGuard(Options{}))
		wrows, wsp, werr := expandGrid(src, newGuard(Options{}))
		if fmt.Sprint(err) != fmt.Sprint(werr) || !reflect.DeepEqual(rows, wrows) || !reflect.DeepEqual(sp, wsp) {
			t.Fatalf("expandGrid(%+v)\n= %q %v %v\nwith the texts as blocks %q %v %v", src, rows, sp, err, wrows, wsp, werr)
		}
		fmt.Fprintf(sum, "%q %v %v\n", rows, sp, err)
	}
	// expandGrid as the reference form (one slice per row, grown cell by
	// cell) answered
	checkGoldenSum(t, "expandGrid", sum)
}
