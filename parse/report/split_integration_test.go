package report

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestReadRowAgreesWithBruteForce: on random rows (consistent ones with
// their separators dropped, and random digit strings), readRow finds
// exactly the readings an exhaustive enumeration finds.
func TestReadRowAgreesWithBruteForce(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: enumerates every reading of 3,000 rows (runs without -short)")
	}
	rnd := rand.New(rand.NewPCG(11, 12))
	small := []int{0, 0, 0, 1, 2, 3, 5, 10, 12, 21, 100, 7}
	tiny := []int{0, 0, 0, 1, 2, 3, 10}
	for i := 0; i < 3000; i++ {
		var toks []string
		var n int
		var rules []sumRule
		switch i % 3 {
		case 0: // a consistent section 三 row, separators partly dropped
			n, rules = 7, requestRowRules
			var row [7]int
			for c := 0; c < 6; c++ {
				row[c] = small[rnd.IntN(len(small))]
				row[6] += row[c]
			}
			cur := ""
			for c := 0; c < 7; c++ {
				cur += strconv.Itoa(row[c])
				if rnd.IntN(3) == 0 || c == 6 {
					toks = append(toks, cur)
					cur = ""
				}
			}
		case 1: // a section 四 row
			n, rules = 15, reviewRowRules
			s := ""
			for g := 0; g < 3; g++ {
				sum := 0
				for k := 0; k < 4; k++ {
					v := tiny[rnd.IntN(len(tiny))]
					sum += v
					s += strconv.Itoa(v)
				}
				s += strconv.Itoa(sum)
			}
			toks = []string{s}
		default: // random digits, no rule
			n = 1 + rnd.IntN(5)
			var b strings.Builder
			for k := 1 + rnd.IntN(9); k > 0; k-- {
				b.WriteByte(byte('0' + rnd.IntN(10)))
			}
			toks = []string{b.String()}
		}
		rr := readRow(toks, n, rules)
		want, digitOnly := bruteReadings(toks, n, rules)
		if len(want) > maxReadings {
			if !rr.overflow {
				t.Fatalf("%v into %d: %d readings and no overflow", toks, n, len(want))
			}
			continue
		}
		if rr.overflow {
			t.Fatalf("%v into %d: overflow with %d readings", toks, n, len(want))
		}
		got := allReadings(rr)
		sortReadings(got)
		sortReadings(want)
		if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%v into %d: readings %v, brute force %v", toks, n, got, want)
		}
		if min(digitOnly, 2) != rr.digitOnly {
			t.Fatalf("%v into %d: digitOnly %d, brute force %d", toks, n, rr.digitOnly, digitOnly)
		}
	}
}
