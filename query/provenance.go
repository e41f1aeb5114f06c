package query

import (
	"encoding/json"
	"fmt"
)

// ValueSource is where one value stands in the original: a PDF page and
// box (points, origin top-left), a table cell of an HTML or Word original
// (0-based table, row and cell as the markup has them), or a line of the
// extracted text (1-based). Unknown parts are absent.
type ValueSource struct {
	Page  int       `json:"page,omitempty"`
	Box   []float64 `json:"box,omitempty"`
	Table *int      `json:"table,omitempty"`
	Row   *int      `json:"row,omitempty"`
	Col   *int      `json:"col,omitempty"`
	Line  int       `json:"line,omitempty"`
}

// Known reports whether s says anything.
func (s ValueSource) Known() bool {
	return s.Page > 0 || s.Table != nil || s.Row != nil || s.Col != nil || s.Line > 0
}

// ProvenanceKey names a value in the provenance object: table
// "active" → active.<row>.<col>, "requests" → requests.<row>[<i>] (i the
// RequestColumns index of col), "review_litigation" → review_litigation.<row>.<col>.
func ProvenanceKey(table, row, col string) string {
	if table == TableRequests {
		for i, c := range RequestColumns {
			if c.Key == col {
				return fmt.Sprintf("%s.%s[%d]", table, row, i)
			}
		}
	}
	return table + "." + row + "." + col
}

// ValueSourceOf returns where the value named key stands in the original;
// ok is false when the report does not say, or says it in a shape this
// version does not read (never an error: provenance is a reading aid).
func (r *Report) ValueSourceOf(key string) (ValueSource, bool) {
	if r == nil {
		return ValueSource{}, false
	}
	raw, ok := r.Provenance[key]
	if !ok {
		return ValueSource{}, false
	}
	var s ValueSource
	if err := json.Unmarshal(raw, &s); err != nil || !s.Known() {
		return ValueSource{}, false
	}
	if s.Box != nil && len(s.Box) != 4 {
		s.Box = nil
	}
	return s, true
}
