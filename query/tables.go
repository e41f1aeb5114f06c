package query

import "github.com/nianbao/nianbao/parse/report"

// Table keys and Chinese labels of docs/schema.md and docs/format.md §2–3,
// as package parse/report's schema defines them (schema.go beside the
// templates): the lists here are views of that one definition in the
// shapes readers of this package use.

// Table names (the top-level keys of the parsed report).
const (
	TableActive   = report.TableActive
	TableRequests = report.TableRequests
	TableReview   = report.TableReview
)

// Tables lists the table names in report order.
var Tables = report.TableOrder

// TableLabels are the section headings of the tables.
var TableLabels = report.TableLabels

// RowSpec is one table row: schema key, Chinese label and (for section 二)
// its fields in column order.
type RowSpec struct {
	Key    string
	Label  string
	Fields []string
}

// ColSpec is one column: schema key and Chinese label.
type ColSpec struct {
	Key   string
	Label string
}

func rowSpecs(rows []report.SchemaRow) []RowSpec {
	out := make([]RowSpec, 0, len(rows))
	for _, r := range rows {
		rs := RowSpec{Key: r.Key, Label: r.Label}
		for _, f := range r.Fields {
			rs.Fields = append(rs.Fields, f.Key)
		}
		out = append(out, rs)
	}
	return out
}

func colSpecs(cols []report.Labelled) []ColSpec {
	out := make([]ColSpec, 0, len(cols))
	for _, c := range cols {
		out = append(out, ColSpec{Key: c.Key, Label: c.Label})
	}
	return out
}

// ActiveRows2021 are the rows of section 二 in the 2021 format.
var ActiveRows2021 = rowSpecs(report.ActiveRows(report.Format2021))

// ActiveRows2019 are the rows of section 二 in the 2019 format.
var ActiveRows2019 = rowSpecs(report.ActiveRows(report.Format2019))

func activeRowsFor(format string) []RowSpec {
	if format == report.Format2019 {
		return ActiveRows2019
	}
	return ActiveRows2021
}

func fieldLabel(format, name string) string { return report.FieldLabel(format, name) }

func activeLabel(key string) string { return report.ActiveLabel(key) }

// RequestRows are the rows of section 三 (both formats: "other" is the
// single 2019 row, "other.*" the 2021 sub-rows).
var RequestRows = rowSpecs(report.RequestRows())

// RequestColumns are the 7 value columns of section 三, in order.
var RequestColumns = colSpecs(report.RequestColumnSchema())

// ReviewGroups are the three groups of section 四.
var ReviewGroups = colSpecs(report.ReviewGroups)

// ReviewFields are the five outcome columns of each group of section 四.
var ReviewFields = colSpecs(report.ReviewFields)

// WideColumn is one column of the wide layout (one row per report).
type WideColumn struct {
	Row, Col string // schema keys
	Key      string // "regulations.issued", "new.natural_person", "review.upheld"
	Label    string // "规章 本年制发件数"
}

// WideColumns lists the fixed columns of a table's wide layout: for 二 the
// 2021 rows then the 2019-only ones (one sheet serves both formats).
func WideColumns(table string) []WideColumn {
	var out []WideColumn
	seen := map[string]bool{}
	add := func(row, rowLabel, col, colLabel string) {
		k := row + "." + col
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, WideColumn{Row: row, Col: col, Key: k, Label: rowLabel + " " + colLabel})
	}
	switch table {
	case TableActive:
		for _, f := range []string{report.Format2021, report.Format2019} {
			for _, r := range report.ActiveRows(f) {
				for _, fl := range r.Fields {
					add(r.Key, r.Label, fl.Key, fl.Label)
				}
			}
		}
	case TableRequests:
		for _, r := range RequestRows {
			for _, c := range RequestColumns {
				add(r.Key, r.Label, c.Key, c.Label)
			}
		}
	case TableReview:
		for _, g := range ReviewGroups {
			for _, f := range ReviewFields {
				add(g.Key, g.Label, f.Key, f.Label)
			}
		}
	}
	return out
}
