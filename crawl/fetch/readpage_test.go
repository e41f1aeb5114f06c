package fetch

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nianbao/nianbao/charset"
	"golang.org/x/net/html"
)

// readPageRef is readPage as it was before it stopped copying text once a
// page was clearly no shell and stopped reading where no title or meta
// was left: every token read, the whole visible text collected.
func readPageRef(raw string) page {
	p := page{raw: raw}
	z := html.NewTokenizer(strings.NewReader(p.raw))
	var vis strings.Builder
	skip, inTitle := 0, false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			p.visible = strings.Join(strings.Fields(vis.String()), " ")
			p.title = strings.Join(strings.Fields(p.title), " ")
			p.isShell = len(p.visible) < shellText || utf8.RuneCountInString(p.visible) < shellText
			return p
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				if tt == html.StartTagToken {
					skip++
				}
			case "title":
				inTitle = tt == html.StartTagToken
			case "meta":
				var equiv, content string
				for hasAttr {
					var k, val []byte
					k, val, hasAttr = z.TagAttr()
					switch strings.ToLower(string(k)) {
					case "http-equiv":
						equiv = strings.ToLower(strings.TrimSpace(string(val)))
					case "content":
						content = string(val)
					}
				}
				if equiv == "refresh" {
					p.refresh = append(p.refresh, content)
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				if skip > 0 {
					skip--
				}
			case "title":
				inTitle = false
			}
		case html.TextToken:
			if inTitle {
				p.title += string(z.Text())
			} else if skip == 0 {
				vis.Write(z.Text())
				vis.WriteByte(' ')
			}
		}
	}
}

// checkReadPage: readPage reads the title, the meta refreshes and the
// shell verdict as the full reading does; a shell's visible text is all of
// it, another page's a prefix.
func checkReadPage(t *testing.T, body string) {
	t.Helper()
	p := readPage([]byte(body), "text/html; charset=utf-8", "")
	ref := readPageRef(p.raw)
	want, shell := ref.visible, ref.isShell
	if p.isShell != shell {
		t.Fatalf("%.60q: isShell %v, want %v (%d runes)", body, p.isShell, shell, utf8.RuneCountInString(want))
	}
	if p.title != ref.title || !slices.Equal(p.refresh, ref.refresh) {
		t.Fatalf("%.60q: title %q refresh %q, want %q %q", body, p.title, p.refresh, ref.title, ref.refresh)
	}
	if shell && p.visible != want {
		t.Fatalf("%.60q: shell visible %q, want %q", body, p.visible, want)
	}
	if !shell && !strings.HasPrefix(want, p.visible) {
		t.Fatalf("%.60q: visible %.60q is not a prefix of %.60q", body, p.visible, want)
	}
}

func TestReadPageShell(t *testing.T) {
	cjk := strings.Repeat("报", shellText-1)
	for _, body := range []string{
		"",
		"<p>" + cjk + "</p>",
		"<p>" + cjk + "告</p>",
		"<p>" + cjk + "</p><p>x</p>", // the separator makes the 600th rune
		"<p>" + strings.Repeat("a ", shellText/2) + "</p>",
		"<p>" + strings.Repeat("a ", shellText/2-1) + "a</p>",
		"<p>" + strings.Repeat("a\u00a0 \u3000", 400) + "</p>",
		"<p>" + strings.Repeat(" \n\t", 5000) + "x</p>" + strings.Repeat("<b> </b>", 3000) + "<p>页面不存在</p>",
		"<title>t</title><script>" + cjk + cjk + "</script><p>short</p><meta http-equiv=refresh content='0;url=/x'>",
		"<p>" + cjk + cjk + "</p><meta http-equiv=refresh content='0;url=/x'><title>late</title>",
		"<p>\xff\xfe" + strings.Repeat("\x80", 700) + "</p>",
		"<p>" + cjk + cjk + "</p><TITLE>upper</TITLE><Meta HTTP-EQUIV=Refresh content=1><title>two</title>",
		"<p>" + cjk + cjk + "</p><script>'<meta http-equiv=refresh content=0>'</script><title>a<b>c</title>",
		"<p>" + cjk + cjk + "<title>open to the end",
		"<p>" + cjk + cjk + "</p><!-- <title>x</title> --><metadata><meta\thttp-equiv=refresh content=2>",
		"<title>" + cjk + "</title><p>" + cjk + cjk + "</p><title/>late<meta/http-equiv=refresh/content=3>",
		ruishu412, jiasuleSimple, wzws200, metaRefresh, reportPage(),
	} {
		checkReadPage(t, body)
	}
	// Title and meta refresh are still read after the text stops being copied.
	p := readPage([]byte("<p>"+cjk+cjk+"</p><meta http-equiv=refresh content='0;url=/x'><title>late</title>"), "", "")
	if p.title != "late" || len(p.refresh) != 1 || p.isShell {
		t.Errorf("title %q, refresh %q, shell %v", p.title, p.refresh, p.isShell)
	}
}

func FuzzReadPageShell(f *testing.F) {
	f.Add("<p>" + strings.Repeat("报 ", 320) + "</p>")
	f.Add(reportPage())
	f.Add(metaRefresh)
	long := strings.Repeat("报告 ", 320)
	f.Add("<p>" + long + "</p><script>'<meta http-equiv=refresh content=0>'</script><TITLE>a<b>c</TITLE><meta http-equiv=refresh content=1>")
	f.Add("<title>t</title><p>" + long + "<title/>x<!--<meta http-equiv=refresh content=0>--><noscript><meta http-equiv=refresh content=0></noscript>")
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > classifyLimit {
			return
		}
		checkReadPage(t, body)
	})
}

// TestClassifyWithText: Classify reading the caller's decoded text gives
// the verdict it gives decoding the body itself, GBK and pages past
// classifyLimit (where it decodes its own prefix) included.
func TestClassifyWithText(t *testing.T) {
	gbk := []byte("<html><head><meta charset=gbk><title>\xd2\xb3\xc3\xe6\xb2\xbb\xb4\xe6\xd4\xda</title></head><body>x</body></html>")
	huge := "<html><body><p>" + strings.Repeat("报告 ", classifyLimit/4) + "</p><title>404 not found</title></body></html>"
	for _, tc := range []struct {
		name, ct string
		body     []byte
	}{
		{"report", "text/html; charset=utf-8", []byte(reportPage())},
		{"gbk soft 404", "text/html", gbk},
		{"meta refresh", "", []byte(metaRefresh)},
		{"ruishu", "text/html", []byte(ruishu412)},
		{"past the limit", "text/html; charset=utf-8", []byte(huge)},
	} {
		h := http.Header{"Content-Type": {tc.ct}}
		plain := Classify(&Response{StatusCode: 200, URL: "http://www.yanshi.gov.cn/a/b.html", Header: h, Body: tc.body}, false)
		text := charset.DecodeHTML(tc.body, tc.ct)
		got := Classify(&Response{StatusCode: 200, URL: "http://www.yanshi.gov.cn/a/b.html", Header: h, Body: tc.body, Text: text}, false)
		if got != plain {
			t.Errorf("%s: with Text %+v, without %+v", tc.name, got, plain)
		}
	}
}
