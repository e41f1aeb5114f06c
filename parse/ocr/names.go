package ocr

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/internal/textfold"
	"github.com/nianbao/nianbao/parse/extract"
	"github.com/nianbao/nianbao/parse/report"
)

// Divisions answers whether a name is an official administrative
// division (偃师区, 洛阳市 …). The package holding the official list
// plugs in here; nil means no list is consulted.
type Divisions interface {
	Known(name string) bool
}

// WarnNameUnconfirmed: a body, region or year read by OCR that nothing
// outside the scan confirms (site config, listing title, divisions); it
// is named in the warning and not used as the report's.
const WarnNameUnconfirmed = "ocr_name_unconfirmed"

var titleYearRE = regexp.MustCompile(`((?:19|20)[0-9]{2})\s*年`)

// CheckNames checks the body, region and year that the report parser took
// from OCR'd text against what is known without OCR: the site's config
// (meta.Body, meta.Region, meta.Year), the listing's title (meta.Title)
// and, when div is not nil, the official divisions. One misread character
// (偃 → 候) must not file a report under a place that does not exist: a
// name nothing confirms is dropped for what the config says (or nothing)
// and kept in a warning.
func CheckNames(r *report.Report, meta report.Meta, div Divisions) {
	if r == nil {
		return
	}
	fold := func(s string) string { return textfold.Fold(s, textfold.Name) }
	title, mBody, mRegion := fold(meta.Title), fold(meta.Body), fold(meta.Region)
	confirmed := func(name string, division bool) bool {
		n := fold(name)
		switch {
		case n == "":
			return true
		case title != "" && strings.Contains(title, n),
			mBody != "" && (strings.Contains(mBody, n) || strings.Contains(n, mBody)),
			mRegion != "" && strings.Contains(mRegion, n):
			return true
		}
		return division && div != nil && div.Known(name)
	}
	// What the report would say from the listing and the config alone:
	// the title's body and year, the config's body and region.
	var known *report.Report
	outside := func() *report.Report {
		if known == nil {
			known = report.Parse(&extract.Doc{Container: "text"}, report.Meta{Title: meta.Title, Body: meta.Body, Region: meta.Region, Year: meta.Year})
		}
		return known
	}
	var dropped []string
	if !confirmed(r.Body, false) {
		dropped = append(dropped, fmt.Sprintf("body %q", r.Body))
		k := outside()
		r.Body = k.Body
		if meta.Title != "" {
			// the OCR'd title holds the same misreading
			r.Title = k.Title
		}
	}
	if !confirmed(r.Region, true) {
		dropped = append(dropped, fmt.Sprintf("region %q", r.Region))
		r.Region = outside().Region
	}
	if r.Year != nil {
		known := meta.Year
		if m := titleYearRE.FindStringSubmatch(meta.Title); m != nil {
			known, _ = strconv.Atoi(m[1])
		}
		if known > 0 && known != *r.Year {
			dropped = append(dropped, fmt.Sprintf("year %d", *r.Year))
			y := known
			r.Year = &y
		}
	}
	if len(dropped) > 0 {
		r.Warnings = append(r.Warnings, report.Warning{Code: WarnNameUnconfirmed,
			Message: "read by OCR, confirmed by neither the site's config, the listing's title nor the official divisions, so not used: " + strings.Join(dropped, ", ")})
	}
}
