package charset

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
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
