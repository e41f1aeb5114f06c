package fetch

import (
	"fmt"
	"io"
	"mime"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/internal/urlcanon"
)

// Filename returns the file name a download should carry: from the
// Content-Disposition header when it names one, else the last segment of
// the URL path (percent-decoded), else "". It understands the forms
// Chinese portals send (portals.md §3.3):
//   - RFC 5987 filename*=utf-8”%E2%80%A6 (preferred when present, any
//     charset label x/text knows, gbk/gb2312 read as GB18030);
//   - raw GBK bytes in filename="…" (Java's new String(gbk, "iso8859-1"));
//   - percent-encoded UTF-8 with "+" for space in a plain filename=
//     (Java's URLEncoder), or percent-encoded GBK;
//   - RFC 2231 continuations (filename*0*=utf-8”%E5…; filename*1*=…);
//   - RFC 2047 =?UTF-8?B?…?= words; quoted or unquoted values;
//   - UTF-8 that a proxy re-read as Latin-1 (mojibake) is reversed.
//
// The result is a bare name: directories, control characters and
// surrounding quotes/spaces are removed. Script names such as
// download.jsp are not file names and give "".
func Filename(contentDisposition string, rawURL string) string {
	params := dispositionParams(contentDisposition)
	if v, ok := params["filename*"]; ok {
		if n := cleanName(decodeExtValue(v)); n != "" {
			return n
		}
	}
	if v, ok := continued(params, "filename"); ok {
		if n := cleanName(v); n != "" {
			return n
		}
	}
	if v, ok := params["filename"]; ok {
		if n := cleanName(decodePlainValue(v)); n != "" {
			return n
		}
	}
	return nameFromURL(rawURL)
}

// continued joins an RFC 2231 parameter split into numbered sections
// (filename*0*=utf-8”%E5%B9%B4; filename*1*=%E6%8A%A5; filename*2=".pdf"):
// encoded sections (ending in *) are percent-decoded, in the charset the
// first one names; plain ones are taken as they are.
func continued(params map[string]string, name string) (string, bool) {
	var b []byte
	label, encoded := "", false
	for i := 0; i < 100; i++ {
		k := name + "*" + strconv.Itoa(i)
		if v, ok := params[k+"*"]; ok {
			if i == 0 {
				if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
					label, v = strings.ToLower(strings.TrimSpace(parts[0])), parts[2]
				}
			}
			encoded = true
			b = append(b, urlcanon.Unescape(v, false)...)
		} else if v, ok := params[k]; ok {
			b = append(b, v...)
		} else {
			if i == 0 {
				return "", false
			}
			break
		}
	}
	if !encoded {
		return decodePlainValue(string(b)), true
	}
	return bytesToText(b, label), true
}

// dispositionParams splits "attachment; a=b; c="d"" into lower-cased keys
// and raw (unquoted) values. It does not interpret backslashes inside raw
// non-UTF-8 values: a GBK trail byte can be 0x5C.
func dispositionParams(h string) map[string]string {
	out := map[string]string{}
	i := strings.IndexByte(h, ';')
	if i < 0 {
		// Some servers send only `filename=x.pdf` with no type.
		if strings.Contains(strings.ToLower(h), "filename") {
			i = -1
		} else {
			return out
		}
	}
	rest := h[i+1:]
	for len(rest) > 0 {
		rest = strings.TrimLeft(rest, " \t;")
		eq := strings.IndexAny(rest, "=;")
		if eq < 0 {
			break
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		if rest[eq] == ';' {
			rest = rest[eq+1:]
			continue
		}
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		var val string
		if strings.HasPrefix(rest, `"`) {
			val, rest = quotedValue(rest[1:])
		} else {
			end := strings.IndexByte(rest, ';')
			if end < 0 {
				end = len(rest)
			}
			val, rest = strings.TrimSpace(rest[:end]), rest[end:]
		}
		if _, dup := out[key]; !dup && key != "" {
			out[key] = val
		}
	}
	return out
}

// quotedValue takes s just after an opening quote. The value ends at a
// quote followed by optional spaces and ";" or the end; failing that, at
// the last quote; failing that, at the end.
func quotedValue(s string) (val, rest string) {
	for j := 0; j < len(s); j++ {
		if s[j] != '"' || (j > 0 && s[j-1] == '\\' && utf8.ValidString(s[:j])) {
			continue
		}
		after := strings.TrimLeft(s[j+1:], " \t")
		if after == "" || after[0] == ';' {
			return unescapeQuoted(s[:j]), after
		}
	}
	if j := strings.LastIndexByte(s, '"'); j >= 0 {
		return unescapeQuoted(s[:j]), s[j+1:]
	}
	return unescapeQuoted(s), ""
}

func unescapeQuoted(s string) string {
	if !utf8.ValidString(s) || !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(s)
}

// decodeExtValue decodes an RFC 5987 ext-value: charset'lang'pct-encoded.
func decodeExtValue(v string) string {
	label, enc := "utf-8", v
	if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
		label, enc = strings.ToLower(strings.TrimSpace(parts[0])), parts[2]
	}
	b := urlcanon.Unescape(enc, false)
	return bytesToText(b, label)
}

// decodePlainValue decodes a filename= value in whichever form it came.
func decodePlainValue(v string) string {
	if strings.Contains(v, "=?") && strings.Contains(v, "?=") {
		d := mime.WordDecoder{CharsetReader: charsetReader}
		if s, err := d.DecodeHeader(v); err == nil && s != v {
			return s
		}
	}
	if isASCII(v) && hasPctEscape(v) {
		// URLEncoder output: "+" is a space, a literal "+" is %2B.
		return bytesToText(urlcanon.Unescape(v, true), "")
	}
	if !utf8.ValidString(v) {
		return bytesToText([]byte(v), "gb18030")
	}
	return unLatin1(v)
}

// bytesToText decodes b by label; with no label (or a UTF-8 label on bytes
// that are not UTF-8) it tries UTF-8, then GB18030.
func bytesToText(b []byte, label string) string {
	switch label {
	case "", "utf-8", "utf8", "us-ascii":
		if utf8.Valid(b) {
			return string(b)
		}
		label = "gb18030"
	case "iso-8859-1", "latin1", "latin-1":
		// Servers label GBK or UTF-8 bytes as Latin-1; prefer what fits.
		if utf8.Valid(b) {
			return string(b)
		}
		if s, ok := decodeGB(b); ok {
			return s
		}
		return latin1(b)
	}
	if label == "gbk" || label == "gb2312" || label == "gb18030" || label == "x-gbk" {
		s, _ := decodeGB(b)
		return s
	}
	enc := charset.Lookup(label)
	if enc == nil {
		if utf8.Valid(b) {
			return string(b)
		}
		s, _ := decodeGB(b)
		return s
	}
	s, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return ""
	}
	return string(s)
}

func decodeGB(b []byte) (string, bool) {
	s, err := charset.Lookup("gb18030").NewDecoder().Bytes(b)
	if err != nil {
		return "", false
	}
	return string(s), !strings.ContainsRune(string(s), utf8.RuneError)
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// unLatin1 reverses UTF-8 or GBK bytes that were read as Latin-1 and
// re-encoded as UTF-8 ("å¹´æ\u008a¥" → "年报"). Real Latin-1 names such as
// "café" are left alone because their bytes are neither UTF-8 nor GBK.
func unLatin1(s string) string {
	high := false
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			return s
		}
		if r >= 0x80 {
			high = true
		}
		b = append(b, byte(r))
	}
	if !high {
		return s
	}
	if utf8.Valid(b) {
		return string(b)
	}
	if g, ok := decodeGB(b); ok && hasHan(g) {
		return g
	}
	return s
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func charsetReader(label string, r io.Reader) (io.Reader, error) {
	enc := charset.Lookup(label)
	if enc == nil {
		return nil, fmt.Errorf("unknown charset %q", label)
	}
	return enc.NewDecoder().Reader(r), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func hasPctEscape(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && isHex(s[i+1]) && isHex(s[i+2]) {
			return true
		}
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// cleanName reduces a decoded name to a safe bare file name.
func cleanName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '\'' || r == '\u3000' || r == '\ufeff'
	})
	if s == "." || s == ".." {
		return ""
	}
	return s
}

// scriptExts are server programs, not file names (download.jsp?id=…).
var scriptExts = map[string]bool{
	".jsp": true, ".do": true, ".action": true, ".asp": true, ".aspx": true,
	".php": true, ".cgi": true, ".ashx": true,
}

func nameFromURL(rawURL string) string {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" {
		return ""
	}
	if real, ok := urlcanon.UnwrapWZWS(rawURL); ok {
		rawURL = real
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	p := u.EscapedPath()
	seg := p[strings.LastIndexByte(p, '/')+1:]
	if seg == "" {
		return ""
	}
	if scriptExts[strings.ToLower(path.Ext(seg))] {
		return ""
	}
	// Path escapes: "+" is literal here, unlike in URLEncoder output.
	return cleanName(bytesToText(urlcanon.Unescape(seg, false), ""))
}
