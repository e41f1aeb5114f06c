package sites

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

func init() { Register(Haiyun{}) }

// NoteNeedsBrowser starts the note for a report list that only a browser
// can render: the site then has "a list we cannot read", not "no reports".
const NoteNeedsBrowser = "needs a browser: "

// Haiyun is the TRS 海云 client-rendered list (portals.md §2.1, C13): the
// column's HTML list is empty and a script POSTs
// channelId=<32hex>&page=N&size=20&relateSubChannels=true to
// /getFileListByCodeId, which answers
// {results:{data:{total, results:[{titleHtml, url, redirectUrl, publishedTimeStr}]}}}.
// Where no such endpoint can be read from the page, a report column whose
// list is drawn by script is reported as needing a browser.
type Haiyun struct{}

func (Haiyun) Name() string { return "haiyun" }

var (
	hyEndpoint = regexp.MustCompile(`['"]([^'"\s]*getFileListByCodeId[^'"\s]*)['"]`)
	hyChannel  = regexp.MustCompile(`channelId['"]?\s*[:=]\s*['"]([0-9a-fA-F]{32})['"]`)
	hySize     = regexp.MustCompile(`\bsize['"]?\s*[:=]\s*['"]?(\d{1,3})\b`)
	tagRe      = regexp.MustCompile(`<[^>]*>`)
	// Scripts that draw lists in the browser.
	jsRender = regexp.MustCompile(`\$\.(?:ajax|post|get|getJSON)\s*\(|XMLHttpRequest|fetch\s*\(|axios\.|window\.atob|\batob\s*\(|new\s+Vue\s*\(|innerHTML\s*=|\.html\s*\(|template\s*\(`)
)

func (Haiyun) Detect(p *Page) (float64, string) {
	switch {
	case isJSON(p.HTML) && strings.Contains(p.HTML, `"results"`) && (strings.Contains(p.HTML, `"titleHtml"`) || strings.Contains(p.HTML, `"publishedTimeStr"`)):
		return 0.95, "海云 getFileListByCodeId JSON"
	case strings.Contains(p.HTML, "getFileListByCodeId") && hyEndpoint.MatchString(p.HTML):
		return 0.8, "海云 list script POSTing to getFileListByCodeId"
	}
	return 0, "no 海云 markers"
}

type hyResult struct {
	TitleHTML        string `json:"titleHtml"`
	Title            string `json:"title"`
	URL              string `json:"url"`
	RedirectURL      string `json:"redirectUrl"`
	PublishedTimeStr string `json:"publishedTimeStr"`
}

type hyAnswer struct {
	Results struct {
		Data struct {
			Total   int        `json:"total"`
			Results []hyResult `json:"results"`
		} `json:"data"`
	} `json:"results"`
}

func (Haiyun) Analyze(p *Page) Analysis {
	if isJSON(p.HTML) {
		return hyJSON(p)
	}
	a := AnalyzeGeneric(p)
	m := hyEndpoint.FindStringSubmatch(p.HTML)
	ch := hyChannel.FindStringSubmatch(p.HTML)
	if m == nil || ch == nil {
		flagJSOnly(p, &a)
		return a
	}
	size := 20
	if s := hySize.FindStringSubmatch(p.HTML); s != nil {
		size, _ = strconv.Atoi(s[1])
	}
	if l, ok := hyPage(p, m[1], ch[1], 1, size); ok {
		a.Links = mergeLinks(append(a.Links, l))
		a.IsList, a.Report = true, nil
	}
	return a
}

// hyPage is the request for page n of a channel.
func hyPage(p *Page, endpoint, channel string, n, size int) (Link, bool) {
	u := resolve(p.URL, endpoint)
	if u == nil {
		return Link{}, false
	}
	form := url.Values{"channelId": {channel}, "page": {strconv.Itoa(n)}, "size": {strconv.Itoa(size)}, "relateSubChannels": {"true"}}
	score := float64(scoreColumn)
	if n > 1 {
		score = scoreNext
	}
	return formLink(Link{URL: u.String(), Kind: KindList, Score: score, Next: n > 1,
		Why: "海云 getFileListByCodeId channel " + channel + " page " + strconv.Itoa(n)}, form), true
}

// formLink makes l a POST of form (fields in a stable order).
func formLink(l Link, form url.Values) Link {
	l.Form = form.Encode()
	return l
}

// pageForm is the form that fetched p (POST), else its query.
func pageForm(p *Page) url.Values {
	if p.Form != "" {
		if v, err := url.ParseQuery(p.Form); err == nil {
			return v
		}
	}
	return p.URL.Query()
}

func hyJSON(p *Page) Analysis {
	a := Analysis{IsList: true}
	var ans hyAnswer
	if err := json.Unmarshal([]byte(p.HTML), &ans); err != nil {
		a.Notes = append(a.Notes, "haiyun: answer is not the expected JSON: "+err.Error())
		return a
	}
	d := ans.Results.Data
	for _, r := range d.Results {
		title := cleanText(tagRe.ReplaceAllString(firstNonBlank(r.TitleHTML, r.Title), ""))
		ti := ClassifyTitle(title)
		href := firstNonBlank(r.URL, r.RedirectURL)
		u := resolve(p.URL, href)
		if !ti.IsReport || u == nil {
			continue
		}
		kind := KindDetail
		if hasAttachExt(u.Path) {
			kind = KindAttachment
		}
		a.Links = append(a.Links, Link{URL: u.String(), Kind: kind, Title: title, Date: FindDate(r.PublishedTimeStr),
			Score: scoreDetail + recency(ti.Year), Why: "海云 JSON row: " + ti.Reason})
	}
	f := pageForm(p)
	page, _ := strconv.Atoi(f.Get("page"))
	size, _ := strconv.Atoi(f.Get("size"))
	if page >= 1 && size > 0 && len(d.Results) > 0 && page*size < d.Total && f.Get("channelId") != "" {
		base := *p.URL
		base.RawQuery = ""
		if l, ok := hyPage(p, base.String(), f.Get("channelId"), page+1, size); ok {
			a.Links = append(a.Links, l)
		}
	}
	a.Links = mergeLinks(a.Links)
	return a
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// flagJSOnly adds the needs-a-browser note to the analysis of a report
// column that shows no items, no pager and no sub-columns, but whose
// scripts draw the list in the browser.
func flagJSOnly(p *Page, a *Analysis) {
	if note, ok := NeedsBrowser(p, *a); ok {
		a.Notes = append(a.Notes, note)
		a.IsList, a.Report = true, nil
	}
}

// NeedsBrowser reports whether p is a report list that only JavaScript
// can render, with the note to record. The engine may call it on every
// analysed list page, whatever its family.
func NeedsBrowser(p *Page, a Analysis) (string, bool) {
	if a.Report != nil {
		return "", false
	}
	column := p.Kind == KindList || Column(p.Title, p.URL.String()).IsColumn
	if !column {
		return "", false
	}
	lists := false
	for _, l := range a.Links {
		switch l.Kind {
		case KindDetail, KindAttachment, KindPart:
			return "", false // items a static crawl follows
		case KindList:
			lists = true
		}
	}
	if n := scriptOnlyReports(p); n > 0 {
		return NoteNeedsBrowser + "the list at " + p.URL.String() + " links its " + strconv.Itoa(n) +
			" report(s) only through scripts (javascript: links naming no URL); a static crawl cannot follow them", true
	}
	if lists {
		return "", false
	}
	var scripts strings.Builder
	p.Doc.FindMatcher(selScript).Each(func(_ int, s *goquery.Selection) {
		scripts.WriteString(s.Text())
		if src, ok := s.Attr("src"); ok {
			scripts.WriteString(" src:" + src)
		}
	})
	js := scripts.String()
	if m := jsRender.FindString(js); m != "" {
		return NoteNeedsBrowser + "the list at " + p.URL.String() + " is drawn by script (" + strings.TrimSpace(m) + "); a static crawl sees no items", true
	}
	return "", false
}

// scriptOnlyReports counts the links of p that name a report but lead
// there only through a script: href="javascript:…" or an onclick handler
// in which no URL can be read (showDoc('5001')).
func scriptOnlyReports(p *Page) int {
	var tb textBuf
	n := 0
	for _, a := range p.index().anchors {
		if a.Data != "a" || anchorTargetNode(a) != "" {
			continue
		}
		href := strings.ToLower(strings.TrimSpace(attrOr(a, "href", "")))
		if !strings.HasPrefix(href, "javascript:") && !hasAttr(a, "onclick") {
			continue
		}
		if ClassifyTitle(bestTitle(tb.cleanNodeText(a), strings.TrimSpace(attrOr(a, "title", "")))).IsReport {
			n++
		}
	}
	return n
}
