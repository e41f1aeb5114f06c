package query_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

// A document is found by its id in any case, or by any URL it was stored,
// filed or listed under, in the spellings a reader pastes.
func TestFindDocument(t *testing.T) {
	a := querytest.Open(t)
	ids := querytest.Add(t, a,
		querytest.Doc{Site: "yanshi", URL: "http://yanshi.gov.cn/a.html", Title: "甲", Body: "甲局", Year: 2023,
			Files: []querytest.File{{URL: "http://yanshi.gov.cn/a.html", Role: "page", Data: querytest.HTML("甲")},
				{URL: "http://yanshi.gov.cn/a.pdf", Data: querytest.PDF("a")}}},
		querytest.Doc{Site: "yanshi", URL: "http://yanshi.gov.cn/b/index.html?y=1&x=2", Title: "乙", Body: "乙局", Year: 2023,
			Files: []querytest.File{{URL: "http://yanshi.gov.cn/b/index.html?y=1&x=2", Role: "page", Data: querytest.HTML("乙")}}},
	)
	for _, tc := range []struct{ ref, want string }{
		{ids[0], ids[0]},
		{" " + strings.ToUpper(ids[1]) + " ", ids[1]},
		{"http://yanshi.gov.cn/a.html", ids[0]},
		{"http://yanshi.gov.cn/a.html#part2", ids[0]},
		{"HTTP://YanShi.gov.cn/a.html", ids[0]},
		{"http://yanshi.gov.cn/a.pdf", ids[0]},                // a file of the report
		{"http://www.yanshi.gov.cn/a.html", ids[0]},           // canonical form
		{"http://yanshi.gov.cn/b/index.html?x=2&y=1", ids[1]}, // query order
		{"yanshi.gov.cn/a.html", ids[0]},                      // pasted without its scheme
		{"https://yanshi.gov.cn/a.pdf", ids[0]},               // https for http
		{"www.yanshi.gov.cn/b/?y=1&x=2", ids[1]},
		{"yanshi.gov.cn/c.html", ""},
		{"http://yanshi.gov.cn/A.html", ""}, // paths keep their case
		{"http://yanshi.gov.cn/c.html", ""},
		{"0000000000000000", ""},
	} {
		d, err := query.FindDocument(context.Background(), a, tc.ref)
		switch {
		case tc.want == "" && !errors.Is(err, archive.ErrNotFound):
			t.Errorf("%q: %v, %v; want not found", tc.ref, d, err)
		case tc.want != "" && (err != nil || d.ID != tc.want):
			t.Errorf("%q: %v, %v; want %s", tc.ref, d, err, tc.want)
		}
	}
}

// An id may be shortened to an unambiguous prefix of at least
// MinIDPrefix hex digits; a prefix several ids share names them all.
func TestFindDocumentIDPrefix(t *testing.T) {
	a := querytest.Open(t)
	ids := querytest.Add(t, a,
		querytest.Doc{Site: "yanshi", URL: "http://yanshi.gov.cn/a.html", Title: "甲", Body: "甲局", Year: 2023,
			Files: []querytest.File{{URL: "http://yanshi.gov.cn/a.html", Role: "page", Data: querytest.HTML("甲")}}})
	// Hashes do not share 6 digits on demand: two ids made to.
	for _, id := range []string{"abcdef0000000001", "abcdef0000000002", "abcdee0000000000"} {
		if err := a.PutDocument(&archive.Document{ID: id, Site: "t", URL: "http://t.gov.cn/" + id, Title: "twin " + id}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ ref, want string }{
		{ids[0][:query.MinIDPrefix], ids[0]},
		{strings.ToUpper(ids[0][:10]), ids[0]},
		{"abcdef0000000002", "abcdef0000000002"},
		{"abcdef00000000021", ""}, // longer than an id
		{"abcdee", "abcdee0000000000"},
		{"abcde", ""}, // too short, though only these three share it
		{ids[0][:5], ""},
		{"abcdeg", ""}, // not hex
		{"123456", ""},
	} {
		d, err := query.FindDocument(context.Background(), a, tc.ref)
		switch {
		case tc.want == "" && !errors.Is(err, archive.ErrNotFound):
			t.Errorf("%q: %v, %v; want not found", tc.ref, d, err)
		case tc.want != "" && (err != nil || d.ID != tc.want):
			t.Errorf("%q: %v, %v; want %s", tc.ref, d, err, tc.want)
		}
	}

	_, err := query.FindDocument(context.Background(), a, "ABCDEF")
	var amb *query.AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("ABCDEF: %v; want an AmbiguousError", err)
	}
	if errors.Is(err, archive.ErrNotFound) {
		t.Errorf("an ambiguous prefix is not 'not found': %v", err)
	}
	var got []string
	for _, d := range amb.Candidates {
		got = append(got, d.ID)
	}
	if amb.Prefix != "abcdef" || strings.Join(got, ",") != "abcdef0000000001,abcdef0000000002" || amb.More {
		t.Errorf("ambiguity = %s %v more=%v; want abcdef's two ids", amb.Prefix, got, amb.More)
	}

	// Past the listed candidates, the error says there are more.
	for i := range 12 {
		id := fmt.Sprintf("bbbbbb%010d", i)
		if err := a.PutDocument(&archive.Document{ID: id, Site: "t", URL: "http://t.gov.cn/" + id}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = query.FindDocument(context.Background(), a, "bbbbbb")
	if !errors.As(err, &amb) || len(amb.Candidates) == 0 || len(amb.Candidates) >= 12 || !amb.More {
		t.Errorf("bbbbbb: %v; want some of the 12 candidates and More", err)
	}
}
