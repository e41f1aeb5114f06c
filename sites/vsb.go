package sites

import (
	"github.com/nianbao/nianbao/internal/textfold"
	"path"

	"github.com/PuerkitoBio/goquery"
	"regexp"
	"strconv"
	"strings"
)

func init() { Register(VSB{}) }

// VSB is the 博达 site-group system (portals.md §2.6): static lists
// col.htm whose older pages are col/{k}.htm numbered backwards (the oldest
// is 1.htm; the pager's link to 1.htm shows the page count), details
// info/{tree}/{id}.htm, and attachments
// /system/_content/download.jsp?…&wbfileid=N with no extension, named
// only by the link text (附件【name.pdf】), served only with a Referer
// (without one: an HTML error page with status 200).
type VSB struct{}

func (VSB) Name() string { return "vsb" }

var (
	vsbMarker = regexp.MustCompile(`(?i)Visual\s*SiteBuilder`)
	vsbDetail = regexp.MustCompile(`info/\d+/\d+\.htm`)
)

func (VSB) Detect(p *Page) (float64, string) {
	h := p.HTML
	var e evidence
	add := e.add
	add(textfold.IndexFold(h, "itebuilder") >= 0 && vsbMarker.MatchString(h), 0.9, "Visual SiteBuilder comment")
	add(strings.Contains(h, "/system/_content/download.jsp"), 0.4, "download.jsp attachments")
	add(strings.Contains(h, "_sitegray"), 0.3, "_sitegray script")
	add(strings.Contains(h, "wbtreeid") || strings.Contains(h, "wbnewsid"), 0.3, "wbtreeid/wbnewsid")
	add(strings.Contains(h, "info/") && vsbDetail.MatchString(h) || vsbDetail.MatchString(p.URL.Path), 0.3, "info/{tree}/{id}.htm details")
	return e.result("no VSB markers")
}

var vsbPageNum = regexp.MustCompile(`^(\d{1,5})\.htm$`)

func (VSB) Analyze(p *Page) Analysis {
	a := AnalyzeGeneric(p)
	if a.Report != nil && (p.Kind == KindDetail || p.Kind == KindPart) {
		return a
	}
	// The list stem: /xxgk/xxgknb.htm → /xxgk/xxgknb/, or /xxgk/xxgknb/7.htm → same.
	dir, file := path.Split(p.URL.Path)
	var stemDir string
	cur := 0
	if m := vsbPageNum.FindStringSubmatch(file); m != nil {
		stemDir = dir
		cur, _ = strconv.Atoi(m[1])
	} else if strings.HasSuffix(file, ".htm") {
		stemDir = dir + strings.TrimSuffix(file, ".htm") + "/"
	} else {
		return a
	}
	// Highest page number the pager links (the link to 1.htm shows the count).
	top := 0
	base := resolveBase(p)
	p.Doc.FindMatcher(selHrefAnchors).Each(func(_ int, s *goquery.Selection) {
		u := resolve(base, s.AttrOr("href", ""))
		if u == nil || u.Host != p.URL.Host {
			return
		}
		d, f := path.Split(u.Path)
		if m := vsbPageNum.FindStringSubmatch(f); m != nil && d == stemDir {
			n, _ := strconv.Atoi(m[1])
			top = max(top, n)
		}
	})
	if top == 0 && cur == 0 {
		return a
	}
	// Backwards numbering: the newest page is the stem, then N-1 … 1 (the
	// first older page is the highest number). From page k, the next older
	// page is k-1.
	var next int
	switch {
	case cur == 0:
		next = top
	case cur > 1:
		next = cur - 1
	}
	var keep []Link
	for _, l := range a.Links {
		if u := resolve(p.URL, l.URL); u != nil && l.Kind == KindList {
			if d, f := path.Split(u.Path); d == stemDir && vsbPageNum.MatchString(f) {
				continue // pager links: replaced by the one next page below
			}
		}
		keep = append(keep, l)
	}
	a.Links = keep
	if next > 0 {
		u := *p.URL
		u.Path = stemDir + strconv.Itoa(next) + ".htm"
		u.RawQuery = ""
		a.Links = append(a.Links, Link{URL: u.String(), Kind: KindList, Score: scoreNext, Next: true,
			Why: "VSB backwards-numbered list: next older page " + strconv.Itoa(next) + ".htm"})
		a.IsList = true
	}
	a.Links = mergeLinks(a.Links)
	return a
}
