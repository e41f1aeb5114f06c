package report

import (
	"github.com/nianbao/nianbao/parse/extract"

	"sort"
)

// The joint reading of section 三's run-together rows. Each such row has
// the readings its digits allow that satisfy H3 (readRow); the rows are
// linked by H1 (一 + 二 = （七） + 四, per column) and H2 (（七） = the
// outcome rows, per column). A rule is used only when every row it names
// is in the table and none of its cells is uncertain. A run-together row
// gets values only when every assignment of readings that satisfies all
// usable rules gives it the same reading.

// solveBudget bounds the joint search (assignments tried).
const solveBudget = 1 << 18

// pendingReq is a section 三 row whose cells ran together.
type pendingReq struct {
	key     string
	printed string // the row's label as printed, for messages
	raw     string // its values as printed
	rr      rowReadings
	// cover: the values were printed as several tokens, so cells may be
	// missing (blank, or lost) rather than run together: the reading must
	// be pinned by a rule linking it to other rows in every column
	cover bool
	// at is where the run of digits stands (all of it one cell or line)
	at extract.Pos
	// collapsed: the values were printed between bars with the blank
	// cells left out; rr holds their placements (placeRow), not cuts
	collapsed bool
}

// reqState is what the joint search knows of one row of section 三.
type reqState struct {
	fixed   bool // read directly (not pending)
	vals    [7]float64
	unknown [7]bool // a cell that cannot enter a rule
}

// solveOutcome is the joint reading's verdict for one pending row.
type solveOutcome struct {
	reading []cellVal // nil: not resolved
	why     string    // why not, for the warning
}

// solveRequests decides the pending rows. fixed holds the rows read
// directly (cells nil for blank or n/a, which count 0 as in the checks;
// uncertain marks cells that cannot enter a rule); outcomes are the
// template's outcome rows present in the table, in the H2 sense; noH2
// says an outcome was printed where it could not be placed.
func solveRequests(fixed map[string][7]*float64, uncertain func(key string, c int) bool, pending []pendingReq, tpl *Template, noH2 bool) []solveOutcome {
	out := make([]solveOutcome, len(pending))
	state := map[string]*reqState{}
	for k, v := range fixed {
		s := &reqState{fixed: true}
		for c := range v {
			if v[c] != nil {
				s.vals[c] = *v[c]
			}
			s.unknown[c] = uncertain(k, c)
		}
		state[k] = s
	}
	// pending rows without a reading are unknown rows: rules over them
	// cannot be used
	var live []int
	for i, p := range pending {
		if len(p.rr.list) == 0 || p.rr.overflow {
			s := &reqState{}
			for c := range s.unknown {
				s.unknown[c] = true
			}
			state[p.key] = s
			switch {
			case p.rr.overflow:
				out[i].why = "too many ways to cut the digits to decide"
			case p.rr.digitOnly == 0:
				out[i].why = "the digits cannot be cut into 7 cells"
			default:
				out[i].why = "no way to cut the digits satisfies the row's own total (H3)"
			}
			continue
		}
		state[p.key] = &reqState{}
		live = append(live, i)
	}
	if len(live) == 0 {
		return out
	}
	idx := map[string]int{} // pending key → position in live
	for j, i := range live {
		idx[pending[i].key] = j
	}

	// the rules, per column: Σ coef·row = 0
	type term struct {
		key  string
		coef float64
	}
	type rule struct {
		name  string
		col   int
		terms []term
	}
	var rules []rule
	has := func(k string) bool { _, ok := state[k]; return ok }
	h1 := []term{{"new", 1}, {"carried_over", 1}, {"total", -1}, {"carried_forward", -1}}
	var h2 []term
	if has("total") && !noH2 {
		h2 = append(h2, term{"total", 1})
		for _, k := range outcomeKeys(tpl, has) {
			h2 = append(h2, term{k, -1})
		}
	}
	for c := 0; c < 7; c++ {
		for _, r := range []struct {
			name  string
			terms []term
		}{{"H1", h1}, {"H2", h2}} {
			if len(r.terms) == 0 {
				continue
			}
			ok := true
			for _, t := range r.terms {
				s, present := state[t.key]
				if !present || s.unknown[c] {
					ok = false
					break
				}
			}
			if ok {
				rules = append(rules, rule{r.name, c, r.terms})
			}
		}
	}
	// trust: the report's own arithmetic must hold where it can be checked
	// without the run-together rows (H3 on rows read directly, H1 and H2
	// over such rows only); otherwise only the digits may decide
	trusted := true
	for k, s := range state {
		if !s.fixed || s.unknown[6] {
			continue
		}
		if _, ok := fixed[k]; !ok {
			continue
		}
		any := false
		for c := 0; c < 6; c++ {
			any = any || s.unknown[c]
		}
		if any {
			continue
		}
		var sum float64
		for c := 0; c < 6; c++ {
			sum += s.vals[c]
		}
		if sum != s.vals[6] {
			trusted = false
		}
	}
	var linked []rule // rules that name a pending row
	for _, r := range rules {
		all := true
		var sum float64
		for _, t := range r.terms {
			if s := state[t.key]; !s.fixed {
				all = false
				break
			} else {
				sum += t.coef * s.vals[r.col]
			}
		}
		if !all {
			linked = append(linked, r)
			continue
		}
		if sum != 0 {
			trusted = false
		}
	}
	// coverage of pending rows that need it: every column in a linked rule
	var covered []bool
	if trusted {
		covered = make([]bool, len(live))
		for j, i := range live {
			var cols [7]bool
			for _, r := range linked {
				for _, t := range r.terms {
					if t.key == pending[i].key {
						cols[r.col] = true
					}
				}
			}
			covered[j] = true
			for _, c := range cols {
				covered[j] = covered[j] && c
			}
		}
	}
	if !trusted {
		for _, i := range live {
			p := pending[i]
			if !p.cover && p.rr.digitOnly == 1 && len(p.rr.list) == 1 {
				out[i].reading = p.rr.list[0]
			} else {
				out[i].why = "the report's own totals do not add up elsewhere in the table, so they cannot decide between the ways to cut the digits"
			}
		}
		return out
	}

	// search: rows with fewer readings first; each rule is checked when
	// its last pending row is assigned
	order := append([]int(nil), live...)
	sort.SliceStable(order, func(a, b int) bool { return len(pending[order[a]].rr.list) < len(pending[order[b]].rr.list) })
	pos := map[string]int{} // key → position in order
	for o, i := range order {
		pos[pending[i].key] = o
	}
	checkAt := make([][]int, len(order)) // rules to check after assigning order[o]
	for ri, r := range linked {
		last := -1
		for _, t := range r.terms {
			if o, ok := pos[t.key]; ok && o > last {
				last = o
			}
		}
		checkAt[last] = append(checkAt[last], ri)
	}
	choice := make([]int, len(order))
	agreed := make([]int, len(order)) // -1 none yet, -2 several, else the reading
	for o := range agreed {
		agreed[o] = -1
	}
	solutions := 0
	budget := solveBudget
	overflow := false
	valueOf := func(key string, col int) (float64, bool) {
		if o, ok := pos[key]; ok {
			c := pending[order[o]].rr.list[choice[o]][col]
			return c.v, !c.bad
		}
		return state[key].vals[col], true
	}
	var search func(o int)
	search = func(o int) {
		if overflow {
			return
		}
		if o == len(order) {
			solutions++
			for q, ch := range choice {
				switch agreed[q] {
				case -1:
					agreed[q] = ch
				case -2, ch:
				default:
					agreed[q] = -2
				}
			}
			return
		}
		for ch := range pending[order[o]].rr.list {
			if budget--; budget < 0 {
				overflow = true
				return
			}
			choice[o] = ch
			ok := true
			for _, ri := range checkAt[o] {
				r := linked[ri]
				var sum float64
				for _, t := range r.terms {
					v, good := valueOf(t.key, r.col)
					if !good {
						ok = false
						break
					}
					sum += t.coef * v
				}
				if !ok || sum != 0 {
					ok = false
					break
				}
			}
			if ok {
				search(o + 1)
			}
		}
	}
	search(0)
	for o, i := range order {
		p := pending[i]
		j := idx[p.key]
		switch {
		case overflow:
			out[i].why = "too many combinations of readings to decide"
		case solutions == 0:
			out[i].why = "no way to cut the digits satisfies the report's arithmetic (H1–H3)"
		case agreed[o] < 0:
			out[i].why = "several ways to cut the digits satisfy the report's arithmetic"
		case p.cover && !covered[j]:
			out[i].why = "the values were printed apart, so cells may be missing rather than run together, and no rule linking rows pins every column"
		default:
			out[i].reading = p.rr.list[agreed[o]]
		}
	}
	return out
}

// outcomeKeys are the rows H2 sums for tpl, given which rows the table
// has: a 2021 table whose （六）其他处理 was published as one row sums
// that row instead of its three sub-rows.
func outcomeKeys(tpl *Template, has func(string) bool) []string {
	var out []string
	parentUsed := false
	for _, s := range tpl.Requests {
		if !s.Outcome {
			continue
		}
		if s.Parent != "" && !has(s.Key) && has(s.Parent) {
			if !parentUsed {
				out = append(out, s.Parent)
				parentUsed = true
			}
			continue
		}
		if s.Group {
			continue // the single-row form of a group: counted via its sub-rows above
		}
		out = append(out, s.Key)
	}
	return out
}
