package fetch

import (
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode"

	"github.com/nianbao/nianbao/internal/textfold"
	"github.com/nianbao/nianbao/internal/urlcanon"
)

// ResolveLink resolves href found on the page at base into an absolute
// http(s) URL to fetch; ok is false for links that lead nowhere fetchable
// (mailto:, tel:, data:, bare "#", javascript: without a URL in it).
//   - whitespace, tabs/newlines inside, full-width spaces and quotes around
//     the link are removed; "&amp;" is fixed;
//   - "./x" and "x" under an extension-less list URL without a trailing
//     slash ("…/zfxxgknb") resolve inside that directory, as the portal
//     means (the server serves the list there without redirecting);
//   - "../../" above the root stays at the root; "//host/x" takes base's
//     scheme;
//   - "javascript:window.open('…')", "javascript:location.href='…'" and
//     similar take the quoted URL;
//   - WZWS challenge links are unwrapped to the real URL;
//   - the fragment is dropped (it is never sent).
func ResolveLink(base, href string) (string, bool) {
	href = cleanHref(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return "", false
	}
	if scheme, _, ok := strings.Cut(href, ":"); ok && isSchemeLike(scheme) {
		switch strings.ToLower(scheme) {
		case "http", "https":
		case "javascript", "vbscript":
			target, found := urlInScript(strings.TrimPrefix(href[len(scheme)+1:], "//"))
			if !found {
				return "", false
			}
			return ResolveLink(base, target)
		default:
			return "", false // mailto, tel, data, ftp, file, weixin…
		}
	}
	b, err := url.Parse(cleanHref(base))
	if err != nil || (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" {
		return "", false
	}
	if b.RawQuery == "" && b.Path != "" && !strings.HasSuffix(b.Path, "/") && path.Ext(b.Path) == "" &&
		!strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "?") {
		// Directory-style list URL served without its slash.
		b.Path += "/"
		b.RawPath = ""
	}
	r, err := url.Parse(href)
	if err != nil {
		// Stray "%" or spaces: escape what url.Parse rejects and retry.
		if r, err = url.Parse(escapeLoose(href)); err != nil {
			return "", false
		}
	}
	abs := b.ResolveReference(r)
	abs.Fragment, abs.RawFragment = "", ""
	if abs.Scheme != "http" && abs.Scheme != "https" || abs.Host == "" {
		return "", false
	}
	out := abs.String()
	if real, ok := urlcanon.UnwrapWZWS(out); ok {
		out = real
	}
	return out, true
}

// ResolveAnchor is ResolveLink for an <a> element: href first; when it is
// empty, "#" or javascript:void(0), the URL inside onclick (window.open('…'),
// location.href='…', or any quoted path-like string).
func ResolveAnchor(base, href, onclick string) (string, bool) {
	if u, ok := ResolveLink(base, href); ok {
		return u, true
	}
	if target, ok := urlInScript(onclick); ok {
		return ResolveLink(base, target)
	}
	return "", false
}

func isSchemeLike(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

var (
	// window.open('x'), location.href = "x", location.replace('x'), …
	jsNavRe = regexp.MustCompile(`(?i)(?:window\.open|location\.replace|location\.assign|(?:window|document|top|self|parent)?\.?location(?:\.href)?\s*=)\s*\(?\s*['"]([^'"]+)['"]`)
	// Any quoted string that looks like a path or URL to a page or file.
	jsQuotedRe = regexp.MustCompile(`['"]((?:https?:)?//[^'"\s]+|\.{0,2}/[^'"\s]*|[^'"\s/]+\.(?:s?html?|jsp|do|pdf|docx?|xlsx?|wps|ofd|rtf|zip|rar)(?:\?[^'"\s]*)?)['"]`)
)

// urlInScript finds a navigation target in a snippet of JavaScript.
func urlInScript(js string) (string, bool) {
	if m := findJSNav(js); m != nil {
		return m[1], true
	}
	if m := jsQuotedRe.FindStringSubmatch(js); m != nil {
		return m[1], true
	}
	return "", false
}

// cleanHref trims what browsers ignore and what Chinese editors leave
// around links: spaces (incl. full-width and NBSP), zero-width marks,
// stray quotes; removes tabs/newlines inside (WHATWG URL parsing does the
// same); fixes "&amp;".
func cleanHref(h string) string {
	h = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		}
		return r
	}, h)
	h = strings.TrimFunc(h, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u3000' || r == '"' || r == '\'' ||
			r == '“' || r == '”' || r == '‘' || r == '’' || r == '＂' || r == '＇'
	})
	return urlcanon.FixAmp(h)
}

// escapeLoose escapes spaces and "%" that do not start an escape, which
// url.Parse rejects but browsers accept.
func escapeLoose(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])):
			b.WriteString("%25")
		case c == ' ':
			b.WriteString("%20")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// findJSNav is jsNavRe.FindStringSubmatch behind a literal pre-check: every
// match holds "location" or "window.open" (ASCII case-folded; neither word
// has a letter with a non-ASCII fold), and the unanchored, case-insensitive
// regexp costs a backtracking attempt at every byte of every page.
func findJSNav(s string) []string {
	if textfold.IndexFold(s, "location") < 0 && textfold.IndexFold(s, "window.open") < 0 {
		return nil
	}
	return jsNavRe.FindStringSubmatch(s)
}
