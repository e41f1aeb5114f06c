package fetch

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// visibleRef is readPage's visible text computed in full, the way it was
// before readPage stopped copying text once a page was clearly no shell.
func visibleRef(raw string) string {
	z := html.NewTokenizer(strings.NewReader(raw))
	var vis strings.Builder
	skip := 0
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return strings.Join(strings.Fields(vis.String()), " ")
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				if tt == html.StartTagToken {
					skip++
				}
			case "title":
				if tt == html.StartTagToken {
					// readPage reads a title's text as the title, not as visible text.
					for z.Next() == html.TextToken {
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				if skip > 0 {
					skip--
				}
			}
		case html.TextToken:
			if skip == 0 {
				vis.Write(z.Text())
				vis.WriteByte(' ')
			}
		}
	}
}

// checkReadPage: a page is a shell exactly when its whole visible text is
// under shellText runes, and then visible holds all of that text; otherwise
// visible is a prefix of it.
func checkReadPage(t *testing.T, body string) {
	t.Helper()
	p := readPage([]byte(body), "text/html; charset=utf-8")
	want := visibleRef(p.raw)
	shell := utf8.RuneCountInString(want) < shellText
	if p.isShell != shell {
		t.Fatalf("%.60q: isShell %v, want %v (%d runes)", body, p.isShell, shell, utf8.RuneCountInString(want))
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
		ruishu412, jiasuleSimple, wzws200, metaRefresh, reportPage(),
	} {
		checkReadPage(t, body)
	}
	// Title and meta refresh are still read after the text stops being copied.
	p := readPage([]byte("<p>"+cjk+cjk+"</p><meta http-equiv=refresh content='0;url=/x'><title>late</title>"), "")
	if p.title != "late" || len(p.refresh) != 1 || p.isShell {
		t.Errorf("title %q, refresh %q, shell %v", p.title, p.refresh, p.isShell)
	}
}

func FuzzReadPageShell(f *testing.F) {
	f.Add("<p>" + strings.Repeat("报 ", 320) + "</p>")
	f.Add(reportPage())
	f.Add(metaRefresh)
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > classifyLimit {
			return
		}
		checkReadPage(t, body)
	})
}
