package report

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// listMarkerRe: a line that starts a new item even after a line without
// closing punctuation.
var listMarkerRe = regexp.MustCompile(`^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[、.．]|第[一二三四五六七八九十]+)`)

// sectionTexts fills sections.overview/problems/other with the prose of
// 一, 五 and 六. Lines that a PDF or text extraction wrapped are joined
// again (a line not ending in closing punctuation continues on the next),
// so the same report reads the same from every container.
func (p *parser) sectionTexts() {
	texts := map[int][]string{}
	for i, it := range p.items {
		s := p.sec[i]
		if s != secOverview && s != secProblems && s != secOther {
			continue
		}
		if it.kind != itemText || it.table || it.heading != 0 {
			continue
		}
		if line := squash(it.raw); line != "" {
			texts[s] = append(texts[s], line)
		}
	}
	other := texts[secOther]
	// drop the sign-off (body and date) that closes the report
	if n := len(other); n > 0 && dateLineRe.MatchString(fold(other[n-1])) {
		other = other[:n-1]
		if n := len(other); n > 0 && utf8.RuneCountInString(other[n-1]) <= 30 && !strings.ContainsAny(other[n-1], "。，；：,;:") {
			other = other[:n-1]
		}
	}
	p.r.Sections = Sections{
		Overview: unwrap(texts[secOverview]),
		Problems: unwrap(texts[secProblems]),
		Other:    unwrap(other),
	}
	if p.tpl != nil {
		// a slice, not a map: warnings come out in the report's own order
		for _, h := range []struct {
			sec  int
			name string
		}{{secOverview, "一、总体情况"}, {secProblems, "五、存在的主要问题及改进情况"}, {secOther, "六、其他需要报告的事项"}} {
			if _, ok := p.headAt[h.sec]; !ok {
				p.r.warn(WarnSectionMissing, "heading %s not found; its text is left empty", h.name)
			}
		}
	}
}

func unwrap(lines []string) string {
	var b strings.Builder
	prevEnds := true
	for i, l := range lines {
		if i > 0 {
			if prevEnds || (mayStartList(l) && listMarkerRe.MatchString(l)) {
				b.WriteByte('\n')
			} else if lastRune(lines[i-1]) < utf8.RuneSelf && l[0] < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
		prevEnds = endsSentence(l)
	}
	return b.String()
}

// mayStartList: l starts with a character listMarkerRe's match can start
// with (（ ( 一…十 0–9 第); the regexp only runs on those lines.
func mayStartList(l string) bool {
	r, _ := utf8.DecodeRuneInString(l)
	switch r {
	case '（', '(', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '第':
		return true
	}
	return r >= '0' && r <= '9'
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func endsSentence(s string) bool {
	switch lastRune(s) {
	case '。', '！', '？', '；', '：', '!', '?', ';', ':', '」', '』':
		return true
	}
	return false
}

// classify sets legacy/not-report states once everything is read.
func (p *parser) classify() {
	r := p.r
	hasTables := r.Active != nil || r.Requests != nil || r.ReviewLitigation != nil
	if !hasTables && r.Year != nil && *r.Year < 2019 && len(p.items) > 0 {
		r.Format = FormatLegacy
		// no national table existed: its absence is not a finding
		kept := r.Warnings[:0]
		for _, w := range r.Warnings {
			if w.Code != WarnTableMissing {
				kept = append(kept, w)
			}
		}
		r.Warnings = kept
	}
	if !hasTables && len(p.headAt) == 0 && hasWarning(r, WarnNoTitle) && !hasWarning(r, WarnNotReport) &&
		!p.doc.NeedsOCR && !p.doc.Encrypted && len(p.items) > 0 {
		r.warn(WarnNotReport, "no report title, no section headings and no tables: probably not a report")
	}
}
