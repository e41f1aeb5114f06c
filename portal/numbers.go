package portal

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
)

// ReportData are the numbers of a generated report, keyed as in
// docs/schema.md, so a parser test can compare field by field.
type ReportData struct {
	Format string `json:"format"` // "2021", "2019" or "legacy"
	// Active: section 二, schema key → values in column order (fees in 万元
	// may have one decimal; 2019 `change` may be negative).
	Active map[string][]float64 `json:"active,omitempty"`
	// Requests: section 三, schema key → 7 values (自然人 … 其他, 总计).
	Requests map[string][7]int `json:"requests,omitempty"`
	// Review: section 四, "review", "litigation_direct",
	// "litigation_after_review" → upheld, corrected, other, pending, total.
	Review map[string][5]int `json:"review_litigation,omitempty"`
	// Legacy prose figures (format "legacy" only).
	LegacyActive   int `json:"legacy_active,omitempty"`   // 主动公开政府信息N条
	LegacyRequests int `json:"legacy_requests,omitempty"` // 受理申请N件
}

// Row keys of table 三 in print order.
var (
	reqHead      = []string{"new", "carried_over"}
	reqOutcomes  = []string{"granted", "partly_granted", "withheld.state_secret", "withheld.prohibited_by_law", "withheld.security_stability", "withheld.third_party", "withheld.internal_affairs", "withheld.process_info", "withheld.enforcement_files", "withheld.query_matters", "unable.not_held", "unable.needs_creation", "unable.unclear", "not_processed.complaint", "not_processed.repeated", "not_processed.publication", "not_processed.excessive", "not_processed.confirmation"}
	reqOther2021 = []string{"other.no_correction", "other.fee_unpaid", "other.other"}
	reqOther2019 = []string{"other"}
	reviewKeys   = []string{"review", "litigation_direct", "litigation_after_review"}
)

func outcomeKeys(format string) []string {
	out := append([]string(nil), reqOutcomes...)
	if format == "2019" {
		return append(out, reqOther2019...)
	}
	return append(out, reqOther2021...)
}

func seededRand(parts ...any) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprint(h, p, "|")
	}
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

// genData makes distinct, internally consistent numbers (format.md §5
// H1–H5) for report id at a version.
func genData(id string, version int, format string) *ReportData {
	r := seededRand(id, version, format)
	d := &ReportData{Format: format}
	if format == "legacy" {
		d.LegacyActive = 50 + r.IntN(900)
		d.LegacyRequests = 1 + r.IntN(60)
		return d
	}
	d.Active = map[string][]float64{}
	n := func(k int) float64 { return float64(r.IntN(k)) }
	if format == "2021" {
		d.Active["regulations"] = []float64{n(3), n(2), 1 + n(20)}
		d.Active["normative_documents"] = []float64{1 + n(9), n(4), 5 + n(60)}
		d.Active["licensing"] = []float64{10 + n(3000)}
		d.Active["punishment"] = []float64{n(400)}
		d.Active["coercion"] = []float64{n(30)}
		d.Active["fees"] = []float64{float64(r.IntN(5000)) / 10}
	} else {
		signed := func(k int) float64 { return float64(r.IntN(2*k+1) - k) }
		d.Active["regulations"] = []float64{n(3), n(3), 1 + n(20)}
		d.Active["normative_documents"] = []float64{1 + n(9), 1 + n(9), 10 + n(60)}
		d.Active["licensing"] = []float64{20 + n(200), signed(10), 10 + n(3000)}
		d.Active["other_services"] = []float64{n(50), signed(5), n(800)}
		d.Active["punishment"] = []float64{n(60), signed(6), n(400)}
		d.Active["coercion"] = []float64{n(10), signed(3), n(30)}
		d.Active["fees"] = []float64{n(20), signed(3)}
		d.Active["procurement"] = []float64{1 + n(40), 10 + n(900)}
	}

	d.Requests = map[string][7]int{}
	keys := outcomeKeys(format)
	var co, cf, total [7]int
	for _, k := range keys {
		var row [7]int
		for c := 0; c < 6; c++ {
			switch {
			case k == "granted":
				row[c] = r.IntN([]int{60, 12, 4, 3, 5, 6}[c])
			case r.IntN(4) == 0:
				row[c] = r.IntN(4)
			}
			total[c] += row[c]
		}
		d.Requests[k] = row
	}
	var nw [7]int
	for c := 0; c < 6; c++ {
		co[c] = min(r.IntN(4), total[c])
		cf[c] = r.IntN(3)
		nw[c] = total[c] + cf[c] - co[c]
	}
	d.Requests["new"], d.Requests["carried_over"] = nw, co
	d.Requests["total"], d.Requests["carried_forward"] = total, cf
	for k, row := range d.Requests {
		row[6] = 0
		for c := 0; c < 6; c++ {
			row[6] += row[c]
		}
		d.Requests[k] = row
	}

	d.Review = map[string][5]int{}
	for _, k := range reviewKeys {
		var g [5]int
		for i := 0; i < 4; i++ {
			g[i] = r.IntN(4)
		}
		g[4] = g[0] + g[1] + g[2] + g[3]
		d.Review[k] = g
	}
	return d
}

// Check verifies the hard rules H1–H4 of format.md §5 and returns the
// first violation.
func (d *ReportData) Check() error {
	if d.Format == "legacy" {
		return nil
	}
	req := d.Requests
	for c := 0; c < 7; c++ {
		if req["new"][c]+req["carried_over"][c] != req["total"][c]+req["carried_forward"][c] {
			return fmt.Errorf("H1 column %d: %d+%d != %d+%d", c, req["new"][c], req["carried_over"][c], req["total"][c], req["carried_forward"][c])
		}
		sum := 0
		for _, k := range outcomeKeys(d.Format) {
			sum += req[k][c]
		}
		if sum != req["total"][c] {
			return fmt.Errorf("H2 column %d: outcomes %d != total %d", c, sum, req["total"][c])
		}
	}
	for k, row := range req {
		s := 0
		for c := 0; c < 6; c++ {
			if row[c] < 0 {
				return fmt.Errorf("H5 %s: negative count", k)
			}
			s += row[c]
		}
		if s != row[6] {
			return fmt.Errorf("H3 row %s: %d != %d", k, s, row[6])
		}
	}
	for _, k := range reviewKeys {
		g := d.Review[k]
		if g[0]+g[1]+g[2]+g[3] != g[4] {
			return fmt.Errorf("H4 %s: %v", k, g)
		}
	}
	return nil
}
