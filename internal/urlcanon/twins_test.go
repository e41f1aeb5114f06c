package urlcanon

import (
	"sort"
	"testing"
)

func TestPreferTwin(t *testing.T) {
	const p = "/xxgk/zfxxgknb/202503/t20250320_1.html"
	all := []string{
		"http://x.gov.cn" + p, "https://x.gov.cn" + p, "http://www.x.gov.cn" + p, "https://www.x.gov.cn" + p,
		"https://www.x.gov.cn/xxgk/zfxxgknb/202503/t20250320_1_wap.html",
	}
	for _, tc := range []struct {
		starts []string
		want   []string // best first
	}{
		{nil, []string{"https://www.x.gov.cn" + p, "https://x.gov.cn" + p, "http://www.x.gov.cn" + p, "http://x.gov.cn" + p, all[4]}},
		{[]string{"http://www.x.gov.cn/"}, []string{"http://www.x.gov.cn" + p, "https://www.x.gov.cn" + p, "https://x.gov.cn" + p, "http://x.gov.cn" + p, all[4]}},
		{[]string{"https://x.gov.cn/"}, []string{"https://x.gov.cn" + p, "http://x.gov.cn" + p, "https://www.x.gov.cn" + p, "http://www.x.gov.cn" + p, all[4]}},
	} {
		// Every order of comparison gives the same best first order.
		for _, start := range []int{0, 1, 2, 3, 4} {
			got := append(append([]string{}, all[start:]...), all[:start]...)
			sort.SliceStable(got, func(i, j int) bool { return PreferTwin(got[i], got[j], tc.starts) })
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("starts %v: order %q, want %q", tc.starts, got, tc.want)
					break
				}
			}
		}
		for _, a := range all {
			if PreferTwin(a, a, tc.starts) {
				t.Errorf("%s preferred to itself", a)
			}
		}
	}
}
