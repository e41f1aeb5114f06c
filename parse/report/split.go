package report

import "strconv"

// Run-together cells. A text rendition can lose the separators between a
// row's cells: "行政处罚88022" is 88 | 0 | 22 and "一、本年新收政府信息公开
// 申请数量3000003" is 3 0 0 0 0 0 3. A run of digits standing for several
// cells is read by enumerating the ways to cut it (readRow) and keeping
// only the cuts that satisfy the report's own arithmetic (format.md §5):
// the sum rules inside the row here, the rules linking rows in solve.go. A
// value is given only when exactly one reading survives.
//
// The search is bounded: a cell has at most maxPartDigits digits, a total
// is checked against the sum of its members as soon as it is cut (and,
// once the digit-only count is settled, only the cut of that sum's length
// is tried), and every search has a step budget; running out of budget
// reads as "ambiguous", never as an answer.

// maxPartDigits is the longest cell a run of digits may be cut into: no
// count or amount in these tables comes near 10^12, and float64 sums of
// such cells stay exact.
const maxPartDigits = 12

// sumRule says that cells[from:to] add up to cells[total]; the total comes
// after its members (as in every table of the national formats).
type sumRule struct{ from, to, total int }

// requestRowRules is H3: 总计 = the six applicant columns.
var requestRowRules = []sumRule{{0, 6, 6}}

// reviewRowRules is H4: 总计 = 维持 + 纠正 + 其他 + 尚未审结, per group.
var reviewRowRules = []sumRule{{0, 4, 4}, {5, 9, 9}, {10, 14, 14}}

// splitBudget bounds the steps of one row's search; maxReadings bounds the
// readings kept for one row.
const (
	splitBudget = 1 << 16
	maxReadings = 64
)

// cellVal is one cell of a reading as the arithmetic sees it.
type cellVal struct {
	text string  // the cell as printed (a cut of a digit run, or a whole token)
	v    float64 // its value; 0 for a blank or n/a cell
	bad  bool    // not a number: rules over it cannot be evaluated
}

// rowReadings is the outcome of readRow.
type rowReadings struct {
	// readings that satisfy the row's own rules (each of n cells)
	list [][]cellVal
	// digitOnly counts the readings the digits allow before any rule is
	// applied, capped at 2 (1 means the digits alone decide the row)
	digitOnly int
	// overflow: more readings than maxReadings, or the budget ran out;
	// the row cannot be decided
	overflow bool
}

// splittable tells whether a value token may stand for several cells: a
// plain run of at least two digits.
func splittable(t string) bool { return len(t) >= 2 && allDigits(t) }

// readRow enumerates the readings of toks (folded value tokens) as exactly
// n cells: a token of plain digits stands for one or more cells run
// together, every other token for exactly one cell. A cut may not give a
// cell with a leading zero ("07"), though "0" itself is a cell. Readings
// failing a rule are dropped; the digit-only count is kept separately.
func readRow(toks []string, n int, rules []sumRule) rowReadings {
	var out rowReadings
	if n <= 0 || len(toks) == 0 || len(toks) > n {
		return out
	}
	atoms := make([]cellVal, len(toks)) // the whole-token reading of each token
	minCells, maxCells := 0, 0
	for i, t := range toks {
		atoms[i] = atomOf(t)
		if splittable(t) {
			minCells += (len(t) + maxPartDigits - 1) / maxPartDigits
			maxCells += len(t)
		} else {
			minCells++
			maxCells++
		}
	}
	if n < minCells || n > maxCells {
		return out
	}
	// suffix capacities: how many cells tokens i.. can give at least/most
	minFrom := make([]int, len(toks)+1)
	maxFrom := make([]int, len(toks)+1)
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		if splittable(t) {
			minFrom[i] = minFrom[i+1] + (len(t)+maxPartDigits-1)/maxPartDigits
			maxFrom[i] = maxFrom[i+1] + len(t)
		} else {
			minFrom[i] = minFrom[i+1] + 1
			maxFrom[i] = maxFrom[i+1] + 1
		}
	}
	// totalOf[k] is the rule whose total is cell k (-1: none); ruleOf[k]
	// the rule cell k is a member of
	totalOf := make([]int, n)
	ruleOf := make([]int, n)
	for k := range totalOf {
		totalOf[k], ruleOf[k] = -1, -1
	}
	for ri, r := range rules {
		if r.total >= n || r.to > n {
			continue
		}
		totalOf[r.total] = ri
		for k := r.from; k < r.to; k++ {
			ruleOf[k] = ri
		}
	}
	cells := make([]cellVal, n)
	sums := make([]float64, len(rules))
	bad := make([]bool, len(rules))
	budget := splitBudget
	ruleFail := false // the current path already broke a rule (digit-only count)

	var walk func(k, ti, pos int)
	walk = func(k, ti, pos int) {
		if budget <= 0 {
			out.overflow = true
			return
		}
		budget--
		if ruleFail && out.digitOnly >= 2 {
			return // only counted for digitOnly, which is settled
		}
		if k == n {
			if ti != len(toks) {
				return
			}
			if out.digitOnly < 2 {
				out.digitOnly++
			}
			if ruleFail {
				return
			}
			if len(out.list) == maxReadings {
				out.overflow = true
				return
			}
			out.list = append(out.list, append([]cellVal(nil), cells...))
			return
		}
		if ti == len(toks) {
			return
		}
		// cells k.. must be fillable by what is left: the rest of token ti
		// plus the tokens after it
		left := n - k
		restMin, restMax := minFrom[ti+1], maxFrom[ti+1]
		t := toks[ti]
		if !splittable(t) {
			if pos != 0 || left < 1+restMin || left > 1+restMax {
				return
			}
			cells[k] = atoms[ti]
			step(k, cells[k], sums, bad, ruleOf, totalOf, rules, &ruleFail, func() { walk(k+1, ti+1, 0) })
			return
		}
		rem := len(t) - pos
		curMin := (rem + maxPartDigits - 1) / maxPartDigits
		if left < curMin+restMin || left > rem+restMax {
			return
		}
		// a total's length is forced by its members' sum, once the
		// digit-only count no longer needs the other cuts
		forced := 0
		if ri := totalOf[k]; ri >= 0 && out.digitOnly >= 2 && !bad[ri] {
			forced = len(strconv.FormatInt(int64(sums[ri]), 10))
		}
		for l := 1; l <= rem && l <= maxPartDigits; l++ {
			if l > 1 && t[pos] == '0' {
				break // no leading zeros
			}
			if forced > 0 && l != forced {
				continue
			}
			// the rest of this token after the cut must still fit
			after := rem - l
			if after > 0 {
				if left-1 < (after+maxPartDigits-1)/maxPartDigits+restMin || left-1 > after+restMax {
					continue
				}
			} else if left-1 < restMin || left-1 > restMax {
				continue
			}
			part := t[pos : pos+l]
			cells[k] = cellVal{text: part, v: digitsValue(part)}
			nti, npos := ti, pos+l
			if npos == len(t) {
				nti, npos = ti+1, 0
			}
			step(k, cells[k], sums, bad, ruleOf, totalOf, rules, &ruleFail, func() { walk(k+1, nti, npos) })
			if budget <= 0 {
				out.overflow = true
				return
			}
		}
	}
	walk(0, 0, 0)
	return out
}

// step applies cell k's part in the running rule sums, notes whether it
// breaks its rule (as total), recurses, and undoes.
func step(k int, c cellVal, sums []float64, bad []bool, ruleOf, totalOf []int, rules []sumRule, ruleFail *bool, next func()) {
	prevFail := *ruleFail
	if ri := ruleOf[k]; ri >= 0 {
		prevSum, prevBad := sums[ri], bad[ri]
		sums[ri] += c.v
		bad[ri] = bad[ri] || c.bad
		next()
		sums[ri], bad[ri] = prevSum, prevBad
		*ruleFail = prevFail
		return
	}
	if ri := totalOf[k]; ri >= 0 {
		// a rule over an unreadable cell cannot hold
		if bad[ri] || c.bad || c.v != sums[ri] {
			*ruleFail = true
		}
	}
	next()
	*ruleFail = prevFail
}

// atomOf reads a whole token as one cell.
func atomOf(t string) cellVal {
	c := parseCell(t)
	switch c.kind {
	case cellNum:
		return cellVal{text: t, v: c.val}
	case cellNA, cellBlank:
		return cellVal{text: t}
	}
	return cellVal{text: t, bad: true}
}

// digitsValue is the value of a run of at most maxPartDigits digits.
func digitsValue(s string) float64 {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return float64(n)
}

// splitToks gives a row's value tokens when they are fewer than its n
// cells and some token is a run of digits that may hold several: blank
// cells at the ends of a grid row are span padding and dropped, a blank
// inside means the cells were kept apart, so nothing ran together.
func splitToks(c cand, n int) ([]string, bool) {
	if c.cut {
		return nil, false // its last value is lost, not run into the others
	}
	v := c.vals
	if c.grid {
		for len(v) > 0 && v[0] == "" {
			v = v[1:]
		}
		for len(v) > 0 && v[len(v)-1] == "" {
			v = v[:len(v)-1]
		}
	}
	if len(v) == 0 || len(v) >= n {
		return nil, false
	}
	any := false
	for _, t := range v {
		if t == "" {
			return nil, false
		}
		if !splittable(t) && digitCount(t) >= 2 {
			// a signed, decimal or unit-bearing number may hold a run
			// too ("减4" and "3120" printed as "减43120"): no cut of it is
			// safe, and without it the row cannot be read
			return nil, false
		}
		any = any || splittable(t)
	}
	return v, any
}

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// decided is the one reading of a row that no other row constrains (四,
// 二): unique among the readings that satisfy the row's own rules. A row
// whose values were printed as several tokens (cover) is never decided
// here: cells may be missing from it (blank, or lost) rather than run
// together, and its own digits cannot tell the two apart ("0 12" for
// three cells reads as 0 1 2 only by the digits, yet may be 0, ?, 12).
func decided(rr rowReadings, cover bool) ([]cellVal, string) {
	switch {
	case cover:
		return nil, "the values were printed apart, so cells may be missing rather than run together"
	case rr.overflow:
		return nil, "too many ways to cut the digits to decide"
	case rr.digitOnly == 0:
		return nil, "the digits cannot be cut into that many cells"
	case len(rr.list) == 0:
		return nil, "no way to cut the digits satisfies the row's own totals"
	case len(rr.list) > 1:
		return nil, "several ways to cut the digits satisfy the row's own totals"
	}
	return rr.list[0], ""
}

// readingText joins a reading for messages: "3 0 0 0 0 0 3".
func readingText(r []cellVal) string {
	b := make([]byte, 0, 2*len(r))
	for i, c := range r {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, c.text...)
	}
	return string(b)
}

// Collapsed rows. A text rendition printed as "| a | b |" rows may leave
// a row's blank cells out ("| 1.属于国家秘密 | 2 | 2 |" for 2, -, -, -, -,
// -, 2): its values are whole cells, but which columns they stand in is
// lost. placeRow enumerates the placements — the values in order, the
// other cells blank — that satisfy the row's own rules; the rules linking
// rows decide among them (solve.go), as for run-together rows.

// collapsedToks gives a bar-separated row's values when they are fewer
// than its n cells and every one is a plain count: none blank (a blank
// between bars means blank cells were kept), none a sign, decimal or unit.
func collapsedToks(c cand, n int) ([]string, bool) {
	if !c.sep || !c.grid || c.cut || c.glued || len(c.vals) == 0 || len(c.vals) >= n {
		return nil, false
	}
	for _, t := range c.vals {
		if t == "" || !allDigits(t) || len(t) > maxPartDigits || (len(t) > 1 && t[0] == '0') {
			return nil, false
		}
	}
	return c.vals, true
}

// placeRow lists the placements of toks (in order) into n cells, the
// other cells blank (counting 0 in the rules), that satisfy rules.
func placeRow(toks []string, n int, rules []sumRule) rowReadings {
	var out rowReadings
	k := len(toks)
	cols := make([]int, k)
	var rec func(i, from int)
	rec = func(i, from int) {
		if out.overflow {
			return
		}
		if i == k {
			out.digitOnly = min(out.digitOnly+1, 2)
			r := make([]cellVal, n)
			for j, c := range cols {
				r[c] = cellVal{text: toks[j], v: digitsValue(toks[j])}
			}
			for _, ru := range rules {
				var sum float64
				for c := ru.from; c < ru.to; c++ {
					sum += r[c].v
				}
				if sum != r[ru.total].v {
					return
				}
			}
			if len(out.list) == maxReadings {
				out.overflow = true
				return
			}
			out.list = append(out.list, r)
			return
		}
		for c := from; c <= n-(k-i); c++ {
			cols[i] = c
			rec(i+1, c+1)
		}
	}
	rec(0, 0)
	return out
}
