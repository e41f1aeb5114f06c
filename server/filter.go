package server

import (
	"context"
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

// maxFilterLen bounds each text filter: a body name is never this long.
const maxFilterLen = 200

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
			return f, fmt.Errorf("unknown parameter %q (filters: %s)", k, strings.Join(FilterKeys, ", "))
		}
		if len(vals) > 1 {
			return f, fmt.Errorf("parameter %q given %d times", k, len(vals))
		}
	}
	text := func(k string) (string, error) {
		s := strings.TrimSpace(v.Get(k))
		if len([]rune(s)) > maxFilterLen {
			return "", fmt.Errorf("%s: longer than %d characters", k, maxFilterLen)
		}
		if strings.ContainsAny(s, "\x00\r\n") {
			return "", fmt.Errorf("%s: control characters", k)
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
			return f, fmt.Errorf("year %q: want YYYY or YYYY-YYYY", y)
		}
		f.YearFrom, _ = strconv.Atoi(m[1])
		f.YearTo = f.YearFrom
		if m[2] != "" {
			f.YearTo, _ = strconv.Atoi(m[2])
		}
		if f.YearFrom < 1990 || f.YearTo > 2999 || f.YearFrom > f.YearTo {
			return f, fmt.Errorf("year %q: want a range of years between 1990 and 2999, first ≤ last", y)
		}
	}
	if s := strings.TrimSpace(v.Get("format")); s != "" {
		if !formats[s] {
			return f, fmt.Errorf("format %q: want 2019, 2021, legacy or unknown", s)
		}
		f.Format = s
	}
	switch strings.ToLower(strings.TrimSpace(v.Get("failed_checks"))) {
	case "", "0", "false", "no", "off":
	case "1", "true", "yes", "on":
		f.FailedChecks = true
	default:
		return f, fmt.Errorf("failed_checks %q: want true or false", v.Get("failed_checks"))
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
// (no alias table). Look-alikes (parse status not_report) are left out.
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
		if d.ParseStatus == "not_report" ||
			(f.Body != "" && !strings.Contains(d.Body, f.Body) && !strings.Contains(d.Title, f.Body)) ||
			(f.Format != "" && d.Format != f.Format) ||
			(f.FailedChecks && d.FailedChecks == 0) {
			continue
		}
		out = append(out, d)
	}
	return out, nil
}
