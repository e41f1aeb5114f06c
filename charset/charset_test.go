package charset

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func gbk(s string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	page := `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>朱镕基 堃 政府信息公开工作年度报告</body></html>`
	want := page
	tests := []struct {
		name, ct string
		data     []byte
		want     string
		enc      string
	}{
		{"utf8 no labels", "", []byte(want), want, "utf-8"},
		{"utf8 bom", "", append([]byte{0xEF, 0xBB, 0xBF}, want...), want, "utf-8"},
		{"gbk meta no header", "text/html", gbk(page), want, "gb18030"},
		{"gbk header says utf-8", "text/html; charset=utf-8", gbk(page), want, "gb18030"},
		{"gbk header iso-8859-1", "text/html; charset=ISO-8859-1", gbk("<html><body>页面不存在</body></html>"), "<html><body>页面不存在</body></html>", "gb18030"},
		{"gbk no label at all", "", gbk("<p>年度报告</p>"), "<p>年度报告</p>", "gb18030"},
		{"malformed meta content=charset=gbk", "", gbk(`<meta http-equiv="Content-Type" content="charset=gbk"><p>年报</p>`), `<meta http-equiv="Content-Type" content="charset=gbk"><p>年报</p>`, "gb18030"},
		{"header label gbk", "text/html;charset=GBK", gbk("<p>偃师区</p>"), "<p>偃师区</p>", "gb18030"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, enc := Decode(tc.data, tc.ct, true)
			if got != tc.want {
				t.Errorf("Decode = %q, want %q", got, tc.want)
			}
			if enc != tc.enc {
				t.Errorf("encoding = %q, want %q", enc, tc.enc)
			}
			for _, scratch := range [][]byte{nil, make([]byte, 3), make([]byte, 0, 1<<16)} {
				if got, _ := DecodeHTMLTransient(tc.data, tc.ct, scratch); got != tc.want {
					t.Errorf("DecodeHTMLTransient = %q, want %q", got, tc.want)
				}
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("<meta charset=gbk>abc"), "text/html")
	f.Add(gbk("年报"), "")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		_, _ = Decode(data, ct, true)
	})
}

// TestHasMetaAgrees: the in-place search finds "charset" exactly where
// lower-casing the head finds it, whatever bytes surround it.
func TestHasMetaAgrees(t *testing.T) {
	parts := []string{"charset", "CHARSET", "ChArSeT", "char", "set", "c", "İ", "\u212a", "\xff", "\xc4", "中", " ", "chars\u212aet"}
	for i := 0; i < 100000; i++ {
		var b []byte
		x := i
		for n := 0; n < 4; n++ {
			b = append(b, parts[x%len(parts)]...)
			x /= len(parts)
		}
		want := bytes.Contains(bytes.ToLower(b), []byte("charset"))
		if got := hasMeta(b); got != want {
			t.Fatalf("hasMeta(%q) = %v, want %v", b, got, want)
		}
	}
}

func slowGB18030(data []byte) string {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		panic(err)
	}
	return string(out)
}

// TestFastGB18030Agrees: where the table-driven decoder answers, it
// answers as x/text's decoder does.
func TestFastGB18030Agrees(t *testing.T) {
	inputs := [][]byte{
		gbk("偃师区工业和信息化局2023年政府信息公开工作年度报告 朱镕基 堃 ＡＢ　①"),
		{0x81, 0x40, 0xFE, 0xFE, 0xA1, 0xA1, 'a', 0xAA, 0xA1}, // edges and user-defined areas
		{0x81, 0x30, 0x81, 0x30}, // four-byte: declined
		{0x80}, {0xFF}, {0xB0}, {0xB0, 0x7F}, {0xB0, 0x20},
	}
	for lead := 0x81; lead <= 0xFE; lead++ {
		var b []byte
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail != 0x7F {
				b = append(b, byte(lead), byte(trail), 'x')
			}
		}
		inputs = append(inputs, b)
	}
	fast := 0
	for _, in := range inputs {
		out, ok := fastGB18030(in, nil)
		if !ok {
			continue
		}
		fast++
		if got, want := string(out), slowGB18030(in); got != want {
			t.Errorf("fastGB18030(% x) = %q, x/text %q", in, got, want)
		}
	}
	if fast < 126 {
		t.Errorf("fast path taken %d times", fast)
	}
}

func FuzzFastGB18030(f *testing.F) {
	f.Add(gbk("政府信息公开工作年度报告"))
	f.Add([]byte{0x81, 0x40, 0xFE, 0xFE, 0xA1, 0xA1})
	f.Fuzz(func(t *testing.T, in []byte) {
		if out, ok := fastGB18030(in, []byte("x")); ok {
			if got, want := string(out), "x"+slowGB18030(in); got != want {
				t.Fatalf("fastGB18030(% x) = %q, x/text %q", in, got, want)
			}
		}
	})
}

func refMetaLabel(data []byte) string {
	head := strings.ToLower(string(data[:min(len(data), 4096)]))
	return metaLabelIn(head)
}

func TestMetaLabelAgrees(t *testing.T) {
	alphabet := []string{"charset", "CHARSET", "ChArSeT", "=", " ", "\t", "\"", "'", "gb2312", "GBK", "utf-8", "x_y", ";",
		"\xb0", "\xb0A", "\xff", "\u0130", "\u212a", "K", "\u212aoi8-r", "\u0130so", "é", "É", "中", "<meta", ">"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var b []byte
		for n := rnd.IntN(12); n >= 0; n-- {
			b = append(b, alphabet[rnd.IntN(len(alphabet))]...)
		}
		if got, want := metaLabel(b), refMetaLabel(b); got != want {
			t.Fatalf("metaLabel(%q) = %q, strings.ToLower form %q", b, got, want)
		}
	}
}

// Lookup reads labels as Decode does: every GB label as GB18030, other
// WHATWG labels as named, nothing for an unknown one.
func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		label string
		want  encoding.Encoding
	}{
		{"gbk", simplifiedchinese.GB18030},
		{" GB2312 ", simplifiedchinese.GB18030},
		{"x-gbk", simplifiedchinese.GB18030},
		{"gb18030", simplifiedchinese.GB18030},
		{"utf-8", unicode.UTF8},
		{"no-such-charset", nil},
		{"", nil},
	} {
		if got := Lookup(tc.label); got != tc.want {
			t.Errorf("Lookup(%q) = %v, want %v", tc.label, got, tc.want)
		}
	}
	if s, err := Lookup("big5").NewDecoder().String("\xa6~\xb3\xf8"); err != nil || s != "年報" {
		t.Errorf("big5: %q %v", s, err)
	}
}
