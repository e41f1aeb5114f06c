package fetch

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nianbao/nianbao/charset"
)

func FuzzFilename(f *testing.F) {
	for _, s := range []string{
		`attachment; filename*=utf-8''%E5%B9%B4.pdf`, `attachment;filename="\xc4\xea\xb1\xa8.pdf"`,
		`attachment; filename="a\"b`, `filename=%ZZ%E5+x`, `=?UTF-8?B?====?=`, `;;;=;"`, `attachment; filename*=gbk'`,
		`attachment; filename*0*=utf-8''%E5; filename*1="x"`,
	} {
		f.Add(s, "http://x.gov.cn/a/%E5%B9%B4.pdf")
	}
	f.Fuzz(func(t *testing.T, cd, u string) {
		n := Filename(cd, u)
		if strings.ContainsAny(n, "/\\\x00\r\n") {
			t.Errorf("Filename(%q, %q) = %q: not a bare name", cd, u, n)
		}
		if !utf8.ValidString(n) {
			t.Errorf("Filename(%q, %q) = %q: invalid UTF-8", cd, u, n)
		}
	})
}

func FuzzURLs(f *testing.F) {
	for _, s := range []string{
		"http://www.x.gov.cn/a/index_wap.html?b=1&amp;a=2#f", "./a", "../../b", "//h/x", "javascript:window.open('x')",
		"/WZWSREL3h4Z2sv", "http://[::1]:80/", "http://h/%zz", "\u3000 ./x \u3000",
	} {
		f.Add("http://www.yanshi.gov.cn/xxgk/zfxxgknb", s)
	}
	f.Fuzz(func(t *testing.T, base, href string) {
		if u, ok := ResolveLink(base, href); ok {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Errorf("ResolveLink(%q, %q) = %q: not http(s)", base, href, u)
			}
		}
		ResolveAnchor(base, href, href)
	})
}

func FuzzClassify(f *testing.F) {
	f.Add(200, []byte(ruishu412), "", true)
	f.Add(521, []byte(jiasuleSimple), "__jsluid_s=1", false)
	f.Add(200, []byte(metaRefresh), "", false)
	f.Add(302, []byte(""), "", false)
	f.Add(200, []byte("\xef\xbb\xbf<html><meta http-equiv=refresh content=\"0;url=\">"), "", true)
	f.Fuzz(func(t *testing.T, status int, body []byte, cookie string, expectDoc bool) {
		h := http.Header{}
		if cookie != "" {
			h.Set("Set-Cookie", cookie)
			h.Set("Location", cookie)
		}
		orig := bytes.Clone(body)
		v := Classify(&Response{StatusCode: status, URL: "http://www.yanshi.gov.cn/a/b.html", Header: h, Body: body}, expectDoc)
		if v.Kind == "" {
			t.Error("empty kind")
		}
		if !bytes.Equal(body, orig) {
			t.Error("body modified")
		}
		// The crawl hands over the text it decoded: same verdict.
		text := charset.DecodeHTML(body, "")
		if vt := Classify(&Response{StatusCode: status, URL: "http://www.yanshi.gov.cn/a/b.html", Header: h, Body: body, Text: text}, expectDoc); vt != v {
			t.Errorf("with Text: %+v, without: %+v", vt, v)
		}
	})
}

func FuzzReadBody(f *testing.F) {
	f.Add([]byte("hello"), int64(3), int64(-1))
	f.Add([]byte("%PDF-"), int64(5), int64(5))
	f.Fuzz(func(t *testing.T, data []byte, max, cl int64) {
		if max <= 0 || max > 1<<20 {
			return
		}
		b, err := ReadBody(bytes.NewReader(data), cl, max)
		switch {
		case cl > max || int64(len(data)) > max:
			if !errors.Is(err, ErrBodyTooLarge) {
				t.Errorf("len %d max %d cl %d: err %v, want ErrBodyTooLarge", len(data), max, cl, err)
			}
		case err != nil:
			t.Errorf("unexpected error %v", err)
		case !bytes.Equal(b, data):
			t.Error("bytes changed")
		}
	})
}
