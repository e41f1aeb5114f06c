package report

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The issuing body and data year from the report's own text, when its
// title does not name them: the opening sentence ("现公布偃师区民政局2023年
// 政府信息公开工作年度报告") and the closing date. Page furniture that
// flip-book and CMS pages put above a title ("Page8-", "来源：…", file
// names) is no part of it.

// furnitureRe: lines that are page furniture, never a title or body.
var furnitureRe = regexp.MustCompile(`^(?i:page\d+-?|第\d+页(?:共\d+页)?|\d+/\d+|(?:来源|发布时间|发布日期|发布机构|信息来源|浏览次数|点击数|作者|编辑|字号|打印|关闭)[:：].*|[\w.-]+\.(?:pdf|docx?|wps|html?|shtml|jpg|png|swf)|(?:files|mobile|index)[/\\].*)$`)

// isFurniture reports whether a folded line is page furniture.
func isFurniture(folded string) bool { return furnitureRe.MatchString(folded) }

// openingRe: the sentence that announces the report, naming its body and
// year ("现公布…", "特发布…", "现将…报告如下", "本报告由…编制").
var openingRe = regexp.MustCompile(`(?:现|特|予以|现予|特此|向社会)(?:公布|发布|公开)(.{2,40}?)((?:19|20)\d{2})年度?政府信息公开(?:工作)?(?:年度)?报告|现将(.{2,40}?)((?:19|20)\d{2})年度?政府信息公开(?:工作)?(?:年度)?(?:报告|情况|工作情况)`)

// opening finds the announcing sentence in the report's first paragraphs
// (before section 二): its body ("" when it names none) and year.
func (p *parser) opening() (body string, year int, ok bool) {
	end := len(p.items)
	if at, has := p.headAt[secActive]; has {
		end = at
	}
	for i := 0; i < end && i < 60; i++ {
		it := p.items[i]
		if it.kind != itemText || it.table {
			continue
		}
		m := openingRe.FindStringSubmatch(it.folded)
		if m == nil {
			continue
		}
		b, y := m[1], m[2]
		if y == "" {
			b, y = m[3], m[4]
		}
		year, _ = strconv.Atoi(y)
		body = cleanBody(b)
		// "我局", "本机关", "本单位": the sentence names no body
		if utf8.RuneCountInString(body) < 3 || !publisherRe.MatchString(body) {
			body = ""
		}
		return body, year, true
	}
	return "", 0, false
}

// signedDate is the date under the sign-off ("2024年1月20日"): year and
// month, 0 when there is none.
func (p *parser) signedDate() (year, month int) {
	n := 0
	for i := len(p.items) - 1; i >= 0 && n < 4; i-- {
		it := p.items[i]
		if it.kind != itemText || it.table || it.folded == "" {
			continue
		}
		n++
		if m := signedDateRe.FindStringSubmatch(it.folded); m != nil {
			year, _ = strconv.Atoi(m[1])
			month, _ = strconv.Atoi(m[2])
			return year, month
		}
	}
	return 0, 0
}

var signedDateRe = regexp.MustCompile(`^((?:19|20)\d{2})年(\d{1,2})月\d{1,2}日$`)

// yearFromDate: reports are published by the end of January (条例 第五十条)
// for the year before, so a report signed from January to March of Y
// covers Y-1; a report signed later in the year says nothing sure.
func yearFromDate(year, month int) int {
	if year > 0 && month >= 1 && month <= 3 {
		return year - 1
	}
	return 0
}

// sameBody: two namings of one body, one the other's short form.
func sameBody(a, b string) bool {
	return a == b || (a != "" && b != "" && (strings.Contains(a, b) || strings.Contains(b, a)))
}

// bodyFromText is the body the report's text names: the opening sentence's,
// else the sign-off's. When the two name different bodies it is neither
// (conflict set, with the two named for the warning).
func (p *parser) bodyFromText() (body string, conflict bool, names [2]string) {
	ob, _, _ := p.opening()
	sb := p.signature()
	switch {
	case ob != "" && sb != "" && !sameBody(ob, sb):
		return "", true, [2]string{ob, sb}
	case ob != "":
		return ob, false, names
	}
	return sb, false, names
}

// yearFromDoc is the data year the report's text gives when its title
// gives none: the opening sentence's, else the sign-off date's (see
// yearFromDate), else the first year section 一 names. Where the opening
// and the date disagree there is none. how says where it came from.
func (p *parser) yearFromDoc() (year int, how string) {
	_, oy, _ := p.opening()
	dy := yearFromDate(p.signedDate())
	switch {
	case oy > 0 && dy > 0 && oy != dy:
		return 0, "the opening sentence says " + strconv.Itoa(oy) + ", the date it was signed " + strconv.Itoa(dy)
	case oy > 0:
		return oy, "the opening sentence"
	case dy > 0:
		return dy, "the date it was signed (reports are published early the next year)"
	}
	if y := p.yearFromText(); y > 0 {
		return y, "section 一"
	}
	return 0, ""
}
