package report

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func readingVals(r []cellVal) []float64 {
	out := make([]float64, len(r))
	for i, c := range r {
		out[i] = c.v
	}
	return out
}

func allReadings(rr rowReadings) [][]float64 {
	var out [][]float64
	for _, r := range rr.list {
		out = append(out, readingVals(r))
	}
	return out
}

func TestReadRowExamples(t *testing.T) {
	tests := []struct {
		name      string
		toks      []string
		n         int
		rules     []sumRule
		want      [][]float64 // readings satisfying the rules, in search order
		digitOnly int
	}{
		{"seven cells, one way", []string{"3000003"}, 7, requestRowRules, [][]float64{{3, 0, 0, 0, 0, 0, 3}}, 1},
		{"2019 行政处罚: four cuts, no rule to choose", []string{"88022"}, 3, nil, [][]float64{{8, 80, 22}, {8, 802, 2}, {88, 0, 22}, {880, 2, 2}}, 2},
		{"zeros cut one way", []string{"000"}, 3, nil, [][]float64{{0, 0, 0}}, 1},
		{"no leading zero: 107 is 10 7, never 1 07", []string{"107"}, 2, nil, [][]float64{{10, 7}}, 1},
		{"H3 keeps two of the cuts", []string{"212103027"}, 7, requestRowRules, [][]float64{{2, 1, 21, 0, 3, 0, 27}, {21, 2, 1, 0, 3, 0, 27}}, 2},
		{"H3 rejects every cut", []string{"1000002"}, 7, requestRowRules, nil, 1},
		{"too few digits", []string{"33"}, 7, requestRowRules, nil, 0},
		{"too many tokens", []string{"1", "2", "3"}, 2, nil, nil, 0},
		{"cuts stay inside tokens", []string{"10", "0", "0", "0", "0", "10"}, 7, requestRowRules, nil, 2},
		{"a token glued, the rest apart", []string{"30", "0", "0", "0", "0", "3"}, 7, requestRowRules, [][]float64{{3, 0, 0, 0, 0, 0, 3}}, 1},
		{"n/a cells are whole cells and count 0", []string{"/", "200002"}, 7, requestRowRules, [][]float64{{0, 2, 0, 0, 0, 0, 2}}, 1},
		{"section 四, H4 per group", []string{"100010000000000"}, 15, reviewRowRules, [][]float64{{1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}, 1},
		{"section 四, H4 rejects", []string{"100000000000000"}, 15, reviewRowRules, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := readRow(tt.toks, tt.n, tt.rules)
			if rr.overflow {
				t.Fatalf("overflow")
			}
			if got := allReadings(rr); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("readings = %v, want %v", got, tt.want)
			}
			if rr.digitOnly != tt.digitOnly {
				t.Errorf("digitOnly = %d, want %d", rr.digitOnly, tt.digitOnly)
			}
		})
	}
}

// bruteReadings enumerates every composition of the tokens into n cells
// independently of readRow (all cut positions, then the filters), up to
// limit readings before the rules.
func bruteReadings(toks []string, n int, rules []sumRule) (list [][]float64, digitOnly int) {
	var rec func(ti, pos int, acc []string)
	rec = func(ti, pos int, acc []string) {
		// every token left gives at least one cell and at most one per digit
		most := len(acc)
		for k := ti; k < len(toks); k++ {
			if splittable(toks[k]) {
				most += len(toks[k])
			} else {
				most++
			}
		}
		most -= pos
		if len(acc)+len(toks)-ti > n || most < n {
			return
		}
		if ti == len(toks) {
			if len(acc) != n {
				return
			}
			digitOnly++
			vals := make([]float64, n)
			bad := make([]bool, n)
			for i, a := range acc {
				c := parseCell(a)
				vals[i] = c.val
				bad[i] = c.kind == cellBad
			}
			for _, r := range rules {
				var s float64
				b := bad[r.total]
				for k := r.from; k < r.to; k++ {
					s += vals[k]
					b = b || bad[k]
				}
				if b || s != vals[r.total] {
					return
				}
			}
			list = append(list, vals)
			return
		}
		t := toks[ti]
		if !splittable(t) {
			rec(ti+1, 0, append(acc, t))
			return
		}
		for end := pos + 1; end <= len(t); end++ {
			p := t[pos:end]
			if (len(p) > 1 && p[0] == '0') || len(p) > maxPartDigits {
				break
			}
			next := append(append([]string(nil), acc...), p)
			if end == len(t) {
				rec(ti+1, 0, next)
			} else {
				rec(ti, end, next)
			}
		}
	}
	rec(0, 0, nil)
	return list, digitOnly
}

func sortReadings(rs [][]float64) {
	slices.SortFunc(rs, func(a, b []float64) int { return slices.Compare(a, b) })
}

// Hostile rows: long runs of digits must end quickly, as "cannot decide"
// (overflow or no reading), never as a reading they cannot support.
func TestReadRowBounded(t *testing.T) {
	cases := []struct {
		toks []string
		n    int
	}{
		{[]string{strings.Repeat("1", 84)}, 7},
		{[]string{strings.Repeat("1", 60)}, 7},
		{[]string{strings.Repeat("12", 40)}, 15},
		{[]string{strings.Repeat("9", 10000)}, 7},
		{[]string{strings.Repeat("10", 30)}, 15},
		{[]string{strings.Repeat("1", 40), strings.Repeat("2", 40)}, 7},
	}
	for _, c := range cases {
		start := time.Now()
		rules := requestRowRules
		if c.n == 15 {
			rules = reviewRowRules
		}
		rr := readRow(c.toks, c.n, rules)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%d digits into %d cells took %v", len(strings.Join(c.toks, "")), c.n, d)
		}
		if _, why := decided(rr, false); why == "" && !rr.overflow {
			// a unique reading of a hostile row is fine only if it is a
			// real one: check it against the rules
			r := rr.list[0]
			for _, ru := range rules {
				var s float64
				for k := ru.from; k < ru.to; k++ {
					s += r[k].v
				}
				if s != r[ru.total].v {
					t.Errorf("%v: reading %v breaks a rule", c.toks, readingText(r))
				}
			}
		}
	}
}

// a consistent 2021 section 三 from random outcome rows
func randomTable(rnd *rand.Rand) map[string][7]float64 {
	small := []float64{0, 0, 0, 0, 1, 1, 2, 3, 5, 10, 12, 21}
	tbl := map[string][7]float64{}
	var total [7]float64
	row := func() [7]float64 {
		var r [7]float64
		for c := 0; c < 6; c++ {
			r[c] = small[rnd.IntN(len(small))]
			r[6] += r[c]
		}
		return r
	}
	for _, s := range Template2021.Requests {
		if !s.Outcome || s.Group {
			continue
		}
		r := row()
		if rnd.IntN(3) > 0 {
			r = [7]float64{}
		}
		tbl[s.Key] = r
		for c := range total {
			total[c] += r[c]
		}
	}
	tbl["total"] = total
	carried, fwd := row(), row()
	var nw [7]float64
	for c := range nw {
		nw[c] = total[c] + fwd[c] - carried[c]
		if nw[c] < 0 {
			carried[c] += nw[c]
			nw[c] = 0
		}
	}
	carried[6], nw[6] = 0, 0
	for c := 0; c < 6; c++ {
		carried[6] += carried[c]
		nw[6] += nw[c]
	}
	tbl["new"], tbl["carried_over"], tbl["carried_forward"] = nw, carried, fwd
	return tbl
}

func glue(r [7]float64) string {
	var b strings.Builder
	for _, v := range r {
		b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	}
	return b.String()
}

// TestSolveNeverWrong: in consistent tables with rows run together, a row
// the joint reading decides is always the row as it was; and the rules
// linking rows decide rows that H3 alone cannot.
func TestSolveNeverWrong(t *testing.T) {
	rnd := rand.New(rand.NewPCG(21, 22))
	keys := []string{"new", "carried_over", "total", "carried_forward", "granted", "partly_granted", "unable.not_held", "other.other"}
	resolved, h3alone, tried := 0, 0, 0
	for i := 0; i < 1500; i++ {
		tbl := randomTable(rnd)
		glued := map[string]bool{}
		for k := 1 + rnd.IntN(3); k > 0; k-- {
			glued[keys[rnd.IntN(len(keys))]] = true
		}
		fixed := map[string][7]*float64{}
		var pending []pendingReq
		for k, r := range tbl {
			if glued[k] {
				pending = append(pending, pendingReq{key: k, raw: glue(r), rr: readRow([]string{glue(r)}, 7, requestRowRules)})
				continue
			}
			var v [7]*float64
			for c := range r {
				v[c] = Num(r[c])
			}
			fixed[k] = v
		}
		slices.SortFunc(pending, func(a, b pendingReq) int { return strings.Compare(a.key, b.key) })
		outs := solveRequests(fixed, func(string, int) bool { return false }, pending, &Template2021, false)
		for j, p := range pending {
			tried++
			if len(p.rr.list) == 1 {
				h3alone++
			}
			if outs[j].reading == nil {
				if outs[j].why == "" {
					t.Fatalf("%s: null without a reason", p.key)
				}
				continue
			}
			resolved++
			want := tbl[p.key]
			if got := readingVals(outs[j].reading); !reflect.DeepEqual(got, want[:]) {
				t.Fatalf("table %d: %s printed %s read as %v, was %v", i, p.key, p.raw, got, want)
			}
		}
	}
	t.Logf("%d run-together rows: %d decided by H3 alone, %d with the rules linking rows", tried, h3alone, resolved)
	if resolved <= h3alone {
		t.Errorf("the rules linking rows decided nothing beyond H3: %d vs %d", resolved, h3alone)
	}
}

func fixedRows(rows map[string][7]float64) map[string][7]*float64 {
	out := map[string][7]*float64{}
	for k, r := range rows {
		var v [7]*float64
		for c := range r {
			v[c] = Num(r[c])
		}
		out[k] = v
	}
	return out
}

func zeroTable() map[string][7]float64 {
	tbl := map[string][7]float64{}
	for _, s := range Template2021.Requests {
		if !s.Group {
			tbl[s.Key] = [7]float64{}
		}
	}
	return tbl
}

func TestSolveExamples(t *testing.T) {
	never := func(string, int) bool { return false }
	row := [7]float64{2, 1, 21, 0, 3, 0, 27} // "212103027": H3 allows two readings
	t.Run("H1 decides what H3 cannot", func(t *testing.T) {
		tbl := zeroTable()
		tbl["granted"], tbl["total"] = row, row
		delete(tbl, "new")
		p := []pendingReq{{key: "new", rr: readRow([]string{"212103027"}, 7, requestRowRules)}}
		out := solveRequests(fixedRows(tbl), never, p, &Template2021, false)
		if got := readingVals(out[0].reading); !reflect.DeepEqual(got, row[:]) {
			t.Errorf("new = %v (%s), want %v", got, out[0].why, row)
		}
	})
	t.Run("two rows that only pin each other stay null", func(t *testing.T) {
		tbl := zeroTable()
		tbl["granted"], tbl["total"] = row, row
		delete(tbl, "new")
		delete(tbl, "total")
		p := []pendingReq{
			{key: "new", rr: readRow([]string{"212103027"}, 7, requestRowRules)},
			{key: "total", rr: readRow([]string{"212103027"}, 7, requestRowRules)},
		}
		// granted is fixed, so H2 pins total and H1 then pins new
		out := solveRequests(fixedRows(tbl), never, p, &Template2021, false)
		for i := range out {
			if got := readingVals(out[i].reading); !reflect.DeepEqual(got, row[:]) {
				t.Errorf("%s = %v (%s)", p[i].key, got, out[i].why)
			}
		}
		// without H2 nothing ties total to granted: both readings of both
		// rows satisfy H1 in pairs
		out = solveRequests(fixedRows(tbl), never, p, &Template2021, true)
		for i := range out {
			if out[i].reading != nil {
				t.Errorf("%s decided without H2: %v", p[i].key, readingVals(out[i].reading))
			}
		}
	})
	t.Run("a missing row makes H1 unusable", func(t *testing.T) {
		tbl := zeroTable()
		tbl["granted"], tbl["total"] = row, row
		delete(tbl, "new")
		delete(tbl, "carried_forward")
		p := []pendingReq{{key: "new", rr: readRow([]string{"212103027"}, 7, requestRowRules)}}
		out := solveRequests(fixedRows(tbl), never, p, &Template2021, false)
		if out[0].reading != nil {
			t.Errorf("decided without H1: %v", readingVals(out[0].reading))
		}
	})
	t.Run("an uncertain cell makes its column's rules unusable", func(t *testing.T) {
		tbl := zeroTable()
		tbl["granted"], tbl["total"] = row, row
		delete(tbl, "new")
		p := []pendingReq{{key: "new", rr: readRow([]string{"212103027"}, 7, requestRowRules)}}
		unc := func(k string, c int) bool { return k == "carried_over" && c <= 2 }
		out := solveRequests(fixedRows(tbl), unc, p, &Template2021, false)
		if out[0].reading != nil {
			t.Errorf("decided though the columns that tell the readings apart are uncertain: %v", readingVals(out[0].reading))
		}
	})
	t.Run("a table whose own totals fail trusts only the digits", func(t *testing.T) {
		tbl := zeroTable()
		tbl["granted"], tbl["total"] = row, row
		tbl["partly_granted"] = [7]float64{1, 0, 0, 0, 0, 0, 5} // H3 fails
		delete(tbl, "new")
		delete(tbl, "carried_over")
		p := []pendingReq{
			{key: "new", rr: readRow([]string{"212103027"}, 7, requestRowRules)},
			{key: "carried_over", rr: readRow([]string{"0000000"}, 7, requestRowRules)},
		}
		out := solveRequests(fixedRows(tbl), never, p, &Template2021, false)
		if out[0].reading != nil {
			t.Errorf("new decided by untrusted arithmetic: %v", readingVals(out[0].reading))
		}
		if got := readingVals(out[1].reading); !reflect.DeepEqual(got, make([]float64, 7)) {
			t.Errorf("carried_over = %v (%s); its digits allow one reading", got, out[1].why)
		}
	})
	t.Run("values printed as several tokens need every column pinned", func(t *testing.T) {
		tbl := zeroTable()
		tbl["granted"], tbl["total"] = row, row
		delete(tbl, "new")
		delete(tbl, "carried_forward")
		p := []pendingReq{{key: "new", rr: readRow([]string{"2121", "0", "3", "0", "27"}, 7, requestRowRules), cover: true}}
		out := solveRequests(fixedRows(tbl), never, p, &Template2021, false)
		if out[0].reading != nil {
			t.Errorf("decided with no rule linking rows: %v", readingVals(out[0].reading))
		}
	})
}

// FuzzReadRow: any tokens, any cell count. readRow must end within its
// budget, and every reading it gives must put the tokens back together
// exactly (cuts only inside digit runs, no leading zeros) and satisfy
// the rules.
func FuzzReadRow(f *testing.F) {
	f.Add("3000003", uint8(7), uint8(0))
	f.Add("88022", uint8(3), uint8(2))
	f.Add("100010000000000", uint8(15), uint8(1))
	f.Add("30 0 0 0 0 3", uint8(7), uint8(0))
	f.Add(strings.Repeat("1", 300), uint8(7), uint8(0))
	f.Fuzz(func(t *testing.T, s string, n uint8, which uint8) {
		toks := strings.Fields(s)
		if len(toks) > 40 {
			return
		}
		var rules []sumRule
		switch which % 3 {
		case 0:
			rules = requestRowRules
		case 1:
			rules = reviewRowRules
		}
		start := time.Now()
		rr := readRow(toks, int(n), rules)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("readRow took %v", d)
		}
		if len(rr.list) > maxReadings {
			t.Fatalf("%d readings kept", len(rr.list))
		}
		for _, r := range rr.list {
			if len(r) != int(n) {
				t.Fatalf("reading of %d cells, want %d", len(r), n)
			}
			var b strings.Builder
			for _, c := range r {
				if len(c.text) > 1 && allDigits(c.text) && c.text[0] == '0' {
					t.Fatalf("leading zero in %q", c.text)
				}
				b.WriteString(c.text)
			}
			if b.String() != strings.Join(toks, "") {
				t.Fatalf("reading %s does not spell %v", readingText(r), toks)
			}
			for _, ru := range rules {
				if ru.total >= len(r) {
					continue
				}
				var sum float64
				for k := ru.from; k < ru.to; k++ {
					sum += r[k].v
				}
				if sum != r[ru.total].v {
					t.Fatalf("reading %s breaks %+v", readingText(r), ru)
				}
			}
		}
	})
}

// TestPlaceRow: the placements of a collapsed row are exactly the ways to
// choose its values' columns in order that satisfy H3, found here by
// trying every set of columns.
func TestPlaceRow(t *testing.T) {
	for _, toks := range [][]string{{"2", "2"}, {"3", "1", "1", "5"}, {"0", "4"}, {"7"}, {"1", "2", "3", "4", "5", "6"}, {"5", "5", "5"}} {
		got := map[string]bool{}
		rr := placeRow(toks, 7, requestRowRules)
		for _, r := range rr.list {
			got[readingText(r)] = true
		}
		want := map[string]bool{}
		for mask := 0; mask < 1<<7; mask++ {
			cols := []int{}
			for c := 0; c < 7; c++ {
				if mask&(1<<c) != 0 {
					cols = append(cols, c)
				}
			}
			if len(cols) != len(toks) {
				continue
			}
			row := make([]cellVal, 7)
			var sum float64
			for j, c := range cols {
				row[c] = cellVal{text: toks[j], v: digitsValue(toks[j])}
			}
			for c := 0; c < 6; c++ {
				sum += row[c].v
			}
			if sum == row[6].v {
				want[readingText(row)] = true
			}
		}
		if len(got) != len(rr.list) || len(got) != len(want) {
			t.Errorf("%v: %d placements (%d distinct), want %d", toks, len(rr.list), len(got), len(want))
		}
		for k := range want {
			if !got[k] {
				t.Errorf("%v: placement %q missing", toks, k)
			}
		}
	}
}

// TestCollapsedRowAmbiguous: two collapsed rows that the arithmetic cannot
// tell apart are left null, never guessed.
func TestCollapsedRowAmbiguous(t *testing.T) {
	// granted and partly_granted each print "1 | 1": their 1s may stand in
	// any of the six applicant columns as long as the columns' totals hold;
	// with the two rows in the same two columns either way, H2 cannot
	// say which row has which
	fixed := map[string][7]*float64{}
	num := func(v ...float64) [7]*float64 {
		var out [7]*float64
		for i := range v {
			out[i] = Num(v[i])
		}
		return out
	}
	fixed["new"] = num(1, 1, 0, 0, 0, 0, 2)
	fixed["carried_over"] = num(0, 0, 0, 0, 0, 0, 0)
	fixed["total"] = num(1, 1, 0, 0, 0, 0, 2)
	fixed["carried_forward"] = num(0, 0, 0, 0, 0, 0, 0)
	tpl := templateByName(Format2021)
	for _, s := range tpl.Requests {
		if s.Outcome && s.Key != "granted" && s.Key != "partly_granted" && !s.Group {
			fixed[s.Key] = num(0, 0, 0, 0, 0, 0, 0)
		}
	}
	pending := []pendingReq{
		{key: "granted", rr: placeRow([]string{"1", "1"}, 7, requestRowRules), cover: true, collapsed: true},
		{key: "partly_granted", rr: placeRow([]string{"1", "1"}, 7, requestRowRules), cover: true, collapsed: true},
	}
	for i, o := range solveRequests(fixed, func(string, int) bool { return false }, pending, tpl, false) {
		if o.reading != nil {
			t.Errorf("%s: read as %s, want null", pending[i].key, readingText(o.reading))
		}
	}
}
