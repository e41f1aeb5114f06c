package server

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/archive"
)

// Filter is the query of `crawler query`, as URL parameters: body, year
// (2023 or 2019-2023), region, site, format, failed_checks.
type Filter struct {
	Body         string `json:"body,omitempty"`
	Region       string `json:"region,omitempty"`
	Site         string `json:"site,omitempty"`
	YearFrom     int    `json:"year_from,omitempty"`
	YearTo       int    `json:"year_to,omitempty"`
	Format       string `json:"format,omitempty"`
	FailedChecks bool   `json:"failed_checks,omitempty"`
}

// FilterKeys are the URL parameters ParseFilter reads.
var FilterKeys = []string{"body", "year", "region", "site", "format", "failed_checks"}

var formats = map[string]bool{"2019": true, "2021": true, "legacy": true, "unknown": true}

var yearRE = regexp.MustCompile(`^\s*(\d{4})\s*(?:[-–~至]\s*(\d{4})\s*)?$`)

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

// ParseFilter reads a Filter from v. Unknown keys are an error (a typo
// would otherwise silently widen a query), except those in allowed.
func ParseFilter(v url.Values, allowed ...string) (Filter, error) {
	var f Filter
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
		m := yearRE.FindStringSubmatch(y)
		if m == nil {
			return f, badFilter(fmt.Sprintf("年份 %q 格式不对，应为 2023 或 2019-2023", y), "year %q: want YYYY or YYYY-YYYY", y)
		}
		f.YearFrom, _ = strconv.Atoi(m[1])
		f.YearTo = f.YearFrom
		if m[2] != "" {
			f.YearTo, _ = strconv.Atoi(m[2])
		}
		if f.YearFrom < 1990 || f.YearTo > 2999 || f.YearFrom > f.YearTo {
			return f, badFilter(fmt.Sprintf("年份 %q 不对：应在 1990–2999 之间，且起始年不晚于结束年", y), "year %q: want a range of years between 1990 and 2999, first ≤ last", y)
		}
	}
	if s := strings.TrimSpace(v.Get("format")); s != "" {
		if !formats[s] {
			return f, badFilter(fmt.Sprintf("格式 %q 不对，应为 2019、2021、legacy 或 unknown", s), "format %q: want 2019, 2021, legacy or unknown", s)
		}
		f.Format = s
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

// Values writes f back as URL parameters (for export links).
func (f Filter) Values() url.Values {
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
	if f.YearFrom > 0 {
		if f.YearTo != f.YearFrom {
			v.Set("year", fmt.Sprintf("%d-%d", f.YearFrom, f.YearTo))
		} else {
			v.Set("year", strconv.Itoa(f.YearFrom))
		}
	}
	if f.FailedChecks {
		v.Set("failed_checks", "true")
	}
	return v
}

// Empty reports whether f selects everything.
func (f Filter) Empty() bool { return f == Filter{} }

// Querier answers a Filter. The query package's matcher (body aliases such
// as 工信局 ↔ 工业和信息化局) plugs in here; DefaultQuery is the fallback.
type Querier func(ctx context.Context, arc *archive.Archive, f Filter) ([]*archive.Document, error)

// DefaultQuery uses the archive's indexes and matches body as a substring
// (no alias table). Look-alikes (parse status not_report) and retracted
// documents are left out.
func DefaultQuery(ctx context.Context, arc *archive.Archive, f Filter) ([]*archive.Document, error) {
	docs, err := arc.FindDocuments(archive.Query{Site: f.Site, Region: f.Region, YearFrom: f.YearFrom, YearTo: f.YearTo})
	if err != nil {
		return nil, fmt.Errorf("find documents: %w", err)
	}
	out := docs[:0]
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if d.ParseStatus == "not_report" || d.Retracted() ||
			(f.Body != "" && !strings.Contains(d.Body, f.Body) && !strings.Contains(d.Title, f.Body)) ||
			(f.Format != "" && d.Format != f.Format) ||
			(f.FailedChecks && d.FailedChecks == 0) {
			continue
		}
		out = append(out, d)
	}
	return out, nil
}
