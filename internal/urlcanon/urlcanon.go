package urlcanon

import (
	"encoding/base64"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/internal/textfold"
)

// Key returns a dedupe key for u — never a URL to fetch. Two
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
func Key(u string) string {
	s := FixAmp(strings.TrimSpace(u))
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
		k = url.QueryEscape(string(Unescape(k, true)))
		if hasEq {
			pairs = append(pairs, k+"="+url.QueryEscape(string(Unescape(v, true))))
		} else {
			pairs = append(pairs, k)
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// FixAmp turns HTML-escaped ampersands left in hrefs back into "&".
func FixAmp(s string) string {
	for _, e := range []string{"&amp;", "&#38;", "&#038;", "&#x26;"} {
		for strings.Contains(s, e) {
			s = strings.ReplaceAll(s, e, "&")
		}
	}
	return s
}

// IsWZWS reports a 网站卫士 challenge path (/WZWSREL…).
func IsWZWS(p string) bool { return textfold.IndexFold(p, "/wzwsre") >= 0 }

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

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// Unescape decodes %XX escapes leniently: a "%" not followed by two hex
// digits stays literal (url.QueryUnescape would fail the whole string),
// and with plusSpace a "+" is a space, as in a query or a form value.
func Unescape(s string, plusSpace bool) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case c == '+' && plusSpace:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return b
}
