package report

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/nianbao/nianbao/parse/extract"
)

// SchemaID is the value of the "schema" field of every Report.
const SchemaID = "nianbao.report/1"

// Format names (the "format" field).
const (
	Format2021    = "2021"
	Format2019    = "2019"
	FormatLegacy  = "legacy"  // pre-2019 report without the national tables
	FormatUnknown = "unknown" // no national table recognised (or not a readable document)
)

// Meta is what the crawl (or the command line) knows about a file before it
// is parsed. Every field is optional.
type Meta struct {
	Title     string // title from the list page or link text
	Body      string // issuing body, when the site's metadata names it
	Region    string // the site's region from config (e.g. 河南省洛阳市)
	Site      string // config site name
	URL       string // where the file was fetched ("" for a local file)
	SHA256    string // hex digest of the stored bytes
	MediaType string // sniffed media type
	File      string // file name
	// Year is a data-year hint (e.g. from the list page), used only when
	// the document itself states no year.
	Year int
}

// Report is one parsed report; it marshals exactly to docs/schema.md.
type Report struct {
	Schema           string            `json:"schema"`
	Source           Source            `json:"source"`
	Title            string            `json:"title"`
	Body             string            `json:"body"`
	Region           string            `json:"region"`
	Year             *int              `json:"year"`
	Format           string            `json:"format"`
	Active           *Active           `json:"active"`
	Requests         *Requests         `json:"requests"`
	ReviewLitigation *ReviewLitigation `json:"review_litigation"`
	Sections         Sections          `json:"sections"`
	Checks           []Check           `json:"checks"`
	Warnings         []Warning         `json:"warnings"`
	// Provenance says where each value stands in the original (key: the
	// value's path, e.g. "requests.granted[6]"); absent when nothing is
	// known, as in reports parsed before it existed.
	Provenance Provenance `json:"provenance,omitempty"`
}

// Source names the stored (or local) file a report was parsed from.
type Source struct {
	SHA256    string `json:"sha256"`
	URL       string `json:"url"`
	MediaType string `json:"media_type"`
	File      string `json:"file"`
}

// Sections holds the free text of 一 (overview), 五 (problems) and 六 (other).
type Sections struct {
	Overview string `json:"overview"`
	Problems string `json:"problems"`
	Other    string `json:"other"`
}

// Check is one evaluated arithmetic rule. Expected and Found are null when
// they do not apply (H5 lists the offending value as Found).
type Check struct {
	Rule     string   `json:"rule"`
	Where    string   `json:"where"`
	OK       bool     `json:"ok"`
	Expected *float64 `json:"expected"`
	Found    *float64 `json:"found"`
	// Skipped is set (only by CheckCarryOver) when the rule could not be
	// evaluated because a report lacks the rows it compares.
	Skipped bool `json:"skipped,omitempty"`
}

// Warning is {"code","message"}; the same type the extractors use, so their
// warnings pass through unchanged.
type Warning = extract.Warning

// Warning codes set by this package (extractor codes such as "needs_ocr"
// pass through as they are).
const (
	WarnBlankCell      = "blank_cell"         // blank cells read as null
	WarnNACell         = "na_cell"            // "/", "-", "—", "无" read as null
	WarnUnitInCell     = "unit_in_cell"       // a unit was found and stripped
	WarnUnitMismatch   = "unit_mismatch"      // a unit that contradicts the column
	WarnBadCell        = "unreadable_cell"    // text that is not a number where one belongs
	WarnUnplaceable    = "values_unplaceable" // wrong number of values for a row
	WarnRowMissing     = "row_missing"        // a template row not found
	WarnTableMissing   = "table_missing"      // a whole table not found: no numbers
	WarnUnknownRow     = "unknown_row"        // a row with values but an unknown label
	WarnDuplicateRow   = "duplicate_row"      // the same row twice: first kept
	WarnFormatUnknown  = "format_unknown"     // tables found but the format could not be told
	WarnNoTitle        = "title_missing"
	WarnNoYear         = "year_missing"
	WarnYearFromText   = "year_from_text"
	WarnNoBody         = "body_missing"
	WarnNotReport      = "not_report" // a 解读, notice, statistics page …
	WarnSectionMissing = "section_missing"
	WarnTraditional    = "traditional_chars" // traditional characters folded to simplified
	// WarnRunTogether: a row's cells printed without separators, read by
	// the only cut of the digits that the report's arithmetic allows.
	WarnRunTogether = "run_together"
	// WarnRunTogetherUnresolved: run-together cells that no single cut
	// explains; the row is left null.
	WarnRunTogetherUnresolved = "run_together_unresolved"
	WarnLabelVariant          = "label_variant"   // a label read as a close variant of a template row
	WarnLabelAmbiguous        = "label_ambiguous" // a label that could be two template rows: not placed
	WarnGroupAsRow            = "group_as_row"    // a row group printed as one row
	WarnTextCut               = "text_cut"        // the text ends inside a table row
	// WarnCollapsed: a bar-separated row printed with its blank cells left
	// out ("| 1.属于国家秘密 | 2 | 2 |"), its values placed in the only
	// columns the report's arithmetic allows; the blank cells are null.
	WarnCollapsed = "cells_collapsed"
)

// Num returns a pointer to v (for building expected reports).
func Num(v float64) *float64 { return &v }

// Field is one named value of an active-disclosure row. Str is set instead
// of Value for text fields (amount_unit).
type Field struct {
	Name  string
	Value *float64
	Str   *string
}

// ActiveRow is one row of section 二, fields in template column order.
type ActiveRow struct {
	Key    string
	Fields []Field
}

// Get returns the named field's value.
func (r ActiveRow) Get(name string) (*float64, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

// ExtraRow is a local row a report adds to section 二.
type ExtraRow struct {
	Label  string     `json:"label"`
	Values []*float64 `json:"values"`
}

// Active is section 二 (主动公开政府信息情况). It marshals as an object whose
// keys are the row keys in template order, then "extra".
type Active struct {
	Rows  []ActiveRow
	Extra []ExtraRow
}

// Row returns the row with key.
func (a *Active) Row(key string) (ActiveRow, bool) {
	if a == nil {
		return ActiveRow{}, false
	}
	for _, r := range a.Rows {
		if r.Key == key {
			return r, true
		}
	}
	return ActiveRow{}, false
}

// RequestColumns are the 7 columns of section 三, in order; also the names
// used in check locations.
var RequestColumns = [7]string{
	"natural_person",        // 自然人
	"commercial_enterprise", // 商业企业
	"research_institution",  // 科研机构
	"social_welfare_org",    // 社会公益组织
	"legal_service_org",     // 法律服务机构
	"other_org",             // 其他
	"total",                 // 总计
}

// RequestRow is one row of section 三: 7 values in RequestColumns order.
type RequestRow struct {
	Key    string
	Values [7]*float64
}

// Requests is section 三; it marshals as a flat object of row key → 7
// values, rows in template order. A row the report lacks is absent.
type Requests struct {
	Rows []RequestRow
}

// Get returns the row with key.
func (q *Requests) Get(key string) ([7]*float64, bool) {
	if q == nil {
		return [7]*float64{}, false
	}
	for _, r := range q.Rows {
		if r.Key == key {
			return r.Values, true
		}
	}
	return [7]*float64{}, false
}

// Outcome is one group of section 四.
type Outcome struct {
	Upheld    *float64 `json:"upheld"`
	Corrected *float64 `json:"corrected"`
	Other     *float64 `json:"other"`
	Pending   *float64 `json:"pending"`
	Total     *float64 `json:"total"`
}

func (o *Outcome) slots() [5]**float64 {
	return [5]**float64{&o.Upheld, &o.Corrected, &o.Other, &o.Pending, &o.Total}
}

// ReviewLitigation is section 四 (15 numbers).
type ReviewLitigation struct {
	Review                Outcome `json:"review"`
	LitigationDirect      Outcome `json:"litigation_direct"`
	LitigationAfterReview Outcome `json:"litigation_after_review"`
}

// Values returns the 15 numbers in table column order.
func (r *ReviewLitigation) Values() [15]*float64 {
	var out [15]*float64
	for g, o := range []*Outcome{&r.Review, &r.LitigationDirect, &r.LitigationAfterReview} {
		for i, p := range o.slots() {
			out[g*5+i] = *p
		}
	}
	return out
}

func (r *ReviewLitigation) set(vals [15]*float64) {
	for g, o := range []*Outcome{&r.Review, &r.LitigationDirect, &r.LitigationAfterReview} {
		for i, p := range o.slots() {
			*p = vals[g*5+i]
		}
	}
}

// ---- JSON: ordered objects ----

func writeKey(b *bytes.Buffer, k string) {
	kb, _ := json.Marshal(k)
	b.Write(kb)
	b.WriteByte(':')
}

func writeNum(b *bytes.Buffer, v *float64) error {
	if v == nil {
		b.WriteString("null")
		return nil
	}
	nb, err := json.Marshal(*v)
	if err != nil {
		return fmt.Errorf("marshal number: %w", err)
	}
	b.Write(nb)
	return nil
}

// MarshalJSON writes the rows in template order, then "extra" when present.
func (a Active) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, r := range a.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(&b, r.Key)
		b.WriteByte('{')
		for j, f := range r.Fields {
			if j > 0 {
				b.WriteByte(',')
			}
			writeKey(&b, f.Name)
			if f.Str != nil {
				sb, _ := json.Marshal(*f.Str)
				b.Write(sb)
				continue
			}
			if err := writeNum(&b, f.Value); err != nil {
				return nil, err
			}
		}
		b.WriteByte('}')
	}
	if len(a.Extra) > 0 {
		if len(a.Rows) > 0 {
			b.WriteByte(',')
		}
		writeKey(&b, "extra")
		eb, err := json.Marshal(a.Extra)
		if err != nil {
			return nil, fmt.Errorf("marshal active.extra: %w", err)
		}
		b.Write(eb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes, keeping key order.
func (a *Active) UnmarshalJSON(data []byte) error {
	*a = Active{}
	dec := json.NewDecoder(bytes.NewReader(data))
	return readObject(dec, func(key string) error {
		if key == "extra" {
			return dec.Decode(&a.Extra)
		}
		row := ActiveRow{Key: key}
		err := readObject(dec, func(name string) error {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			f := Field{Name: name}
			switch {
			case bytes.Equal(raw, []byte("null")):
			case len(raw) > 0 && raw[0] == '"':
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return err
				}
				f.Str = &s
			default:
				var v float64
				if err := json.Unmarshal(raw, &v); err != nil {
					return fmt.Errorf("active.%s.%s: %w", key, name, err)
				}
				f.Value = &v
			}
			row.Fields = append(row.Fields, f)
			return nil
		})
		if err != nil {
			return fmt.Errorf("active.%s: %w", key, err)
		}
		a.Rows = append(a.Rows, row)
		return nil
	})
}

// MarshalJSON writes the rows as one flat object in template order.
func (q Requests) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, r := range q.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(&b, r.Key)
		b.WriteByte('[')
		for j, v := range r.Values {
			if j > 0 {
				b.WriteByte(',')
			}
			if err := writeNum(&b, v); err != nil {
				return nil, err
			}
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes, keeping key order.
func (q *Requests) UnmarshalJSON(data []byte) error {
	*q = Requests{}
	dec := json.NewDecoder(bytes.NewReader(data))
	return readObject(dec, func(key string) error {
		var vals []*float64
		if err := dec.Decode(&vals); err != nil {
			return fmt.Errorf("requests.%s: %w", key, err)
		}
		if len(vals) != 7 {
			return fmt.Errorf("requests.%s: %d values, want 7", key, len(vals))
		}
		r := RequestRow{Key: key}
		copy(r.Values[:], vals)
		q.Rows = append(q.Rows, r)
		return nil
	})
}

// readObject walks one JSON object, calling fn for each key with the
// decoder positioned at its value (fn must consume it).
func readObject(dec *json.Decoder, fn func(key string) error) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want an object, got %v", t)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		k, ok := t.(string)
		if !ok {
			return fmt.Errorf("want a key, got %v", t)
		}
		if err := fn(k); err != nil {
			return err
		}
	}
	_, err = dec.Token() // '}'
	return err
}
