package sites

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nianbao/nianbao/internal/textfold"
)

// TitleInfo is what a title says about a page.
type TitleInfo struct {
	Title    string // normalised title (lines joined, spaces removed)
	IsReport bool
	Year     int    // data year; 0 when absent
	Body     string // issuing body named in the title, "" when only the site header names it
	Reason   string // why it is or is not a report
}

// reportRe is format.md §7's suggested pattern, applied to a normalised title.
var reportRe = regexp.MustCompile(`^(.*?)((?:19|20)\d{2})年?度?(.*?)(?:政府信息公开|政务信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)$`)

// lookAlikes are words that make a title something other than the report
// itself even when the report's full title is embedded in it.
var lookAlikes = []struct{ word, why string }{
	{"解读", "interpretation (解读) of a report"},
	{"图解", "graphic summary (图解)"},
	{"一图读懂", "graphic summary (一图读懂)"},
	{"图表", "graphic summary (图表)"},
	{"通知", "notice (通知)"},
	{"关于做好", "notice (关于做好…)"},
	{"关于印发", "format notice repost (关于印发…)"},
	{"格式", "format notice repost (格式)"},
	{"公开办函", "format notice repost (公开办函)"},
	{"上半年", "half-year statistics (上半年)"},
	{"季度", "quarterly statistics (季度)"},
	{"网站工作", "website work report (政府网站工作年度报表)"},
	{"报表", "statistical return (报表)"},
}

var (
	trailingParen = regexp.MustCompile(`[（(【\[][^（()）【】\[\]]{0,12}[）)】\]]$`)
	leadingAttach = regexp.MustCompile(`^(?:附件\d*[：:．.、]?|\[?\d+\]?[、.．])`)
	fileExt       = regexp.MustCompile(`(?i)\.(pdf|docx?|wps|xlsx?|et|ofd|rtf|zip|rar|html?|shtml)$`)
)

// titleMemo remembers recent verdicts: a crawl classifies the same titles
// again and again (a list's anchor, then the detail page's meta title,
// heading and <title>, then the engine's own checks), and each
// classification runs several regexps. Bounded: cleared when full.
var titleMemo struct {
	sync.Mutex
	m map[string]TitleInfo
}

const (
	titleMemoMax = 8192
	titleMemoLen = 512 // longer strings (a whole cell's text) are not titles worth keeping
)

// ClassifyTitle decides whether a title (anchor text, title= attribute,
// page heading or attachment file name) names an annual report.
func ClassifyTitle(raw string) TitleInfo {
	if len(raw) > titleMemoLen {
		return classifyTitle(raw)
	}
	titleMemo.Lock()
	info, ok := titleMemo.m[raw]
	titleMemo.Unlock()
	if ok {
		return info
	}
	info = classifyTitle(raw)
	titleMemo.Lock()
	if titleMemo.m == nil || len(titleMemo.m) >= titleMemoMax {
		titleMemo.m = make(map[string]TitleInfo, 256)
	}
	titleMemo.m[raw] = info
	titleMemo.Unlock()
	return info
}

func classifyTitle(raw string) TitleInfo {
	t := textfold.Fold(raw, textfold.Title)
	info := TitleInfo{Title: t}
	if t == "" {
		info.Reason = "empty title"
		return info
	}
	core := leadingAttach.ReplaceAllString(t, "")
	core = fileExt.ReplaceAllString(core, "")
	// Corrected re-posts ("…（更正）", "…(修订版)") are still the report.
	for i := 0; i < 2 && trailingParen.MatchString(core); i++ {
		core = trailingParen.ReplaceAllString(core, "")
	}
	core = strings.TrimRight(core, "。.…-—_")
	for _, la := range lookAlikes {
		if strings.Contains(core, la.word) {
			info.Reason = "look-alike: " + la.why
			if m := reportRe.FindStringSubmatch(core); m != nil {
				info.Year, _ = strconv.Atoi(m[2])
			}
			return info
		}
	}
	m := reportRe.FindStringSubmatch(core)
	if m == nil {
		info.Reason = "title does not match the report pattern"
		return info
	}
	info.Year, _ = strconv.Atoi(m[2])
	info.IsReport = true
	info.Body = cleanBody(m[1])
	if info.Body == "" {
		info.Body = cleanBody(m[3])
	}
	info.Reason = "report title pattern (format.md §7)"
	return info
}

func cleanBody(s string) string {
	s = strings.Trim(s, "《》“”\"'：:，,、 ")
	s = strings.TrimSuffix(s, "关于")
	s = strings.TrimSuffix(s, "的")
	return s
}

// YearOf returns the data year named by a title, 0 when none.
func YearOf(title string) int { return ClassifyTitle(title).Year }
