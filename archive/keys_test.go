package archive

import (
	"math"
	"testing"
)

func TestAppendPaddedAndYearKey(t *testing.T) {
	for _, c := range []struct {
		id   uint64
		want string
	}{
		{0, "00000000000000000000"}, {1, "00000000000000000001"}, {9, "00000000000000000009"},
		{10, "00000000000000000010"}, {12345, "00000000000000012345"},
		{1<<63 + 5, "09223372036854775813"}, {math.MaxUint64, "18446744073709551615"},
	} {
		if got := string(appendPadded(nil, c.id)); got != c.want {
			t.Fatalf("appendPadded(%d) = %q, want %q", c.id, got, c.want)
		}
	}
	for _, c := range []struct {
		y    int
		want string
	}{
		{-5, "0000"}, {0, "0000"}, {7, "0007"}, {99, "0099"}, {2021, "2021"}, {9999, "9999"},
		{10000, "9999"}, {math.MaxInt, "9999"}, {math.MinInt, "0000"},
	} {
		if got, want, y := string(appendYearKey(nil, c.y)), c.want, c.y; got != want {
			t.Fatalf("appendYearKey(%d) = %q, want %q", y, got, want)
		}
	}
}
