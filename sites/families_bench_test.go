package sites

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
)

var familyRules = []Rule{Hanweb{}, Gkmlpt{}, NFCMS{}, Anhui{}, IList{}, VSB{}, Haiyun{}}

// No family rule panics or loops on arbitrary bytes at any URL or kind.
func FuzzFamilies(f *testing.F) {
	for _, s := range []string{hanwebColumn, gkShell, gkJSON(101, 3795001, 3795007), hyColumn, vsbList, ilistPage(2, 3),
		`<?xml version="1.0"?><datastore><totalrecord>9</totalrecord><recordset><record><![CDATA[<li><a href='/x'>`,
		`{"results":{"data":{"total":"x"}}}`, `var InitData1 = ['\'', "`, `$('#1').jpage({totalRecord:99999999,perPage:0,groupSize:0,proxyUrl:'/p',ajaxParam:{columnid:1}})`} {
		f.Add(s, "http://www.x.gov.cn/col/col1/index.html?pageNum=2&startrecord=1&endrecord=3", uint8(0))
		f.Add(s, "http://www.x.gov.cn/gkmlpt/api/all/1?page=-1", uint8(1))
	}
	kinds := []string{KindStart, KindNav, KindList, KindDetail, KindPart}
	f.Fuzz(func(t *testing.T, html, u string, k uint8) {
		p, err := NewPage(u, html, kinds[int(k)%len(kinds)], "")
		if err != nil || p.URL.Host == "" {
			return
		}
		for _, r := range familyRules {
			c, why := r.Detect(p)
			if c < 0 || c > 1 || why == "" {
				t.Fatalf("%s: confidence %v why %q", r.Name(), c, why)
			}
			a := r.Analyze(p)
			if len(a.Links) > 5000 {
				t.Fatalf("%s: %d links", r.Name(), len(a.Links))
			}
		}
	})
}

func BenchmarkHanwebColumn(b *testing.B) {
	// A full 45-record inline group, the size of a real first group.
	var recs strings.Builder
	for i := 0; i < 45; i++ {
		fmt.Fprintf(&recs, "<record><![CDATA[<li><a href='/art/2024/1/%d/art_31251_%d.html' title='单位%d2023年政府信息公开工作年度报告'>单位%d…</a><span>2024-01-%02d</span></li>]]></record>\n", i%28+1, 41000+i, i, i, i%28+1)
	}
	h := strings.Replace(hanwebColumn, "<recordset>", "<recordset>"+recs.String(), 1)
	h = strings.Replace(h, "totalRecord:11", "totalRecord:4895", 1)
	b.SetBytes(int64(len(h)))
	for b.Loop() {
		p, err := NewPage("http://www.jiangsu.gov.cn/col/col31251/index.html", h, KindList, "")
		if err != nil {
			b.Fatal(err)
		}
		if a := (Hanweb{}).Analyze(p); len(a.Links) < 45 {
			b.Fatalf("%d links", len(a.Links))
		}
	}
}

func BenchmarkGkmlptAPIPage(b *testing.B) {
	ids := make([]int, 100)
	for i := range ids {
		ids[i] = 3795001 + i
	}
	h := gkJSON(101, ids...)
	b.SetBytes(int64(len(h)))
	for b.Loop() {
		p, err := NewPage("http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=1&sid=175", h, KindList, "")
		if err != nil {
			b.Fatal(err)
		}
		if a := (Gkmlpt{}).Analyze(p); len(a.Links) < 90 {
			b.Fatalf("%d links", len(a.Links))
		}
	}
}

// Deterministically mutated fixtures (cut, duplicated and flipped bytes):
// no rule panics, and none takes pathological time on broken markup.
func TestFamiliesMutatedInputs(t *testing.T) {
	seeds := []string{hanwebColumn, gkShell, gkJSON(101, 3795001, 3795007), hyColumn, vsbList, ilistPage(2, 3),
		`$('#1').jpage({totalRecord:99999999,perPage:0,groupSize:0,proxyUrl:'/p',ajaxParam:{columnid:1}})`}
	rnd := rand.New(rand.NewSource(1))
	kinds := []string{KindStart, KindNav, KindList, KindDetail, KindPart}
	urls := []string{"http://www.x.gov.cn/col/col1/index.html?pageNum=2", "http://www.x.gov.cn/gkmlpt/api/all/1?page=2&sid=1",
		"http://www.x.gov.cn/xxgk/xxgknb/3.htm", "http://www.x.gov.cn/info/iList.jsp?cur_page=x"}
	for n := 0; n < 600; n++ {
		s := []byte(seeds[rnd.Intn(len(seeds))])
		for k := 0; k < 1+rnd.Intn(4); k++ {
			i := rnd.Intn(len(s))
			j := i + rnd.Intn(min(64, len(s)-i))
			switch rnd.Intn(3) {
			case 0:
				s = append(s[:i:i], s[j:]...)
			case 1:
				s = append(append(s[:j:j], s[i:j]...), s[j:]...)
			default:
				s[i] = byte(rnd.Intn(256))
			}
		}
		p, err := NewPage(urls[n%len(urls)], string(s), kinds[n%len(kinds)], "")
		if err != nil {
			continue
		}
		for _, r := range familyRules {
			t0 := time.Now()
			r.Detect(p)
			r.Analyze(p)
			if d := time.Since(t0); d > 10*time.Second { // catches runaway regexps, not load
				t.Fatalf("%s took %v on %q", r.Name(), d, s[:min(200, len(s))])
			}
		}
	}
}
