package archive

import (
	"fmt"
	"strings"
)

// pad makes decimal ids sort numerically inside index keys.
func pad(id string) string { return strings.Repeat("0", max(0, 20-len(id))) + id }

// yearKey is a year as it sorts inside index keys: four digits, clamped
// to 0000–9999.
func yearKey(y int) string { return fmt.Sprintf("%04d", max(0, min(y, 9999))) }

// appendPadded writes id as pad(strconv.FormatUint(id, 10)) does: 20
// digits, zero-filled, so ids sort numerically inside index keys.
func appendPadded(dst []byte, id uint64) []byte {
	var buf [20]byte
	for i := len(buf) - 1; i >= 0; i-- {
		buf[i] = byte('0' + id%10)
		id /= 10
	}
	return append(dst, buf[:]...)
}

// appendYearKey writes yearKey(y).
func appendYearKey(dst []byte, y int) []byte {
	y = max(0, min(y, 9999))
	return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
}
