package report

// RunChecks evaluates H1–H5 on r as it stands: for a caller that changed
// r's values after Parse (the OCR trust gate withholds rows) and must not
// keep checks of values it removed.
func RunChecks(r *Report) []Check { return runChecks(r, nil) }

// OutcomeKeys are the rows of format's section 三 that H2 sums into
// （七）总计, in template order.
func OutcomeKeys(format string) []string {
	var out []string
	for _, s := range templateByName(format).Requests {
		if s.Outcome {
			out = append(out, s.Key)
		}
	}
	return out
}
