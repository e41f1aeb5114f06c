package query

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
)

// Statuses of a body's year in a coverage grid.
const (
	CovPublished = "published" // a report, published by the deadline (or on an unknown date: see Dated)
	CovLate      = "late"      // a report, published after the legal deadline
	CovMissing   = "missing"   // no report, and the deadline has passed
	CovNotDue    = "not_due"   // no report yet, and the deadline has not passed
)

// Body kinds: the deadline differs (alert.Deadline).
const (
	KindGovernment = "government" // a 县级以上 government's own report (…人民政府): 3月31日
	KindDepartment = "department" // a government department: 1月31日 (from data year 2019)
	KindTownship   = "township"   // 乡镇 and 街道: 3月31日
)

// CoverageOptions select a coverage grid.
type CoverageOptions struct {
	Region   string // a name or code naming one division (required)
	YearFrom int    // first data year (required)
	YearTo   int    // last data year (required)
	// Now decides which deadlines have passed (zero: the current time).
	Now time.Time
}

// Coverage is who in a region published which year's report, and when.
type Coverage struct {
	RegionCode  string         `json:"region_code"`
	RegionPath  []string       `json:"region_path"`
	RegionLevel string         `json:"region_level"`
	Years       []int          `json:"years"`
	Bodies      []BodyCoverage `json:"bodies"`
	// Unplaced counts the region's reports that could not be placed in
	// the grid: no body or no data year.
	Unplaced int `json:"unplaced"`
}

// BodyCoverage is one body's row.
type BodyCoverage struct {
	Body       string   `json:"body"`
	Kind       string   `json:"kind"`
	RegionCode string   `json:"region_code"`
	RegionPath []string `json:"region_path"`
	// Listed: a county-level government the division table lists, which
	// owes a report each year whether or not one was ever archived.
	Listed bool      `json:"listed"`
	Years  []YearCov `json:"years"`
}

// YearCov is one cell of the grid.
type YearCov struct {
	Year   int    `json:"year"`
	Status string `json:"status"`
	// Deadline is the last day to publish (YYYY-MM-DD, China time).
	Deadline string `json:"deadline"`
	// ID, PublishedAt: the report found (the earliest published, when
	// several); PublishedAt is empty when the portal shows no date, and
	// such a report counts as published: nothing shows it was late.
	ID          string `json:"id,omitempty"`
	PublishedAt string `json:"published_at,omitempty"`
	DaysLate    int    `json:"days_late,omitempty"`
}

// Overdue reports whether b has a missing year: a report the law required
// by now that nobody has found.
func (b BodyCoverage) Overdue() bool {
	for _, y := range b.Years {
		if y.Status == CovMissing {
			return true
		}
	}
	return false
}

// Count returns how many of b's years have status s.
func (b BodyCoverage) Count(s string) int {
	n := 0
	for _, y := range b.Years {
		if y.Status == s {
			n++
		}
	}
	return n
}

// CoverageFor computes the grid: every body with a report in the region
// (a report resolved to the region or a division inside it; retracted
// reports and pages that are not reports do not count), plus a row for
// the government of each county-level division the table lists in it,
// and for each data year whether a report exists, was late or is missing
// (deadlines of alert.Deadline, counted at o.Now).
func CoverageFor(ctx context.Context, a *archive.Archive, o CoverageOptions) (*Coverage, error) {
	return CoverageOf(ctx, a.ForEachDocument, o)
}

// CoverageOf is CoverageFor over the documents each yields, for a caller
// that already holds them in memory (the web page's list of documents:
// only the fields of the document record are read, never the parsed JSON).
func CoverageOf(ctx context.Context, each func(func(*archive.Document) error) error, o CoverageOptions) (*Coverage, error) {
	ds, err := divisions.Lookup(o.Region)
	if err != nil {
		return nil, fmt.Errorf("coverage: --region %q: %w", o.Region, err)
	}
	if len(ds) != 1 {
		var names []string
		for _, d := range ds {
			names = append(names, d.String())
		}
		return nil, fmt.Errorf("coverage: --region %q names %d divisions (%s): give the code or the name with its province or city",
			o.Region, len(ds), strings.Join(names, ", "))
	}
	if o.YearFrom == 0 || o.YearTo == 0 || o.YearFrom > o.YearTo {
		return nil, fmt.Errorf("coverage: want a closed year range such as 2019-2024")
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	region := ds[0]
	cov := &Coverage{RegionCode: region.Code(), RegionPath: region.Path(), RegionLevel: region.Level.String()}
	for y := o.YearFrom; y <= o.YearTo; y++ {
		cov.Years = append(cov.Years, y)
	}

	type report struct {
		id, published string
	}
	type group struct {
		row     BodyCoverage
		reports map[int][]report
	}
	groups := map[string]*group{}
	keys := map[[2]string]string{}
	err = each(func(d *archive.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.Retracted() || d.ParseStatus == "not_report" || d.RegionCode == "" {
			return nil
		}
		if !divisions.CodeWithin(d.RegionCode, region) {
			return nil
		}
		dv := divisions.ByCode(d.RegionCode)
		if dv == nil {
			return nil // a code from a table this binary no longer has: reregion
		}
		if d.Body == "" || d.Year == 0 {
			cov.Unplaced++
			return nil
		}
		if d.Year < o.YearFrom || d.Year > o.YearTo {
			return nil
		}
		// bodyKey folds and tokenizes: once per spelling, not per report
		mk := [2]string{d.RegionCode, d.Body}
		bk, ok := keys[mk]
		if !ok {
			bk = bodyKey(d.Body, dv)
			keys[mk] = bk
		}
		k := d.RegionCode + "\x00" + bk
		g := groups[k]
		if g == nil {
			g = &group{row: BodyCoverage{Body: d.Body, Kind: bodyKind(d.Body, dv), RegionCode: d.RegionCode,
				RegionPath: append([]string{}, d.RegionPath...)}, reports: map[int][]report{}}
			groups[k] = g
		}
		// The body as it names itself most fully ("洛阳市偃师区财政局"
		// over "偃师区财政局").
		if len([]rune(d.Body)) > len([]rune(g.row.Body)) {
			g.row.Body = d.Body
		}
		g.reports[d.Year] = append(g.reports[d.Year], report{d.ID, d.PublishedAt})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	// Every county-level government the table lists owes a report.
	for _, c := range divisions.Counties(region) {
		k := c.Code() + "\x00"
		if g := groups[k]; g != nil {
			g.row.Listed = true
			continue
		}
		groups[k] = &group{row: BodyCoverage{Body: c.Name + "人民政府", Kind: KindGovernment, RegionCode: c.Code(),
			RegionPath: c.Path(), Listed: true}, reports: map[int][]report{}}
	}

	for _, g := range groups {
		for _, y := range cov.Years {
			dl := alert.Deadline(deadlineBody(g.row), y)
			cell := YearCov{Year: y, Deadline: dl.AddDate(0, 0, -1).Format(time.DateOnly)}
			rs := g.reports[y]
			sort.Slice(rs, func(i, j int) bool {
				// dated before undated, then the earliest
				if (rs[i].published == "") != (rs[j].published == "") {
					return rs[j].published == ""
				}
				if rs[i].published != rs[j].published {
					return rs[i].published < rs[j].published
				}
				return rs[i].id < rs[j].id
			})
			switch {
			case len(rs) > 0:
				cell.ID, cell.PublishedAt, cell.Status = rs[0].id, rs[0].published, CovPublished
				if t, err := time.ParseInLocation(time.DateOnly, rs[0].published, alert.Shanghai); err == nil && !t.Before(dl) {
					cell.Status = CovLate
					cell.DaysLate = int(t.Sub(dl).Hours()/24) + 1
				}
			case now.After(dl):
				cell.Status = CovMissing
			default:
				cell.Status = CovNotDue
			}
			g.row.Years = append(g.row.Years, cell)
		}
		cov.Bodies = append(cov.Bodies, g.row)
	}
	sort.Slice(cov.Bodies, func(i, j int) bool {
		a, b := cov.Bodies[i], cov.Bodies[j]
		if a.RegionCode != b.RegionCode {
			return a.RegionCode < b.RegionCode
		}
		if (a.Kind == KindGovernment) != (b.Kind == KindGovernment) {
			return a.Kind == KindGovernment
		}
		return a.Body < b.Body
	})
	return cov, nil
}

// bodyKey groups a body's spellings within its division: the place names
// of the division's path and the government suffix are dropped, so
// 洛阳市偃师区财政局 and 偃师区财政局 are one body, and 偃师区人民政府 and
// 洛阳市偃师区政府 are the division's government (key "").
func bodyKey(body string, dv *divisions.Division) string {
	k := GroupKey(body)
	for changed := true; changed; {
		changed = false
		for x := dv; x != nil; x = x.Parent {
			for _, name := range append([]string{x.Name}, formerNames(x)...) {
				if rest, ok := strings.CutPrefix(k, name); ok {
					k, changed = rest, true
				}
			}
		}
	}
	if rest, ok := strings.CutSuffix(k, "人民政府"); ok && rest == "" {
		return ""
	}
	return k
}

func formerNames(d *divisions.Division) []string {
	return formerNameIndex()[d.Code()]
}

// formerNameIndex is divisions.Renames by new code, built once: bodyKey
// asks for every document of a grid (a province's: every report in it).
var formerNameIndex = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, r := range divisions.Renames() {
		out[r.NewCode] = append(out[r.NewCode], r.OldName)
	}
	return out
})

func bodyKind(body string, dv *divisions.Division) string {
	switch {
	case dv.Level == divisions.Township || alert.IsTownship(body):
		return KindTownship
	case alert.IsGovernment(body) || bodyKey(body, dv) == "":
		return KindGovernment
	}
	return KindDepartment
}

// deadlineBody names b for alert.Deadline: a government's report filed
// under its place name alone (2019年偃师市…年度报告: body 偃师市) is still
// a government's.
func deadlineBody(b BodyCoverage) string {
	if b.Kind == KindGovernment && !alert.IsGovernment(b.Body) {
		return b.Body + "人民政府"
	}
	return b.Body
}

// Overdue lists the bodies with a missing year, in grid order.
func (c *Coverage) Overdue() []BodyCoverage {
	var out []BodyCoverage
	for _, b := range c.Bodies {
		if b.Overdue() {
			out = append(out, b)
		}
	}
	return out
}

// WriteCoverage renders c as a table (a grid: one row per body, one column
// per year), JSON (the Coverage object) or CSV (one row per body and year).
func WriteCoverage(w io.Writer, c *Coverage, kind string) error {
	switch kind {
	case OutJSON, OutJSONL:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if kind == OutJSON {
			enc.SetIndent("", "  ")
		}
		return enc.Encode(c)
	case OutCSV:
		if _, err := io.WriteString(w, BOM); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"region_code", "region_path", "body", "kind", "listed", "year", "status", "deadline",
			"published_at", "days_late", "report_id"})
		for _, b := range c.Bodies {
			for _, y := range b.Years {
				late := ""
				if y.DaysLate > 0 {
					late = strconv.Itoa(y.DaysLate)
				}
				_ = cw.Write([]string{b.RegionCode, strings.Join(b.RegionPath, " › "), b.Body, b.Kind,
					strconv.FormatBool(b.Listed), strconv.Itoa(y.Year), y.Status, y.Deadline, y.PublishedAt, late, y.ID})
			}
		}
		cw.Flush()
		return cw.Error()
	case OutTable:
		t := &Table{Header: []string{"区划 region", "机关 body"}, MaxWidth: map[int]int{0: 24, 1: 30}}
		for _, y := range c.Years {
			t.Header = append(t.Header, strconv.Itoa(y))
		}
		for _, b := range c.Bodies {
			row := []string{b.RegionPath[len(b.RegionPath)-1], b.Body}
			for _, y := range b.Years {
				row = append(row, covMark(y))
			}
			t.Rows = append(t.Rows, row)
		}
		if err := t.Render(w); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "✓ published by the deadline (or undated)  late N: N days late  ✗ missing  · not yet due\n%s: %d bodies, %d overdue\n",
			strings.Join(c.RegionPath, " › "), len(c.Bodies), len(c.Overdue()))
		return err
	}
	return fmt.Errorf("bad --output %q: want table, json or csv", kind)
}

func covMark(y YearCov) string {
	switch y.Status {
	case CovPublished:
		return "✓"
	case CovLate:
		return "late " + strconv.Itoa(y.DaysLate)
	case CovMissing:
		return "✗"
	}
	return "·"
}
