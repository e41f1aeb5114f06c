package archive

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"unicode/utf8"
)

// Headers.MarshalJSON writes exactly what json.Marshal of the equivalent
// map writes (the bytes stored before it was hand-written), and reads back
// to the same headers.
func TestHeadersMarshalMatchesEncodingJSON(t *testing.T) {
	vals := []string{"", "text/html; charset=utf-8", `attachment; filename="a<b>&c.pdf"`, "tab\tnew\nline\r\b\f\x01\x1f\x7f",
		"quote\" back\\slash", "line\u2028sep\u2029", "年报.pdf", "\xc4\xea\xb1\xa8.pdf", "bad\xffutf8", "W/\"etag\""}
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 200; i++ {
		h := Headers{}
		for j := r.Intn(5); j >= 0; j-- {
			v := vals[r.Intn(len(vals))]
			if r.Intn(4) == 0 {
				b := make([]byte, r.Intn(12))
				r.Read(b)
				v = string(b)
			}
			h[fmt.Sprintf("H-%d", r.Intn(8))] = v
		}
		got, err := h.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for k, v := range h {
			if utf8.ValidString(v) {
				m[k] = v
			} else {
				m[k+b64Suffix] = base64.StdEncoding.EncodeToString([]byte(v))
			}
		}
		want, _ := json.Marshal(m)
		if !bytes.Equal(got, want) {
			t.Fatalf("MarshalJSON(%q)\n got %s\nwant %s", h, got, want)
		}
		var back Headers
		if err := json.Unmarshal(got, &back); err != nil || !reflect.DeepEqual(back, h) && len(h) > 0 {
			t.Fatalf("round trip of %q: %q, %v", h, back, err)
		}
	}
}
