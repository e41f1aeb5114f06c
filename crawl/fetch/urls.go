package fetch

import (
	"encoding/base64"
	"github.com/nianbao/nianbao/internal/textfold"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// CanonicalURL returns a dedupe key for u — never a URL to fetch. Two
// URLs with the same key serve the same document on Chinese portals:
//   - http and https are alike (the key always says http);
//   - the host is lower-cased, a leading "www." and a trailing dot are
//     dropped, default ports (80, 443) removed;
//   - "_wap" twins map to the desktop page (t2024…_123_wap.html →
//     t2024…_123.html, index_wap.html → index.html);
//   - index.html/index.htm/index.shtml and a trailing slash are folded
//     ("/a/b/", "/a/b/index.html" and "/a/b" are one key), dot segments
//     and doubled slashes resolved;
//   - fragments, user info and "&amp;" escapes are dropped/fixed; query
//     parameters are kept but sorted and their escapes normalised;
//   - a WZWS challenge URL (/WZWSREL<base64>) becomes the real path.
//
// A string that does not parse as an absolute http(s) URL is returned
// trimmed, unchanged otherwise.
func CanonicalURL(u string) string {
	s := fixAmp(strings.TrimSpace(u))
	if real, ok := UnwrapWZWS(s); ok {
		s = real
	}
	p, err := url.Parse(s)
	if err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
		return strings.TrimSpace(u)
	}
	host := strings.ToLower(p.Hostname())
	host = strings.TrimSuffix(host, ".")
	host = strings.TrimPrefix(host, "www.")
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port := p.Port(); port != "" && port != "80" && port != "443" {
		host += ":" + port
	}

	// Work on the escaped path so %2F and GBK escapes survive.
	ep := p.EscapedPath()
	ep = cleanPath(ep)
	dir, last := path.Split(ep)
	last = unWap(last)
	switch strings.ToLower(last) {
	case "index.html", "index.htm", "index.shtml":
		last = ""
	}
	ep = strings.TrimSuffix(dir+last, "/")
	ep = normEscapes(ep)

	out := "http://" + host + ep
	if q := canonicalQuery(p.RawQuery); q != "" {
		if ep == "" {
			out += "/"
		}
		out += "?" + q
	}
	return out
}

// cleanPath resolves dot segments and doubled slashes, keeping a trailing
// slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	trail := strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
	c := path.Clean("/" + p)
	if trail && c != "/" {
		c += "/"
	}
	return c
}

var wapRe = regexp.MustCompile(`(?i)_wap(\.[a-z0-9]+)$`)

func unWap(seg string) string { return wapRe.ReplaceAllString(seg, "$1") }

// normEscapes decodes escapes of unreserved characters and upper-cases
// the rest, so "%7e", "~" and "%7E" compare equal; raw non-ASCII is
// escaped as UTF-8.
func normEscapes(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]):
			d := unhex(p[i+1])<<4 | unhex(p[i+2])
			if isUnreserved(d) {
				b.WriteByte(d)
			} else {
				b.WriteString("%" + strings.ToUpper(p[i+1:i+3]))
			}
			i += 2
		case c >= 0x80 || c == ' ' || c == '"' || c == '<' || c == '>':
			b.WriteString("%" + strings.ToUpper(hexByte(c)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func hexByte(c byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[c>>4], digits[c&15]})
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// canonicalQuery sorts the pairs of a raw query, dropping empty pairs,
// and re-encodes each key and value the same way.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var pairs []string
	for _, kv := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, hasEq := strings.Cut(kv, "=")
		k = url.QueryEscape(string(pctDecode(k, true)))
		if hasEq {
			pairs = append(pairs, k+"="+url.QueryEscape(string(pctDecode(v, true))))
		} else {
			pairs = append(pairs, k)
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// fixAmp turns HTML-escaped ampersands left in hrefs back into "&".
func fixAmp(s string) string {
	for _, e := range []string{"&amp;", "&#38;", "&#038;", "&#x26;"} {
		for strings.Contains(s, e) {
			s = strings.ReplaceAll(s, e, "&")
		}
	}
	return s
}

// isWZWSPath reports a 网站卫士 challenge path (/WZWSREL…).
func isWZWSPath(p string) bool { return textfold.IndexFold(p, "/wzwsre") >= 0 }

// UnwrapWZWS turns a 网站卫士 challenge URL back into the real one. The
// real path is base64 after "/WZWSRE" (the "L" that follows is already
// the first base64 character: "/" encodes as "L…"), e.g.
// https://www.npc.gov.cn/WZWSREL25wYy9j… → https://www.npc.gov.cn/npc/c…
// The challenge query (wzwschallenge=…) is dropped.
func UnwrapWZWS(u string) (string, bool) {
	i := textfold.IndexFold(u, "/wzwsre")
	if i < 0 {
		return u, false
	}
	enc := u[i+len("/WZWSRE"):]
	if j := strings.IndexAny(enc, "?#"); j >= 0 {
		enc = enc[:j]
	}
	if d, err := url.PathUnescape(enc); err == nil {
		enc = d
	}
	enc = strings.TrimRight(enc, "=")
	raw, err := base64.RawStdEncoding.DecodeString(enc)
	if err != nil {
		if raw, err = base64.RawURLEncoding.DecodeString(enc); err != nil {
			return u, false
		}
	}
	real := string(raw)
	if !strings.HasPrefix(real, "/") || strings.ContainsAny(real, "\x00\r\n") {
		return u, false
	}
	return u[:i] + real, true
}

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
	if real, ok := UnwrapWZWS(out); ok {
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
	return fixAmp(h)
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
