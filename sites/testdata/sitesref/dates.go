package sitesref

import (
	"fmt"
	"regexp"
	"strconv"
)

var (
	dateNum  = regexp.MustCompile(`((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})`)
	urlDates = []*regexp.Regexp{
		regexp.MustCompile(`(?:/|[^\d])t?((?:19|20)\d{2})(\d{2})(\d{2})(?:_|/)`),
		regexp.MustCompile(`/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/`),
		regexp.MustCompile(`/((?:19|20)\d{2})(\d{2})()/`),
	}
)

// FindDate returns the first plausible date in s as YYYY-MM-DD, or "".
// It reads 2024-01-15, 2024/1/15, 2024.01.15, 2024年1月15日 and
// "[2017-04-24]"; impossible dates are skipped, never repaired.
func FindDate(s string) string {
	if !mayHoldDate(s) {
		return ""
	}
	// dateNum has no anchors or word boundaries, so searching on after a
	// match finds what FindAllStringSubmatch would, without the slices.
	for s != "" {
		m := dateNum.FindStringSubmatchIndex(s)
		if m == nil {
			break
		}
		if d := mkDate(s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]); d != "" {
			return d
		}
		s = s[m[1]:]
	}
	return ""
}

// mayHoldDate is false when s has no 19xx or 20xx, which every dateNum and
// urlDates match holds: their regexps have no literal prefix and would
// try every byte of s.
func mayHoldDate(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') && isDigit(s[i+2]) && isDigit(s[i+3]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// URLDate returns the date encoded in a URL (t20240115_…, art/2024/1/9/,
// /202401/ gives the first of the month), or "".
func URLDate(u string) string {
	if !mayHoldDate(u) {
		return ""
	}
	for _, re := range urlDates {
		if m := re.FindStringSubmatch(u); m != nil {
			d := m[3]
			if d == "" {
				d = "1"
			}
			if s := mkDate(m[1], m[2], d); s != "" {
				return s
			}
		}
	}
	return ""
}

// mkDate is fmt.Sprintf("%04d-%02d-%02d") of a checked date, without fmt:
// y is four digits, mo and d one or two.
func mkDate(y, mo, d string) string {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(mo)
	di, _ := strconv.Atoi(d)
	if mi < 1 || mi > 12 || di < 1 || di > 31 {
		return ""
	}
	if yi < 1000 || yi > 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", yi, mi, di)
	}
	b := make([]byte, 0, 10)
	b = strconv.AppendInt(b, int64(yi), 10)
	b = append(b, '-', byte('0'+mi/10), byte('0'+mi%10), '-', byte('0'+di/10), byte('0'+di%10))
	return string(b)
}
