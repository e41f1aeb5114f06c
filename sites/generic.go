package sites

import (
	"bytes"
	"html"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	xhtml "golang.org/x/net/html"

	"github.com/nianbao/nianbao/internal/textfold"
)

func init() { Register(Generic{}) }

// Generic is the zero-config rule: columns by label and slug, list items
// by title, next pages by pager text, attachments by extension or
// download script. Family rules build on it (see AnalyzeGeneric).
type Generic struct{}

func (Generic) Name() string { return "generic" }

func (Generic) Detect(p *Page) (float64, string) {
	return 0.1, "no family markers; generic discovery by column labels, slugs and report titles"
}

func (Generic) Analyze(p *Page) Analysis { return AnalyzeGeneric(p) }

// Scores by link kind; the engine subtracts a little per depth (the same
// for a list's next page and its items, which keep the list's depth).
const (
	// scoreNext: a list's next page comes before the list's reports and
	// files (scoreDetail plus recency is below 101), so the frontier holds
	// the next list page while they are fetched instead of running dry
	// at the end of each page.
	scoreNext       = 110
	scoreDetail     = 100
	scoreAttachment = 95
	scorePart       = 95
	scoreColumn     = 80
	scoreTree       = 65
	scoreNav        = 40
)

var (
	attachExt    = regexp.MustCompile(`(?i)\.(pdf|docx?|wps|xlsx?|et|ofd|rtf|zip|rar|7z|ceb|caj)$`)
	downloadPath = regexp.MustCompile(`(?i)(?:downfile|download|downloadfile|filedown|getfile)\.(?:jsp|do|aspx?|php)|/attach(?:ment)?/`)
	nextText     = regexp.MustCompile(`^(?:下一页|下页|后一页|next|Next|>|›|»|>>)$`)
	pageNumText  = regexp.MustCompile(`^\[?\d{1,4}\]?$`)
	yearText     = regexp.MustCompile(`^((?:19|20)\d{2})(?:年|年度|年报|年度报告|年年报)?$`)
	unitSuffix   = regexp.MustCompile(`(?:局|委|委员会|办|办公室|政府|街道|街道办事处|镇|乡|中心|院|所|会|处|队|站|部|厅|署|馆|区|县|市|公司|部门|单位|乡镇|镇街)$`)
	jsURL        = regexp.MustCompile(`['"]((?:\.{0,2}/|https?://)[^'"\s<>]+)['"]`)
	scriptFile   = regexp.MustCompile(`['"]((?:\.{0,2}/|https?://)?[^'"\s<>()]+\.(?:pdf|docx?|wps|xlsx?|et|ofd|rtf|zip|rar))['"]`)
	partName     = regexp.MustCompile(`^(.+)_(\d+)\.(s?html?)$`)
	stemName     = regexp.MustCompile(`^(.+)\.(s?html?)$`)
	treeText     = regexp.MustCompile(`汇总|部门|街道|乡镇|镇街|单位|区县|县区|直属|机构`)
	titleSep     = regexp.MustCompile(`\s*[-_|｜—–]+\s*`)
	truncMark    = regexp.MustCompile(`(?:…|\.\.\.|。。。)\s*$`)
)

// AnalyzeGeneric is the generic analysis every family rule starts from.
func AnalyzeGeneric(p *Page) Analysis {
	var a Analysis
	g := genericRun{p: p, x: p.index()}
	a.Title = g.pageTitle()
	a.Date = g.pageDate()
	g.base = resolveBase(p)
	g.detailish = p.Kind == KindDetail || p.Kind == KindPart
	g.rows, g.useList = listRows(p, g.detailish)
	if !g.detailish {
		g.items = make([]string, 0, len(g.x.anchors))
	}
	for _, n := range g.x.anchors {
		g.anchor(n)
	}
	if g.detailish {
		// Attachment URLs written by scripts (document.write, var file='…').
		for _, n := range g.x.scripts {
			g.script(n)
		}
	}
	hasNext := false
	for _, l := range g.links {
		hasNext = hasNext || l.Next
	}
	a.IsList = g.reportLinks >= 2 || g.columnLinks >= 2 || hasNext
	pt := ClassifyTitle(a.Title)
	if !pt.IsReport && p.Title != "" {
		if at := ClassifyTitle(p.Title); at.IsReport {
			pt = at
		}
	}
	// A report reached through a list-looking link (a unit's "2024年"
	// year link in an aggregation tree) is still a report: its own title
	// names one and it is an article, not a column.
	hasArticleTitle := g.x.meta("ArticleTitle") != nil
	article := looksLikeArticle(path.Base(p.URL.Path)) || hasArticleTitle
	if pt.IsReport && (g.detailish || !a.IsList && g.reportLinks <= 1 && article) {
		a.Report = &pt
		a.IsList = false
	}
	if a.Report == nil && p.Kind == KindList {
		a.IsList = true
	}
	a.Links = mergeLinks(g.links)
	if !g.detailish && a.Report == nil {
		a.Items = g.items
		a.PageNum, a.PageCount = declaredPager(p.HTML)
	}
	return a
}

// genericRun is one AnalyzeGeneric: the page, what it found so far, and
// memory reused from anchor to anchor.
type genericRun struct {
	p         *Page
	x         *pageIndex
	base      *url.URL
	detailish bool
	rows      map[*xhtml.Node]*goquery.Selection
	useList   bool

	links                    []Link
	reportLinks, columnLinks int
	// items: the targets of the page's links but its pager's and its own
	// pages' (Analysis.Items); nil on detail pages.
	items   []string
	listKey string // listKey(p.URL), "" until asked

	text textBuf
	// The last list row whose text rowDate read: the anchors of one row
	// (a table row of several cells) follow each other.
	row     *xhtml.Node
	rowText string
	// columnish(p.URL), -1 until asked.
	columnish int8
}

// anchor classifies one link; anything not worth following adds nothing.
func (g *genericRun) anchor(n *xhtml.Node) {
	p := g.p
	href := anchorTargetNode(n)
	if href == "" {
		return
	}
	u := resolve(g.base, href)
	if u == nil {
		return
	}
	abs := u.String()
	text := g.text.cleanNodeText(n)
	if g.items != nil && !isPagerText(text) && !g.ownList(u) {
		g.items = append(g.items, abs)
	}
	title := bestTitle(text, strings.TrimSpace(attrOr(n, "title", "")))
	ti := ClassifyTitle(title)
	row, listed := g.rows[n]
	// The row's date, read only for the links that carry one.
	date := func() string {
		if d := selectedDate(p, n, row); d != "" {
			return d
		}
		return g.rowDate(n, text)
	}
	// With a list selector that matches, only its items are reports.
	item := !g.useList || listed
	if isAttachment(u, n, text) {
		switch {
		case g.detailish:
			g.links = append(g.links, Link{URL: abs, Kind: KindAttachment, Title: title, Date: date(), Score: scoreAttachment, Why: "attachment of a report page"})
		case ti.IsReport && item:
			g.reportLinks++
			g.links = append(g.links, Link{URL: abs, Kind: KindAttachment, Title: title, Date: date(), Score: scoreAttachment, Why: "report published as a file: " + ti.Reason})
		}
		return
	}
	if ti.IsReport && item {
		g.reportLinks++
		why := ti.Reason
		if listed {
			why += " (list selector)"
		}
		g.links = append(g.links, Link{URL: abs, Kind: KindDetail, Title: title, Date: date(), Score: scoreDetail + recency(ti.Year), Why: why})
		return
	}
	if g.detailish {
		if isPart(p.URL, u) {
			g.links = append(g.links, Link{URL: abs, Kind: KindPart, Title: title, Score: scorePart, Why: "continuation page of a multi-page article"})
		}
		// Detail pages also link to their column (breadcrumbs).
		if ci := Column(title, abs); ci.IsColumn {
			g.links = append(g.links, Link{URL: abs, Kind: KindList, Title: title, Score: scoreColumn, Why: ci.Reason})
		}
		return
	}
	listPage := p.Kind == KindList || p.Kind == KindStart && g.pageColumnish()
	// The pager first: its links into a column named by a report slug
	// (zfxxgknb/index_2.html) are the list's next pages, not columns.
	if listPage && (isNextText(text) || isPageNumText(text) && !sameDoc(p.URL, u) && samePathDir(p.URL, u)) {
		g.links = append(g.links, Link{URL: abs, Kind: KindList, Title: text, Score: scoreNext, Why: "next page of the list", Next: true})
		return
	}
	ci := Column(title, abs)
	if ci.IsDecoy {
		return
	}
	if ci.IsColumn && !sameDoc(p.URL, u) {
		g.columnLinks++
		g.links = append(g.links, Link{URL: abs, Kind: KindList, Title: title, Score: scoreColumn, Why: ci.Reason})
		return
	}
	if listPage {
		t := textfold.Fold(title, textfold.Title)
		if isYearText(t) && looksLikeArticle(path.Base(u.Path)) {
			// A unit's year list (ul#timeFrame "2023年") linking the report itself.
			g.reportLinks++
			g.links = append(g.links, Link{URL: abs, Kind: KindDetail, Date: date(), Score: scoreDetail - 1, Why: "year link of a unit to an article"})
			return
		}
		if isYearText(t) {
			g.columnLinks++
			g.links = append(g.links, Link{URL: abs, Kind: KindList, Title: title, Score: scoreTree, Why: "year node of an aggregation tree"})
			return
		}
		if t != "" && utf8.RuneCountInString(t) <= 30 && (unitSuffix.MatchString(t) || treeText.MatchString(t)) && isChildPath(p.URL, u) && !looksLikeArticle(path.Base(u.Path)) {
			g.columnLinks++
			g.links = append(g.links, Link{URL: abs, Kind: KindList, Title: title, Score: scoreTree, Why: "unit node of an aggregation tree"})
			return
		}
	}
	if p.Kind == KindStart || p.Kind == KindNav {
		if ok, why := Nav(title, abs); ok && !sameDoc(p.URL, u) {
			g.links = append(g.links, Link{URL: abs, Kind: KindNav, Title: title, Score: scoreNav, Why: why})
		}
	}
}

// ownList reports whether u is a page of the list p is a page of (its
// pager's links, the page itself).
func (g *genericRun) ownList(u *url.URL) bool {
	if !strings.EqualFold(u.Host, g.p.URL.Host) {
		return false
	}
	if g.listKey == "" {
		g.listKey = listKey(g.p.URL)
	}
	return listKey(u) == g.listKey
}

// script adds the attachments a detail page's script names.
func (g *genericRun) script(n *xhtml.Node) {
	g.text.raw = appendText(g.text.raw[:0], n)
	if !mayNameFile(g.text.raw) {
		return
	}
	for _, m := range scriptFile.FindAllStringSubmatch(string(g.text.raw), -1) {
		if u := resolve(g.base, html.UnescapeString(m[1])); u != nil {
			g.links = append(g.links, Link{URL: u.String(), Kind: KindAttachment, Title: path.Base(u.Path), Score: scoreAttachment - 5, Why: "attachment named in a page script"})
		}
	}
}

// scriptExts: every scriptFile match ends in one of them (before its quote).
var scriptExts = [][]byte{[]byte(".pdf"), []byte(".doc"), []byte(".wps"), []byte(".xls"), []byte(".et"), []byte(".ofd"), []byte(".rtf"), []byte(".zip"), []byte(".rar")}

// mayNameFile is false when scriptFile cannot match s: its regexp has no
// literal prefix and would try every byte of every script.
func mayNameFile(s []byte) bool {
	for _, e := range scriptExts {
		if bytes.Contains(s, e) {
			return true
		}
	}
	return false
}

// pageColumnish is columnish(p.URL), worked out once per page.
func (g *genericRun) pageColumnish() bool {
	if g.columnish == 0 {
		g.columnish = 2
		if columnish(g.p.URL) {
			g.columnish = 1
		}
	}
	return g.columnish == 1
}

// Literal pre-checks for the anchored link-text regexps, which scan the
// whole text before failing: each match is short and starts as below.

// isNextText is nextText.MatchString(s); its longest match is 9 bytes.
func isNextText(s string) bool { return len(s) <= 9 && nextText.MatchString(s) }

// isPageNumText is pageNumText.MatchString(s), at most "[1234]".
func isPageNumText(s string) bool { return len(s) <= 6 && pageNumText.MatchString(s) }

// isYearText is yearText.MatchString(s): 19xx or 20xx, then at most
// 年度报告 (12 bytes).
func isYearText(s string) bool {
	return len(s) >= 4 && len(s) <= 16 && (s[:2] == "19" || s[:2] == "20") && yearText.MatchString(s)
}

// anchorSel selects everything AnalyzeGeneric reads as a link.
const anchorSel = "a[href], a[onclick], [data-href], [data-url]"

// Selectors compiled once: goquery's Find compiles its string on every
// call, which showed in the crawl's profile.
var (
	selScript = cascadia.MustCompile("script")
	selTitle  = cascadia.MustCompile("title")
	selBody   = cascadia.MustCompile("body")
	// selRow: the list row around an anchor (compiled once: goquery's
	// string-selector methods compile on every call, per anchor here).
	selRow = cascadia.MustCompile("li, tr, dd, dl, p")
	// Family rules' selectors.
	selTimeFrame      = cascadia.MustCompile("ul#timeFrame")
	selTimeFrameLinks = cascadia.MustCompile("ul#timeFrame a")
	selHrefAnchors    = cascadia.MustCompile("a[href]")
)

// meta is the content of the first <meta name=name>; ok is false when
// there is none or it has no content attribute.
func (p *Page) meta(name string) (string, bool) {
	return attr(p.index().meta(name), "content")
}

// listRows maps the anchors inside the site's list selector to their row
// (the matched element, or the anchor's parent when the selector picks
// anchors). useList is false when there is no selector, the page is a
// detail, or the selector matches nothing here (a home page): generic
// discovery then applies unchanged.
func listRows(p *Page, detailish bool) (rows map[*xhtml.Node]*goquery.Selection, useList bool) {
	if p.Selectors.List == "" || detailish {
		return nil, false
	}
	rows = map[*xhtml.Node]*goquery.Selection{}
	// An invalid selector matches nothing (goquery does not panic).
	p.Doc.Find(p.Selectors.List).Each(func(_ int, m *goquery.Selection) {
		if m.Is(anchorSel) {
			row := m.ParentsMatcher(selRow).First()
			if row.Length() == 0 {
				row = m.Parent()
			}
			rows[m.Get(0)] = row
			return
		}
		m.Find(anchorSel).Each(func(_ int, a *goquery.Selection) { rows[a.Get(0)] = m })
	})
	return rows, len(rows) > 0
}

// selectedDate reads a list row's date through the site's date selector;
// "" when there is none or it finds no date. row is the anchor's row
// from listRows, nil when it is not listed.
func selectedDate(p *Page, anchor *xhtml.Node, row *goquery.Selection) string {
	if p.Selectors.Date == "" {
		return ""
	}
	if row == nil {
		n := nearestRow(anchor)
		if n == nil {
			return ""
		}
		row = p.Doc.FindNodes(n)
	}
	return FindDate(cleanText(row.Find(p.Selectors.Date).First().Text()))
}

// nearestRow is the list row around an anchor: its closest li, tr, dd,
// dl or p (ParentsMatcher(selRow).First()), else its parent element
// (Parent()), else nil (an empty selection).
func nearestRow(n *xhtml.Node) *xhtml.Node {
	for a := n.Parent; a != nil; a = a.Parent {
		if a.Type == xhtml.ElementNode {
			switch a.Data {
			case "li", "tr", "dd", "dl", "p":
				return a
			}
		}
	}
	if n.Parent != nil && n.Parent.Type == xhtml.ElementNode {
		return n.Parent
	}
	return nil
}

// recency orders reports newest first within the detail band.
func recency(year int) float64 {
	if year < 2000 {
		return 0
	}
	return float64(year-2000) / 100
}

func anchorTarget(s *goquery.Selection) string {
	if s.Length() == 0 {
		return ""
	}
	return anchorTargetNode(s.Get(0))
}

// anchorTargetNode is the URL an anchor (or a data-href/data-url element)
// leads to, "" for none.
func anchorTargetNode(s *xhtml.Node) string {
	href := strings.TrimSpace(attrOr(s, "href", ""))
	low := strings.ToLower(href)
	if strings.HasPrefix(low, "javascript:") || href == "" || href == "#" {
		// href="javascript:void(0)" onclick="jumpToDetail('./202605/t…html')",
		// data-href / data-url attributes.
		for _, attr := range []string{"data-href", "data-url", "onclick"} {
			v := attrOr(s, attr, "")
			if v == "" {
				continue
			}
			if attr != "onclick" {
				return strings.TrimSpace(v)
			}
			if m := jsURL.FindStringSubmatch(v); m != nil {
				return m[1]
			}
		}
		if strings.HasPrefix(low, "javascript:") {
			if m := jsURL.FindStringSubmatch(href); m != nil {
				return m[1]
			}
		}
		return ""
	}
	if strings.HasPrefix(low, "mailto:") || strings.HasPrefix(low, "tel:") || strings.HasPrefix(href, "#") {
		return ""
	}
	return href
}

// resolveBase is the URL relative links resolve against. A list served at
// /zfxxgk/zfxxgknb (no trailing slash) writes ./202401/t….html meaning
// the column directory, as RSSHub's chongqing/gzw route also assumes.
func resolveBase(p *Page) *url.URL {
	b := *p.URL
	if href, ok := attr(p.index().base, "href"); ok {
		if u, err := p.URL.Parse(strings.TrimSpace(href)); err == nil {
			b = *u
		}
		return &b
	}
	last := path.Base(b.Path)
	if (p.Kind == KindList || p.Kind == KindStart || p.Kind == KindNav) && b.RawQuery == "" &&
		b.Path != "" && !strings.HasSuffix(b.Path, "/") && !strings.Contains(last, ".") {
		b.Path += "/"
		b.RawPath = ""
	}
	return &b
}

func resolve(base *url.URL, href string) *url.URL {
	href = strings.TrimSpace(html.UnescapeString(href)) // "&amp;" left escaped in scripts and some attributes
	href = strings.ReplaceAll(href, "\\", "/")
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	u.Fragment = ""
	u.RawFragment = ""
	return u
}

func cleanText(s string) string {
	if isClean(s) {
		return s // most titles and attributes: no copy
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// bestTitle prefers the title= attribute: anchor texts are truncated
// ("…") or polluted, while title= carries the full title.
func bestTitle(text, attr string) string {
	attr = cleanText(attr)
	switch {
	case attr == "":
		return text
	case text == "" || isTruncated(text):
		return attr
	case ClassifyTitle(attr).IsReport && !ClassifyTitle(text).IsReport:
		return attr
	case len([]rune(attr)) > len([]rune(text)) && strings.HasPrefix(textfold.Fold(attr, textfold.Title), textfold.Fold(strings.TrimRight(text, ".…"), textfold.Title)):
		return attr
	}
	return text
}

// isTruncated is truncMark.MatchString(s): s ends in …, ... or 。。。
// and perhaps white space, where the regexp would try every byte.
func isTruncated(s string) bool {
	t := strings.TrimRight(s, " \t\n\f\r")
	return (strings.HasSuffix(t, "…") || strings.HasSuffix(t, "...") || strings.HasSuffix(t, "。。。")) && truncMark.MatchString(s)
}

// rowDate finds the date shown next to a list item (span, b, td…).
func (g *genericRun) rowDate(n *xhtml.Node, text string) string {
	row := nearestRow(n)
	if row == nil {
		return ""
	}
	if row != g.row {
		g.row, g.rowText = row, g.text.cleanNodeText(row)
	}
	rt := g.rowText
	if !mayHoldDate(rt) {
		return "" // the replacement below cannot make a year
	}
	// Skip dates inside the title itself ("…2024年1月…" is rare, but
	// the row's own date column is what lists show).
	rt = strings.Replace(rt, text, " ", 1)
	return FindDate(rt)
}

func isAttachment(u *url.URL, n *xhtml.Node, text string) bool {
	if hasAttachExt(u.Path) || isDownloadPath(u.Path) {
		return true
	}
	if hasAttr(n, "appendix") || hasAttr(n, "download") {
		return true
	}
	// Extension-less download URLs (VSB download.jsp) name the file only in the text.
	return hasAttachExt(strings.TrimRight(text, "】]）) ")) && !strings.HasSuffix(strings.ToLower(u.Path), "html")
}

// isPart reports whether u continues the article at cur: t123.html →
// t123_1.html, t123_2.html.
func isPart(cur, u *url.URL) bool {
	if cur.Host != u.Host || path.Dir(cur.Path) != path.Dir(u.Path) {
		return false
	}
	cm := stemName.FindStringSubmatch(path.Base(cur.Path))
	um := partName.FindStringSubmatch(path.Base(u.Path))
	if cm == nil || um == nil || cm[2] != um[3] {
		return false
	}
	stem := cm[1]
	if pm := partName.FindStringSubmatch(path.Base(cur.Path)); pm != nil && strings.Contains(pm[1], "_") {
		// cur is itself a part (t…_1001_1.html): parts share t…_1001.
		if um[1] == pm[1] {
			stem = pm[1]
		}
	}
	n, _ := strconv.Atoi(um[2])
	return um[1] == stem && n > 0 && n < 100
}

func sameDoc(a, b *url.URL) bool {
	return a.Host == b.Host && strings.TrimSuffix(a.Path, "/") == strings.TrimSuffix(b.Path, "/") && a.RawQuery == b.RawQuery
}

func samePathDir(a, b *url.URL) bool {
	da, db := a.Path, b.Path
	if !strings.HasSuffix(da, "/") {
		da = path.Dir(da) + "/"
	}
	if !strings.HasSuffix(db, "/") {
		db = path.Dir(db) + "/"
	}
	return a.Host == b.Host && (da == db || strings.HasPrefix(db, da))
}

// isChildPath: u lives under cur's directory (aggregation subtrees).
func isChildPath(cur, u *url.URL) bool {
	d := cur.Path
	if !strings.HasSuffix(d, "/") {
		d = path.Dir(d) + "/"
	}
	return cur.Host == u.Host && strings.HasPrefix(u.Path, d) && strings.TrimSuffix(u.Path, "/") != strings.TrimSuffix(cur.Path, "/")
}

func columnish(u *url.URL) bool {
	ci := Column("", u.String())
	return ci.IsColumn
}

var (
	metaTitleNames = []string{"ArticleTitle", "articletitle", "title", "Title"}
	metaDateNames  = []string{"PubDate", "pubdate", "firstpublishedtime", "Maketime", "publishdate", "PublishDate"}
	pubText        = regexp.MustCompile(`(?:发布|公开|成文|更新)?(?:时间|日期)[：:]\s*((?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2})`)
)

// PageTitle is the page's own title (meta ArticleTitle, a heading, or the
// <title> segment naming a report).
func PageTitle(p *Page) string { return pageTitle(p) }

// pageTitle picks the page's own title: meta ArticleTitle, a heading, then
// the <title> segment that names a report ("站名 栏目 标题" forms).
func pageTitle(p *Page) string {
	g := genericRun{p: p, x: p.index()}
	return g.pageTitle()
}

// pageTitle is the first candidate that names a report, else the first
// candidate: candidates are read in order and only until one does.
func (g *genericRun) pageTitle() string {
	first, n := "", 0 // the first candidate, how many so far
	report := func(c string) bool {
		if n == 0 {
			first = c
		}
		n++
		return ClassifyTitle(c).IsReport
	}
	for _, name := range metaTitleNames {
		if v, ok := g.p.meta(name); ok && strings.TrimSpace(v) != "" {
			if c := cleanText(v); report(c) {
				return c
			}
		}
	}
	for _, h := range g.x.headings {
		if t := g.text.cleanNodeText(h); t != "" && utf8.RuneCountInString(t) < 120 && report(t) {
			return t
		}
		if n >= 8 {
			break
		}
	}
	if t := g.text.cleanNodeText(g.x.title); t != "" {
		if report(t) {
			return t
		}
		parts := []string{t} // titleSep.Split(t, -1) when it cannot match
		if strings.ContainsAny(t, "-_|｜—–") {
			parts = titleSep.Split(t, -1)
		}
		for _, c := range parts {
			if report(c) {
				return c
			}
		}
	}
	return first
}

func pageDate(p *Page) string {
	g := genericRun{p: p, x: p.index()}
	return g.pageDate()
}

func (g *genericRun) pageDate() string {
	for _, n := range metaDateNames {
		if v, ok := g.p.meta(n); ok {
			if d := FindDate(v); d != "" {
				return d
			}
		}
	}
	// Literal pre-check: pubText needs 时间 or 日期, and has no literal prefix.
	if body := g.text.cleanNodeText(g.x.bodies...); strings.Contains(body, "时间") || strings.Contains(body, "日期") {
		if m := pubText.FindStringSubmatch(body); m != nil {
			if d := FindDate(m[1]); d != "" {
				return d
			}
		}
	}
	return URLDate(g.p.URL.String())
}
