package archive

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// b64Suffix marks a header whose raw value is not valid UTF-8 (e.g. a
// Content-Disposition filename in raw GBK bytes). JSON strings cannot hold
// such bytes — encoding/json would replace them with U+FFFD — so the value
// is stored base64-encoded under "Name#b64" and restored exactly on read.
const b64Suffix = "#b64"

// MarshalJSON keeps every header byte exact. It writes what json.Marshal
// of the map (names sorted) would, without building that map: a capture
// is encoded on every fetch.
func (h Headers) MarshalJSON() ([]byte, error) {
	return h.appendJSON(make([]byte, 0, 64*len(h)+2)), nil
}

// appendJSON appends what MarshalJSON returns.
func (h Headers) appendJSON(out []byte) []byte {
	type kv struct{ k, v string }
	var arr [12]kv // the kept headers fit: no allocation
	pairs := arr[:0]
	for k, v := range h {
		if utf8.ValidString(v) {
			pairs = append(pairs, kv{k, v})
		} else {
			pairs = append(pairs, kv{k + b64Suffix, base64.StdEncoding.EncodeToString([]byte(v))})
		}
	}
	slices.SortFunc(pairs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	out = append(out, '{')
	for i, p := range pairs {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendJSONString(out, p.k)
		out = append(out, ':')
		out = appendJSONString(out, p.v)
	}
	return append(out, '}')
}

// appendJSONString appends s as encoding/json writes a string: HTML
// characters, U+2028/U+2029 and control characters escaped, invalid UTF-8
// replaced by U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// UnmarshalJSON restores base64-stored raw values.
func (h *Headers) UnmarshalJSON(data []byte) error {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	out := make(Headers, len(m))
	for k, v := range m {
		if name, ok := strings.CutSuffix(k, b64Suffix); ok {
			if raw, err := base64.StdEncoding.DecodeString(v); err == nil {
				out[name] = string(raw)
				continue
			}
		}
		out[k] = v
	}
	*h = out
	return nil
}
