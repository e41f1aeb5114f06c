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
	for _, m := range dateNum.FindAllStringSubmatch(s, -1) {
		if d := mkDate(m[1], m[2], m[3]); d != "" {
			return d
		}
	}
	return ""
}

// URLDate returns the date encoded in a URL (t20240115_…, art/2024/1/9/,
// /202401/ gives the first of the month), or "".
func URLDate(u string) string {
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

func mkDate(y, mo, d string) string {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(mo)
	di, _ := strconv.Atoi(d)
	if mi < 1 || mi > 12 || di < 1 || di > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", yi, mi, di)
}
