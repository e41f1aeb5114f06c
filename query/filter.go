package query

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/archive"

	"github.com/nianbao/nianbao/internal/textfold"
)

// Filter is the set of query flags shared by query, series and export.
// Zero fields do not filter.
type Filter struct {
	Body     string // --body: full name, part, or alias (BodyMatches)
	YearFrom int    // --year lower bound (inclusive)
	YearTo   int    // --year upper bound (inclusive)
	Region   string // --region: any level (河南省, 洛阳市, 偃师区)
	Site     string // --site: config site name, exact
	Format   string // --format: 2019, 2021 (also legacy, unknown)
	// FailedChecks keeps only reports whose own numbers do not add up.
	FailedChecks bool
	// Retracted selects the retracted documents (`crawler retract`) only.
	// Without it they are left out of every selection: query, export,
	// series, missing reports, the web page and the API.
	Retracted bool
}

// Formats accepted by --format.
var Formats = []string{"2019", "2021", "legacy", "unknown"}

// ParseYears reads --year: "2023", "2019-2023", "2019-" or "-2023".
func ParseYears(s string) (from, to int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, nil
	}
	one := func(p string) (int, error) {
		p = strings.TrimSpace(p)
		if p == "" {
			return 0, nil
		}
		y, err := strconv.Atoi(p)
		if err != nil || y < 1900 || y > 2999 {
			return 0, fmt.Errorf("bad year %q in --year %q: want YYYY or YYYY-YYYY", p, s)
		}
		return y, nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	if from, err = one(lo); err != nil {
		return 0, 0, err
	}
	if !isRange {
		if from == 0 {
			return 0, 0, fmt.Errorf("bad --year %q", s)
		}
		return from, from, nil
	}
	if to, err = one(hi); err != nil {
		return 0, 0, err
	}
	if from == 0 && to == 0 {
		return 0, 0, fmt.Errorf("bad --year %q: want YYYY or YYYY-YYYY", s)
	}
	if from != 0 && to != 0 && from > to {
		return 0, 0, fmt.Errorf("bad --year %q: %d is after %d", s, from, to)
	}
	return from, to, nil
}

// Validate checks the flag values that have a fixed vocabulary.
func (f Filter) Validate() error {
	if f.Format != "" {
		ok := false
		for _, v := range Formats {
			ok = ok || f.Format == v
		}
		if !ok {
			return fmt.Errorf("bad --format %q: want one of %s", f.Format, strings.Join(Formats, ", "))
		}
	}
	if f.YearFrom != 0 && f.YearTo != 0 && f.YearFrom > f.YearTo {
		return fmt.Errorf("bad year range %d-%d", f.YearFrom, f.YearTo)
	}
	return nil
}

// HasYears reports whether a year bound is set.
func (f Filter) HasYears() bool { return f.YearFrom != 0 || f.YearTo != 0 }

// Match reports whether d passes every set filter.
func (f Filter) Match(d *archive.Document) bool {
	if d.Retracted() != f.Retracted {
		return false
	}
	if f.Site != "" && d.Site != f.Site {
		return false
	}
	if f.HasYears() {
		if d.Year == 0 || (f.YearFrom != 0 && d.Year < f.YearFrom) || (f.YearTo != 0 && d.Year > f.YearTo) {
			return false
		}
	}
	if f.Format != "" && d.Format != f.Format {
		return false
	}
	if f.FailedChecks && d.FailedChecks <= 0 {
		return false
	}
	if f.Body != "" && !bodyMatchesDoc(f.Body, d) {
		return false
	}
	if f.Region != "" && !RegionMatches(f.Region, d) {
		return false
	}
	return true
}

// bodyMatchesDoc matches the body name; an unparsed document has no body
// yet, so its title (which names the body) stands in.
func bodyMatchesDoc(q string, d *archive.Document) bool {
	if d.Body != "" {
		return BodyMatches(q, d.Body)
	}
	return BodyMatches(q, d.Title)
}

// RegionMatches matches a region at any level: "洛阳市" is inside
// "河南省洛阳市偃师区". When q names official divisions (a name at any level,
// a former name such as 偃师市, or a code: 410307, 4103) and d's region is
// resolved (RegionCode), the codes decide: 洛阳市 finds the reports of
// 偃师区's bureaus whatever their region text says. Otherwise the region
// text is matched, and a document without a region on its body name or
// title, which usually start with the region ("偃师区工业和信息化局").
func RegionMatches(q string, d *archive.Document) bool {
	nq := textfold.Fold(q, textfold.Name)
	if nq == "" {
		return true
	}
	if ds := regionDivisions(q); len(ds) > 0 {
		if d.RegionCode != "" {
			return withinAny(d.RegionCode, ds)
		}
		if isCode(q) {
			// an unresolved document, asked for by code: by the names
			for _, dv := range ds {
				if RegionMatches(dv.Name, d) {
					return true
				}
			}
			return false
		}
	}
	if d.Region != "" {
		return strings.Contains(textfold.Fold(d.Region, textfold.Name), nq)
	}
	return strings.Contains(textfold.Fold(d.Body, textfold.Name), nq) || (d.Body == "" && strings.Contains(textfold.Fold(d.Title, textfold.Name), nq))
}

// Ref is the small part of a matching document kept while selecting, so a
// selection of any size costs little memory; Each loads documents one at a
// time.
type Ref struct {
	ID     string
	Year   int
	Body   string
	Region string
	Site   string
	URL    string
}

// Select returns references to the documents matching f, ordered by year,
// body and id (the order of every listing and export).
func Select(ctx context.Context, a *archive.Archive, f Filter) ([]Ref, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var refs []Ref
	err := a.ForEachDocument(func(d *archive.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.Match(d) {
			refs = append(refs, Ref{ID: d.ID, Year: d.Year, Body: d.Body, Region: d.Region, Site: d.Site, URL: d.URL})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("select documents: %w", err)
	}
	SortRefs(refs)
	return refs, nil
}

// SortRefs orders by year, body, id.
func SortRefs(refs []Ref) {
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Year != refs[j].Year {
			return refs[i].Year < refs[j].Year
		}
		if refs[i].Body != refs[j].Body {
			return refs[i].Body < refs[j].Body
		}
		return refs[i].ID < refs[j].ID
	})
}

// ErrStop ends Each early without an error.
var ErrStop = errors.New("stop")

// Each calls fn for each selected document in order, loading one at a time.
func Each(ctx context.Context, a *archive.Archive, refs []Ref, fn func(i int, d *archive.Document) error) error {
	for i, r := range refs {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := a.Document(r.ID)
		if err != nil {
			return fmt.Errorf("load document %s: %w", r.ID, err)
		}
		if err := fn(i, d); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}
