package portal

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
)

// tableStyle is the markup a report's tables are written in.
type tableStyle int

const (
	styleRich tableStyle = iota // rich-editor: <p align="center"> cells, &nbsp; blanks, <br /> in headers
	styleMSO                    // Word paste: MsoNormalTable, mso-yfti-irow, 仿宋_GB2312 spans, <o:p>
)

// bodyOpts tweak a generated report body.
type bodyOpts struct {
	style      tableStyle
	blankZeros bool // write 0 cells of table 三 as &nbsp; (real reports do)
	titleBreak bool // break the visible title line before 政府信息公开 (<br>)
}

var reqLabels = map[string]string{
	"new":                         "一、本年新收政府信息公开申请数量",
	"carried_over":                "二、上年结转政府信息公开申请数量",
	"granted":                     "（一）予以公开",
	"partly_granted":              "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
	"withheld.state_secret":       "1.属于国家秘密",
	"withheld.prohibited_by_law":  "2.其他法律行政法规禁止公开",
	"withheld.security_stability": "3.危及“三安全一稳定”",
	"withheld.third_party":        "4.保护第三方合法权益",
	"withheld.internal_affairs":   "5.属于三类内部事务信息",
	"withheld.process_info":       "6.属于四类过程性信息",
	"withheld.enforcement_files":  "7.属于行政执法案卷",
	"withheld.query_matters":      "8.属于行政查询事项",
	"unable.not_held":             "1.本机关不掌握相关政府信息",
	"unable.needs_creation":       "2.没有现成信息需要另行制作",
	"unable.unclear":              "3.补正后申请内容仍不明确",
	"not_processed.complaint":     "1.信访举报投诉类申请",
	"not_processed.repeated":      "2.重复申请",
	"not_processed.publication":   "3.要求提供公开出版物",
	"not_processed.excessive":     "4.无正当理由大量反复申请",
	"not_processed.confirmation":  "5.要求行政机关确认或重新出具已获取信息",
	"other.no_correction":         "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
	"other.fee_unpaid":            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
	"other.other":                 "3.其他",
	"other":                       "（六）其他处理",
	"total":                       "（七）总计",
	"carried_forward":             "四、结转下年度继续办理",
}

type tw struct {
	b     strings.Builder
	style tableStyle
	row   int
	// grid records the same table as cells, for writers of other
	// containers (DOCX): one slice per <tr>.
	grid [][]cell
}

// cell is one table cell as written: plain text and its spans.
type cell struct {
	text             string
	colspan, rowspan int
}

var spanAttr = regexp.MustCompile(`(colspan|rowspan)="(\d+)"`)

// plainCell turns a cell's HTML (<br />, &nbsp;, entities) into text.
func plainCell(s string) string {
	s = strings.ReplaceAll(s, "<br />", "")
	s = strings.ReplaceAll(s, "&nbsp;", "")
	return html.UnescapeString(s)
}

func (t *tw) open() {
	if t.style == styleMSO {
		t.b.WriteString(`<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt">` + "\n<tbody>\n")
	} else {
		t.b.WriteString(`<table align="center" border="1" cellspacing="1" style="width:559px">` + "\n<tbody>\n")
	}
	t.row = 0
}

func (t *tw) close() { t.b.WriteString("</tbody>\n</table>\n") }

func (t *tw) tr() {
	if t.style == styleMSO {
		fmt.Fprintf(&t.b, `<tr style="mso-yfti-irow:%d;height:20.0pt">`, t.row)
	} else {
		t.b.WriteString("<tr>")
	}
	t.row++
	t.grid = append(t.grid, nil)
}

func (t *tw) etr() { t.b.WriteString("</tr>\n") }

// td writes one cell; attrs like ` colspan="3"`. text is raw HTML.
func (t *tw) td(attrs, text string) {
	c := cell{text: plainCell(text), colspan: 1, rowspan: 1}
	for _, m := range spanAttr.FindAllStringSubmatch(attrs, -1) {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "colspan" {
			c.colspan = n
		} else {
			c.rowspan = n
		}
	}
	if len(t.grid) > 0 {
		t.grid[len(t.grid)-1] = append(t.grid[len(t.grid)-1], c)
	}
	if t.style == styleMSO {
		fmt.Fprintf(&t.b, `<td%s nowrap style="width:42.0pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"><p class="MsoNormal" align="center" style="text-align:center"><span style="font-size:10.0pt;font-family:仿宋_GB2312">%s</span><span lang="EN-US" style="font-size:10.0pt"><o:p></o:p></span></p></td>`, attrs, text)
	} else {
		fmt.Fprintf(&t.b, `<td%s><p align="center">%s</p></td>`, attrs, text)
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// hdr renders a header label; rich editors keep Word's line breaks as <br />.
func (t *tw) hdr(s string) string {
	if t.style == styleRich {
		return strings.ReplaceAll(s, "|", "<br />")
	}
	return strings.ReplaceAll(s, "|", "")
}

func activeTable(t *tw, d *ReportData) {
	t.open()
	type block struct {
		title string
		cols  []string
		rows  [][2]string // label, key
	}
	var blocks []block
	if d.Format == "2021" {
		blocks = []block{
			{"第二十条第（一）项", []string{"本年制发件数", "本年废止件数", "现行有效件数"}, [][2]string{{"规章", "regulations"}, {"行政规范性文件", "normative_documents"}}},
			{"第二十条第（五）项", []string{"本年处理决定数量"}, [][2]string{{"行政许可", "licensing"}}},
			{"第二十条第（六）项", []string{"本年处理决定数量"}, [][2]string{{"行政处罚", "punishment"}, {"行政强制", "coercion"}}},
			{"第二十条第（八）项", []string{"本年收费金额（单位：万元）"}, [][2]string{{"行政事业性收费", "fees"}}},
		}
	} else {
		blocks = []block{
			{"第二十条第（一）项", []string{"本年新|制作数量", "本年新|公开数量", "对外公开|总数量"}, [][2]string{{"规章", "regulations"}, {"规范性文件", "normative_documents"}}},
			{"第二十条第（五）项", []string{"上一年|项目数量", "本年增/减", "处理决定数量"}, [][2]string{{"行政许可", "licensing"}, {"其他对外管理服务事项", "other_services"}}},
			{"第二十条第（六）项", []string{"上一年|项目数量", "本年增/减", "处理决定数量"}, [][2]string{{"行政处罚", "punishment"}, {"行政强制", "coercion"}}},
			{"第二十条第（八）项", []string{"上一年|项目数量", "本年增/减"}, [][2]string{{"行政事业性收费", "fees"}}},
			{"第二十条第（九）项", []string{"采购项目数量", "采购总金额"}, [][2]string{{"政府集中采购", "procurement"}}},
		}
	}
	for _, bl := range blocks {
		t.tr()
		t.td(` colspan="4"`, bl.title)
		t.etr()
		t.tr()
		t.td("", "信息内容")
		span := ""
		if len(bl.cols) < 3 {
			span = fmt.Sprintf(` colspan="%d"`, 4-len(bl.cols))
		}
		for i, c := range bl.cols {
			a := ""
			if i == len(bl.cols)-1 {
				a = span
			}
			t.td(a, t.hdr(c))
		}
		t.etr()
		for _, r := range bl.rows {
			t.tr()
			t.td("", r[0])
			vals := d.Active[r[1]]
			for i, v := range vals {
				a := ""
				if i == len(vals)-1 {
					a = span
				}
				t.td(a, num(v))
			}
			t.etr()
		}
	}
	t.close()
}

func requestsTable(t *tw, d *ReportData, blank bool) {
	t.open()
	t.tr()
	t.td(` colspan="3" rowspan="3"`, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
	t.td(` colspan="7"`, "申请人情况")
	t.etr()
	t.tr()
	t.td(` rowspan="2"`, "自然人")
	t.td(` colspan="5"`, "法人或其他组织")
	t.td(` rowspan="2"`, "总计")
	t.etr()
	t.tr()
	for _, h := range []string{"商业|企业", "科研|机构", "社会公益|组织", "法律服务|机构", "其他"} {
		t.td("", t.hdr(h))
	}
	t.etr()
	vals := func(k string) {
		for _, v := range d.Requests[k] {
			if v == 0 && blank {
				t.td("", "&nbsp;")
			} else {
				t.td("", strconv.Itoa(v))
			}
		}
		t.etr()
	}
	for _, k := range reqHead {
		t.tr()
		t.td(` colspan="3"`, reqLabels[k])
		vals(k)
	}
	span := 22
	if d.Format == "2019" {
		span = 20
	}
	groups := []struct {
		label string
		keys  []string
	}{
		{"（三）不予公开", reqOutcomes[2:10]},
		{"（四）无法提供", reqOutcomes[10:13]},
		{"（五）不予处理", reqOutcomes[13:18]},
	}
	if d.Format == "2021" {
		groups = append(groups, struct {
			label string
			keys  []string
		}{"（六）其他处理", reqOther2021})
	}
	t.tr()
	t.td(fmt.Sprintf(` rowspan="%d"`, span), "三、本年度|办理结果")
	t.td(` colspan="2"`, reqLabels["granted"])
	vals("granted")
	t.tr()
	t.td(` colspan="2"`, reqLabels["partly_granted"])
	vals("partly_granted")
	for _, g := range groups {
		for i, k := range g.keys {
			t.tr()
			if i == 0 {
				t.td(fmt.Sprintf(` rowspan="%d"`, len(g.keys)), g.label)
			}
			t.td("", reqLabels[k])
			vals(k)
		}
	}
	if d.Format == "2019" {
		t.tr()
		t.td(` colspan="2"`, reqLabels["other"])
		vals("other")
	}
	t.tr()
	t.td(` colspan="2"`, reqLabels["total"])
	vals("total")
	t.tr()
	t.td(` colspan="3"`, reqLabels["carried_forward"])
	vals("carried_forward")
	t.close()
}

func reviewTable(t *tw, d *ReportData) {
	t.open()
	t.tr()
	t.td(` colspan="5"`, "行政复议")
	t.td(` colspan="10"`, "行政诉讼")
	t.etr()
	res := []string{"结果|维持", "结果|纠正", "其他|结果", "尚未|审结", "总计"}
	t.tr()
	for _, h := range res {
		t.td(` rowspan="2"`, t.hdr(h))
	}
	t.td(` colspan="5"`, "未经复议直接起诉")
	t.td(` colspan="5"`, "复议后起诉")
	t.etr()
	t.tr()
	for i := 0; i < 2; i++ {
		for _, h := range res {
			t.td("", t.hdr(h))
		}
	}
	t.etr()
	t.tr()
	for _, k := range reviewKeys {
		for _, v := range d.Review[k] {
			t.td("", strconv.Itoa(v))
		}
	}
	t.etr()
	t.close()
}

// block is one element of a report's content: a title line, a section
// heading, a paragraph (plain text) or a table.
type block struct {
	kind byte // 'h' heading, 'p' paragraph, 't' table
	text string
	tab  *tw
}

// reportBlocks is a report's content after its title, as two halves
// (sections 一–二 and 三–六): the HTML page and the generated DOCX are
// both written from it, so a report says the same in every container.
func reportBlocks(body string, year int, d *ReportData, style tableStyle, blankZeros bool) ([]block, []block) {
	var a, c []block
	para := func(b *[]block, s string) { *b = append(*b, block{kind: 'p', text: s}) }
	head := func(b *[]block, s string) { *b = append(*b, block{kind: 'h', text: s}) }
	table := func(b *[]block, fill func(*tw)) {
		t := &tw{style: style}
		fill(t)
		*b = append(*b, block{kind: 't', tab: t})
	}
	if d.Format == "legacy" {
		para(&a, fmt.Sprintf("本报告根据《中华人民共和国政府信息公开条例》要求，由%s编制。报告中所列数据统计期限自%d年1月1日起至%d年12月31日止。", body, year, year))
		head(&a, "一、概述")
		para(&a, fmt.Sprintf("%d年，%s认真贯彻落实《中华人民共和国政府信息公开条例》，进一步完善政府信息公开工作机制。", year, body))
		head(&a, "二、主动公开政府信息情况")
		para(&a, fmt.Sprintf("全年主动公开政府信息%d条，其中通过政府网站公开%d条。", d.LegacyActive, d.LegacyActive*3/4))
		head(&c, "三、依申请公开政府信息情况")
		para(&c, fmt.Sprintf("全年共受理政府信息公开申请%d件，均已按期答复。", d.LegacyRequests))
		head(&c, "四、政府信息公开的收费及减免情况")
		para(&c, "本年度未收取任何费用。")
		head(&c, "五、因政府信息公开申请行政复议、提起行政诉讼的情况")
		para(&c, "本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。")
		head(&c, "六、存在的主要问题及改进措施")
		para(&c, "公开内容还不够全面，下一步将进一步规范公开流程。")
		head(&c, "七、其他需要报告的事项")
		para(&c, "无。")
		return a, c
	}
	head(&a, "一、总体情况")
	para(&a, fmt.Sprintf("%d年，%s认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。", year, body))
	para(&a, "（一）主动公开。按照“以公开为常态、不公开为例外”的原则，及时公开各类政府信息。")
	para(&a, "（二）依申请公开。严格按照法定程序和时限办理政府信息公开申请。")
	para(&a, "（三）政府信息管理。坚持“三审三校”制度，严格落实保密审查。")
	para(&a, "（四）政府信息公开平台建设。持续优化政府网站信息公开专栏。")
	para(&a, "（五）监督保障。将政府信息公开工作纳入年度考核。")
	head(&a, "二、主动公开政府信息情况")
	table(&a, func(t *tw) { activeTable(t, d) })
	head(&c, "三、收到和处理政府信息公开申请情况")
	table(&c, func(t *tw) { requestsTable(t, d, blankZeros) })
	head(&c, "四、政府信息公开行政复议、行政诉讼情况")
	table(&c, func(t *tw) { reviewTable(t, d) })
	head(&c, "五、存在的主要问题及改进情况")
	para(&c, "一是公开内容的全面性有待提高；二是政策解读形式较为单一。下一步将加强培训，丰富解读形式。")
	head(&c, "六、其他需要报告的事项")
	para(&c, fmt.Sprintf("按照《政府信息公开信息处理费管理办法》规定，%d年%s未收取政府信息公开处理费。", year, body))
	return a, c
}

// reportBody renders a report's content as two halves (sections 一–二 and
// 三–六) so a multi-page article can split it; the whole is part1+part2.
func reportBody(title, body string, year int, d *ReportData, o bodyOpts) (string, string) {
	render := func(b *strings.Builder, bs []block) {
		for _, x := range bs {
			switch x.kind {
			case 'h':
				if o.style == styleMSO {
					fmt.Fprintf(b, `<p class="MsoNormal" style="text-indent:32.0pt"><b><span style="font-size:16.0pt;font-family:黑体">%s</span></b><span lang="EN-US"><o:p></o:p></span></p>`+"\n", esc(x.text))
				} else {
					fmt.Fprintf(b, "<p><strong>%s</strong></p>\n", esc(x.text))
				}
			case 'p':
				if o.style == styleMSO {
					fmt.Fprintf(b, `<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt"><span style="font-size:16.0pt;font-family:仿宋_GB2312">%s</span><span lang="EN-US"><o:p></o:p></span></p>`+"\n", esc(x.text))
				} else {
					fmt.Fprintf(b, `<p style="text-indent:2em;">%s</p>`+"\n", esc(x.text))
				}
			case 't':
				b.WriteString(x.tab.b.String())
			}
		}
	}
	var a, c strings.Builder
	shown := esc(title)
	if o.titleBreak {
		shown = strings.Replace(shown, "政府信息公开", "<br>政府信息公开", 1)
	}
	fmt.Fprintf(&a, `<p style="text-align:center;"><strong>%s</strong></p>`+"\n", shown)
	pa, pc := reportBlocks(body, year, d, o.style, o.blankZeros)
	render(&a, pa)
	render(&c, pc)
	return a.String(), c.String()
}

// stubBody is the "详见附件" body of a report published as a file.
func stubBody(title string) string {
	return fmt.Sprintf(`<p style="text-align:center;"><strong>%s</strong></p>`+"\n<p>详见附件。</p>\n", esc(title))
}
