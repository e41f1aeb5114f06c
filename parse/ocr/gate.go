package ocr

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/parse/report"
)

// Warning codes of the trust gate.
const (
	// WarnWithheld: OCR'd values withheld because the arithmetic checks
	// covering them fail (the failures are listed).
	WarnWithheld = "ocr_withheld"
	// WarnUnverified: OCR'd values withheld because no arithmetic check
	// covers them (section 二 has none), or none could be evaluated.
	WarnUnverified = "ocr_unverified"
	// WarnH2Partial: H2 not evaluated, outcome rows of section 三 missing.
	WarnH2Partial = "ocr_h2_partial"
)

// Gate keeps only the OCR'd numbers that the report's own arithmetic
// (format.md §5) confirms: a row of section 三 is kept when every check
// covering it (H3 for the row; H1 and H2 for the columns it enters)
// passes and at least one was evaluated; a group of section 四 when its
// H4 passes. Everything else is set to null with a warning naming the
// failed checks. Section 二 has no rule: its values are withheld. H2 is
// not evaluated when outcome rows are missing (a partial scan): their sum
// could only fail. The report's checks are re-run on what is kept.
func Gate(r *report.Report) {
	if r == nil {
		return
	}
	checks := report.RunChecks(r)
	h2 := true
	if r.Requests != nil {
		var missing []string
		for _, k := range report.OutcomeKeys(r.Format) {
			if _, ok := r.Requests.Get(k); !ok {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			h2 = false
			if _, ok := r.Requests.Get("total"); ok {
				r.Warnings = append(r.Warnings, report.Warning{Code: WarnH2Partial,
					Message: fmt.Sprintf("H2 not evaluated: %d outcome rows of section 三 not read (%s)", len(missing), strings.Join(missing, ", "))})
			}
		}
	}
	// per row key (requests) or group (review): evaluated and failed checks
	type verdict struct {
		evaluated bool
		failed    []string
	}
	rows := map[string]*verdict{}
	mark := func(key string, c report.Check) {
		v := rows[key]
		if v == nil {
			v = &verdict{}
			rows[key] = v
		}
		v.evaluated = true
		if !c.OK {
			v.failed = append(v.failed, describe(c))
		}
	}
	outcomes := report.OutcomeKeys(r.Format)
	for _, c := range checks {
		switch c.Rule {
		case "H3":
			mark(strings.TrimPrefix(c.Where, "requests."), c)
		case "H1":
			for _, k := range []string{"new", "carried_over", "total", "carried_forward"} {
				mark(k, c)
			}
		case "H2":
			if !h2 {
				continue
			}
			mark("total", c)
			for _, k := range outcomes {
				mark(k, c)
			}
		case "H4":
			mark(c.Where, c)
		}
	}
	var withheld, unverified []string
	if q := r.Requests; q != nil {
		for i := range q.Rows {
			row := &q.Rows[i]
			if !hasAny(row.Values[:]) {
				continue
			}
			v := rows[row.Key]
			switch {
			case v == nil || !v.evaluated:
				unverified = append(unverified, "requests."+row.Key)
			case len(v.failed) > 0:
				withheld = append(withheld, "requests."+row.Key+" ("+strings.Join(v.failed, "; ")+")")
			default:
				continue
			}
			row.Values = [7]*float64{}
		}
	}
	if rl := r.ReviewLitigation; rl != nil {
		for _, g := range []struct {
			name string
			o    *report.Outcome
		}{{"review", &rl.Review}, {"litigation_direct", &rl.LitigationDirect}, {"litigation_after_review", &rl.LitigationAfterReview}} {
			if !hasAny([]*float64{g.o.Upheld, g.o.Corrected, g.o.Other, g.o.Pending, g.o.Total}) {
				continue
			}
			v := rows["review_litigation."+g.name]
			switch {
			case v == nil || !v.evaluated:
				unverified = append(unverified, "review_litigation."+g.name)
			case len(v.failed) > 0:
				withheld = append(withheld, "review_litigation."+g.name+" ("+strings.Join(v.failed, "; ")+")")
			default:
				continue
			}
			*g.o = report.Outcome{}
		}
	}
	if a := r.Active; a != nil {
		for i := range a.Rows {
			for j := range a.Rows[i].Fields {
				f := &a.Rows[i].Fields[j]
				if f.Value != nil {
					f.Value = nil
					if !slices.Contains(unverified, "active") {
						unverified = append(unverified, "active")
					}
				}
			}
		}
		for i := range a.Extra {
			for j := range a.Extra[i].Values {
				a.Extra[i].Values[j] = nil
			}
		}
	}
	if len(withheld) > 0 {
		r.Warnings = append(r.Warnings, report.Warning{Code: WarnWithheld,
			Message: "OCR'd values withheld, the report's arithmetic fails for them after re-reading: " + strings.Join(withheld, ", ")})
	}
	if len(unverified) > 0 {
		sort.Strings(unverified)
		r.Warnings = append(r.Warnings, report.Warning{Code: WarnUnverified,
			Message: "OCR'd values withheld, no arithmetic check confirms them: " + strings.Join(unverified, ", ")})
	}
	kept := report.RunChecks(r)
	if !h2 {
		kept = slices.DeleteFunc(kept, func(c report.Check) bool { return c.Rule == "H2" })
	}
	r.Checks = kept
}

func hasAny(vs []*float64) bool {
	for _, v := range vs {
		if v != nil {
			return true
		}
	}
	return false
}

// describe names a failed check: "H3 requests.total: 35 ≠ 34".
func describe(c report.Check) string {
	s := c.Rule + " " + c.Where
	if c.Expected != nil && c.Found != nil {
		s += fmt.Sprintf(": %g ≠ %g", *c.Expected, *c.Found)
	}
	return s
}
