package server

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

// The filters of the API and the web page are `crawler query`'s: the
// URL parameters body, year, region, site, format and failed_checks read
// into a query.Filter, years in query.ParseYears' grammar (2023,
// 2019-2023, 2019-, -2023), matched by query's matcher (body short forms
// such as 工信局 ↔ 工业和信息化局).

// FilterKeys are the URL parameters ParseFilter reads.
var FilterKeys = []string{"body", "year", "region", "site", "format", "failed_checks"}

// filterNames are the search form's labels of the text filters.
var filterNames = map[string]string{"body": "机关", "region": "地区", "site": "站点"}

// maxFilterLen bounds each text filter: a body name is never this long.
const maxFilterLen = 200

// FilterError is a bad filter: Error() is the English message the API
// returns, Chinese the text the web page shows.
type FilterError struct {
	Msg     string
	Chinese string
}

func (e *FilterError) Error() string { return e.Msg }

func badFilter(zh, format string, args ...any) error {
	return &FilterError{Msg: fmt.Sprintf(format, args...), Chinese: zh}
}

// chineseError is err's text for the web page.
func chineseError(err error) string {
	var fe *FilterError
	if errors.As(err, &fe) && fe.Chinese != "" {
		return fe.Chinese
	}
	return err.Error()
}

// FilterJSON is a filter as the API echoes it.
type FilterJSON struct {
	Body         string `json:"body,omitempty"`
	Region       string `json:"region,omitempty"`
	Site         string `json:"site,omitempty"`
	YearFrom     int    `json:"year_from,omitempty"`
	YearTo       int    `json:"year_to,omitempty"`
	Format       string `json:"format,omitempty"`
	FailedChecks bool   `json:"failed_checks,omitempty"`
}

func filterJSON(f query.Filter) FilterJSON {
	return FilterJSON{Body: f.Body, Region: f.Region, Site: f.Site, YearFrom: f.YearFrom, YearTo: f.YearTo,
		Format: f.Format, FailedChecks: f.FailedChecks}
}

// ParseFilter reads a query.Filter from v. Unknown keys are an error (a
// typo would otherwise silently widen a query), except those in allowed.
func ParseFilter(v url.Values, allowed ...string) (query.Filter, error) {
	var f query.Filter
	for k, vals := range v {
		known := false
		for _, a := range append(FilterKeys, allowed...) {
			if k == a {
				known = true
			}
		}
		if !known {
			return f, badFilter(fmt.Sprintf("不认识的参数 %q", k), "unknown parameter %q (filters: %s)", k, strings.Join(FilterKeys, ", "))
		}
		if len(vals) > 1 {
			return f, badFilter(fmt.Sprintf("参数 %q 重复了 %d 次", k, len(vals)), "parameter %q given %d times", k, len(vals))
		}
	}
	text := func(k string) (string, error) {
		s := strings.TrimSpace(v.Get(k))
		if len([]rune(s)) > maxFilterLen {
			return "", badFilter(fmt.Sprintf("%s超过 %d 个字", filterNames[k], maxFilterLen), "%s: longer than %d characters", k, maxFilterLen)
		}
		if strings.ContainsAny(s, "\x00\r\n") {
			return "", badFilter(filterNames[k]+"含有控制字符", "%s: control characters", k)
		}
		return s, nil
	}
	var err error
	if f.Body, err = text("body"); err != nil {
		return f, err
	}
	if f.Region, err = text("region"); err != nil {
		return f, err
	}
	if f.Site, err = text("site"); err != nil {
		return f, err
	}
	if y := v.Get("year"); strings.TrimSpace(y) != "" {
		if f.YearFrom, f.YearTo, err = query.ParseYears(y); err != nil {
			return f, badFilter(fmt.Sprintf("年份 %q 格式不对，应为 2023、2019-2023、2019- 或 -2023（1900–2999 年）", y), "year %q: %v", y, err)
		}
	}
	f.Format = strings.TrimSpace(v.Get("format"))
	if err := f.Validate(); err != nil {
		return f, badFilter(fmt.Sprintf("格式 %q 不对，应为 2019、2021、legacy 或 unknown", f.Format), "format %q: want 2019, 2021, legacy or unknown", f.Format)
	}
	switch strings.ToLower(strings.TrimSpace(v.Get("failed_checks"))) {
	case "", "0", "false", "no", "off":
	case "1", "true", "yes", "on":
		f.FailedChecks = true
	default:
		return f, badFilter(fmt.Sprintf("“仅看校验未通过” 的值 %q 不对，应为 true 或 false", v.Get("failed_checks")), "failed_checks %q: want true or false", v.Get("failed_checks"))
	}
	return f, nil
}

// filterValues writes f back as URL parameters (for links).
func filterValues(f query.Filter) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("body", f.Body)
	set("region", f.Region)
	set("site", f.Site)
	set("format", f.Format)
	if y := yearsText(f.YearFrom, f.YearTo); y != "" {
		v.Set("year", y)
	}
	if f.FailedChecks {
		v.Set("failed_checks", "true")
	}
	return v
}

// yearsText writes a year range in query.ParseYears' grammar.
func yearsText(from, to int) string {
	switch {
	case from == 0 && to == 0:
		return ""
	case from == to:
		return strconv.Itoa(from)
	case to == 0:
		return strconv.Itoa(from) + "-"
	case from == 0:
		return "-" + strconv.Itoa(to)
	}
	return strconv.Itoa(from) + "-" + strconv.Itoa(to)
}

// Querier answers a filter with the matching documents, ordered by year,
// body and id. nil in Options means query's filter over the server's
// in-memory list of documents (docCache).
type Querier func(ctx context.Context, arc *archive.Archive, f query.Filter) ([]*archive.Document, error)
