package sites

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/nianbao/nianbao/internal/textfold"
)

// ColumnInfo says whether a link leads to a column (list) of annual reports.
type ColumnInfo struct {
	IsColumn bool
	IsDecoy  bool // a sibling column that must not be taken for the reports
	Score    float64
	Reason   string
}

var (
	// Slugs of report columns (portals.md §1.1), with optional numeric
	// 集约化 suffixes (zfxxgknb_64786) and year trees (gknb2017, 2023nb).
	reportSlug = regexp.MustCompile(`(?i)^(?:zfxxgknb|xxgknb|gknb|ndbg|xxgkndbg|zfxxgkndbg|bmnb|bmxxgknb|qzfxxgknb|zfxxgkgzndbg|xxgkgzndbg|txxgknb)(?:_?\d+)?$|^(?i:gknb)\d{4}$|^\d{4}nb$`)
	// Decoy siblings: 指南, 制度, 政府网站工作年度报表, 政府工作报告, 法定主动公开内容.
	decoySlug = regexp.MustCompile(`(?i)^(?:zfxxgkzn|xxgkzn|gkzn|zfxxgkzd|xxgkzd|gkzd|zfwzndbb|wzndbb|zfwzgzndbb|zfgzbg|gzbg|fdzdgknr)(?:_?\d+)?$`)
	// Column labels.
	reportColumnText = regexp.MustCompile(`(?:政府|政务)?信息公开(?:工作)?(?:年度报告|年报)|^(?:政府信息公开)?年度报告$|^年报$|公开年报|^(?:部门|单位|乡镇|街道|镇街|区县|县区|区级|市级|部门街道)(?:信息公开)?年报|年报专栏|年度报告专栏`)
	decoyText        = regexp.MustCompile(`指南|制度|网站.*(?:年度)?报表|网站工作|政府工作报告|法定主动公开|解读|图解`)
	// Navigation toward the 政府信息公开 area, where report columns live.
	navText = regexp.MustCompile(`政府信息公开|信息公开|政务公开|公开目录|公开专栏|政府公开`)
	navSlug = regexp.MustCompile(`(?i)^(?:zfxxgk|xxgk|zwgk|gongkai|zfxxgkml|zfxxgkzl|openness|public|xxgk\d{4}|zwgk_?\d+|zfxxgk_?\d+|xxgk_?\d+)$`)
)

// Column classifies a link by its text and URL path as a report column, a
// decoy sibling or neither. Slugs win over labels: Guangdong's szyyj labels
// its xxgknb column "工作报表".
func Column(text, href string) ColumnInfo {
	t := textfold.Fold(text, textfold.Title)
	segs := pathSegments(href)
	last := ""
	if len(segs) > 0 {
		last = segs[len(segs)-1]
	}
	// The column slug is the last directory: /zfxxgk/zfxxgknb/ or /zfxxgk/zfxxgknb/index.shtml.
	slug := last
	if isIndexFile(last) && len(segs) > 1 {
		slug = segs[len(segs)-2]
	}
	if looksLikeArticle(last) {
		return ColumnInfo{Reason: "an article, not a column"}
	}
	if len([]rune(t)) > 20 {
		t = "" // a long anchor text is an item title, not a column label
	}
	switch {
	case decoySlug.MatchString(slug):
		return ColumnInfo{IsDecoy: true, Reason: "decoy column slug " + slug}
	case reportSlug.MatchString(slug):
		return ColumnInfo{IsColumn: true, Score: 0.9, Reason: "report column slug " + slug}
	case t != "" && decoyText.MatchString(t) && !reportColumnText.MatchString(t):
		return ColumnInfo{IsDecoy: true, Reason: "decoy column label " + t}
	case t != "" && reportColumnText.MatchString(t):
		return ColumnInfo{IsColumn: true, Score: 0.85, Reason: "report column label " + t}
	}
	return ColumnInfo{Reason: "not a report column"}
}

// Nav reports whether a link leads toward the information-disclosure area.
func Nav(text, href string) (bool, string) {
	t := textfold.Fold(text, textfold.Title)
	if t != "" && len([]rune(t)) <= 12 && navText.MatchString(t) && !decoyText.MatchString(t) {
		return true, "navigation label " + t
	}
	for _, s := range pathSegments(href) {
		if navSlug.MatchString(s) {
			return true, "navigation slug " + s
		}
	}
	return false, ""
}

func pathSegments(href string) []string {
	u, err := url.Parse(href)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range strings.Split(u.Path, "/") {
		if s != "" && s != "." && s != ".." {
			out = append(out, s)
		}
	}
	return out
}

var indexFile = regexp.MustCompile(`(?i)^(?:index|list|default|navlist|common_list)(?:_\d+)?\.(?:s?html?|jsp|jhtml|php|aspx?)$`)

func isIndexFile(s string) bool { return indexFile.MatchString(s) }

// articleFile matches detail pages: TRS t20240115_123.html, post_N.html,
// art_C_A.html, 19-digit snowflake ids, content_N.htm.
var articleFile = regexp.MustCompile(`(?i)^(?:t\d{8}_\d+(?:_\d+)?(?:_wap)?|post_\d+|mpost_\d+|art_\d+_\d+|\d{10,}|content_\d+|[0-9a-f]{32}|c\d+_\d+)\.(?:s?html?|jhtml)$`)

func looksLikeArticle(seg string) bool { return articleFile.MatchString(seg) }
