package urlcanon

import (
	"strings"
	"testing"
)

func TestKeyTwinsAgree(t *testing.T) {
	// Each group lists URLs of one document; all must share one key, and
	// different groups must not collide.
	groups := [][]string{
		{
			"http://cqqj.gov.cn/zwgk_159/zfxxgknb/qzfxxgknb/202403/t20240327_13086081.html",
			"http://cqqj.gov.cn/zwgk_159/zfxxgknb/qzfxxgknb/202403/t20240327_13086081_wap.html",
			"https://www.cqqj.gov.cn/zwgk_159/zfxxgknb/qzfxxgknb/202403/t20240327_13086081.html",
			"HTTPS://WWW.CQQJ.GOV.CN:443/zwgk_159/zfxxgknb/qzfxxgknb/202403/t20240327_13086081.html#top",
			"  http://cqqj.gov.cn./zwgk_159//zfxxgknb/./qzfxxgknb/202403/t20240327_13086081.html  ",
		},
		{
			"https://shanghai.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html",
			"https://www.shanghai.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html",
			"http://www.shanghai.gov.cn:80/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html",
		},
		{
			"http://www.yanshi.gov.cn/xxgk/zfxxgknb/",
			"http://www.yanshi.gov.cn/xxgk/zfxxgknb",
			"http://www.yanshi.gov.cn/xxgk/zfxxgknb/index.html",
			"https://yanshi.gov.cn/xxgk/zfxxgknb/index_wap.html",
			"http://www.yanshi.gov.cn/xxgk/abc/../zfxxgknb/",
		},
		{
			"http://www.yanshi.gov.cn/",
			"http://www.yanshi.gov.cn",
			"https://yanshi.gov.cn/index.html",
			"http://www.yanshi.gov.cn/index.shtml",
		},
		{
			"http://www.ahzx.gov.cn/public/column/6596?type=4&action=rel&catId=123",
			"http://www.ahzx.gov.cn/public/column/6596?catId=123&amp;type=4&amp;action=rel",
			"https://ahzx.gov.cn/public/column/6596/?action=rel&type=4&catId=123",
		},
		{
			"http://www.yanshi.gov.cn/files/%E5%B9%B4%E6%8A%A5.pdf",
			"http://www.yanshi.gov.cn/files/%e5%b9%b4%e6%8a%a5.pdf",
			"http://www.yanshi.gov.cn/files/年报.pdf",
		},
		{
			"https://www.npc.gov.cn/npc/c2/c30834/202108/t20210820_313088.html?ref=imb",
			"https://www.npc.gov.cn/WZWSREL25wYy9jMi9jMzA4MzQvMjAyMTA4L3QyMDIxMDgyMF8zMTMwODguaHRtbD9yZWY9aW1i",
		},
		{"http://www.yanshi.gov.cn/xxgk/zfxxgknb/index_1.html"},
		{"http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/t20240115_1.html"},
		{"http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/t20240115_1_1.html"}, // page 2 of a multi-page article
		{"http://www.yanshi.gov.cn:8080/xxgk/zfxxgknb/"},                     // another port is another server
		{"http://www.ahzx.gov.cn/public/column/6596?type=5&action=rel&catId=123"},
		{"http://www.yanshi.gov.cn/XXGKNB/"}, // path case is kept
		{"http://gtzy.yanshi.gov.cn/xxgk/zfxxgknb/"},
	}
	owner := map[string]int{}
	for gi, g := range groups {
		key := Key(g[0])
		for _, u := range g[1:] {
			if k := Key(u); k != key {
				t.Errorf("group %d: %q → %q, want %q (from %q)", gi, u, k, key, g[0])
			}
		}
		if other, dup := owner[key]; dup {
			t.Errorf("groups %d and %d collide on %q", other, gi, key)
		}
		owner[key] = gi
		// The key is stable: canonicalising it again changes nothing.
		if k2 := Key(key); k2 != key {
			t.Errorf("not idempotent: %q → %q", key, k2)
		}
	}
}

func TestKeyForm(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://WWW.Yanshi.gov.cn/xxgk/zfxxgknb/index.html#p", "http://yanshi.gov.cn/xxgk/zfxxgknb"},
		{"http://www.yanshi.gov.cn/?b=2&a=1&a=0", "http://yanshi.gov.cn/?a=0&a=1&b=2"},
		{"http://yanshi.gov.cn/list?", "http://yanshi.gov.cn/list"},
		{"http://yanshi.gov.cn/a%7eb/c%2fd", "http://yanshi.gov.cn/a~b/c%2Fd"},
		{"http://user:pw@yanshi.gov.cn/x", "http://yanshi.gov.cn/x"},
		{"http://[::1]:8080/x/", "http://[::1]:8080/x"},
		{"mailto:gov@yanshi.gov.cn", "mailto:gov@yanshi.gov.cn"},
		{"not a url", "not a url"},
		{"", ""},
	} {
		if got := Key(tc.in); got != tc.want {
			t.Errorf("Key(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUnwrapWZWS(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"https://www.npc.gov.cn/WZWSREL2MyL2MzMDgzNC8yMDIzMDcvdDIwMjMwNzA0XzQzMDQyMC5odG1s", "https://www.npc.gov.cn/c2/c30834/202307/t20230704_430420.html", true},
		{"https://www.npc.gov.cn/WZWSREL25wYy9jMjU5Ny9jMTc3Ni9jMTc4MS8yMDE5MDUvdDIwMTkwNTIzXzIwMjU1Lmh0bWw%3D", "https://www.npc.gov.cn/npc/c2597/c1776/c1781/201905/t20190523_20255.html", true},
		{"https://hrss.tj.gov.cn/WZWSREL3poZW5nbWluaHVkb25nL3dkay96Y3dkLzIwMjQxMC90MjAyNDEwMjNfNjc1OTQwMi5odG1s", "https://hrss.tj.gov.cn/zhengminhudong/wdk/zcwd/202410/t20241023_6759402.html", true},
		{"http://wenshu.court.gov.cn/WZWSRELw==?wzwschallenge=V1pXU19DT05GSVJN", "http://wenshu.court.gov.cn/", true},
		{"/WZWSREL0xpc3QvTGlzdENvbnRlbnQ=", "/List/ListContent", true},
		{"http://www.yanshi.gov.cn/xxgk/", "http://www.yanshi.gov.cn/xxgk/", false},
		{"http://x.gov.cn/WZWSREL!!!", "http://x.gov.cn/WZWSREL!!!", false},
		{"http://x.gov.cn/WZWSRELbm90IGEgcGF0aA==", "http://x.gov.cn/WZWSRELbm90IGEgcGF0aA==", false}, // "not a path"
	} {
		got, ok := UnwrapWZWS(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("UnwrapWZWS(%q) = %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{
		"http://www.x.gov.cn/a/index_wap.html?b=1&amp;a=2#f", "./a", "../../b", "//h/x",
		"/WZWSREL3h4Z2sv", "http://[::1]:80/", "http://h/%zz", "\u3000 ./x \u3000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) {
		k := Key(u)
		if strings.HasPrefix(k, "http://") && Key(k) != k {
			t.Errorf("Key not idempotent: %q → %q → %q", u, k, Key(k))
		}
		UnwrapWZWS(u)
	})
}

func BenchmarkKey(b *testing.B) {
	for b.Loop() {
		Key("https://WWW.cqqj.gov.cn/zwgk_159/zfxxgknb/qzfxxgknb/202403/t20240327_13086081_wap.html?b=2&amp;a=1#x")
	}
}
