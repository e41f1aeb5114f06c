package charset

import (
	"encoding/binary"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// gbkPairs maps every two-byte GBK sequence (lead 0x81–0xFE, trail
// 0x40–0x7E or 0x80–0xFE) to the rune golang.org/x/text's GB18030 decoder
// gives it. The table is filled from that decoder itself, so the fast
// path below cannot disagree with it; it exists because the decoder's
// transform.Transformer plumbing costs more than the rest of reading a
// GBK page.
var gbkPairs = sync.OnceValue(func() *[126 * 191]uint16 {
	t := new([126 * 191]uint16)
	dec := simplifiedchinese.GB18030.NewDecoder()
	var dst [16]byte
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail == 0x7F {
				continue
			}
			nDst, nSrc, err := dec.Transform(dst[:], []byte{byte(lead), byte(trail)}, true)
			dec.Reset()
			if err != nil || nSrc != 2 {
				continue
			}
			r, n := utf8.DecodeRune(dst[:nDst])
			if n != nDst || r > 0xFFFF || r < 0x80 {
				continue // 0 marks "not a plain pair": the slow path decides
			}
			t[(lead-0x81)*191+trail-0x40] = uint16(r)
		}
	}
	return t
})

// fastGB18030 appends the decoding of data to out when data holds only
// ASCII and two-byte GBK sequences, the whole of nearly every GBK page; ok
// is false otherwise (four-byte GB18030, 0x80, invalid bytes), leaving
// those to the x/text decoder.
func fastGB18030(data, out []byte) (_ []byte, ok bool) {
	t := gbkPairs()
	if need := len(out) + len(data) + len(data)/2; cap(out) < need {
		out = append(make([]byte, 0, need), out...)
	}
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			j := i + 1
			// markup is ASCII: skip it eight bytes at a time
			for j+8 <= len(data) && binary.LittleEndian.Uint64(data[j:])&0x8080808080808080 == 0 {
				j += 8
			}
			for j < len(data) && data[j] < utf8.RuneSelf {
				j++
			}
			out = append(out, data[i:j]...)
			i = j
			continue
		}
		if c == 0x80 || c == 0xFF || i+1 >= len(data) {
			return out, false
		}
		c1 := data[i+1]
		if c1 < 0x40 || c1 == 0x7F || c1 == 0xFF {
			return out, false
		}
		r := t[int(c-0x81)*191+int(c1-0x40)]
		if r == 0 {
			return out, false
		}
		// every table entry is a BMP rune other than a surrogate
		if r < 0x800 {
			out = append(out, byte(0xC0|r>>6), byte(0x80|r&0x3F))
		} else {
			out = append(out, byte(0xE0|r>>12), byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
		}
		i += 2
	}
	return out, true
}
