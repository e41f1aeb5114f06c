package report

import "strings"

// The report schema as readers see it: table names, Chinese labels, row
// and column order, units. It is the one home of these labels; query,
// export, the server and the web page read them from here, and the row
// labels and order come from the Templates themselves, so a new template
// row is one edit (templates.go) and a relabelled column one edit (here).
// Labels are docs/format.md's (the national templates' own wording).

// Table names: the top-level keys of the parsed report (docs/schema.md).
const (
	TableActive   = "active"
	TableRequests = "requests"
	TableReview   = "review_litigation"
)

// TableOrder lists the tables in report order.
var TableOrder = []string{TableActive, TableRequests, TableReview}

// TableLabels are the section headings of the tables.
var TableLabels = map[string]string{
	TableActive:   "二、主动公开政府信息情况",
	TableRequests: "三、收到和处理政府信息公开申请情况",
	TableReview:   "四、政府信息公开行政复议、行政诉讼情况",
}

// Labelled is one schema key with its Chinese label and, for money
// columns, the unit the template states ("万元"; "" when it names none).
type Labelled struct {
	Key   string
	Label string
	Unit  string
}

// SchemaRow is one table row: key, label and (section 二) its columns.
type SchemaRow struct {
	Key    string
	Label  string
	Fields []Labelled
}

// fieldLabels are the column headings of section 二 by format: the
// 2021 template renamed some (处理决定数量 → 本年处理决定数量).
var fieldLabels = map[string]map[string]string{
	Format2021: {
		"issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
		"decisions": "本年处理决定数量", "amount_wan_yuan": "本年收费金额（单位：万元）",
	},
	Format2019: {
		"new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
		"previous": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
		"projects": "采购项目数量", "amount": "采购总金额", "amount_unit": "采购总金额单位",
	},
}

// FieldLabel is the column heading of a section 二 field in format; a
// field the format lacks takes the other format's label, an unknown
// field its key.
func FieldLabel(format, name string) string {
	first, second := Format2021, Format2019
	if format == Format2019 {
		first, second = second, first
	}
	if l, ok := fieldLabels[first][name]; ok {
		return l
	}
	if l, ok := fieldLabels[second][name]; ok {
		return l
	}
	return name
}

func templateNamed(format string) *Template {
	for _, t := range Templates {
		if t.Name == format {
			return t
		}
	}
	return nil
}

// ActiveRows are the rows of section 二 in format's column order (the
// 2021 template for a format without section 二 of its own).
func ActiveRows(format string) []SchemaRow {
	t := templateNamed(format)
	if t == nil {
		t = &Template2021
	}
	out := make([]SchemaRow, 0, len(t.Active))
	for _, a := range t.Active {
		r := SchemaRow{Key: a.Key, Label: a.Label}
		for _, f := range a.Fields {
			r.Fields = append(r.Fields, Labelled{Key: f.Name, Label: FieldLabel(t.Name, f.Name), Unit: f.Unit})
			if f.UnitField != "" {
				r.Fields = append(r.Fields, Labelled{Key: f.UnitField, Label: FieldLabel(t.Name, f.UnitField)})
			}
		}
		out = append(out, r)
	}
	return out
}

// ActiveLabel is a section 二 row's label in any format, else its key.
func ActiveLabel(key string) string {
	for _, t := range Templates {
		for _, a := range t.Active {
			if a.Key == key {
				return a.Label
			}
		}
	}
	return key
}

// RequestGroup is a heading of section 三's numbered sub-rows: Key is
// their key prefix (withheld for withheld.*), Prefix the heading's number
// that readers put before the sub-rows' own "1." (（三）).
type RequestGroup struct {
	Key, Label, Prefix string
}

// RequestOutcomesLabel heads section 三's outcome rows (（一）…（七）).
const RequestOutcomesLabel = "三、本年度办理结果"

// RequestRowsHead is the heading of section 三's label column.
const RequestRowsHead = "申请情况"

// ActiveHead is the heading of section 二's label and value columns.
var ActiveHead = [2]string{"信息内容", "数值"}

var requestSchema, requestGroups = func() ([]SchemaRow, []RequestGroup) {
	var groups []RequestGroup
	seenG := map[string]bool{}
	for _, t := range Templates {
		for _, r := range t.Requests {
			key := r.Of
			if r.Group && r.Key != "" && !strings.Contains(r.Key, ".") {
				key = r.Key
			}
			if !r.Group || key == "" || seenG[key] {
				continue
			}
			seenG[key] = true
			prefix, _, _ := strings.Cut(r.Label, "）")
			groups = append(groups, RequestGroup{Key: key, Label: r.Label, Prefix: prefix + "）"})
		}
	}
	prefixOf := func(key string) string {
		g, _, ok := strings.Cut(key, ".")
		if !ok {
			return ""
		}
		for _, gr := range groups {
			if gr.Key == g {
				return gr.Prefix
			}
		}
		return ""
	}
	var rows []SchemaRow
	seen := map[string]bool{}
	for _, t := range Templates {
		for _, r := range t.Requests {
			if r.Key == "" || seen[r.Key] {
				continue
			}
			seen[r.Key] = true
			label := r.Label
			if p := prefixOf(r.Key); p != "" && !strings.HasPrefix(label, p) {
				label = p + label
			}
			rows = append(rows, SchemaRow{Key: r.Key, Label: label})
		}
	}
	return rows, groups
}()

// RequestRows are the rows of section 三 of every format in print order
// (2021's other.* sub-rows, then 2019's single row other), numbered
// sub-rows labelled with their group's number: （三）1.属于国家秘密.
func RequestRows() []SchemaRow { return requestSchema }

// RequestGroups are the headings of section 三's numbered sub-rows.
func RequestGroups() []RequestGroup { return requestGroups }

// RequestGroupOf returns the group of a sub-row key (withheld.third_party
// → withheld); ok is false for a key outside any group.
func RequestGroupOf(key string) (RequestGroup, bool) {
	g, _, ok := strings.Cut(key, ".")
	if !ok {
		return RequestGroup{}, false
	}
	for _, gr := range requestGroups {
		if gr.Key == g {
			return gr, true
		}
	}
	return RequestGroup{}, false
}

// RequestLabel is a section 三 row's label (with its group number), else
// its key.
func RequestLabel(key string) string {
	for _, r := range requestSchema {
		if r.Key == key {
			return r.Label
		}
	}
	return key
}

// requestColumnLabels label RequestColumns, in the same order.
var requestColumnLabels = [7]string{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}

// RequestColumnSchema lists section 三's seven columns, keys and labels.
func RequestColumnSchema() []Labelled {
	out := make([]Labelled, len(RequestColumns))
	for i, k := range RequestColumns {
		out[i] = Labelled{Key: k, Label: requestColumnLabels[i]}
	}
	return out
}

// ReviewGroups are the three groups of section 四, in column order.
var ReviewGroups = []Labelled{
	{Key: "review", Label: "行政复议"},
	{Key: "litigation_direct", Label: "行政诉讼·未经复议直接起诉"},
	{Key: "litigation_after_review", Label: "行政诉讼·复议后起诉"},
}

// ReviewFields are the five outcome columns of each group of section 四.
var ReviewFields = []Labelled{
	{Key: "upheld", Label: "结果维持"},
	{Key: "corrected", Label: "结果纠正"},
	{Key: "other", Label: "其他结果"},
	{Key: "pending", Label: "尚未审结"},
	{Key: "total", Label: "总计"},
}
