package report

import (
	"fmt"
	"math"
)

// runChecks evaluates H1–H5 (format.md §5). A null counts as 0 in sums
// (format.md: blank means nothing), but a rule is skipped when all its
// operands are null (nothing was reported) or when one of them is a value
// the parser could not place (uncertain): a failure would then be the
// parser's, not the report's.
func runChecks(r *Report, uncertain map[string]bool) []Check {
	out := make([]Check, 0, 64) // a full report has about 45
	var nums floatSlab
	check := func(rule, where string, expected, found float64) Check {
		return Check{Rule: rule, Where: where, OK: math.Abs(expected-found) < 1e-9, Expected: nums.ptr(expected), Found: nums.ptr(found)}
	}
	q := r.Requests
	get := func(key string) ([7]*float64, bool) { return q.Get(key) }
	// the cell paths only matter for looking up uncertain cells: most
	// reports have none, so skip building them
	paths := len(uncertain) > 0

	if q != nil {
		// H1: 一 + 二 = 三（七）总计 + 四, per column
		newR, ok1 := get("new")
		carR, ok2 := get("carried_over")
		totR, ok3 := get("total")
		fwdR, ok4 := get("carried_forward")
		if ok1 && ok2 && ok3 && ok4 {
			for c, col := range RequestColumns {
				var ps []string
				if paths {
					ps = []string{reqPath("new", c), reqPath("carried_over", c), reqPath("total", c), reqPath("carried_forward", c)}
				}
				vals := []*float64{newR[c], carR[c], totR[c], fwdR[c]}
				if skip(vals, ps, uncertain) {
					continue
				}
				out = append(out, check("H1", "requests."+col, val(newR[c])+val(carR[c]), val(totR[c])+val(fwdR[c])))
			}
		}
		// H2: （七） = sum of the outcome rows, per column; not evaluated
		// when an outcome row was printed where it could not be placed
		if ok3 && !uncertain["H2"] {
			tpl := templateByName(r.Format)
			for c, col := range RequestColumns {
				var sum float64
				vals := make([]*float64, 1, len(tpl.Requests)+1)
				vals[0] = totR[c]
				var ps []string
				if paths {
					ps = []string{reqPath("total", c)}
				}
				n := 0
				for _, s := range tpl.Requests {
					if !s.Outcome {
						continue
					}
					row, ok := get(s.Key)
					if !ok {
						continue
					}
					n++
					sum += val(row[c])
					vals = append(vals, row[c])
					if paths {
						ps = append(ps, reqPath(s.Key, c))
					}
				}
				if n == 0 || skip(vals, ps, uncertain) {
					continue
				}
				out = append(out, check("H2", "requests.total."+col, sum, val(totR[c])))
			}
		}
		// H3: 总计 = the six applicant columns, per row
		for _, row := range q.Rows {
			vals := row.Values[:]
			var ps []string
			if paths {
				ps = make([]string, 7)
				for c := range ps {
					ps[c] = reqPath(row.Key, c)
				}
			}
			if skip(vals, ps, uncertain) {
				continue
			}
			var sum float64
			for c := 0; c < 6; c++ {
				sum += val(row.Values[c])
			}
			out = append(out, check("H3", "requests."+row.Key, sum, val(row.Values[6])))
		}
	}
	// H4: 总计 = 维持 + 纠正 + 其他 + 尚未审结, per group
	if rl := r.ReviewLitigation; rl != nil {
		for _, g := range []struct {
			name string
			o    *Outcome
		}{{"review", &rl.Review}, {"litigation_direct", &rl.LitigationDirect}, {"litigation_after_review", &rl.LitigationAfterReview}} {
			vals := []*float64{g.o.Upheld, g.o.Corrected, g.o.Other, g.o.Pending, g.o.Total}
			var ps []string
			if len(uncertain) > 0 {
				ps = make([]string, 5)
				for i, n := range []string{"upheld", "corrected", "other", "pending", "total"} {
					ps[i] = "review_litigation." + g.name + "." + n
				}
			}
			if skip(vals, ps, uncertain) {
				continue
			}
			out = append(out, check("H4", "review_litigation."+g.name, val(g.o.Upheld)+val(g.o.Corrected)+val(g.o.Other)+val(g.o.Pending), val(g.o.Total)))
		}
	}
	out = append(out, checkH5(r)...)
	return out
}

func reqPath(key string, c int) string {
	if ps, ok := reqPaths[key]; ok {
		return ps[c]
	}
	return "requests." + key + "." + RequestColumns[c]
}

// reqPaths holds the cell paths of every template row, built once: they
// are looked up for every cell of every report.
var reqPaths = func() map[string]*[7]string {
	m := map[string]*[7]string{}
	for _, t := range append(Templates[:len(Templates):len(Templates)], &commonTemplate) {
		for _, s := range t.Requests {
			if m[s.Key] != nil {
				continue
			}
			var ps [7]string
			for c, col := range RequestColumns {
				ps[c] = "requests." + s.Key + "." + col
			}
			m[s.Key] = &ps
		}
	}
	return m
}()

func val(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// skip: paths is nil when uncertain is empty.
func skip(vals []*float64, paths []string, uncertain map[string]bool) bool {
	all := true
	for i, v := range vals {
		if paths != nil && uncertain[paths[i]] {
			return true
		}
		if v != nil {
			all = false
		}
	}
	return all
}

func check(rule, where string, expected, found float64) Check {
	e, f := expected, found
	return Check{Rule: rule, Where: where, OK: math.Abs(e-f) < 1e-9, Expected: &e, Found: &f}
}

func templateByName(name string) *Template {
	for _, t := range Templates {
		if t.Name == name {
			return t
		}
	}
	return &commonTemplate
}

// checkH5: counts are non-negative integers; 2019 本年增/减 may be
// negative and money may be decimal (but not negative). One passing check
// per table, or one failing check per offending cell.
func checkH5(r *Report) []Check {
	var out []Check
	type bad struct {
		where string
		v     float64
	}
	report := func(table string, seen bool, bads []bad) {
		if !seen {
			return
		}
		if len(bads) == 0 {
			out = append(out, Check{Rule: "H5", Where: table, OK: true})
			return
		}
		for _, b := range bads {
			v := b.v
			out = append(out, Check{Rule: "H5", Where: b.where, OK: false, Found: &v})
		}
	}
	isCount := func(v float64) bool { return v >= 0 && v == math.Trunc(v) }

	if a := r.Active; a != nil && len(a.Rows) > 0 {
		var bads []bad
		tpl := templateByName(r.Format)
		for _, row := range a.Rows {
			for _, f := range row.Fields {
				if f.Value == nil {
					continue
				}
				fs := fieldSpec(tpl, row.Key, f.Name)
				v := *f.Value
				switch {
				case fs.Signed:
					if v != math.Trunc(v) {
						bads = append(bads, bad{fmt.Sprintf("active.%s.%s", row.Key, f.Name), v})
					}
				case fs.Money:
					if v < 0 {
						bads = append(bads, bad{fmt.Sprintf("active.%s.%s", row.Key, f.Name), v})
					}
				default:
					if !isCount(v) {
						bads = append(bads, bad{fmt.Sprintf("active.%s.%s", row.Key, f.Name), v})
					}
				}
			}
		}
		report("active", true, bads)
	}
	if q := r.Requests; q != nil {
		var bads []bad
		for _, row := range q.Rows {
			for c, v := range row.Values {
				if v != nil && !isCount(*v) {
					bads = append(bads, bad{reqPath(row.Key, c), *v})
				}
			}
		}
		report("requests", true, bads)
	}
	if rl := r.ReviewLitigation; rl != nil {
		var bads []bad
		for i, v := range rl.Values() {
			if v != nil && !isCount(*v) {
				bads = append(bads, bad{"review_litigation." + reviewColumns[i], *v})
			}
		}
		report("review_litigation", true, bads)
	}
	return out
}

func fieldSpec(t *Template, rowKey, name string) FieldSpec {
	for _, a := range t.Active {
		if a.Key != rowKey {
			continue
		}
		for _, f := range a.Fields {
			if f.Name == name {
				return f
			}
		}
	}
	return FieldSpec{}
}

// CheckCarryOver evaluates the soft rule SR1 (format.md §5) between two
// reports of the same body: this year's 二、上年结转 should equal last
// year's 四、结转下年度继续办理, column by column. prev is the earlier
// year's report. Every column is Skipped when the years are not
// consecutive or a report lacks the row. A failure is a flag, not a
// rejection.
func CheckCarryOver(prev, cur *Report) []Check {
	var fwd, over [7]*float64
	ok := prev != nil && cur != nil && prev.Year != nil && cur.Year != nil && *cur.Year == *prev.Year+1
	if ok {
		var ok1, ok2 bool
		fwd, ok1 = prev.Requests.Get("carried_forward")
		over, ok2 = cur.Requests.Get("carried_over")
		ok = ok1 && ok2
	}
	out := CarryOverChecks(fwd, over)
	if !ok {
		for i := range out {
			out[i].Skipped, out[i].OK = true, false
		}
	}
	return out
}

// CarryOverChecks is SR1 on the two rows' seven columns (自然人 … 总计):
// last year's carried_forward against this year's carried_over. A column
// where either side is null is Skipped, never counted as a mismatch (a
// blank cell is not a 0).
func CarryOverChecks(prevForward, curOver [7]*float64) []Check {
	out := make([]Check, 0, len(RequestColumns))
	for i, col := range RequestColumns {
		c := Check{Rule: "SR1", Where: "requests.carried_over." + col, Expected: prevForward[i], Found: curOver[i]}
		if c.Expected == nil || c.Found == nil {
			c.Skipped = true
		} else {
			c.OK = *c.Expected == *c.Found
		}
		out = append(out, c)
	}
	return out
}
