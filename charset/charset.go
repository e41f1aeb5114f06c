package charset

import (
	"bytes"
	"strings"
	"unicode/utf8"
	"unsafe"

	xcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Decode returns data as UTF-8 and the name of the encoding used.
// contentType is the HTTP Content-Type header ("" when unknown); isHTML
// enables the <meta> prescan.
func Decode(data []byte, contentType string, isHTML bool) (string, string) {
	s, enc, _ := decode(data, contentType, isHTML, nil)
	return s, enc
}

// DecodeHTMLTransient is DecodeHTML for a caller that is done with the
// text, and with every string sliced from it, before it returns and before
// it reuses scratch: valid UTF-8 is not copied (the text shares data's
// memory) and GBK is decoded into scratch. It returns scratch, grown if
// need be, for reuse; other encodings decode into fresh memory.
func DecodeHTMLTransient(data []byte, contentType string, scratch []byte) (string, []byte) {
	if scratch == nil {
		scratch = []byte{}
	}
	s, _, scratch := decode(data, contentType, true, scratch)
	return s, scratch
}

// decode is Decode; with a non-nil scratch it is DecodeHTMLTransient's
// (scratch returned, maybe grown) instead of copying.
func decode(data []byte, contentType string, isHTML bool, scratch []byte) (string, string, []byte) {
	// 1. BOM.
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return utf8Text(data[3:], scratch), "utf-8", scratch
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), data[2:]), "utf-16le", scratch
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), data[2:]), "utf-16be", scratch
	}
	// 2. Valid UTF-8 (with some non-ASCII) is UTF-8 whatever the labels
	// say: GBK text is almost never valid UTF-8 by accident.
	if utf8.Valid(data) {
		return utf8Text(data, scratch), "utf-8", scratch
	}
	// 3. <meta charset> / http-equiv prescan, 4. the header's label.
	var labels []string
	if isHTML {
		if _, name, _ := xcharset.DetermineEncoding(data[:min(len(data), 1024)], "text/html"); name != "" && hasMeta(data) {
			labels = append(labels, name)
		}
		if l := metaLabel(data); l != "" {
			labels = append(labels, l)
		}
	}
	if l := headerLabel(contentType); l != "" {
		labels = append(labels, l)
	}
	for _, l := range labels {
		if enc, name := lookup(l); enc != nil {
			if name == "utf-8" || name == "windows-1252" {
				// The bytes are not valid UTF-8 and latin-1 labels on Chinese
				// portals are wrong (error pages labelled iso-8859-1): fall
				// through to GB18030, the measured best guess.
				continue
			}
			if enc == simplifiedchinese.GB18030 && scratch != nil {
				if out, ok := fastGB18030(data, scratch[:0]); ok {
					return unsafeString(out), name, out
				}
			}
			return decodeWith(enc, data), name, scratch
		}
	}
	// 5. GB18030.
	if scratch != nil {
		if out, ok := fastGB18030(data, scratch[:0]); ok {
			return unsafeString(out), "gb18030", out
		}
	}
	return decodeWith(simplifiedchinese.GB18030, data), "gb18030", scratch
}

// utf8Text is string(b), or b's own memory for DecodeHTMLTransient.
func utf8Text(b, scratch []byte) string {
	if scratch != nil {
		return unsafeString(b)
	}
	return string(b)
}

func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// DecodeHTML is Decode for HTML pages.
func DecodeHTML(data []byte, contentType string) string {
	s, _ := Decode(data, contentType, true)
	return s
}

// hasMeta: "charset" occurs in the first 4 KiB, in any case. ASCII case
// folding in place finds what bytes.ToLower and a search would: no
// non-ASCII character lower-cases to c, h, a, r, s, e or t (only İ and
// the Kelvin sign lower-case into ASCII), and it saves lower-casing a
// copy of the head of every non-UTF-8 page.
func hasMeta(data []byte) bool {
	const word = "charset"
	head := data[:min(len(data), 4096)]
	for i := 0; i+len(word) <= len(head); i++ {
		k := 0
		for k < len(word) {
			c := head[i+k]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != word[k] {
				break
			}
			k++
		}
		if k == len(word) {
			return true
		}
	}
	return false
}

// metaLabel finds charset= in the first 4 KiB, covering the malformed
// content="charset=gbk" seen on real portals that x/net's prescan misses.
func metaLabel(data []byte) string {
	head := data[:min(len(data), 4096)]
	if bytes.Contains(head, []byte("\u0130")) || bytes.Contains(head, []byte("\u212A")) {
		return metaLabelIn(strings.ToLower(string(head)))
	}
	var buf [4096]byte // on the stack: only the label is kept
	lowerASCII(buf[:len(head)], head)
	return strings.Clone(metaLabelIn(unsafeString(buf[:len(head)])))
}

// metaLabelIn is metaLabel on the lower-cased head.
func metaLabelIn(head string) string {
	i := strings.Index(head, "charset")
	for i >= 0 {
		rest := strings.TrimLeft(head[i+len("charset"):], " \t")
		if strings.HasPrefix(rest, "=") {
			rest = strings.TrimLeft(rest[1:], " \t\"'")
			end := strings.IndexFunc(rest, func(r rune) bool {
				return !(r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'))
			})
			if end < 0 {
				end = len(rest)
			}
			if end > 0 {
				return rest[:end]
			}
		}
		j := strings.Index(head[i+1:], "charset")
		if j < 0 {
			break
		}
		i = i + 1 + j
	}
	return ""
}

// lowerASCII writes src to dst with A–Z lowered. For metaLabel this is
// strings.ToLower: only "charset" and the ASCII label characters after it
// are looked at, and no character lower-cases into ASCII except U+0130
// and the Kelvin sign (metaLabel leaves heads holding those to ToLower).
// ToLower on a GBK head also rewrote every invalid byte, the bulk of the
// cost.
func lowerASCII(dst, src []byte) {
	for i, c := range src {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
}

func headerLabel(ct string) string {
	ct = strings.ToLower(ct)
	i := strings.Index(ct, "charset=")
	if i < 0 {
		return ""
	}
	l := strings.Trim(ct[i+len("charset="):], " \t\"'")
	if j := strings.IndexAny(l, "; "); j >= 0 {
		l = l[:j]
	}
	return l
}

// Lookup returns the encoding a charset label names (an HTTP header's, an
// RFC 5987 file name's, a MIME word's): any WHATWG label, every Chinese GB
// label as GB18030. It is nil for a label nothing knows.
func Lookup(label string) encoding.Encoding {
	enc, _ := lookup(label)
	return enc
}

// lookup maps a label to an encoding; every Chinese GB label becomes GB18030.
func lookup(label string) (encoding.Encoding, string) {
	l := strings.ToLower(strings.TrimSpace(label))
	switch l {
	case "gb2312", "gbk", "gb18030", "gb-18030", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "csgb2312", "chinese", "iso-ir-58":
		return simplifiedchinese.GB18030, "gb18030"
	case "big5", "big5-hkscs", "x-x-big5":
		enc, _ := htmlindex.Get("big5")
		return enc, "big5"
	}
	enc, err := htmlindex.Get(l)
	if err != nil {
		return nil, ""
	}
	name, _ := htmlindex.Name(enc)
	if name == "gbk" || name == "gb18030" {
		return simplifiedchinese.GB18030, "gb18030"
	}
	return enc, name
}

func decodeWith(enc encoding.Encoding, data []byte) string {
	if enc == simplifiedchinese.GB18030 {
		if out, ok := fastGB18030(data, nil); ok {
			return unsafeString(out) // fresh memory nothing else refers to
		}
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		// Decoders replace invalid sequences; an error here is unexpected.
		return string(bytes.ToValidUTF8(data, []byte("\uFFFD")))
	}
	if len(out) == 0 {
		return ""
	}
	// out is a fresh buffer nothing else refers to: hand it over as the
	// string instead of copying a whole page
	return unsafe.String(unsafe.SliceData(out), len(out))
}
