package report

// The national table formats as data (docs/format.md §2, §3; keys from
// docs/schema.md). All label patterns are matched against text folded by
// fold(): NFKC (so （） becomes ()), traditional → simplified, whitespace
// and quotes removed. Patterns are matched by containment; when several rows
// match one label, the pattern that ends last in the label wins (the "last
// label" rule: group labels and wrapped fragments come first).
//
// To support a future format, add a Template to Templates.

// Template is one national report format.
type Template struct {
	// Name is the "format" value.
	Name string
	// Markers are header strings and row labels that occur only in this
	// format; the template with the most markers present is chosen.
	Markers []string
	// Active lists the rows of section 二 in output order.
	Active []ActiveSpec
	// Requests lists the rows of section 三 in output order.
	Requests []RowSpec
}

// ActiveSpec is one row of section 二.
type ActiveSpec struct {
	Key     string
	Label   string   // canonical label (for messages)
	Match   []string // folded label patterns
	Exclude []string // a label containing one of these is not this row
	Fields  []FieldSpec
}

// FieldSpec is one numeric column of a section 二 row.
type FieldSpec struct {
	Name string
	// Signed allows negative values (2019 本年增/减).
	Signed bool
	// Money allows decimals; Unit is the unit the column is stated in
	// ("万元"), "" when the template names none.
	Money bool
	Unit  string
	// UnitField, when set, receives the unit written in the cell (2019
	// 采购总金额: 元, 万元 or "") as a text field of that name.
	UnitField string
}

// RowSpec is one row of section 三.
type RowSpec struct {
	Key   string
	Label string
	Match []string
	// Outcome rows are summed by H2 into （七）总计.
	Outcome bool
	// Group marks the label of a group of rows (（三）不予公开 …
	// （六）其他处理). Such a label is a row only when a report prints the
	// group as one row without its sub-rows; it matches only when it ends
	// the label, never absent-row noise, and never fuzzily. A group with a
	// Key is placed under that key with a warning; one without (the
	// schema has no key for it) is left unplaced with a warning.
	Group bool
	// Parent is the key of the group row a sub-row belongs to, where the
	// group has a key of its own (2021 other.* → other).
	Parent string
	// Of, on a group label without a key, is the key prefix of its
	// sub-rows ("withheld" for withheld.*): readers print the heading
	// above them (schema.go).
	Of string
}

// reviewColumns are the 15 columns of section 四, the same in both formats.
var reviewColumns = [15]string{
	"review.upheld", "review.corrected", "review.other", "review.pending", "review.total",
	"litigation_direct.upheld", "litigation_direct.corrected", "litigation_direct.other", "litigation_direct.pending", "litigation_direct.total",
	"litigation_after_review.upheld", "litigation_after_review.corrected", "litigation_after_review.other", "litigation_after_review.pending", "litigation_after_review.total",
}

// reviewPaths are the JSON paths of the 15 columns, built once.
var reviewPaths = func() (ps [15]string) {
	for i, c := range reviewColumns {
		ps[i] = "review_litigation." + c
	}
	return ps
}()

// Rows 1–20, 24 and 25 of section 三 are the same in 2019 and 2021.
var (
	reqHead = []RowSpec{
		{Key: "new", Label: "一、本年新收政府信息公开申请数量", Match: []string{"本年新收"}},
		{Key: "carried_over", Label: "二、上年结转政府信息公开申请数量", Match: []string{"上年结转"}},
		{Key: "granted", Label: "（一）予以公开", Match: []string{"予以公开"}, Outcome: true},
		{Key: "partly_granted", Label: "（二）部分公开", Match: []string{"部分公开"}, Outcome: true},
		{Key: "withheld.state_secret", Label: "1.属于国家秘密", Match: []string{"国家秘密"}, Outcome: true},
		{Key: "withheld.prohibited_by_law", Label: "2.其他法律行政法规禁止公开", Match: []string{"禁止公开", "其他法律行政法规"}, Outcome: true},
		{Key: "withheld.security_stability", Label: "3.危及“三安全一稳定”", Match: []string{"三安全一稳定", "危及三安全"}, Outcome: true},
		{Key: "withheld.third_party", Label: "4.保护第三方合法权益", Match: []string{"第三方"}, Outcome: true},
		{Key: "withheld.internal_affairs", Label: "5.属于三类内部事务信息", Match: []string{"内部事务"}, Outcome: true},
		{Key: "withheld.process_info", Label: "6.属于四类过程性信息", Match: []string{"过程性"}, Outcome: true},
		{Key: "withheld.enforcement_files", Label: "7.属于行政执法案卷", Match: []string{"执法案卷"}, Outcome: true},
		{Key: "withheld.query_matters", Label: "8.属于行政查询事项", Match: []string{"行政查询"}, Outcome: true},
		{Key: "unable.not_held", Label: "1.本机关不掌握相关政府信息", Match: []string{"不掌握", "本机关不掌"}, Outcome: true},
		{Key: "unable.needs_creation", Label: "2.没有现成信息需要另行制作", Match: []string{"另行制作", "没有现成信息"}, Outcome: true},
		{Key: "unable.unclear", Label: "3.补正后申请内容仍不明确", Match: []string{"补正后", "仍不明确"}, Outcome: true},
		{Key: "not_processed.complaint", Label: "1.信访举报投诉类申请", Match: []string{"信访举报", "投诉类"}, Outcome: true},
		{Key: "not_processed.repeated", Label: "2.重复申请", Match: []string{"重复申请"}, Outcome: true},
		{Key: "not_processed.publication", Label: "3.要求提供公开出版物", Match: []string{"公开出版物"}, Outcome: true},
		{Key: "not_processed.excessive", Label: "4.无正当理由大量反复申请", Match: []string{"大量反复"}, Outcome: true},
		{Key: "not_processed.confirmation", Label: "5.要求行政机关确认或重新出具已获取信息", Match: []string{"确认或重新出具", "重新出具", "行政机关确认"}, Outcome: true},
	}
	// the groups without a key of their own (both formats)
	reqGroups = []RowSpec{
		{Label: "（三）不予公开", Match: []string{"不予公开"}, Group: true, Of: "withheld"},
		{Label: "（四）无法提供", Match: []string{"无法提供"}, Group: true, Of: "unable"},
		{Label: "（五）不予处理", Match: []string{"不予处理"}, Group: true, Of: "not_processed"},
	}
	reqTail = []RowSpec{
		{Key: "total", Label: "（七）总计", Match: []string{"总计"}},
		{Key: "carried_forward", Label: "四、结转下年度继续办理", Match: []string{"结转下年度"}},
	}
)

func concatRows(parts ...[]RowSpec) []RowSpec {
	var out []RowSpec
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Template2021 is 国办公开办函〔2021〕30号 (reports for 2021 onwards).
var Template2021 = Template{
	Name:    Format2021,
	Markers: []string{"本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "收费通知要求"},
	Active: []ActiveSpec{
		{Key: "regulations", Label: "规章", Match: []string{"规章"}, Fields: []FieldSpec{{Name: "issued"}, {Name: "repealed"}, {Name: "in_force"}}},
		{Key: "normative_documents", Label: "行政规范性文件", Match: []string{"规范性文件"}, Fields: []FieldSpec{{Name: "issued"}, {Name: "repealed"}, {Name: "in_force"}}},
		{Key: "licensing", Label: "行政许可", Match: []string{"行政许可"}, Fields: []FieldSpec{{Name: "decisions"}}},
		{Key: "punishment", Label: "行政处罚", Match: []string{"行政处罚"}, Fields: []FieldSpec{{Name: "decisions"}}},
		{Key: "coercion", Label: "行政强制", Match: []string{"行政强制"}, Fields: []FieldSpec{{Name: "decisions"}}},
		{Key: "fees", Label: "行政事业性收费", Match: []string{"事业性收费"}, Fields: []FieldSpec{{Name: "amount_wan_yuan", Money: true, Unit: "万元"}}},
	},
	Requests: concatRows(reqHead, []RowSpec{
		{Key: "other.no_correction", Label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", Match: []string{"逾期不补正", "无正当理由逾期"}, Outcome: true, Parent: "other"},
		{Key: "other.fee_unpaid", Label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", Match: []string{"收费通知", "缴纳费用", "逾期未按"}, Outcome: true, Parent: "other"},
		{Key: "other.other", Label: "3.其他", Match: []string{"3.其他", "(3)其他"}, Outcome: true, Parent: "other"},
		// the group printed as one row without its sub-rows (the 2019 layout)
		{Key: "other", Label: "（六）其他处理", Match: []string{"其他处理"}, Outcome: true, Group: true},
	}, reqGroups, reqTail),
}

// Template2019 is 国办公开办函〔2019〕60号 (reports for 2019 and 2020).
var Template2019 = Template{
	Name:    Format2019,
	Markers: []string{"本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "第二十条第(九)项", "政府集中采购", "其他对外管理服务事项", "采购项目数量"},
	Active: []ActiveSpec{
		{Key: "regulations", Label: "规章", Match: []string{"规章"}, Fields: []FieldSpec{{Name: "new_made"}, {Name: "new_published"}, {Name: "total_published"}}},
		{Key: "normative_documents", Label: "规范性文件", Match: []string{"规范性文件"}, Fields: []FieldSpec{{Name: "new_made"}, {Name: "new_published"}, {Name: "total_published"}}},
		{Key: "licensing", Label: "行政许可", Match: []string{"行政许可"}, Fields: []FieldSpec{{Name: "previous"}, {Name: "change", Signed: true}, {Name: "decisions"}}},
		{Key: "other_services", Label: "其他对外管理服务事项", Match: []string{"对外管理服务"}, Fields: []FieldSpec{{Name: "previous"}, {Name: "change", Signed: true}, {Name: "decisions"}}},
		{Key: "punishment", Label: "行政处罚", Match: []string{"行政处罚"}, Fields: []FieldSpec{{Name: "previous"}, {Name: "change", Signed: true}, {Name: "decisions"}}},
		{Key: "coercion", Label: "行政强制", Match: []string{"行政强制"}, Fields: []FieldSpec{{Name: "previous"}, {Name: "change", Signed: true}, {Name: "decisions"}}},
		{Key: "fees", Label: "行政事业性收费", Match: []string{"事业性收费"}, Fields: []FieldSpec{{Name: "previous"}, {Name: "change", Signed: true}}},
		{Key: "procurement", Label: "政府集中采购", Match: []string{"集中采购"}, Fields: []FieldSpec{{Name: "projects"}, {Name: "amount", Money: true, UnitField: "amount_unit"}}},
	},
	Requests: concatRows(reqHead, []RowSpec{
		{Key: "other", Label: "（六）其他处理", Match: []string{"其他处理"}, Outcome: true},
	}, reqGroups, reqTail),
}

// Templates are the known formats, newest first.
var Templates = []*Template{&Template2021, &Template2019}

// commonTemplate holds the rows that mean the same in every template; it
// is used when tables are present but the format cannot be told, so that
// only unambiguous numbers are reported.
var commonTemplate = Template{
	Name:     FormatUnknown,
	Requests: concatRows(reqHead, reqGroups, reqTail),
}
