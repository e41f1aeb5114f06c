package archive

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// b64Suffix marks a header whose raw value is not valid UTF-8 (e.g. a
// Content-Disposition filename in raw GBK bytes). JSON strings cannot hold
// such bytes — encoding/json would replace them with U+FFFD — so the value
// is stored base64-encoded under "Name#b64" and restored exactly on read.
const b64Suffix = "#b64"

// MarshalJSON keeps every header byte exact: a value that is not valid
// UTF-8 is stored base64-encoded under its name plus b64Suffix.
func (h Headers) MarshalJSON() ([]byte, error) {
	m := make(map[string]string, len(h))
	for k, v := range h {
		if utf8.ValidString(v) {
			m[k] = v
		} else {
			m[k+b64Suffix] = base64.StdEncoding.EncodeToString([]byte(v))
		}
	}
	return json.Marshal(m)
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
