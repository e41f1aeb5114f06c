package textfold

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
		if want := indexFoldNaive(s, sub); got != want {
			t.Fatalf("IndexFold(%q, %q) = %d, byte-by-byte %d", s, sub, got, want)
		}
	})
}

// indexFoldNaive is the byte-by-byte definition IndexFold must agree with.
func indexFoldNaive(s, lowerSub string) int {
	for i := 0; i+len(lowerSub) <= len(s); i++ {
		j := 0
		for ; j < len(lowerSub); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lowerSub[j] {
				break
			}
		}
		if j == len(lowerSub) {
			return i
		}
	}
	return -1
}

func TestIndexFoldMatchesNaive(t *testing.T) {
	hay := []string{"", "L", "l", "lL", "xLOCATIONlocation", "页面不存在 Not Found", "NOT FOUND 页面不存在", "acw_sc__v2",
		"<Script>", "\xffLoCaTiOn", "llllllllllllllllllllllLLLLLLLLLLLLLLLLL", "网站防火墙", "a网站防火墙b"}
	needles := []string{"", "l", "ll", "location", "not found", "页面不存在", "<script", "acw_sc__v2", "网站防火墙", "1", "__"}
	for _, s := range hay {
		for _, sub := range needles {
			if got, want := IndexFold(s, sub), indexFoldNaive(s, sub); got != want {
				t.Errorf("IndexFold(%q, %q) = %d, want %d", s, sub, got, want)
			}
		}
	}
}
