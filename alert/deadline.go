package alert

import (
	"strings"
	"time"
)

// Shanghai is the zone deadlines are counted in.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Deadline returns the instant after which body's report for data year is
// late: the end of the publication day in year+1, China time
// (docs/format.md §1, §7; 条例 第四十九条):
//   - reports for 2019 onward: government departments by 1月31日; the
//     本级政府 report of a 县级以上 local government (a body named
//     "…人民政府") by 3月31日;
//   - townships (乡/镇/街道) are not named in Art. 49 and their dates are
//     set locally: 3月31日, the latest date any rule gives, so we never
//     alert early;
//   - reports for 2008–2018: every agency by 3月31日.
func Deadline(body string, year int) time.Time {
	month := time.March
	day := 31
	if year >= 2019 && !IsGovernment(body) && !IsTownship(body) {
		month, day = time.January, 31
	}
	return time.Date(year+1, month, day, 0, 0, 0, 0, Shanghai).AddDate(0, 0, 1)
}

// IsGovernment: the report of a government itself (not one of its
// departments), e.g. 洛阳市偃师区人民政府, but not 人民政府办公室.
func IsGovernment(body string) bool { return strings.HasSuffix(body, "人民政府") }

// IsTownship: a township's or street's own body (…镇人民政府,
// …街道办事处), whose deadline is set locally.
func IsTownship(body string) bool {
	for _, s := range []string{"镇人民政府", "乡人民政府", "街道办事处", "镇政府", "乡政府", "街道"} {
		if strings.HasSuffix(body, s) {
			return true
		}
	}
	return false
}

// DueYear returns the newest data year whose deadline for body (plus
// grace) has passed at now; 0 when none has.
func DueYear(body string, now time.Time, grace time.Duration) int {
	for y := now.In(Shanghai).Year() - 1; y >= now.In(Shanghai).Year()-2; y-- {
		if now.After(Deadline(body, y).Add(grace)) {
			return y
		}
	}
	return 0
}
