package query

// Table keys and Chinese labels of docs/schema.md and docs/format.md §2–3.
// Keys are the JSON contract; labels are what readers see in exports.

// Table names (the top-level keys of the parsed report).
const (
	TableActive   = "active"
	TableRequests = "requests"
	TableReview   = "review_litigation"
)

// Tables lists the table names in report order.
var Tables = []string{TableActive, TableRequests, TableReview}

// TableLabels are the section headings of the tables.
var TableLabels = map[string]string{
	TableActive:   "二、主动公开政府信息情况",
	TableRequests: "三、收到和处理政府信息公开申请情况",
	TableReview:   "四、政府信息公开行政复议、行政诉讼情况",
}

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

// ActiveRows2021 are the rows of section 二 in the 2021 format.
var ActiveRows2021 = []RowSpec{
	{"regulations", "规章", []string{"issued", "repealed", "in_force"}},
	{"normative_documents", "行政规范性文件", []string{"issued", "repealed", "in_force"}},
	{"licensing", "行政许可", []string{"decisions"}},
	{"punishment", "行政处罚", []string{"decisions"}},
	{"coercion", "行政强制", []string{"decisions"}},
	{"fees", "行政事业性收费", []string{"amount_wan_yuan"}},
}

// ActiveRows2019 are the rows of section 二 in the 2019 format.
var ActiveRows2019 = []RowSpec{
	{"regulations", "规章", []string{"new_made", "new_published", "total_published"}},
	{"normative_documents", "规范性文件", []string{"new_made", "new_published", "total_published"}},
	{"licensing", "行政许可", []string{"previous", "change", "decisions"}},
	{"other_services", "其他对外管理服务事项", []string{"previous", "change", "decisions"}},
	{"punishment", "行政处罚", []string{"previous", "change", "decisions"}},
	{"coercion", "行政强制", []string{"previous", "change", "decisions"}},
	{"fees", "行政事业性收费", []string{"previous", "change"}},
	{"procurement", "政府集中采购", []string{"projects", "amount", "amount_unit"}},
}

var fieldLabels2021 = map[string]string{
	"issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
	"decisions": "本年处理决定数量", "amount_wan_yuan": "本年收费金额（万元）",
}

var fieldLabels2019 = map[string]string{
	"new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
	"previous": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
	"projects": "采购项目数量", "amount": "采购总金额", "amount_unit": "采购总金额单位",
}

func activeRowsFor(format string) []RowSpec {
	if format == "2019" {
		return ActiveRows2019
	}
	return ActiveRows2021
}

func fieldLabel(format, name string) string {
	first, second := fieldLabels2021, fieldLabels2019
	if format == "2019" {
		first, second = second, first
	}
	if l, ok := first[name]; ok {
		return l
	}
	if l, ok := second[name]; ok {
		return l
	}
	return name
}

func activeLabel(key string) string {
	for _, rows := range [][]RowSpec{ActiveRows2021, ActiveRows2019} {
		for _, r := range rows {
			if r.Key == key {
				return r.Label
			}
		}
	}
	return key
}

// RequestRows are the rows of section 三 (both formats: "other" is the
// single 2019 row, "other.*" the 2021 sub-rows).
var RequestRows = []RowSpec{
	{Key: "new", Label: "一、本年新收政府信息公开申请数量"},
	{Key: "carried_over", Label: "二、上年结转政府信息公开申请数量"},
	{Key: "granted", Label: "（一）予以公开"},
	{Key: "partly_granted", Label: "（二）部分公开"},
	{Key: "withheld.state_secret", Label: "（三）1.属于国家秘密"},
	{Key: "withheld.prohibited_by_law", Label: "（三）2.其他法律行政法规禁止公开"},
	{Key: "withheld.security_stability", Label: "（三）3.危及“三安全一稳定”"},
	{Key: "withheld.third_party", Label: "（三）4.保护第三方合法权益"},
	{Key: "withheld.internal_affairs", Label: "（三）5.属于三类内部事务信息"},
	{Key: "withheld.process_info", Label: "（三）6.属于四类过程性信息"},
	{Key: "withheld.enforcement_files", Label: "（三）7.属于行政执法案卷"},
	{Key: "withheld.query_matters", Label: "（三）8.属于行政查询事项"},
	{Key: "unable.not_held", Label: "（四）1.本机关不掌握相关政府信息"},
	{Key: "unable.needs_creation", Label: "（四）2.没有现成信息需要另行制作"},
	{Key: "unable.unclear", Label: "（四）3.补正后申请内容仍不明确"},
	{Key: "not_processed.complaint", Label: "（五）1.信访举报投诉类申请"},
	{Key: "not_processed.repeated", Label: "（五）2.重复申请"},
	{Key: "not_processed.publication", Label: "（五）3.要求提供公开出版物"},
	{Key: "not_processed.excessive", Label: "（五）4.无正当理由大量反复申请"},
	{Key: "not_processed.confirmation", Label: "（五）5.要求行政机关确认或重新出具已获取信息"},
	{Key: "other.no_correction", Label: "（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
	{Key: "other.fee_unpaid", Label: "（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
	{Key: "other.other", Label: "（六）3.其他"},
	{Key: "other", Label: "（六）其他处理"},
	{Key: "total", Label: "（七）总计"},
	{Key: "carried_forward", Label: "四、结转下年度继续办理"},
}

// RequestColumns are the 7 value columns of section 三, in order.
var RequestColumns = []ColSpec{
	{"natural_person", "自然人"},
	{"commercial_enterprise", "商业企业"},
	{"research_institution", "科研机构"},
	{"social_welfare_org", "社会公益组织"},
	{"legal_service_org", "法律服务机构"},
	{"other_org", "其他"},
	{"total", "总计"},
}

// ReviewGroups are the three groups of section 四.
var ReviewGroups = []ColSpec{
	{"review", "行政复议"},
	{"litigation_direct", "行政诉讼·未经复议直接起诉"},
	{"litigation_after_review", "行政诉讼·复议后起诉"},
}

// ReviewFields are the five outcome columns of each group of section 四.
var ReviewFields = []ColSpec{
	{"upheld", "结果维持"},
	{"corrected", "结果纠正"},
	{"other", "其他结果"},
	{"pending", "尚未审结"},
	{"total", "总计"},
}

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
		for _, f := range []struct {
			name string
			rows []RowSpec
		}{{"2021", ActiveRows2021}, {"2019", ActiveRows2019}} {
			for _, r := range f.rows {
				for _, fl := range r.Fields {
					add(r.Key, r.Label, fl, fieldLabel(f.name, fl))
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
