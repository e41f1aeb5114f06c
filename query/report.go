package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/nianbao/nianbao/parse/report"
)

// Report is the part of the parsed-report JSON (docs/schema.md,
// "nianbao.report/1") that queries and exports read. It is decoded here
// with plain maps, independent of the parser's Go types; the keys are the
// contract and the label tables in tables.go give them order and names.
type Report struct {
	Schema           string                         `json:"schema"`
	Source           Source                         `json:"source"`
	Title            string                         `json:"title"`
	Body             string                         `json:"body"`
	Region           string                         `json:"region"`
	Year             *int                           `json:"year"`
	Format           string                         `json:"format"`
	Active           map[string]json.RawMessage     `json:"active"`
	Requests         map[string][]*float64          `json:"requests"`
	ReviewLitigation map[string]map[string]*float64 `json:"review_litigation"`
	Sections         Sections                       `json:"sections"`
	Checks           []Check                        `json:"checks"`
	Warnings         []Warning                      `json:"warnings"`
	// Provenance says where values stand in the original (docs/schema.md):
	// absent in older archives; read leniently through ValueSourceOf.
	Provenance map[string]json.RawMessage `json:"provenance,omitempty"`
}

// The leaf types are the parser's own (package parse/report): the same
// JSON, one definition.
type (
	Source   = report.Source
	Sections = report.Sections
	Check    = report.Check
	Warning  = report.Warning
)

// DecodeReport reads a Document.Parsed value. Empty input is (nil, nil):
// the document has not been parsed.
func DecodeReport(raw []byte) (*Report, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil
	}
	var r Report
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("decode parsed report: %w", err)
	}
	return &r, nil
}

// FailedChecks returns the checks that were evaluated and failed.
func (r *Report) FailedChecks() []Check {
	if r == nil {
		return nil
	}
	var out []Check
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped {
			out = append(out, c)
		}
	}
	return out
}

// Cell is one value of one table: a row of the tidy layout.
type Cell struct {
	Table      string   // "active", "requests", "review_litigation"
	TableLabel string   // 二、主动公开政府信息情况 …
	RowKey     string   // schema key: "regulations", "withheld.state_secret", "review", "extra[0]"
	RowLabel   string   // Chinese label
	ColKey     string   // schema key: "issued", "natural_person", "upheld", "values[0]"
	ColLabel   string   // Chinese label
	Num        *float64 // nil: null (unknown) or a text value
	Str        string   // text value (amount_unit) when Num is nil
	IsText     bool
}

// Value formats the cell for CSV/text: a number, the text, or "" for null.
func (c Cell) Value() string {
	if c.Num != nil {
		return FormatNum(*c.Num)
	}
	return c.Str
}

// FormatNum prints a number without exponent or trailing zeros.
func FormatNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Cells lists every value of every table in template order, then values
// under keys the tables do not know (so nothing in the JSON is dropped).
func (r *Report) Cells() ([]Cell, error) {
	if r == nil {
		return nil, nil
	}
	var out []Cell
	act, err := r.activeCells()
	if err != nil {
		return nil, err
	}
	out = append(out, act...)
	out = append(out, r.requestCells()...)
	out = append(out, r.reviewCells()...)
	return out, nil
}

// CellsOf lists the values of one table.
func (r *Report) CellsOf(table string) ([]Cell, error) {
	switch table {
	case TableActive:
		return r.activeCells()
	case TableRequests:
		return r.requestCells(), nil
	case TableReview:
		return r.reviewCells(), nil
	}
	return nil, fmt.Errorf("unknown table %q: want %s, %s or %s", table, TableActive, TableRequests, TableReview)
}

func (r *Report) activeCells() ([]Cell, error) {
	if r == nil || len(r.Active) == 0 {
		return nil, nil
	}
	tl := TableLabels[TableActive]
	var out []Cell
	done := map[string]bool{"extra": true}
	emit := func(key, label string, fields []string) error {
		raw, ok := r.Active[key]
		if !ok {
			return nil
		}
		done[key] = true
		var row map[string]json.RawMessage
		if err := json.Unmarshal(raw, &row); err != nil {
			return fmt.Errorf("active.%s: %w", key, err)
		}
		seen := map[string]bool{}
		add := func(name string) error {
			v, ok := row[name]
			if !ok {
				return nil
			}
			seen[name] = true
			c := Cell{Table: TableActive, TableLabel: tl, RowKey: key, RowLabel: label, ColKey: name, ColLabel: fieldLabel(r.Format, name)}
			if err := setValue(&c, v); err != nil {
				return fmt.Errorf("active.%s.%s: %w", key, name, err)
			}
			out = append(out, c)
			return nil
		}
		for _, f := range fields {
			if err := add(f); err != nil {
				return err
			}
		}
		for _, name := range sortedKeys(row) {
			if !seen[name] {
				if err := add(name); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, rs := range activeRowsFor(r.Format) {
		if err := emit(rs.Key, rs.Label, rs.Fields); err != nil {
			return nil, err
		}
	}
	for _, key := range sortedKeys(r.Active) {
		if !done[key] {
			if err := emit(key, activeLabel(key), nil); err != nil {
				return nil, err
			}
		}
	}
	if raw, ok := r.Active["extra"]; ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		var extra []struct {
			Label  string            `json:"label"`
			Values []json.RawMessage `json:"values"`
		}
		if err := json.Unmarshal(raw, &extra); err != nil {
			return nil, fmt.Errorf("active.extra: %w", err)
		}
		for i, e := range extra {
			for j, v := range e.Values {
				c := Cell{Table: TableActive, TableLabel: tl, RowKey: fmt.Sprintf("extra[%d]", i), RowLabel: e.Label,
					ColKey: fmt.Sprintf("values[%d]", j), ColLabel: fmt.Sprintf("第%d列", j+1)}
				if err := setValue(&c, v); err != nil {
					return nil, fmt.Errorf("active.extra[%d]: %w", i, err)
				}
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func setValue(c *Cell, v json.RawMessage) error {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || bytes.Equal(v, []byte("null")):
	case v[0] == '"':
		c.IsText = true
		return json.Unmarshal(v, &c.Str)
	default:
		var f float64
		if err := json.Unmarshal(v, &f); err != nil {
			return err
		}
		c.Num = &f
	}
	return nil
}

func (r *Report) requestCells() []Cell {
	if r == nil || len(r.Requests) == 0 {
		return nil
	}
	tl := TableLabels[TableRequests]
	var out []Cell
	emit := func(key, label string) {
		vals := r.Requests[key]
		for i, v := range vals {
			var ck, cl string
			if i < len(RequestColumns) {
				ck, cl = RequestColumns[i].Key, RequestColumns[i].Label
			} else {
				ck = fmt.Sprintf("col%d", i+1)
			}
			out = append(out, Cell{Table: TableRequests, TableLabel: tl, RowKey: key, RowLabel: label, ColKey: ck, ColLabel: cl, Num: v})
		}
	}
	known := map[string]bool{}
	for _, rs := range RequestRows {
		known[rs.Key] = true
		if _, ok := r.Requests[rs.Key]; ok {
			emit(rs.Key, rs.Label)
		}
	}
	for _, k := range sortedKeys(r.Requests) {
		if !known[k] {
			emit(k, k)
		}
	}
	return out
}

func (r *Report) reviewCells() []Cell {
	if r == nil || len(r.ReviewLitigation) == 0 {
		return nil
	}
	tl := TableLabels[TableReview]
	var out []Cell
	emit := func(g, gl string) {
		vals, ok := r.ReviewLitigation[g]
		if !ok {
			return
		}
		seen := map[string]bool{}
		for _, f := range ReviewFields {
			if v, ok := vals[f.Key]; ok {
				seen[f.Key] = true
				out = append(out, Cell{Table: TableReview, TableLabel: tl, RowKey: g, RowLabel: gl, ColKey: f.Key, ColLabel: f.Label, Num: v})
			}
		}
		for _, k := range sortedKeys(vals) {
			if !seen[k] {
				out = append(out, Cell{Table: TableReview, TableLabel: tl, RowKey: g, RowLabel: gl, ColKey: k, ColLabel: k, Num: vals[k]})
			}
		}
	}
	known := map[string]bool{}
	for _, g := range ReviewGroups {
		known[g.Key] = true
		emit(g.Key, g.Label)
	}
	for _, k := range sortedKeys(r.ReviewLitigation) {
		if !known[k] {
			emit(k, k)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
