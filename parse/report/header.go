package report

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/parse/extract"
)

// titleRe is format.md §7's title pattern, on folded text (no spaces).
// pre/post hold the issuing body when the title names it.
var titleRe = regexp.MustCompile(`^(.{0,60}?)((?:19|20)\d{2})(?:年度|年)?(.{0,60}?)(?:政府信息公开|政务信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)`)

// notReportRe: pages that look like reports but are not (format.md §7).
var notReportRe = regexp.MustCompile(`解读|图解|通知|上半年|统计数据|格式`)

var dateLineRe = regexp.MustCompile(`^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$`)
var yearInTextRe = regexp.MustCompile(`((?:19|20)\d{2})年`)

type titleHit struct {
	title, body string
	year        int
}

func matchTitle(folded string) (titleHit, bool) {
	m := titleRe.FindStringSubmatchIndex(folded)
	if m == nil {
		return titleHit{}, false
	}
	// the match must be (almost) the whole candidate: a sentence that
	// mentions a report is not its title
	if utf8.RuneCountInString(folded[m[1]:]) > 8 {
		return titleHit{}, false
	}
	// nor is a sentence that announces it ("根据…，现公布…年度报告。"):
	// that is the opening sentence (docmeta.go)
	if pre := folded[:m[4]]; strings.ContainsAny(pre, "。,;；") || strings.Contains(pre, "公布") || strings.Contains(pre, "发布") {
		return titleHit{}, false
	}
	y, _ := strconv.Atoi(folded[m[4]:m[5]])
	body := cleanBody(folded[m[2]:m[3]])
	if body == "" {
		body = cleanBody(folded[m[6]:m[7]])
	}
	return titleHit{title: folded, body: body, year: y}, true
}

// titlePart: a line that may continue a title broken over lines — short,
// not a sentence.
func titlePart(folded string) bool {
	return utf8.RuneCountInString(folded) <= 40 && !strings.ContainsAny(folded, "。,;；:")
}

func cleanBody(s string) string {
	s = strings.Trim(s, "-—_:：,，.。、()（）《》<> ")
	s = strings.TrimPrefix(s, "关于")
	s = strings.TrimSuffix(s, "的")
	if utf8.RuneCountInString(s) < 2 {
		return ""
	}
	return s
}

// header fills title, body, year and region (format.md §7).
func (p *parser) header() {
	r := p.r
	var hit titleHit
	ok := false
	// the document's own leading lines, joined (titles break across lines)
	first := len(p.items)
	for _, at := range p.headAt {
		first = min(first, at)
	}
	var lines []string
	for i := 0; i < first && len(lines) < 15; i++ {
		it := p.items[i]
		if it.kind == itemText && !it.table && it.folded != "" && !isFurniture(it.folded) {
			lines = append(lines, it.folded)
		}
	}
	for i := 0; i < len(lines) && !ok; i++ {
		joined := ""
		for w := 0; w < 3 && i+w < len(lines) && !ok; w++ {
			// a title broken over lines is joined; a sentence after it
			// (the opening "现公布…年度报告。") is no part of it
			if w > 0 && !titlePart(lines[i+w]) {
				break
			}
			joined += lines[i+w]
			hit, ok = matchTitle(joined)
		}
	}
	for _, cand := range []string{p.doc.Title, p.meta.Title} {
		if ok {
			break
		}
		if cand != "" {
			hit, ok = matchTitle(fold(cand))
		}
	}
	if ok {
		r.Title = hit.title
		r.Body = hit.body
		if notReportRe.MatchString(hit.title) {
			r.warn(WarnNotReport, "title %q names an interpretation, notice or statistics page, not a report", hit.title)
		}
	} else {
		r.Title = squash(extract.Normalize(firstNonEmpty(p.doc.Title, p.meta.Title)))
		if r.Title == "" && len(lines) > 0 {
			r.Title = clipRunes(lines[0], 80)
		}
		r.warn(WarnNoTitle, "no report title (…年政府信息公开工作年度报告) found")
		if r.Title != "" && notReportRe.MatchString(fold(r.Title)) {
			r.warn(WarnNotReport, "title %q names an interpretation, notice or statistics page, not a report", r.Title)
		}
	}

	if r.Body == "" {
		r.Body = fold(p.meta.Body)
	}
	conflict := false
	if r.Body == "" {
		// the report's own words (docmeta.go) before the page's metadata
		var names [2]string
		r.Body, conflict, names = p.bodyFromText()
		if conflict {
			r.warn(WarnNoBody, "the opening sentence names %q and the sign-off %q: the issuing body is left empty", names[0], names[1])
		}
	}
	if r.Body == "" && !conflict && p.doc.Publisher != "" && publisherRe.MatchString(p.doc.Publisher) {
		r.Body = fold(p.doc.Publisher)
	}
	if r.Body == "" && !conflict {
		r.warn(WarnNoBody, "the issuing body is named neither in the title nor in the site metadata")
	}

	switch {
	case ok:
		y := hit.year
		r.Year = &y
	case p.meta.Year > 0:
		y := p.meta.Year
		r.Year = &y
	default:
		switch y, how := p.yearFromDoc(); {
		case y > 0:
			r.Year = &y
			r.warn(WarnYearFromText, "data year %d taken from the report text (%s), not a title", y, how)
		case how != "":
			r.warn(WarnNoYear, "data year not found: %s", how)
		default:
			r.warn(WarnNoYear, "data year not found")
		}
	}
	r.Region = region(p.meta.Region, r.Body)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

// publisherRe accepts page metadata that names a government body (not a
// portal brand such as "中国政府网" or "政务服务网").
var publisherRe = regexp.MustCompile(`(局|委员会|委|办公室|办|厅|部|署|院|政府|街道办事处|街道|镇|乡|中心|所|馆|队|站|处|会)$`)

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// signature finds the issuing body in the sign-off: a short line right
// before the closing date ("偃师区工业和信息化局 / 2024年1月15日").
func (p *parser) signature() string {
	var lines []string
	for i := len(p.items) - 1; i >= 0 && len(lines) < 4; i-- {
		if it := p.items[i]; it.kind == itemText && !it.table && it.folded != "" {
			lines = append(lines, it.folded)
		}
	}
	for i := 0; i+1 < len(lines); i++ {
		if dateLineRe.MatchString(lines[i]) {
			s := lines[i+1]
			if n := utf8.RuneCountInString(s); n >= 2 && n <= 30 && !strings.ContainsAny(s, "。，；：,;:") {
				return s
			}
			return ""
		}
	}
	return ""
}

func (p *parser) yearFromText() int {
	for i, it := range p.items {
		if p.sec[i] != secOverview || it.kind != itemText {
			continue
		}
		if m := yearInTextRe.FindStringSubmatch(it.folded); m != nil {
			y, _ := strconv.Atoi(m[1])
			return y
		}
	}
	return 0
}

// placeRe takes one administrative place name off the front of a body name.
var placeRe = regexp.MustCompile(`^\p{Han}{1,8}?(?:省|自治区|特别行政区|自治州|地区|盟|市|县|区|旗|镇|乡|街道)`)

// notPlace: a name placeRe takes for a place that is the start of a
// department's name instead (偃师区住房和城乡建设局, 偃师区城市管理局).
// Real places ending in 城市 (晋城市, 盐城市) have more than two characters.
func notPlace(pl string) bool {
	return pl == "城市" || strings.Contains(pl, "城乡") || strings.Contains(pl, "住房")
}

// region combines the site's region with the place names that start the
// body's name: site 河南省洛阳市 + body 偃师区工业和信息化局 → 河南省洛阳市偃师区.
func region(site, body string) string {
	site = fold(site)
	var places []string
	rest := body
	for len(places) < 4 {
		loc := placeRe.FindStringIndex(rest)
		if loc == nil {
			break
		}
		pl := rest[:loc[1]]
		// a one-character "区…" prefix is not a place name, nor are the
		// department words that end in a place suffix: 住房和城乡(建设局),
		// 城市(管理局).
		if utf8.RuneCountInString(pl) < 2 || notPlace(pl) {
			break
		}
		places = append(places, pl)
		rest = rest[loc[1]:]
	}
	out := site
	for _, pl := range places {
		if strings.Contains(out, pl) {
			// overlap: keep what the site already says up to this place
			out = out[:strings.Index(out, pl)+len(pl)]
			continue
		}
		out += pl
	}
	return out
}
