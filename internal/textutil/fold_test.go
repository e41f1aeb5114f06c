package textutil

import (
	"strings"
	"testing"
)

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   int
	}{
		{"", "", 0},
		{"abc", "", 0},
		{"/WZWSREL3NqLw==", "/wzwsre", 0},
		{"x/wzwsrel", "/wzwsre", 1},
		{"<SCRIPT>window.Location", "location", 15},
		{"no match here", "location", -1},
		{"\xff\xfeLOCATION", "location", 2},
		{"loc", "location", -1},
	}
	for _, tc := range tests {
		if got := IndexFold(tc.s, tc.sub); got != tc.want {
			t.Errorf("IndexFold(%q, %q) = %d, want %d", tc.s, tc.sub, got, tc.want)
		}
	}
}

func FuzzIndexFold(f *testing.F) {
	f.Add("Window.Location", "location")
	f.Fuzz(func(t *testing.T, s, sub string) {
		sub = strings.ToLower(sub)
		for i := 0; i < len(sub); i++ {
			if sub[i] >= 0x80 {
				return
			}
		}
		got := IndexFold(s, sub)
		if got >= 0 && !strings.EqualFold(s[got:got+len(sub)], sub) {
			t.Fatalf("IndexFold(%q, %q) = %d: no match there", s, sub, got)
		}
	})
}
