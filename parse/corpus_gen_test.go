package parse

// The corpus generator: go test ./parse -run TestGenerateCorpus -gen
//
// It writes testdata/reports/NAME.{html,txt,…} and NAME.expected.json.
// Expected values come from the generator's own input (the numbers it
// writes into the documents, and the samples' ground truth
// testdata/samples/report.gt.json), never from running the parser; the
// checks are recomputed here by a separate, plain implementation of
// format.md §5. Warnings are compared by code.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var genCorpus = flag.Bool("gen", false, "regenerate testdata/reports from the generator's inputs")

const corpusDir = "../testdata/reports"

// ---- input model ----

type cv struct {
	text string
	want *float64
	unit string // amount_unit for 2019 procurement
}

func n(v float64) cv               { return cv{text: strconv.FormatFloat(v, 'f', -1, 64), want: &v} }
func nt(text string, v float64) cv { return cv{text: text, want: &v} }
func blank() cv                    { return cv{} }
func na(s string) cv               { return cv{text: s} }

type extra struct {
	label string
	vals  []cv
}

type rep struct {
	name, format       string
	titleLines         []string // as printed (may be broken)
	title, body        string   // expected (folded)
	region, metaRegion string
	metaTitle          string
	year               int // 0 → null
	overview           []string
	problems           []string
	other              []string
	signoff            []string
	active             map[string][]cv
	extra              []extra
	requests           map[string][7]cv
	review             *[15]cv
	noTables           bool
	headings           [6]string
	wantFormat         string
	warnings           []string // expected warning codes
	omitReviewHeading  bool

	// patterns of issue 13 ("parse, round two")
	glued       map[string]bool   // section 三 rows whose cells run into their label ("…数量3000003")
	gluedActive map[string]bool   // section 二 rows printed the same way ("行政处罚88022")
	gluedReview bool              // section 四's 15 numbers as one run of digits
	labels      map[string]string // a row's label as printed, when not the template's (三 and 二 keys)
	groupOther  bool              // 2021: （六）其他处理 printed as one row, its sub-rows left out
	groupSingle string            // a group without a key printed as one row: "withheld", "unable" or "not_processed"
	merged      [2]string         // two section 二 rows printed as one row under both labels
	cutAfter    string            // the text stops inside this section 三 row, after its third value
	// expected, filled by resolve(): rows the report has no values for
	uncertain map[string]bool // 三 rows (or "review") whose cells are unknown: null, rules over them skipped
	absent    map[string]bool // 三 or 二 rows (and "review") not in the report at all
	noH2      bool            // H2 not evaluated (an outcome row printed where it has no key)
	// rows printed with too few values to place (blank cells left out)
	unplaceable map[string]bool
	// drawn: where renderPDF drew each value (the expected provenance)
	drawn map[string]drawnAt
	// furniture: page furniture printed above the title ("Page8-",
	// "来源：…"); intro: paragraphs between the title and section 一
	furniture, intro []string
	// collapsed: 三 rows whose zero cells are printed blank, and left out
	// of a "| a | b |" row (textPipeCollapsed)
	collapsed map[string]bool
}

// schema keys (docs/schema.md), written out here independently of the parser's templates
type activeDef struct {
	title   string
	headers []string
	rows    []struct{ label, key string }
	fields  []string
}

func rows2(pairs ...string) []struct{ label, key string } {
	var out []struct{ label, key string }
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, struct{ label, key string }{pairs[i], pairs[i+1]})
	}
	return out
}

var activeDefs = map[string][]activeDef{
	"2021": {
		{"第二十条第（一）项", []string{"信息内容", "本年制发件数", "本年废止件数", "现行有效件数"}, rows2("规章", "regulations", "行政规范性文件", "normative_documents"), []string{"issued", "repealed", "in_force"}},
		{"第二十条第（五）项", []string{"信息内容", "本年处理决定数量"}, rows2("行政许可", "licensing"), []string{"decisions"}},
		{"第二十条第（六）项", []string{"信息内容", "本年处理决定数量"}, rows2("行政处罚", "punishment", "行政强制", "coercion"), []string{"decisions"}},
		{"第二十条第（八）项", []string{"信息内容", "本年收费金额（单位：万元）"}, rows2("行政事业性收费", "fees"), []string{"amount_wan_yuan"}},
	},
	"2019": {
		{"第二十条第（一）项", []string{"信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"}, rows2("规章", "regulations", "规范性文件", "normative_documents"), []string{"new_made", "new_published", "total_published"}},
		{"第二十条第（五）项", []string{"信息内容", "上一年项目数量", "本年增/减", "处理决定数量"}, rows2("行政许可", "licensing", "其他对外管理服务事项", "other_services"), []string{"previous", "change", "decisions"}},
		{"第二十条第（六）项", []string{"信息内容", "上一年项目数量", "本年增/减", "处理决定数量"}, rows2("行政处罚", "punishment", "行政强制", "coercion"), []string{"previous", "change", "decisions"}},
		{"第二十条第（八）项", []string{"信息内容", "上一年项目数量", "本年增/减"}, rows2("行政事业性收费", "fees"), []string{"previous", "change"}},
		{"第二十条第（九）项", []string{"信息内容", "采购项目数量", "采购总金额"}, rows2("政府集中采购", "procurement"), []string{"projects", "amount"}},
	},
}

type reqDef struct{ key, parent, group, label string }

var reqCommonHead = []reqDef{
	{"new", "", "", "一、本年新收政府信息公开申请数量"},
	{"carried_over", "", "", "二、上年结转政府信息公开申请数量"},
	{"granted", "三、本年度办理结果", "", "（一）予以公开"},
	{"partly_granted", "三、本年度办理结果", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"},
	{"withheld.state_secret", "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"},
	{"withheld.prohibited_by_law", "三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"},
	{"withheld.security_stability", "三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"},
	{"withheld.third_party", "三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"},
	{"withheld.internal_affairs", "三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"},
	{"withheld.process_info", "三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"},
	{"withheld.enforcement_files", "三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"},
	{"withheld.query_matters", "三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"},
	{"unable.not_held", "三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"},
	{"unable.needs_creation", "三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"},
	{"unable.unclear", "三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"},
	{"not_processed.complaint", "三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"},
	{"not_processed.repeated", "三、本年度办理结果", "（五）不予处理", "2.重复申请"},
	{"not_processed.publication", "三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物"},
	{"not_processed.excessive", "三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请"},
	{"not_processed.confirmation", "三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"},
}
var reqTailDefs = []reqDef{
	{"total", "三、本年度办理结果", "", "（七）总计"},
	{"carried_forward", "", "", "四、结转下年度继续办理"},
}

func reqDefs(format string) []reqDef {
	var mid []reqDef
	if format == "2021" {
		mid = []reqDef{
			{"other.no_correction", "三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
			{"other.fee_unpaid", "三、本年度办理结果", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
			{"other.other", "三、本年度办理结果", "（六）其他处理", "3.其他"},
		}
	} else {
		mid = []reqDef{{"other", "三、本年度办理结果", "", "（六）其他处理"}}
	}
	out := append([]reqDef{}, reqCommonHead...)
	out = append(out, mid...)
	return append(out, reqTailDefs...)
}

// defs is the section 三 rows as this report prints them.
func (r *rep) defs() []reqDef {
	ds := reqDefs(r.format)
	var out []reqDef
	for _, d := range ds {
		switch {
		case r.groupOther && strings.HasPrefix(d.key, "other."):
			if d.key == "other.no_correction" {
				out = append(out, reqDef{"other", "三、本年度办理结果", "", "（六）其他处理"})
			}
			continue
		case r.groupSingle != "" && strings.HasPrefix(d.key, r.groupSingle+"."):
			if !strings.HasSuffix(out[len(out)-1].key, "#group") {
				out = append(out, reqDef{r.groupSingle + "#group", "三、本年度办理结果", "", d.group})
			}
			continue
		}
		if l, ok := r.labels[d.key]; ok {
			d.label = l
		}
		out = append(out, d)
	}
	return out
}

// groupRow sums the rows a group printed as one row stands for.
func (r *rep) groupRow(prefix string) [7]cv {
	var rows [][7]cv
	for k, row := range r.requests {
		if strings.HasPrefix(k, prefix+".") {
			rows = append(rows, row)
		}
	}
	return sumRows(rows...)
}

func (r *rep) reqRow(key string) [7]cv {
	if g, ok := strings.CutSuffix(key, "#group"); ok {
		return r.groupRow(g)
	}
	if key == "other" && r.groupOther {
		return r.groupRow("other")
	}
	return r.requests[key]
}

var outcomeKeys = map[string]bool{}

func init() {
	for _, d := range append(reqDefs("2021"), reqDefs("2019")...) {
		if d.key != "new" && d.key != "carried_over" && d.key != "total" && d.key != "carried_forward" {
			outcomeKeys[d.key] = true
		}
	}
}

var reqCols = []string{"natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org", "total"}
var reviewGroups = []string{"review", "litigation_direct", "litigation_after_review"}
var reviewFields = []string{"upheld", "corrected", "other", "pending", "total"}

// ---- data sets ----

// rowN builds a 7-value row from the six applicant columns; the total is
// their sum (so H3 holds by construction).
func rowN(v ...float64) [7]cv {
	var r [7]cv
	var s float64
	for i := 0; i < 6; i++ {
		r[i] = n(v[i])
		s += v[i]
	}
	r[6] = n(s)
	return r
}

func sumRows(rows ...[7]cv) [7]cv {
	var out [7]float64
	for _, r := range rows {
		for i := 0; i < 6; i++ {
			if r[i].want != nil {
				out[i] += *r[i].want
			}
		}
	}
	return rowN(out[:6]...)
}

func reviewN(v ...float64) *[15]cv {
	var r [15]cv
	for g := 0; g < 3; g++ {
		var s float64
		for i := 0; i < 4; i++ {
			r[g*5+i] = n(v[g*4+i])
			s += v[g*4+i]
		}
		r[g*5+4] = n(s)
	}
	return &r
}

// requests21 builds a consistent 2021 section 三 from outcome rows.
func requests(format string, seed int) map[string][7]cv {
	m := map[string][7]cv{}
	var outs [][7]cv
	k := float64(seed)
	for i, d := range reqDefs(format) {
		if !outcomeKeys[d.key] {
			continue
		}
		a := math.Mod(k*float64(i+3), 7)
		b := math.Mod(k+float64(i), 3)
		r := rowN(a, b, 0, math.Mod(float64(i), 2), 0, math.Mod(k, 2))
		m[d.key] = r
		outs = append(outs, r)
	}
	total := sumRows(outs...)
	m["total"] = total
	fwd := rowN(1, 0, 0, 0, 1, 0)
	carried := rowN(2, 1, 0, 0, 0, 1)
	// new = total + carried_forward - carried_over (H1)
	var nw [6]float64
	for i := 0; i < 6; i++ {
		nw[i] = *total[i].want + *fwd[i].want - *carried[i].want
		if nw[i] < 0 { // keep counts non-negative
			carried[i] = n(0)
			nw[i] = *total[i].want + *fwd[i].want
		}
	}
	carried = rowN(func() []float64 {
		o := make([]float64, 6)
		for i := range o {
			o[i] = *carried[i].want
		}
		return o
	}()...)
	m["new"] = rowN(nw[:]...)
	m["carried_over"] = carried
	m["carried_forward"] = fwd
	return m
}

func active21(a, b float64) map[string][]cv {
	return map[string][]cv{
		"regulations":         {n(a), n(0), n(a + 2)},
		"normative_documents": {n(b), n(2), n(b + 20)},
		"licensing":           {n(1243 + a)},
		"punishment":          {n(86)},
		"coercion":            {n(4 + b)},
		"fees":                {n(12.5)},
	}
}

func active19() map[string][]cv {
	return map[string][]cv{
		"regulations":         {n(0), n(0), n(12)},
		"normative_documents": {n(7), n(7), n(153)},
		"licensing":           {n(58), nt("减4", -4), n(3120)},
		"other_services":      {n(21), n(2), n(460)},
		"punishment":          {n(14), n(0), n(97)},
		"coercion":            {n(6), nt("-1", -1), n(11)},
		"fees":                {n(3), n(0)},
		"procurement":         {n(35), cv{text: "251000元", want: ptr(251000), unit: "元"}},
	}
}

func ptr(v float64) *float64 { return &v }

var stdHeadings = [6]string{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"}

func base(name, format, body, region string, year int, seed int) *rep {
	title := fmt.Sprintf("%s%d年政府信息公开工作年度报告", body, year)
	r := &rep{
		name: name, format: format, wantFormat: format,
		titleLines: []string{title}, title: title, body: body, region: region, year: year,
		overview: []string{
			fmt.Sprintf("%d年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。", year),
			fmt.Sprintf("（一）主动公开情况。全年通过门户网站主动公开政府信息%d条，本年新收政府信息公开申请数量99件。", 300+seed),
			"（二）依申请公开情况。严格按照法定时限答复，做到应公开尽公开。",
		},
		problems: []string{"存在问题：信息公开的及时性还需提高。", "改进措施：1、加强培训；2、完善审核机制。"},
		other:    []string{fmt.Sprintf("按照《政府信息公开信息处理费管理办法》规定，%d年本机关未收取信息处理费。", year)},
		signoff:  []string{body, fmt.Sprintf("%d年1月20日", year+1)},
		requests: requests(format, seed),
		review:   reviewN(float64(seed%3), 1, 0, 2, 0, 0, 1, 0, 1, 0, 0, 0),
		headings: stdHeadings,
	}
	if format == "2021" {
		r.active = active21(float64(seed%5), float64(seed%4+1))
	} else {
		r.active = active19()
	}
	return r
}

// ---- renderers ----

func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

type htmlStyle struct {
	word       bool // MsoNormalTable, <p class=MsoNormal><span>…<o:p></o:p>
	split      bool // table 三 split in two <table>s
	chrome     bool // nav/footer around the body
	brHeaders  bool // "商业<br>企业" header cells
	nbspBlank  bool // blank cells as &nbsp;
	noHeading4 bool
}

func td(st htmlStyle, text string, attrs string) string {
	inner := esc(text)
	if text == "" && st.nbspBlank {
		inner = "&nbsp;"
	}
	if st.brHeaders {
		inner = strings.NewReplacer("商业企业", "商业<br/>企业", "科研机构", "科研<br>机构", "社会公益组织", "社会<br/>公益组织", "本年新制作数量", "本年新<br/>制作数量").Replace(inner)
	}
	if st.word {
		inner = `<p class="MsoNormal" align="center"><span lang="EN-US" style="font-size:10.5pt;font-family:宋体">` + inner + `<o:p></o:p></span></p>`
	}
	if attrs != "" {
		attrs = " " + attrs
	}
	return "<td" + attrs + ">" + inner + "</td>"
}

func renderHTML(r *rep, st htmlStyle) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + esc(r.title) + ` - 政府信息公开</title></head><body>`)
	if st.chrome {
		b.WriteString(`<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> 2021年统计 12 34 56</div><div class="position">当前位置：首页 &gt; 年报</div>`)
	}
	b.WriteString(`<div class="TRS_Editor">`)
	for _, l := range r.furniture {
		b.WriteString("<p>" + esc(l) + "</p>\n")
	}
	for _, l := range r.titleLines {
		b.WriteString("<p style=\"text-align:center\"><strong>" + esc(l) + "</strong></p>\n")
	}
	para := func(s string) { b.WriteString("<p>" + esc(s) + "</p>\n") }
	for _, l := range r.intro {
		para(l)
	}
	para(r.headings[0])
	for _, p := range r.overview {
		para(p)
	}
	if !r.noTables {
		para(r.headings[1])
		b.WriteString(htmlActive(r, st))
		para(r.headings[2])
		b.WriteString(htmlRequests(r, st))
		if !st.noHeading4 {
			para(r.headings[3])
		}
		b.WriteString(htmlReview(r, st))
	}
	para(r.headings[4])
	for _, p := range r.problems {
		para(p)
	}
	para(r.headings[5])
	for _, p := range r.other {
		para(p)
	}
	for _, s := range r.signoff {
		b.WriteString(`<p style="text-align:right">` + esc(s) + "</p>\n")
	}
	b.WriteString("</div>")
	if st.chrome {
		b.WriteString(`<div class="footer">版权所有 主办单位 电话 0379-12345678 网站标识码 4103810001</div>`)
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

func tableOpen(st htmlStyle) string {
	if st.word {
		return `<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">`
	}
	return `<table border="1" cellspacing="0" width="100%">`
}

func htmlActive(r *rep, st htmlStyle) string {
	var b strings.Builder
	b.WriteString(tableOpen(st))
	defs := activeDefs[r.format]
	for _, d := range defs {
		b.WriteString("<tr>" + td(st, d.title, fmt.Sprintf(`colspan="%d"`, len(d.headers))) + "</tr>")
		b.WriteString("<tr>")
		for _, h := range d.headers {
			b.WriteString(td(st, h, ""))
		}
		b.WriteString("</tr>")
		for _, row := range d.rows {
			label := activeLabel(r, row.key)
			switch {
			case row.key == r.merged[1]:
				continue
			case row.key == r.merged[0]:
				label += "、" + activeLabel(r, r.merged[1])
			case r.gluedActive[row.key]:
				b.WriteString("<tr>" + td(st, label, "") + td(st, joinText(r.active[row.key]), fmt.Sprintf(`colspan="%d"`, len(d.fields))) + "</tr>")
				continue
			}
			b.WriteString("<tr>" + td(st, label, ""))
			for _, c := range r.active[row.key] {
				b.WriteString(td(st, c.text, ""))
			}
			b.WriteString("</tr>")
		}
	}
	for _, x := range r.extra {
		b.WriteString("<tr>" + td(st, x.label, ""))
		for _, c := range x.vals {
			b.WriteString(td(st, c.text, ""))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>\n")
	return b.String()
}

func htmlRequests(r *rep, st htmlStyle) string {
	var b strings.Builder
	b.WriteString(tableOpen(st))
	b.WriteString("<tr>" + td(st, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", `colspan="3" rowspan="3"`) + td(st, "申请人情况", `colspan="7"`) + "</tr>")
	b.WriteString("<tr>" + td(st, "自然人", `rowspan="2"`) + td(st, "法人或其他组织", `colspan="5"`) + td(st, "总计", `rowspan="2"`) + "</tr>")
	b.WriteString("<tr>")
	for _, h := range []string{"商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"} {
		b.WriteString(td(st, h, ""))
	}
	b.WriteString("</tr>")
	defs := r.defs()
	segs := [][]reqDef{defs}
	if st.split {
		// the CMS closed the table and opened a new one mid-way; the
		// spans are cut at the split and the group label repeated
		k := indexOf(defs, "unable.not_held")
		segs = [][]reqDef{defs[:k], defs[k:]}
	}
	for si, seg := range segs {
		if si > 0 {
			b.WriteString("</table>\n<p></p>\n" + tableOpen(st))
		}
		parentSpan, groupSpan := map[string]int{}, map[string]int{}
		for _, d := range seg {
			if d.parent != "" {
				parentSpan[d.parent]++
			}
			if d.group != "" {
				groupSpan[d.group]++
			}
		}
		seenP, seenG := map[string]bool{}, map[string]bool{}
		for _, d := range seg {
			b.WriteString("<tr>")
			if d.parent == "" {
				b.WriteString(td(st, d.label, `colspan="3"`))
			} else {
				if !seenP[d.parent] {
					seenP[d.parent] = true
					b.WriteString(td(st, d.parent, fmt.Sprintf(`rowspan="%d"`, parentSpan[d.parent])))
				}
				if d.group == "" {
					b.WriteString(td(st, d.label, `colspan="2"`))
				} else {
					if !seenG[d.group] {
						seenG[d.group] = true
						b.WriteString(td(st, d.group, fmt.Sprintf(`rowspan="%d"`, groupSpan[d.group])))
					}
					b.WriteString(td(st, d.label, ""))
				}
			}
			vals := r.reqRow(d.key)
			if r.glued[d.key] {
				b.WriteString(td(st, joinText(vals[:]), `colspan="7"`))
			} else {
				for _, c := range vals {
					b.WriteString(td(st, c.text, ""))
				}
			}
			b.WriteString("</tr>\n")
		}
	}
	b.WriteString("</table>\n")
	return b.String()
}

func indexOf(defs []reqDef, key string) int {
	for i, d := range defs {
		if d.key == key {
			return i
		}
	}
	return -1
}

func htmlReview(r *rep, st htmlStyle) string {
	var b strings.Builder
	b.WriteString(tableOpen(st))
	b.WriteString("<tr>" + td(st, "行政复议", `colspan="5"`) + td(st, "行政诉讼", `colspan="10"`) + "</tr>")
	b.WriteString("<tr>")
	for _, h := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
		b.WriteString(td(st, h, `rowspan="2"`))
	}
	b.WriteString(td(st, "未经复议直接起诉", `colspan="5"`) + td(st, "复议后起诉", `colspan="5"`) + "</tr><tr>")
	for i := 0; i < 2; i++ {
		for _, h := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
			b.WriteString(td(st, h, ""))
		}
	}
	b.WriteString("</tr><tr>")
	if r.review != nil && r.gluedReview {
		b.WriteString(td(st, joinText(r.review[:]), `colspan="15"`))
	} else if r.review != nil {
		for _, c := range r.review {
			b.WriteString(td(st, c.text, ""))
		}
	}
	b.WriteString("</tr></table>\n")
	return b.String()
}

type textStyle int

const (
	textFlat          textStyle = iota // label + space-separated numbers
	textPipe                           // "| a | b |"
	textPDF                            // wrapped labels, numbers on their own lines
	textCells                          // one cell per line, a line "|" between cells
	textPipeCollapsed                  // "| a | b |" with blank cells left out
)

// wrap breaks s into lines of about w runes, never right after closing
// punctuation or before a list marker (where a reader could not tell a
// wrap from a paragraph end).
func wrap(s string, w int) []string {
	rs := []rune(s)
	var out []string
	for len(rs) > w {
		cut := w
		for cut > 1 && (strings.ContainsRune("。！？；：", rs[cut-1]) || (rs[cut] >= '0' && rs[cut] <= '9') || rs[cut] == '（' || rs[cut] == '第' ||
			(cut+1 < len(rs) && rs[cut+1] == '、')) {
			cut--
		}
		out = append(out, string(rs[:cut]))
		rs = rs[cut:]
	}
	return append(out, string(rs))
}

func renderText(r *rep, ts textStyle) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	cut := false // the text stopped (cutAfter)
	// textCells: every cell on its own line, a bar line between cells
	cells := func(cs []string) {
		for i, c := range cs {
			if i > 0 {
				line("|")
			}
			if c != "" {
				line(c)
			}
		}
		line("|")
	}
	paras := func(ps []string) {
		for _, p := range ps {
			if ts == textPDF {
				for _, l := range wrap(p, 38) {
					line(l)
				}
			} else {
				line(p)
			}
			line("")
		}
	}
	for _, l := range r.furniture {
		line(l)
	}
	for _, l := range r.titleLines {
		line(l)
	}
	line("")
	for _, l := range r.intro {
		line(l)
		line("")
	}
	line(r.headings[0])
	line("")
	paras(r.overview)
	if !r.noTables {
		line(r.headings[1])
		line("")
		row := func(label string, vals []cv) {
			var vs []string
			for _, c := range vals {
				vs = append(vs, c.text)
			}
			switch ts {
			case textCells:
				cells(append(strings.Fields(label), vs...))
				return
			case textPipeCollapsed:
				var kept []string
				for _, v := range vs {
					if v != "" {
						kept = append(kept, v)
					}
				}
				line("| " + label + " | " + strings.Join(kept, " | ") + " |")
				return
			case textPipe:
				line("| " + label + " | " + strings.Join(vs, " | ") + " |")
			case textPDF:
				ls := wrap(label, 16)
				if len(ls) == 1 {
					line(label + " " + strings.Join(vs, " "))
					return
				}
				for _, l := range ls {
					line(l)
				}
				line("")
				if len(vs) == 7 {
					line(strings.Join(vs[:6], " "))
					line(vs[6])
				} else {
					line(strings.Join(vs, " "))
				}
				line("")
			default:
				line(label + " " + strings.Join(vs, " "))
			}
		}
		for _, d := range activeDefs[r.format] {
			switch ts {
			case textCells:
				cells(append([]string{d.title}, d.headers...))
			case textPipe, textPipeCollapsed:
				line(d.title)
				line("| " + strings.Join(d.headers, " | ") + " |")
			default:
				line(d.title)
				line(strings.Join(d.headers, " "))
			}
			for _, rw := range d.rows {
				label := rw.label
				if l, ok := r.labels[rw.key]; ok {
					label = l
				}
				switch {
				case rw.key == r.merged[1]:
					continue
				case rw.key == r.merged[0]:
					row(label+"、"+activeLabel(r, r.merged[1]), r.active[rw.key])
				case r.gluedActive[rw.key]:
					line(label + joinText(r.active[rw.key]))
				default:
					row(label, r.active[rw.key])
				}
			}
			line("")
		}
		for _, x := range r.extra {
			row(x.label, x.vals)
		}
		line(r.headings[2])
		line("")
		if ts == textCells {
			cells([]string{"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"})
		} else if ts == textPDF {
			for _, l := range []string{"（本列数据的勾稽关系为：第一项加第二项之和，等", "于第三项加第四项之和）", "", "申请人情况", "", "自然", "人", "", "法人或其他组织", "", "总计商业", "企业", "", "科研", "机构", "", "社会", "公益", "组织", "", "法律", "服务", "机构", "", "其他", ""} {
				line(l)
			}
		} else if ts == textPipe || ts == textPipeCollapsed {
			line("| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |")
			line("| 自然人 | 法人或其他组织 | 总计 |")
			line("| 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |")
		} else {
			line("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况")
			line("自然人 法人或其他组织 总计")
			line("商业企业 科研机构 社会公益组织 法律服务机构 其他")
		}
		lastParent, lastGroup := "", ""
		for _, d := range r.defs() {
			label := d.label
			prefix := ""
			if d.parent != "" && d.parent != lastParent {
				prefix += d.parent + " "
			}
			if d.group != "" && d.group != lastGroup {
				prefix += d.group + " "
			}
			lastParent, lastGroup = d.parent, d.group
			vals := r.reqRow(d.key)
			if d.key == r.cutAfter {
				// the text stops in the middle of this row
				if ts == textPipe {
					b.WriteString("| " + prefix + label + " | " + vals[0].text + " | " + vals[1].text + " | " + vals[2].text)
				} else {
					b.WriteString(prefix + label + " " + vals[0].text + " " + vals[1].text + " " + vals[2].text)
				}
				cut = true
				break
			}
			if r.glued[d.key] {
				line(prefix + label + joinText(vals[:]))
				continue
			}
			if ts == textPDF && prefix != "" {
				for _, p := range strings.Fields(prefix) {
					for _, l := range wrap(p, 3) {
						line(l)
					}
					line("")
				}
				prefix = ""
			}
			row(prefix+label, vals[:])
		}
		if cut {
			return b.String()
		}
		line("")
		if !r.omitReviewHeading {
			line(r.headings[3])
			line("")
		}
		if ts == textCells {
			cells([]string{"行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"})
		} else if ts == textPDF {
			for _, l := range []string{"行政复议 行政诉讼", "", "结果", "维持", "", "结果", "纠正", "", "其他", "结果", "", "尚未", "审结", "", "总计", "未经复议直接起诉 复议后起诉"} {
				line(l)
			}
		} else {
			line("行政复议 行政诉讼")
			line("结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉")
			line("结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计")
		}
		var vs []string
		if r.review != nil {
			for _, c := range r.review {
				vs = append(vs, c.text)
			}
		}
		switch {
		case r.gluedReview:
			line(strings.Join(vs, ""))
		case ts == textCells:
			cells(vs)
		case ts == textPipe:
			line("| " + strings.Join(vs, " | ") + " |")
		case ts == textPipeCollapsed:
			var kept []string
			for _, v := range vs {
				if v != "" {
					kept = append(kept, v)
				}
			}
			line("| " + strings.Join(kept, " | ") + " |")
		case ts == textPDF:
			line(strings.Join(vs[:8], " "))
			line(strings.Join(vs[8:], " "))
		default:
			line(strings.Join(vs, " "))
		}
		line("")
	}
	line(r.headings[4])
	line("")
	paras(r.problems)
	line(r.headings[5])
	line("")
	paras(r.other)
	for _, s := range r.signoff {
		line(s)
	}
	return b.String()
}

func joinText(cs []cv) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.text)
	}
	return b.String()
}

func activeLabel(r *rep, key string) string {
	if l, ok := r.labels[key]; ok {
		return l
	}
	for _, d := range activeDefs[r.format] {
		for _, rw := range d.rows {
			if rw.key == key {
				return rw.label
			}
		}
	}
	return key
}

// ---- expected JSON ----

type expCheck struct {
	Rule     string   `json:"rule"`
	Where    string   `json:"where"`
	OK       bool     `json:"ok"`
	Expected *float64 `json:"expected"`
	Found    *float64 `json:"found"`
}

func v0(c cv) float64 {
	if c.want == nil {
		return 0
	}
	return *c.want
}

func allNil(cs ...cv) bool {
	for _, c := range cs {
		if c.want != nil {
			return false
		}
	}
	return true
}

func mk(rule, where string, e, f float64) expCheck {
	return expCheck{rule, where, e == f, ptr(e), ptr(f)}
}

// checks is a plain implementation of format.md §5 H1–H5 over the input.
// A rule is skipped when a row it needs is absent (H1) or unknown, as
// when all its operands are blank.
func (r *rep) checks() []expCheck {
	out := []expCheck{}
	if r.noTables {
		return out
	}
	q := func(k string) [7]cv {
		if r.uncertain[k] || r.absent[k] {
			return [7]cv{}
		}
		return r.reqRow(k)
	}
	unknown := func(keys ...string) bool {
		for _, k := range keys {
			if r.uncertain[k] {
				return true
			}
		}
		return false
	}
	if !r.absent["new"] && !r.absent["carried_over"] && !r.absent["total"] && !r.absent["carried_forward"] &&
		!unknown("new", "carried_over", "total", "carried_forward") {
		for c, col := range reqCols {
			if allNil(q("new")[c], q("carried_over")[c], q("total")[c], q("carried_forward")[c]) {
				continue
			}
			out = append(out, mk("H1", "requests."+col, v0(q("new")[c])+v0(q("carried_over")[c]), v0(q("total")[c])+v0(q("carried_forward")[c])))
		}
	}
	var outcomes []string
	for _, d := range r.defs() {
		if outcomeKeys[d.key] && !r.absent[d.key] {
			outcomes = append(outcomes, d.key)
		}
	}
	if !r.absent["total"] && !r.noH2 && len(outcomes) > 0 && !unknown(append([]string{"total"}, outcomes...)...) {
		for c, col := range reqCols {
			var s float64
			ops := []cv{q("total")[c]}
			for _, k := range outcomes {
				s += v0(q(k)[c])
				ops = append(ops, q(k)[c])
			}
			if allNil(ops...) {
				continue
			}
			out = append(out, mk("H2", "requests.total."+col, s, v0(q("total")[c])))
		}
	}
	for _, d := range r.defs() {
		if r.absent[d.key] || r.uncertain[d.key] || strings.HasSuffix(d.key, "#group") {
			continue
		}
		row := q(d.key)
		if allNil(row[:]...) {
			continue
		}
		var s float64
		for c := 0; c < 6; c++ {
			s += v0(row[c])
		}
		out = append(out, mk("H3", "requests."+d.key, s, v0(row[6])))
	}
	review := r.review != nil && !r.absent["review"]
	if review {
		for g, name := range reviewGroups {
			grp := r.review[g*5 : g*5+5]
			if allNil(grp...) {
				continue
			}
			out = append(out, mk("H4", "review_litigation."+name, v0(grp[0])+v0(grp[1])+v0(grp[2])+v0(grp[3]), v0(grp[4])))
		}
	}
	// H5: the inputs only use negative numbers in 2019's signed column
	out = append(out, expCheck{Rule: "H5", Where: "active", OK: true})
	out = append(out, expCheck{Rule: "H5", Where: "requests", OK: true})
	if review {
		out = append(out, expCheck{Rule: "H5", Where: "review_litigation", OK: true})
	}
	return out
}

// ---- the arithmetic, done plainly: which run-together rows a report decides ----

// cuts lists every way to cut digits into n numbers without leading zeros
// (at most 12 digits each).
func cuts(digits string, n int) [][]float64 {
	var out [][]float64
	var rec func(pos int, acc []float64)
	rec = func(pos int, acc []float64) {
		if len(acc) == n {
			if pos == len(digits) {
				out = append(out, append([]float64(nil), acc...))
			}
			return
		}
		for end := pos + 1; end <= len(digits) && end-pos <= 12; end++ {
			if end-pos > 1 && digits[pos] == '0' {
				break
			}
			v, _ := strconv.ParseFloat(digits[pos:end], 64)
			rec(end, append(acc, v))
		}
	}
	rec(0, nil)
	return out
}

// placements lists the ways to put a row's printed (non-blank) values, in
// order, into its 7 cells, the others 0.
func placements(row []cv) [][]float64 {
	var vals []float64
	for _, c := range row {
		if c.text != "" {
			vals = append(vals, v0(c))
		}
	}
	var out [][]float64
	cur := make([]float64, len(row))
	var rec func(i, from int)
	rec = func(i, from int) {
		if i == len(vals) {
			out = append(out, slices.Clone(cur))
			return
		}
		for c := from; c <= len(row)-(len(vals)-i); c++ {
			cur[c] = vals[i]
			rec(i+1, c+1)
			cur[c] = 0
		}
	}
	rec(0, 0)
	return out
}

func wants(cs []cv) []float64 {
	out := make([]float64, len(cs))
	for i, c := range cs {
		out[i] = v0(c)
	}
	return out
}

// resolve works out, from the input alone, what the report lets a reader
// decide: run-together rows with one reading under H1–H4, the rows a cut
// or a group printed as one row leave out. It sets the expected warnings
// for run-together rows.
func (r *rep) resolve(t *testing.T) {
	r.uncertain, r.absent = map[string]bool{}, map[string]bool{}
	for k := range r.unplaceable {
		r.uncertain[k] = true
	}
	decided, undecided := false, false
	// section 二: no rule, only the digits
	for k := range r.gluedActive {
		if len(cuts(joinText(r.active[k]), len(r.active[k]))) == 1 {
			decided = true
			continue
		}
		undecided = true
		vs := make([]cv, len(r.active[k]))
		for i := range vs {
			vs[i] = cv{text: r.active[k][i].text}
		}
		r.active[k] = vs
	}
	if r.merged[0] != "" {
		r.absent[r.merged[0]], r.absent[r.merged[1]] = true, true
	}
	// section 四: H4
	if r.gluedReview {
		n := 0
		for _, c := range cuts(joinText(r.review[:]), 15) {
			ok := true
			for g := 0; g < 3; g++ {
				ok = ok && c[g*5]+c[g*5+1]+c[g*5+2]+c[g*5+3] == c[g*5+4]
			}
			if ok {
				n++
			}
		}
		if n == 1 {
			decided = true
		} else {
			undecided = true
			r.absent["review"] = true
		}
	}
	// section 三: cut text, groups printed as one row
	defs := r.defs()
	if r.cutAfter != "" {
		after := false
		for _, d := range defs {
			if after {
				r.absent[d.key] = true
			}
			if d.key == r.cutAfter {
				r.uncertain[d.key], after = true, true
			}
		}
		r.absent["review"] = true
	}
	if r.groupSingle != "" {
		r.noH2 = true
		for k := range r.requests {
			if strings.HasPrefix(k, r.groupSingle+".") {
				r.absent[k] = true
			}
		}
	}
	// section 三, run-together rows: every reading under H3, then every
	// combination under H1 and H2 over the rows printed apart
	var keys []string
	for _, d := range defs {
		if r.glued[d.key] || r.collapsed[d.key] {
			keys = append(keys, d.key)
		}
	}
	reads := map[string][][]float64{}
	for _, k := range keys {
		printed := r.requests[k]
		var all [][]float64
		if r.collapsed[k] {
			all = placements(printed[:])
		} else {
			all = cuts(joinText(printed[:]), 7)
		}
		for _, c := range all {
			if c[0]+c[1]+c[2]+c[3]+c[4]+c[5] == c[6] {
				reads[k] = append(reads[k], c)
			}
		}
	}
	row := func(k string, choice map[string][]float64) []float64 {
		if c, ok := choice[k]; ok {
			return c
		}
		v := r.reqRow(k)
		return wants(v[:])
	}
	var outcomes []string
	for _, d := range defs {
		if outcomeKeys[d.key] && !r.absent[d.key] {
			outcomes = append(outcomes, d.key)
		}
	}
	seen := map[string][]float64{}
	agree := map[string]bool{}
	for _, k := range keys {
		agree[k] = true
	}
	found := false
	var rec func(i int, choice map[string][]float64)
	rec = func(i int, choice map[string][]float64) {
		if i < len(keys) {
			for _, c := range reads[keys[i]] {
				choice[keys[i]] = c
				rec(i+1, choice)
			}
			delete(choice, keys[i])
			return
		}
		for c := 0; c < 7; c++ {
			if row("new", choice)[c]+row("carried_over", choice)[c] != row("total", choice)[c]+row("carried_forward", choice)[c] {
				return
			}
			if !r.noH2 {
				var s float64
				for _, k := range outcomes {
					s += row(k, choice)[c]
				}
				if s != row("total", choice)[c] {
					return
				}
			}
		}
		found = true
		for _, k := range keys {
			if prev, ok := seen[k]; ok && !slices.Equal(prev, choice[k]) {
				agree[k] = false
			}
			seen[k] = choice[k]
		}
	}
	rec(0, map[string][]float64{})
	collapsedDecided, collapsedUndecided := false, false
	for _, k := range keys {
		if found && agree[k] {
			if printed := r.requests[k]; !slices.Equal(seen[k], wants(printed[:])) {
				t.Fatalf("%s: %s decided as %v, not as printed: the generator's input breaks the rules", r.name, k, seen[k])
			}
			if r.collapsed[k] {
				collapsedDecided = true
			} else {
				decided = true
			}
			continue
		}
		if r.collapsed[k] {
			collapsedUndecided = true
		} else {
			undecided = true
		}
		r.uncertain[k] = true
	}
	if collapsedDecided {
		r.warnings = append(r.warnings, "cells_collapsed", "blank_cell")
	}
	if collapsedUndecided {
		r.warnings = append(r.warnings, "values_unplaceable")
	}
	if decided {
		r.warnings = append(r.warnings, "run_together")
	}
	if undecided {
		r.warnings = append(r.warnings, "run_together_unresolved")
	}
}

func (r *rep) expected(t *testing.T, file, mediaType string) map[string]any {
	r.resolve(t)
	var year any
	if r.year > 0 {
		year = r.year
	}
	var active, requests, review any
	if !r.noTables {
		am := orderedMap{}
		for _, d := range activeDefs[r.format] {
			for _, row := range d.rows {
				if r.absent[row.key] {
					continue
				}
				fm := orderedMap{}
				for i, f := range d.fields {
					c := r.active[row.key][i]
					fm = append(fm, kv{f, c.want})
					if row.key == "procurement" && f == "amount" {
						fm = append(fm, kv{"amount_unit", c.unit})
					}
				}
				am = append(am, kv{row.key, fm})
			}
		}
		if len(r.extra) > 0 {
			var xs []map[string]any
			for _, x := range r.extra {
				var vs []*float64
				for _, c := range x.vals {
					vs = append(vs, c.want)
				}
				xs = append(xs, map[string]any{"label": x.label, "values": vs})
			}
			am = append(am, kv{"extra", xs})
		}
		active = am
		qm := orderedMap{}
		for _, d := range r.defs() {
			if r.absent[d.key] || strings.HasSuffix(d.key, "#group") {
				continue
			}
			row := r.reqRow(d.key)
			vs := make([]*float64, 0, 7)
			for _, c := range row {
				if r.uncertain[d.key] {
					vs = append(vs, nil)
				} else {
					vs = append(vs, c.want)
				}
			}
			qm = append(qm, kv{d.key, vs})
		}
		requests = qm
		if r.review != nil && !r.absent["review"] {
			rm := orderedMap{}
			for g, name := range reviewGroups {
				gm := orderedMap{}
				for i, f := range reviewFields {
					gm = append(gm, kv{f, r.review[g*5+i].want})
				}
				rm = append(rm, kv{name, gm})
			}
			review = rm
		}
	}
	warns := append([]string{}, r.warnings...)
	sort.Strings(warns)
	out := map[string]any{
		"schema":            "nianbao.report/1",
		"source":            map[string]any{"sha256": "", "url": "", "media_type": mediaType, "file": file},
		"title":             r.title,
		"body":              r.body,
		"region":            r.region,
		"year":              year,
		"format":            r.wantFormat,
		"active":            active,
		"requests":          requests,
		"review_litigation": review,
		"sections":          map[string]any{"overview": strings.Join(r.overview, "\n"), "problems": strings.Join(r.problems, "\n"), "other": strings.Join(r.other, "\n")},
		"checks":            r.checks(),
		"warnings":          warns, // codes only: messages are prose
		"meta":              map[string]any{"region": r.metaRegion, "title": r.metaTitle},
	}
	if r.drawn != nil {
		// where the values stand: only values the report holds
		prov := map[string]drawnAt{}
		for k, d := range r.drawn {
			if expectedValue(out, k) {
				prov[k] = d
			}
		}
		out["provenance"] = prov
	}
	return out
}

// expectedValue: the expectation holds a number at provenance key k.
func expectedValue(exp map[string]any, k string) bool {
	b, err := json.Marshal(exp)
	if err != nil {
		return false
	}
	var doc map[string]any
	if json.Unmarshal(b, &doc) != nil {
		return false
	}
	if i := strings.Index(k, "["); i > 0 {
		k = k[:i] + "." + strings.TrimSuffix(k[i+1:], "]")
	}
	return tableCells(doc)[k] != nil
}

type kv struct {
	k string
	v any
}
type orderedMap []kv

func (m orderedMap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(e.k)
		vb, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ---- the corpus ----

type entry struct {
	r    *rep
	ext  string
	mt   string
	data []byte
}

// toTraditional converts the rep's prose (the expected sections keep the
// characters as written) and returns the converter for the rendered page.
func toTraditional(t *testing.T, r *rep) func(string) string {
	cc, err := opencc.New("s2t")
	if err != nil {
		t.Fatal(err)
	}
	conv := func(s string) string {
		o, err := cc.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	for i := range r.titleLines {
		r.titleLines[i] = conv(r.titleLines[i])
	}
	for _, ps := range []*[]string{&r.overview, &r.problems, &r.other, &r.signoff} {
		for i := range *ps {
			(*ps)[i] = conv((*ps)[i])
		}
	}
	for i := range r.headings {
		r.headings[i] = conv(r.headings[i])
	}
	return conv
}

func corpus(t *testing.T) []entry {
	var out []entry
	html := func(r *rep, st htmlStyle) {
		out = append(out, entry{r, "html", "text/html", []byte(renderHTML(r, st))})
	}
	text := func(r *rep, ts textStyle) {
		out = append(out, entry{r, "txt", "text/plain", []byte(renderText(r, ts))})
	}

	// both formats in the plain editor layout (rowspan/colspan)
	html(base("html-2021-rich", "2021", "偃师区工业和信息化局", "偃师区", 2023, 3), htmlStyle{})
	r := base("html-2021-rich-b", "2021", "洛阳市偃师区民政局", "河南省洛阳市偃师区", 2022, 7)
	r.metaRegion = "河南省洛阳市"
	html(r, htmlStyle{})
	html(base("html-2019-rich", "2019", "上海市人民政府办公厅", "上海市", 2019, 5), htmlStyle{})
	html(base("html-2019-rich-b", "2019", "武汉市生态环境局", "武汉市", 2020, 11), htmlStyle{})
	// Word paste
	html(base("html-2021-word", "2021", "湛江市人民政府地方志办公室", "湛江市", 2023, 4), htmlStyle{word: true})
	html(base("html-2019-word", "2019", "广州市国资委", "广州市", 2020, 6), htmlStyle{word: true})
	// split table 三
	html(base("html-2021-split", "2021", "威海市文登区信访局", "威海市文登区", 2022, 8), htmlStyle{split: true})
	html(base("html-2019-split", "2019", "孝感市政府研究室", "孝感市", 2019, 9), htmlStyle{split: true, word: true})
	// page chrome, <br> in header cells
	html(base("html-2021-chrome", "2021", "安丘市人民政府办公室", "安丘市", 2022, 10), htmlStyle{chrome: true, brHeaders: true})
	html(base("html-2019-brheaders", "2019", "雄县审计局", "雄县", 2020, 12), htmlStyle{brHeaders: true})
	// &nbsp; blanks for zeros
	r = base("html-2021-nbsp", "2021", "利辛县望疃镇人民政府", "利辛县望疃镇", 2023, 13)
	blankZeros(r)
	r.warnings = []string{"blank_cell"}
	html(r, htmlStyle{nbspBlank: true})
	// "/" and "-" cells
	r = base("html-2021-slash", "2021", "潍坊市坊子区统计局", "潍坊市坊子区", 2023, 14)
	r.active["regulations"] = []cv{na("/"), na("/"), na("/")}
	r.active["coercion"] = []cv{na("-")}
	r.warnings = []string{"na_cell"}
	html(r, htmlStyle{})
	r = base("html-2019-dash", "2019", "武汉市江岸区城管局", "武汉市江岸区", 2020, 15)
	r.active["coercion"] = []cv{n(6), na("—"), na("-")}
	r.active["fees"] = []cv{na("无"), na("－")}
	r.warnings = []string{"na_cell"}
	html(r, htmlStyle{})
	// units inside cells
	r = base("html-2021-units", "2021", "文登区市场监督管理局", "文登区", 2023, 16)
	r.active["licensing"] = []cv{nt("1245件", 1245)}
	r.active["fees"] = []cv{nt("12.5万元", 12.5)}
	r.warnings = []string{"unit_in_cell"}
	html(r, htmlStyle{})
	r = base("html-2019-wanyuan", "2019", "南平市财政局", "南平市", 2019, 17)
	r.active["procurement"] = []cv{n(12), cv{text: "35.6万元", want: ptr(35.6), unit: "万元"}}
	html(r, htmlStyle{word: true})
	// traditional characters
	r = base("html-2021-traditional", "2021", "武汉市生态环境局", "武汉市", 2022, 18)
	conv := toTraditional(t, r)
	out = append(out, entry{r, "html", "text/html", []byte(conv(renderHTML(r, htmlStyle{})))})
	r = base("text-2019-traditional", "2019", "广州市国资委", "广州市", 2020, 19)
	conv = toTraditional(t, r)
	out = append(out, entry{r, "txt", "text/plain", []byte(conv(renderText(r, textFlat)))})
	// blank 总计 column except 一/二/（七）/四: the report's own omission shows in H3
	r = base("html-2021-blank-total", "2021", "上海市黄浦区档案局", "上海市黄浦区", 2023, 20)
	for k, row := range r.requests {
		if k != "new" && k != "carried_over" && k != "total" && k != "carried_forward" {
			row[6] = blank()
			r.requests[k] = row
		}
	}
	r.warnings = []string{"blank_cell"}
	html(r, htmlStyle{})
	// almost-empty template: every number cell blank
	r = base("html-2019-empty", "2019", "雄县某乡人民政府", "雄县某乡", 2019, 21)
	for k, vs := range r.active {
		bs := make([]cv, len(vs))
		if k == "procurement" {
			bs[1].unit = ""
		}
		r.active[k] = bs
	}
	for k := range r.requests {
		r.requests[k] = [7]cv{}
	}
	r.review = &[15]cv{}
	r.warnings = []string{"blank_cell"}
	html(r, htmlStyle{nbspBlank: true})
	// no table at all (prose only, a non-compliant 2023 report)
	r = base("html-2023-prose-only", "2021", "龙游县横山镇人民政府", "龙游县横山镇", 2023, 22)
	r.noTables, r.wantFormat = true, "unknown"
	r.warnings = []string{"table_missing"}
	html(r, htmlStyle{})
	// flattened text: label + space-separated numbers
	text(base("text-2021-flat", "2021", "偃师区教育体育局", "偃师区", 2023, 23), textFlat)
	text(base("text-2019-flat", "2019", "上海市徐汇区人民政府办公室", "上海市徐汇区", 2019, 24), textFlat)
	// "a | b |" flattened text, with blank cells kept by the separators
	r = base("text-2021-pipe", "2021", "长春市体育局", "长春市", 2023, 25)
	r.requests["withheld.query_matters"] = [7]cv{blank(), blank(), blank(), blank(), blank(), blank(), n(0)}
	r.warnings = []string{"blank_cell"}
	text(r, textPipe)
	text(base("text-2019-pipe", "2019", "孝感市审计局", "孝感市", 2020, 26), textPipe)
	// PDF-like text: wrapped labels, numbers away from their label, header one syllable per line
	text(base("text-2021-pdflike", "2021", "杨凌示范区农业农村局", "杨凌示范区", 2022, 27), textPDF)
	text(base("text-2019-pdflike", "2019", "湖北省孝感市生态环境局", "湖北省孝感市", 2020, 28), textPDF)
	// title variants
	r = base("html-2022-yearfirst", "2021", "上海市", "上海市", 2022, 29)
	r.title = "2022年上海市政府信息公开工作年度报告"
	r.titleLines = []string{r.title}
	r.body = "上海市"
	r.region = "上海市"
	html(r, htmlStyle{})
	r = base("text-2021-brokentitle", "2021", "利辛县望疃镇", "利辛县望疃镇", 2023, 30)
	r.titleLines = []string{"利辛县望疃镇2023", "政府信息公开工作年度报告"}
	r.title = "利辛县望疃镇2023政府信息公开工作年度报告" // joined as printed (the CMS dropped 年)
	text(r, textFlat)
	r = base("html-2022-nobody-title", "2021", "北京市密云区司法局", "北京市密云区", 2022, 31)
	r.title = "2022年政府信息公开工作年度报告"
	r.titleLines = []string{r.title}
	// body from the sign-off line
	html(r, htmlStyle{})
	// a 2023 report using the 2019 table: format from the headers, not the year
	r = base("html-2023-uses-2019", "2019", "商城县自然资源局", "商城县", 2023, 32)
	html(r, htmlStyle{})
	// local extra row in 二
	r = base("html-2020-extra-row", "2019", "武汉市水务局", "武汉市", 2020, 33)
	r.extra = []extra{{"其他主动公开文件", []cv{n(15), n(3), n(40)}}}
	r.warnings = []string{"unknown_row"}
	html(r, htmlStyle{})
	// the report's own numbers do not add up
	r = base("html-2021-bad-sums", "2021", "文登区信访局", "文登区", 2022, 34)
	row := r.requests["total"]
	row[0] = n(v0(row[0]) + 1)
	row[6] = n(v0(row[6]) + 1)
	r.requests["total"] = row
	r.review[4] = n(v0(r.review[4]) + 2)
	html(r, htmlStyle{})
	// 四 heading missing
	r = base("text-2021-no-heading4", "2021", "偃师区卫生健康委员会", "偃师区", 2023, 35)
	r.omitReviewHeading = true
	text(r, textFlat)
	r = base("html-2021-no-heading4", "2021", "偃师区卫生健康委员会", "偃师区", 2023, 35)
	html(r, htmlStyle{noHeading4: true})
	// GBK-encoded page
	r = base("html-2021-gbk", "2021", "洛阳市偃师区财政局", "洛阳市偃师区", 2023, 36)
	page := strings.Replace(renderHTML(r, htmlStyle{word: true}), `<meta charset="utf-8">`, `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`, 1)
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(page)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, entry{r, "html", "text/html", []byte(gbk)})
	// a 解读 page is not a report
	r = base("html-2023-jiedu", "2021", "偃师区发展和改革委员会", "偃师区", 2023, 37)
	r.title = "偃师区发展和改革委员会2023年政府信息公开工作年度报告解读"
	r.titleLines = []string{r.title}
	r.noTables, r.wantFormat = true, "unknown"
	r.warnings = []string{"not_report", "table_missing"}
	html(r, htmlStyle{})
	// pre-2019: no national table
	r = base("text-2016-legacy", "2021", "宿州市人民政府", "宿州市", 2016, 38)
	r.title = "宿州市人民政府2016年政府信息公开年度报告"
	r.titleLines = []string{r.title}
	r.noTables, r.wantFormat = true, "legacy"
	text(r, textFlat)
	// ---- parse, round two ----
	// cells run together: rows whose digits ran into their label
	r = base("text-2021-glued", "2021", "偃师区市场监督管理局", "偃师区", 2023, 40)
	r.glued = map[string]bool{"new": true, "granted": true, "withheld.state_secret": true, "total": true, "carried_forward": true}
	r.gluedActive = map[string]bool{"regulations": true, "punishment": true}
	r.gluedReview = true
	text(r, textFlat)
	r = base("html-2021-glued", "2021", "偃师区市场监督管理局", "偃师区", 2023, 40)
	r.glued = map[string]bool{"new": true, "granted": true, "withheld.state_secret": true, "total": true, "carried_forward": true}
	r.gluedActive = map[string]bool{"regulations": true, "punishment": true}
	r.gluedReview = true
	html(r, htmlStyle{})
	// 2019: "行政处罚14097" has four readings and no rule to choose
	r = base("text-2019-glued", "2019", "孝感市自然资源和规划局", "孝感市", 2020, 41)
	r.glued = map[string]bool{"carried_over": true, "partly_granted": true, "other": true}
	r.gluedActive = map[string]bool{"punishment": true, "regulations": true}
	text(r, textFlat)
	// several rows run together that only the rules linking rows decide,
	// and rows no rule decides
	r = base("text-2021-glued-joint", "2021", "偃师区交通运输局", "偃师区", 2022, 42)
	r.requests["granted"] = rowN(2, 1, 21, 0, 3, 0) // "212103027": H3 allows two readings, H2 one
	fixTotals(r)
	r.glued = map[string]bool{"granted": true, "new": true}
	text(r, textFlat)
	r = base("text-2021-glued-swap", "2021", "偃师区交通运输局", "偃师区", 2022, 42)
	r.requests["granted"] = rowN(2, 1, 21, 0, 3, 0)
	r.requests["partly_granted"] = rowN(21, 2, 1, 0, 3, 0) // each reads as the other: no rule tells them apart
	fixTotals(r)
	r.glued = map[string]bool{"granted": true, "partly_granted": true, "new": true}
	text(r, textFlat)
	// label variants of the template
	variants := map[string]string{
		"withheld.prohibited_by_law": "2.其他法律行政止公开", // characters dropped
		"other.other":                "3、其他",        // 、 for .
		"granted":                    "(一)予以公开",     // half-width brackets
		"withheld.state_secret":      "1. 属于 国家 秘密", // spaced
		"unable.needs_creation":      "2、没有现成信息 需要另行制作",
		"normative_documents":        "规范性文件", // 2019 wording in a 2021 report
	}
	r = base("text-2021-variants", "2021", "偃师区审计局", "偃师区", 2023, 43)
	r.labels = variants
	r.warnings = []string{"label_variant"}
	text(r, textFlat)
	r = base("html-2021-variants", "2021", "偃师区审计局", "偃师区", 2023, 43)
	r.labels = variants
	r.warnings = []string{"label_variant"}
	html(r, htmlStyle{})
	// a group printed as one row
	r = base("text-2021-group-other", "2021", "偃师区统计局", "偃师区", 2023, 44)
	r.groupOther = true
	r.warnings = []string{"group_as_row"}
	text(r, textFlat)
	r = base("html-2021-group-other", "2021", "偃师区统计局", "偃师区", 2023, 44)
	r.groupOther = true
	r.warnings = []string{"group_as_row"}
	html(r, htmlStyle{})
	r = base("text-2021-group-keyless", "2021", "偃师区医疗保障局", "偃师区", 2023, 45)
	r.groupSingle = "not_processed"
	r.warnings = []string{"group_as_row", "row_missing"}
	text(r, textFlat)
	// a label that could be two rows
	r = base("text-2021-ambiguous", "2021", "偃师区应急管理局", "偃师区", 2023, 46)
	r.merged = [2]string{"punishment", "coercion"}
	r.warnings = []string{"label_ambiguous", "row_missing"}
	text(r, textFlat)
	// text renditions: one cell per line, blank cells as two bars in a row
	r = base("text-2021-cells", "2021", "偃师区林业局", "偃师区", 2023, 47)
	blankZeros(r)
	r.warnings = []string{"blank_cell"}
	text(r, textCells)
	r = base("text-2019-cells", "2019", "孝感市林业局", "孝感市", 2020, 48)
	text(r, textCells)
	// "| a | b |" rows with their blank cells left out: rows that keep
	// every cell are read, the others cannot be placed
	r = base("text-2021-pipe-collapsed", "2021", "偃师区水利局", "偃师区", 2023, 49)
	r.unplaceable = collapseSmall(r)
	r.warnings = []string{"values_unplaceable"}
	text(r, textPipeCollapsed)
	// cut off part-way through table 三
	for _, c := range []struct {
		name string
		ts   textStyle
	}{{"text-2021-cut", textFlat}, {"text-2021-pipe-cut", textPipe}} {
		r = base(c.name, "2021", "偃师区文化广电和旅游局", "偃师区", 2023, 50)
		r.cutAfter = "withheld.process_info"
		r.problems, r.other, r.signoff = nil, nil, nil
		r.warnings = []string{"text_cut", "values_unplaceable", "row_missing", "table_missing", "section_missing"}
		text(r, c.ts)
	}
	// PDFs laid out as WPS exports them: labels wrapped in narrow
	// columns, every cell centred vertically in its row, so a row's
	// values sit on the middle line of its label, or between two lines
	pdf := func(r *rep, st pdfStyle) { out = append(out, entry{r, "pdf", "application/pdf", renderPDF(r, st)}) }
	pdf(base("pdf-2021-wps", "2021", "偃师区自然资源局", "偃师区", 2023, 51), wpsStyle)
	pdf(base("pdf-2019-wps", "2019", "孝感市交通运输局", "孝感市", 2020, 52), pdfStyle{active: 40, req: [3]float64{40, 50, 100}})
	r = base("pdf-2021-wps-narrow", "2021", "偃师区人力资源和社会保障局", "偃师区", 2023, 53)
	// list numbers with 、 and half-width brackets are the template's labels
	r.labels = map[string]string{"other.other": "3、其他", "granted": "(一)予以公开", "unable.needs_creation": "2、没有现成信息需要另行制作"}
	pdf(r, pdfStyle{active: 40, req: [3]float64{30, 40, 80}})
	// table 三 cut by a page break inside the row group 不予公开, the
	// group label 三、本年度办理结果 one character a line (a rotated
	// label as the exports draw it), on the first page only
	pdf(base("pdf-2021-wps-split", "2021", "偃师区民族宗教事务局", "偃师区", 2023, 54),
		pdfStyle{active: 58, req: [3]float64{20, 50, 120}, breakBefore: "withheld.internal_affairs"})
	// … and centred over all its rows, so that it runs on at the top of
	// the next page, between the rows there, below the header rows drawn
	// again
	pdf(base("pdf-2021-wps-split-span", "2021", "偃师区退役军人事务局", "偃师区", 2023, 55),
		pdfStyle{active: 58, req: [3]float64{20, 50, 120}, breakBefore: "withheld.third_party", spanPages: true, repeatHeader: true})
	// the body and year from the report's own words when the title lacks
	// them: the opening sentence, the sign-off and its date; page
	// furniture above the title is no part of it
	r = base("text-2023-opening", "2021", "偃师区交通运输局", "偃师区", 2023, 56)
	r.title = "政府信息公开工作年度报告"
	r.titleLines = []string{"Page8-", r.title}
	r.furniture = []string{"来源：偃师区人民政府", "report2023.pdf"}
	r.intro = []string{"根据《中华人民共和国政府信息公开条例》规定，现公布偃师区交通运输局2023年政府信息公开工作年度报告。"}
	r.signoff = []string{"2024年1月18日"}
	r.warnings = []string{"title_missing", "year_from_text"}
	text(r, textFlat)
	r = base("html-2023-opening", "2021", "偃师区交通运输局", "偃师区", 2023, 56)
	r.title = "2023年政府信息公开工作年度报告"
	r.titleLines = []string{r.title}
	r.furniture = []string{"来源：偃师区人民政府", "发布时间：2024-01-18", "Page8-"}
	r.intro = []string{"根据《中华人民共和国政府信息公开条例》规定，现公布偃师区交通运输局2023年政府信息公开工作年度报告。"}
	html(r, htmlStyle{})
	r = base("pdf-2023-opening", "2021", "偃师区交通运输局", "偃师区", 2023, 61)
	r.title = "2023年政府信息公开工作年度报告"
	r.titleLines = []string{r.title}
	r.furniture = []string{"Page1-", "nianbao2023.pdf"}
	r.intro = []string{"根据《中华人民共和国政府信息公开条例》规定，现公布偃师区交通运输局2023年政府信息公开工作年度报告。"}
	pdf(r, wpsStyle)
	// no title, no opening sentence: the year from the sign-off date
	r = base("text-2022-signed", "2021", "偃师区水利局", "偃师区", 2022, 57)
	r.title = "政府信息公开工作年度报告"
	r.titleLines = []string{r.title}
	r.overview = r.overview[1:] // no year in section 一 either
	r.warnings = []string{"title_missing", "year_from_text"}
	text(r, textFlat)
	// the opening sentence and the sign-off name different bodies: none
	r = base("text-2023-bodies-differ", "2021", "偃师区水利局", "偃师区", 2023, 58)
	r.title = "2023年政府信息公开工作年度报告"
	r.titleLines = []string{r.title}
	r.intro = []string{"现公布偃师区农业农村局2023年政府信息公开工作年度报告。"}
	r.body, r.region = "", ""
	r.warnings = []string{"body_missing"}
	text(r, textFlat)
	// opening year and sign-off date disagree: no year
	r = base("text-2023-years-differ", "2021", "偃师区林业局", "偃师区", 2023, 59)
	r.title = "政府信息公开工作年度报告"
	r.titleLines = []string{r.title}
	r.intro = []string{"现公布偃师区林业局2022年政府信息公开工作年度报告。"}
	r.overview = r.overview[1:]
	r.year = 0
	r.warnings = []string{"title_missing", "year_missing"}
	text(r, textFlat)
	// "| a | b |" rows with their blank cells left out, two rows of them:
	// the table's arithmetic places their values (H2 and H1 pin every
	// column), the blank cells are null
	r = base("text-2021-pipe-collapsed-two", "2021", "偃师区司法局", "偃师区", 2023, 60)
	r.collapsed = map[string]bool{}
	for _, k := range []string{"withheld.state_secret", "not_processed.repeated"} {
		row := r.requests[k]
		for i := range row {
			if v0(row[i]) == 0 {
				row[i] = blank()
			}
		}
		r.requests[k] = row
		r.collapsed[k] = true
	}
	text(r, textPipeCollapsed)
	r = base("html-2009-no-nian", "2021", "上海市", "上海市", 2009, 39)
	r.title = "2009上海市政府信息公开工作年度报告"
	r.titleLines = []string{r.title}
	r.body, r.region = "上海市", "上海市"
	r.noTables, r.wantFormat = true, "legacy"
	html(r, htmlStyle{})
	return out
}

// fixTotals recomputes 总计 and 四 after outcome rows were changed, so
// that H1 and H2 hold again.
func fixTotals(r *rep) {
	var outs [][7]cv
	for _, d := range reqDefs(r.format) {
		if outcomeKeys[d.key] {
			outs = append(outs, r.requests[d.key])
		}
	}
	total := sumRows(outs...)
	r.requests["total"] = total
	var nw [6]float64
	for i := 0; i < 6; i++ {
		nw[i] = v0(total[i]) + v0(r.requests["carried_forward"][i]) - v0(r.requests["carried_over"][i])
	}
	r.requests["new"] = rowN(nw[:]...)
}

// collapseSmall blanks the zeros of the section 三 rows whose other
// values are single digits (so that a row with its blank cells left out
// has no run of digits that could hold several cells) and returns them.
func collapseSmall(r *rep) map[string]bool {
	out := map[string]bool{}
	for k, row := range r.requests {
		small, zeros := true, false
		for _, c := range row {
			small = small && v0(c) < 10
			zeros = zeros || v0(c) == 0
		}
		if !small || !zeros {
			continue
		}
		for i, c := range row {
			if v0(c) == 0 {
				row[i] = blank()
			}
		}
		r.requests[k] = row
		out[k] = true
	}
	return out
}

func blankZeros(r *rep) {
	for k, vs := range r.active {
		for i, c := range vs {
			if c.want != nil && *c.want == 0 {
				vs[i] = blank()
			}
		}
		r.active[k] = vs
	}
	for k, row := range r.requests {
		for i, c := range row {
			if c.want != nil && *c.want == 0 {
				row[i] = blank()
			}
		}
		r.requests[k] = row
	}
	for i, c := range r.review {
		if c.want != nil && *c.want == 0 {
			r.review[i] = blank()
		}
	}
}

// samples: the same report in every container; expected from report.gt.json.
func sampleRep(t *testing.T) *rep {
	b, err := os.ReadFile("../testdata/samples/report.gt.json")
	if err != nil {
		t.Fatal(err)
	}
	var gt struct {
		Text string
		Rows []struct {
			Table, Label string
			Nums         []string
		}
	}
	if err := json.Unmarshal(b, &gt); err != nil {
		t.Fatal(err)
	}
	r := &rep{format: "2021", wantFormat: "2021", title: "偃师区工业和信息化局2023年政府信息公开工作年度报告",
		body: "偃师区工业和信息化局", region: "偃师区", year: 2023, active: map[string][]cv{}, requests: map[string][7]cv{}}
	num := func(s string) cv {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return nt(s, v)
	}
	var activeKeys []string
	for _, d := range activeDefs["2021"] {
		for _, rw := range d.rows {
			activeKeys = append(activeKeys, rw.key)
		}
	}
	defs := reqDefs("2021")
	ai, qi := 0, 0
	for _, row := range gt.Rows {
		var cs []cv
		for _, s := range row.Nums {
			cs = append(cs, num(s))
		}
		switch row.Table {
		case "二":
			r.active[activeKeys[ai]] = cs
			ai++
		case "三":
			var a [7]cv
			copy(a[:], cs)
			r.requests[defs[qi].key] = a
			qi++
		case "四":
			var a [15]cv
			copy(a[:], cs)
			r.review = &a
		}
	}
	// sections from the ground-truth text
	lines := strings.Split(gt.Text, "\n")
	sec := 0
	for _, l := range lines {
		for i, h := range stdHeadings {
			if l == h {
				sec = i + 1
			}
		}
		if sec == 0 || l == stdHeadings[sec-1] {
			continue
		}
		switch sec {
		case 1:
			r.overview = append(r.overview, l)
		case 5:
			r.problems = append(r.problems, l)
		case 6:
			r.other = append(r.other, l)
		}
	}
	r.other = r.other[:len(r.other)-2] // the sign-off: body and date
	return r
}

func TestGenerateCorpus(t *testing.T) {
	if !*genCorpus {
		t.Skip("run with -gen to regenerate testdata/reports")
	}
	if err := os.MkdirAll(corpusDir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(corpusDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeExp := func(name string, exp map[string]any) {
		b, err := json.MarshalIndent(exp, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		write(name+".expected.json", append(b, '\n'))
	}
	for _, e := range corpus(t) {
		file := e.r.name + "." + e.ext
		write(file, e.data)
		writeExp(e.r.name, e.r.expected(t, file, e.mt))
	}
	// the samples, byte for byte, with ground-truth expectations
	s := sampleRep(t)
	for _, f := range []struct{ src, name, mt string }{
		{"report.docx", "sample-docx.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"report.doc", "sample-doc.doc", "application/msword"},
		{"report.wps", "sample-wps.wps", "application/msword"},
		{"report-lo-wqy.pdf", "sample-pdf-lo-wqy.pdf", "application/pdf"},
		{"report-lo-notocjk.pdf", "sample-pdf-lo-notocjk.pdf", "application/pdf"},
		{"report-chromium-cid.pdf", "sample-pdf-chromium-cid.pdf", "application/pdf"},
	} {
		b, err := os.ReadFile("../testdata/samples/" + f.src)
		if err != nil {
			t.Fatal(err)
		}
		write(f.name, b)
		writeExp(strings.TrimSuffix(f.name, filepath.Ext(f.name)), s.expected(t, f.name, f.mt))
	}
	// the seed text (the real report's numbers, as printed in the seed)
	seed, err := os.ReadFile("../testdata/seed/000_7cb87bf4f3082eb5.txt")
	if err != nil {
		t.Fatal(err)
	}
	write("seed-text.txt", seed)
	sd := *s
	sd.active = map[string][]cv{"regulations": {n(0), n(0), n(0)}, "normative_documents": {n(0), n(0), n(0)},
		"licensing": {n(0)}, "punishment": {n(0)}, "coercion": {n(0)}, "fees": {n(0)}}
	sd.requests = map[string][7]cv{}
	for _, d := range reqDefs("2021") {
		sd.requests[d.key] = rowN(0, 0, 0, 0, 0, 0)
	}
	for _, k := range []string{"new", "granted", "total"} {
		sd.requests[k] = rowN(0, 1, 0, 0, 0, 0)
	}
	sd.review = reviewN(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	sd.overview = append([]string{}, s.overview...)
	sd.overview[2] = strings.NewReplacer("申请31件", "申请1件", "事项31件", "事项1件").Replace(sd.overview[2])
	writeExp("seed-text", sd.expected(t, "seed-text.txt", "text/plain"))
	// scans and outlines: no text layer
	for _, f := range []struct{ src, name string }{{"report-scan.pdf", "sample-scan"}, {"report-outlines.pdf", "sample-outlines"}} {
		b, err := os.ReadFile("../testdata/samples/" + f.src)
		if err != nil {
			t.Fatal(err)
		}
		write(f.name+".pdf", b)
		e := &rep{wantFormat: "unknown", noTables: true, warnings: []string{"needs_ocr", "table_missing", "title_missing", "body_missing", "year_missing"}}
		writeExp(f.name, e.expected(t, f.name+".pdf", "application/pdf"))
	}
}
