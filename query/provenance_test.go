package query

import "testing"

func TestValueSourceOf(t *testing.T) {
	r, err := DecodeReport([]byte(`{"schema":"nianbao.report/1","provenance":{
		"requests.granted[6]": {"page": 3, "box": [1, 2, 3, 4]},
		"requests.new[0]": {"table": 0, "row": 5, "col": 7},
		"active.licensing.decisions": {"line": 41},
		"review_litigation.review.upheld": {"page": 2, "box": [1, 2]},
		"requests.total[6]": "not an object",
		"requests.total[0]": {"page": -1},
		"requests.total[1]": {}
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		table, row, col string
		ok              bool
		check           func(ValueSource) bool
	}{
		{TableRequests, "granted", "total", true, func(v ValueSource) bool { return v.Page == 3 && len(v.Box) == 4 && v.Box[3] == 4 }},
		{TableRequests, "new", "natural_person", true, func(v ValueSource) bool { return *v.Table == 0 && *v.Row == 5 && *v.Col == 7 }},
		{TableActive, "licensing", "decisions", true, func(v ValueSource) bool { return v.Line == 41 && v.Page == 0 }},
		{TableReview, "review", "upheld", true, func(v ValueSource) bool { return v.Page == 2 && v.Box == nil }}, // a box that is not 4 numbers is dropped
		{TableRequests, "total", "total", false, nil},                 // not an object
		{TableRequests, "total", "natural_person", false, nil},        // says nothing usable
		{TableRequests, "total", "commercial_enterprise", false, nil}, // empty
		{TableRequests, "carried_over", "total", false, nil},          // absent
	} {
		v, ok := r.ValueSourceOf(ProvenanceKey(tc.table, tc.row, tc.col))
		if ok != tc.ok || (ok && !tc.check(v)) {
			t.Errorf("%s.%s.%s: %+v %v", tc.table, tc.row, tc.col, v, ok)
		}
	}
	if k := ProvenanceKey(TableRequests, "withheld.state_secret", "natural_person"); k != "requests.withheld.state_secret[0]" {
		t.Errorf("key %q", k)
	}
	var none *Report
	if _, ok := none.ValueSourceOf("requests.new[0]"); ok {
		t.Error("a nil report has no sources")
	}
	old, _ := DecodeReport([]byte(`{"schema":"nianbao.report/1"}`))
	if _, ok := old.ValueSourceOf("requests.new[0]"); ok || old.Provenance != nil {
		t.Error("an older report without provenance reads as none")
	}
}
