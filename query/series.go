package query

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/report"

	"github.com/nianbao/nianbao/internal/textfold"
)

// Series is one body's table across years (`crawler series`).
type Series struct {
	Body    string               `json:"body"`
	Region  string               `json:"region"`
	Table   string               `json:"table"`
	Years   []int                `json:"years"`   // years with a report, ascending
	Reports map[string]SeriesDoc `json:"reports"` // year → the report used
	Rows    []SeriesRow          `json:"rows"`
	Carry   []CarryCheck         `json:"carry_over"` // SR1, one per column per consecutive year pair
	Notes   []string             `json:"notes,omitempty"`
	byYear  map[int]*Report      `json:"-"`
	docs    map[int]*archive.Document
	// candidates lists every report found for a year, for the clash note.
	candidates map[int][]string
}

// CarryCheck is SR1 for one column between Year-1 and Year.
type CarryCheck struct {
	Year int `json:"year"`
	Check
}

// SeriesDoc names the report used for one year.
type SeriesDoc struct {
	ID          string `json:"id"`
	Format      string `json:"format"`
	ParseStatus string `json:"parse_status"`
	URL         string `json:"url"`
}

// SeriesRow is one value position across years; Values align with Years
// (nil: null in that year's report, or the row is absent).
type SeriesRow struct {
	Key      string     `json:"key"` // "new.total", "regulations.issued"
	RowLabel string     `json:"row_label"`
	ColLabel string     `json:"col_label"`
	Values   []*float64 `json:"values"`
	Texts    []string   `json:"texts,omitempty"` // text values (amount_unit), aligned with Years
}

// SeriesOptions choose what a series shows.
type SeriesOptions struct {
	Table string // TableRequests (default), TableActive, TableReview
	// Column limits section 三 to one applicant column (RequestColumns key,
	// default "total"); "all" keeps every column.
	Column string
}

// statusRank prefers the best-parsed report when a body has several for
// one year (the same report listed on two sites, or a revised version).
func statusRank(s string) int {
	switch s {
	case "ok":
		return 4
	case "partial":
		return 3
	case "needs_ocr":
		return 1
	case "failed", "not_report":
		return 0
	}
	return 2
}

// BuildSeries lines up the reports selected by f (which should name a
// body) per body and year, and checks SR1 between consecutive years.
func BuildSeries(ctx context.Context, a *archive.Archive, f Filter, opts SeriesOptions) ([]*Series, error) {
	if opts.Table == "" {
		opts.Table = TableRequests
	}
	if opts.Column == "" {
		opts.Column = "total"
	}
	if _, ok := TableLabels[opts.Table]; !ok {
		return nil, fmt.Errorf("unknown table %q: want %s, %s or %s", opts.Table, TableActive, TableRequests, TableReview)
	}
	if opts.Table == TableRequests && opts.Column != "all" {
		ok := false
		for _, c := range RequestColumns {
			ok = ok || c.Key == opts.Column
		}
		if !ok {
			return nil, fmt.Errorf("unknown column %q: want all or one of natural_person, commercial_enterprise, research_institution, social_welfare_org, legal_service_org, other_org, total", opts.Column)
		}
	}
	refs, err := Select(ctx, a, f)
	if err != nil {
		return nil, err
	}
	return BuildSeriesOf(ctx, a, refs, opts)
}

// BuildSeriesOf is BuildSeries over documents already selected (refs in
// Select's order), for a caller that holds the selection.
func BuildSeriesOf(ctx context.Context, a *archive.Archive, refs []Ref, opts SeriesOptions) ([]*Series, error) {
	if opts.Table == "" {
		opts.Table = TableRequests
	}
	if opts.Column == "" {
		opts.Column = "total"
	}
	groups := map[string]*Series{}
	var order []string
	err := Each(ctx, a, refs, func(_ int, d *archive.Document) error {
		if d.Year == 0 || d.ParseStatus == "not_report" {
			return nil
		}
		k := GroupKey(d.Body) + "\x00" + textfold.Fold(d.Region, textfold.Name)
		s := groups[k]
		if s == nil {
			s = &Series{Body: d.Body, Region: d.Region, Table: opts.Table, Reports: map[string]SeriesDoc{},
				byYear: map[int]*Report{}, docs: map[int]*archive.Document{}, candidates: map[int][]string{}}
			groups[k] = s
			order = append(order, k)
		}
		s.candidates[d.Year] = append(s.candidates[d.Year], d.ID)
		if old, ok := s.docs[d.Year]; ok {
			better := statusRank(d.ParseStatus) > statusRank(old.ParseStatus) ||
				(statusRank(d.ParseStatus) == statusRank(old.ParseStatus) && d.LastSeen.After(old.LastSeen))
			if !better {
				return nil
			}
		}
		rep, err := DecodeReport(d.Parsed)
		if err != nil {
			// Only the report finally used keeps a note about it (fill).
			rep = nil
		}
		s.docs[d.Year] = d
		s.byYear[d.Year] = rep
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Series, 0, len(order))
	for _, k := range order {
		s := groups[k]
		if err := s.fill(opts); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (s *Series) fill(opts SeriesOptions) error {
	for y := range s.docs {
		s.Years = append(s.Years, y)
	}
	sort.Ints(s.Years)
	// One note per year with several reports, naming the one used.
	for _, y := range s.Years {
		d := s.docs[y]
		if ids := s.candidates[y]; len(ids) > 1 {
			others := make([]string, 0, len(ids)-1)
			for _, id := range ids {
				if id != d.ID {
					others = append(others, id)
				}
			}
			s.Notes = append(s.Notes, fmt.Sprintf("%d: %d reports; using %s (%s, best parsed then most recent), not %s",
				y, len(ids), d.ID, orDash(d.ParseStatus), strings.Join(others, ", ")))
		}
		if s.byYear[y] == nil && len(d.Parsed) > 0 {
			if _, err := DecodeReport(d.Parsed); err != nil {
				s.Notes = append(s.Notes, fmt.Sprintf("%d: report %s: %v", y, d.ID, err))
			}
		}
	}
	idx := map[string]int{}
	for yi, y := range s.Years {
		d := s.docs[y]
		s.Reports[strconv.Itoa(y)] = SeriesDoc{ID: d.ID, Format: d.Format, ParseStatus: d.ParseStatus, URL: d.URL}
		rep := s.byYear[y]
		if rep == nil {
			continue
		}
		cells, err := rep.CellsOf(opts.Table)
		if err != nil {
			return fmt.Errorf("report %s: %w", d.ID, err)
		}
		for _, c := range cells {
			if opts.Table == TableRequests && opts.Column != "all" && c.ColKey != opts.Column {
				continue
			}
			k := c.RowKey + "." + c.ColKey
			i, ok := idx[k]
			if !ok {
				i = len(s.Rows)
				idx[k] = i
				s.Rows = append(s.Rows, SeriesRow{Key: k, RowLabel: c.RowLabel, ColLabel: c.ColLabel,
					Values: make([]*float64, len(s.Years)), Texts: make([]string, len(s.Years))})
			}
			s.Rows[i].Values[yi] = c.Num
			if c.IsText {
				s.Rows[i].Texts[yi] = c.Str
			}
		}
	}
	s.sortRows(opts.Table)
	for i := range s.Rows {
		hasText := false
		for _, t := range s.Rows[i].Texts {
			hasText = hasText || t != ""
		}
		if !hasText {
			s.Rows[i].Texts = nil
		}
	}
	for i := 1; i < len(s.Years); i++ {
		prev, cur := s.Years[i-1], s.Years[i]
		if cur != prev+1 {
			continue
		}
		for _, c := range CarryOver(s.byYear[prev], s.byYear[cur]) {
			s.Carry = append(s.Carry, CarryCheck{Year: cur, Check: c})
		}
	}
	return nil
}

// sortRows puts the rows in template order (WideColumns: for 二 the 2021
// rows then the 2019-only ones), so years in different formats do not
// leave one format's rows trailing after the other's. Keys outside the
// template keep their first-seen order at the end.
func (s *Series) sortRows(table string) {
	rank := map[string]int{}
	for i, c := range WideColumns(table) {
		rank[c.Key] = i
	}
	pos := func(k string) int {
		if r, ok := rank[k]; ok {
			return r
		}
		return len(rank)
	}
	sort.SliceStable(s.Rows, func(i, j int) bool { return pos(s.Rows[i].Key) < pos(s.Rows[j].Key) })
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// CarryOver evaluates the soft rule SR1 for one body between consecutive
// years: this year's 二、上年结转 (requests.carried_over) should equal last
// year's 四、结转下年度继续办理 (requests.carried_forward), column by
// column. A column where either side is missing or null is Skipped, never
// counted as a mismatch.
func CarryOver(prev, cur *Report) []Check {
	var fwd, over [7]*float64
	if prev != nil {
		copy(fwd[:], prev.Requests["carried_forward"])
	}
	if cur != nil {
		copy(over[:], cur.Requests["carried_over"])
	}
	// The rule itself lives with the other checks in parse/report.
	return report.CarryOverChecks(fwd, over)
}
