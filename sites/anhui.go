package sites

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/nianbao/nianbao/internal/textfold"
)

func init() { Register(Anhui{}) }

// NoteMissingYear starts the note an Anhui unit page gives for a gap in
// its year links ("missing year: …").
const NoteMissingYear = "missing year: "

// Anhui is the Anhui-style 政务公开平台 also used by Sichuan counties
// (portals.md §2.4): /public/column/{organId}?type=4&action=rel lists the
// related units (ul.clearfix li a[title]); each unit's 年报 page
// (?type=4&catId=…&action=list) has ul#timeFrame year links ("2023年") to
// /public/{siteId}/{docId}.html reports. Units missing a year in their
// run of years are noted, so "no report" is told from "not found".
// Attachment hrefs are relative with &amp; (resolve unescapes them).
type Anhui struct{}

func (Anhui) Name() string { return "anhui" }

var (
	ahColumn  = regexp.MustCompile(`/public/column/\d+`)
	ahDoc     = regexp.MustCompile(`/public/\d+/\d+\.html|/public/content/\d+|/openness/public/\d+/\d+\.html`)
	ahYear    = regexp.MustCompile(`^((?:19|20)\d{2})\s*年?度?$`)
	ahUnitSel = "ul.clearfix li a[title], ul.unit-list li a[title], .dept-list li a[title]"
)

func (Anhui) Detect(p *Page) (float64, string) {
	h := p.HTML
	var e evidence
	add := e.add
	add(ahColumn.MatchString(p.URL.Path), 0.6, "/public/column/{organId} URL")
	add(p.URL.Query().Get("action") == "rel", 0.2, "action=rel unit list")
	add(p.Doc.FindMatcher(selTimeFrame).Length() > 0, 0.5, "ul#timeFrame year links")
	hasPublic := strings.Contains(h, "/public/") // literal pre-check for both regexps
	add(hasPublic && len(ahDoc.FindAllStringIndex(h, 3)) >= 1 || ahDoc.MatchString(p.URL.Path), 0.3, "/public/{site}/{doc}.html documents")
	add(hasPublic && len(ahColumn.FindAllStringIndex(h, 3)) >= 2, 0.3, "links to /public/column/ lists")
	add(strings.Contains(h, `name="HtmlGenerateTime"`), 0.2, "HtmlGenerateTime meta")
	return e.result("no Anhui /public/column markers")
}

func (Anhui) Analyze(p *Page) Analysis {
	a := AnalyzeGeneric(p)
	base := resolveBase(p)
	var extra []Link
	// Related units.
	p.Doc.Find(ahUnitSel).Each(func(_ int, s *goquery.Selection) {
		u := resolve(base, s.AttrOr("href", ""))
		if u == nil || !ahColumn.MatchString(u.Path) || sameDoc(p.URL, u) {
			return
		}
		name := cleanText(s.AttrOr("title", s.Text()))
		extra = append(extra, Link{URL: u.String(), Kind: KindList, Title: name, Score: scoreTree, Why: "unit " + name + " in an action=rel unit list"})
	})
	// Year links of one unit.
	years := map[int]bool{}
	p.Doc.FindMatcher(selTimeFrameLinks).Each(func(_ int, s *goquery.Selection) {
		m := ahYear.FindStringSubmatch(textfold.Fold(s.Text(), textfold.Title))
		href := anchorTarget(s)
		u := resolve(base, href)
		if m == nil || u == nil {
			return
		}
		y, _ := strconv.Atoi(m[1])
		years[y] = true
		if ahDoc.MatchString(u.Path) || looksLikeArticle(lastSeg(u.Path)) {
			extra = append(extra, Link{URL: u.String(), Kind: KindDetail, Score: scoreDetail + recency(y) - 1, Why: fmt.Sprintf("ul#timeFrame %d年 link of a unit to its report", y)})
		} else if !sameDoc(p.URL, u) {
			extra = append(extra, Link{URL: u.String(), Kind: KindList, Score: scoreTree, Why: fmt.Sprintf("ul#timeFrame %d年 list of a unit", y)})
		}
	})
	if len(years) > 0 {
		a.IsList, a.Report = true, nil
		if gaps := missingYears(years); len(gaps) > 0 {
			unit := ahUnitName(p)
			var shown []string
			for _, y := range sortedYears(years) {
				shown = append(shown, strconv.Itoa(y))
			}
			for _, g := range gaps {
				a.Notes = append(a.Notes, fmt.Sprintf("%s%s has no %d report (years shown: %s) at %s", NoteMissingYear, unit, g, strings.Join(shown, ", "), p.URL))
			}
		}
	}
	if len(extra) > 0 {
		a.IsList = a.IsList || len(extra) >= 2
		a.Links = mergeLinks(append(a.Links, extra...))
	}
	return a
}

func lastSeg(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}

func sortedYears(m map[int]bool) []int {
	var ys []int
	for y := range m {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// missingYears returns the gaps in a unit's run of years.
func missingYears(m map[int]bool) []int {
	ys := sortedYears(m)
	var out []int
	for i := 1; i < len(ys); i++ {
		for y := ys[i-1] + 1; y < ys[i]; y++ {
			out = append(out, y)
		}
	}
	return out
}

// ahUnitName: the unit's name from the page heading or <title>.
func ahUnitName(p *Page) string {
	for _, sel := range []string{".unit-name", ".organ-name", "h2", "h1"} {
		if t := cleanText(p.Doc.Find(sel).First().Text()); t != "" && len([]rune(t)) <= 40 {
			return t
		}
	}
	t := cleanText(p.Doc.FindMatcher(selTitle).First().Text())
	if parts := titleSep.Split(t, -1); len(parts) > 0 && parts[0] != "" {
		return parts[0]
	}
	return p.URL.String()
}
