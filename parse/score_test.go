package parse

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/nianbao/nianbao/parse/report"
)

// TestCorpusScore counts, over every table cell of the corpus, the cells
// read as expected, the expected numbers left null, and the numbers that
// are wrong (a value where null is expected, or a different value). Wrong
// numbers fail the test; the counts are logged (-v) for before/after
// comparisons of the parser.
func TestCorpusScore(t *testing.T) {
	var right, missed, wrong, nulls int
	var wrongAt []string
	for _, c := range loadCorpus(t) {
		meta := report.Meta{}
		if m, ok := c.exp["meta"].(map[string]any); ok {
			meta.Region, _ = m["region"].(string)
			meta.Title, _ = m["title"].(string)
		}
		r := parseFile(t, c.file, meta)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		want, have := map[string]any{}, map[string]any{}
		for _, k := range []string{"active", "requests", "review_litigation"} {
			flattenCells(k, c.exp[k], want)
			flattenCells(k, got[k], have)
		}
		for path, w := range want {
			h := have[path]
			switch {
			case w == nil && h == nil:
				nulls++
			case w == nil:
				wrong++
				wrongAt = append(wrongAt, fmt.Sprintf("%s %s: %v, want null", c.name, path, h))
			case h == nil:
				missed++
			case fmt.Sprint(w) == fmt.Sprint(h):
				right++
			default:
				wrong++
				wrongAt = append(wrongAt, fmt.Sprintf("%s %s: %v, want %v", c.name, path, h, w))
			}
		}
		for path, h := range have {
			if _, ok := want[path]; !ok && h != nil {
				wrong++
				wrongAt = append(wrongAt, fmt.Sprintf("%s %s: %v, not in the report", c.name, path, h))
			}
		}
	}
	sort.Strings(wrongAt)
	t.Logf("corpus cells: %d read right, %d expected numbers left null, %d wrong, %d null as expected", right, missed, wrong, nulls)
	if wrong > 0 {
		t.Errorf("%d wrong numbers:\n%v", wrong, wrongAt)
	}
}

// flattenCells maps every number of a table to its path ("requests.new.3").
func flattenCells(prefix string, v any, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "amount_unit" || k == "label" {
				continue
			}
			flattenCells(prefix+"."+k, e, out)
		}
	case []any:
		for i, e := range x {
			flattenCells(fmt.Sprintf("%s.%d", prefix, i), e, out)
		}
	case nil:
		if prefix != "active" && prefix != "requests" && prefix != "review_litigation" {
			out[prefix] = nil
		}
	default:
		out[prefix] = x
	}
}
