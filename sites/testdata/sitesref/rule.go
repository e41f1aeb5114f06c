package sitesref

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/nianbao/nianbao/internal/htmltree"
)

// Link kinds. The engine fetches each kind differently: lists are
// re-checked every run, details and attachments only when due.
const (
	KindStart      = "start"      // a configured start URL
	KindNav        = "nav"        // toward the 政府信息公开 area
	KindList       = "list"       // a report column, a page of it, or a node of an aggregation tree
	KindDetail     = "detail"     // a page whose title names a report
	KindPart       = "part"       // a continuation page of a multi-page report (t…_1.html)
	KindAttachment = "attachment" // a file linked from a report page (or a report linked as a file)
)

// Page is one fetched HTML page, decoded to UTF-8.
type Page struct {
	URL  *url.URL
	HTML string
	Doc  *goquery.Document
	// Kind is the kind of link that led here (KindStart for start URLs).
	Kind string
	// Title is the anchor title that led here, if any.
	Title string
	// Form is the application/x-www-form-urlencoded body that fetched the
	// page when it was POSTed (a JSON list endpoint), "" for a GET.
	Form string
	// Selectors are the site's own (config sites[].selectors), if any.
	Selectors Selectors

	idx *pageIndex // what AnalyzeGeneric reads of Doc, built on first use
}

// Selectors are CSS selectors (goquery) a site's config gives for its
// templates. AnalyzeGeneric, and so every family built on it, applies them.
type Selectors struct {
	// List selects the list-item anchors, or the rows holding them, on list
	// pages. Where it matches, report links outside it are not list items
	// (sidebars, "hot" boxes); columns, pagers and navigation still count.
	List string
	// Date selects the date inside a list row.
	Date string
}

// NewPage parses html fetched from rawURL (the final URL after redirects).
func NewPage(rawURL, html, kind, title string) (*Page, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("page url %q: %w", rawURL, err)
	}
	// htmltree builds html.Parse's tree at a fraction of its cost; the
	// crawl parses every page it fetches. Its pooled memory goes back once
	// the tree is copied out (see compactTree).
	root, mem, err := htmltree.ParseReuse(html)
	if err != nil {
		return nil, fmt.Errorf("parse html of %s: %w", rawURL, err)
	}
	if mem != nil {
		root = compactTree(root)
		mem.Release()
	}
	return &Page{URL: u, HTML: html, Doc: goquery.NewDocumentFromNode(root), Kind: kind, Title: title}, nil
}

// Link is one link worth following, classified and scored.
type Link struct {
	URL   string  // absolute URL as linked (not canonicalised)
	Kind  string  // one of the Kind constants
	Title string  // best title: title= attribute when the text is truncated
	Date  string  // YYYY-MM-DD from the list row, "" when none
	Score float64 // higher is fetched first
	Why   string  // human-readable reason, shown by `crawler sites check`
	// Next marks a link to the next page of the same list; the engine stops
	// paging when a whole page held nothing new (stop_paging_when_known).
	Next bool
	// Form, when set, is an application/x-www-form-urlencoded body: the
	// link is POSTed (海云 getFileListByCodeId). URL and Form together name it.
	Form string
}

// Rule is one CMS family. A family is one file in this package that
// registers its Rule in init.
type Rule interface {
	// Name is the family name used in config.yaml (trs, hanweb, generic…).
	Name() string
	// Detect returns a confidence in [0,1] that p is served by this family, and why.
	Detect(p *Page) (float64, string)
	// Analyze classifies p and returns the links to follow from it.
	Analyze(p *Page) Analysis
}

// Analysis is what a rule makes of one page.
type Analysis struct {
	// Report is set when the page itself is a report (a detail page whose
	// title names a report, and which is not a list of reports).
	Report *TitleInfo
	// Title is the page's own title (meta ArticleTitle, heading, <title>).
	Title string
	// Date is the page's publication date, YYYY-MM-DD, if shown.
	Date string
	// IsList is set when the page lists several reports or sub-columns.
	IsList bool
	Links  []Link
	// Notes explain decisions (e.g. "JS-only list: needs a browser").
	Notes []string
	// Items are the entries of a list page: the targets of its links other
	// than the list's own pages (pager links, the page itself), whatever
	// they lead to. Trail.Step compares them from page to page. nil when
	// the rule does not list them (JSON and XML answers, detail pages).
	Items []string
	// PageNum and PageCount are the page's number in its list (from 1) and
	// the list's page count as its pager declares them; 0 is unknown.
	PageNum, PageCount int
}

var registry = map[string]Rule{}

// Register adds a family rule. It panics on a duplicate name, which is a
// programming error caught by any test.
func Register(r Rule) {
	if _, dup := registry[r.Name()]; dup {
		panic("sites: duplicate rule " + r.Name())
	}
	registry[r.Name()] = r
}

// Lookup returns the rule named in config ("" and unknown names: false).
func Lookup(name string) (Rule, bool) {
	r, ok := registry[name]
	return r, ok
}

// Families lists the registered family names, sorted.
func Families() []string {
	var out []string
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Detection is one family's verdict on a page.
type Detection struct {
	Family     string
	Confidence float64
	Why        string
}

// Detect runs every rule on p and returns the best family (generic when
// no family is confident) together with all verdicts, best first.
func Detect(p *Page) (Rule, []Detection) {
	var ds []Detection
	for _, r := range registry {
		c, why := r.Detect(p)
		ds = append(ds, Detection{r.Name(), c, why})
	}
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].Confidence != ds[j].Confidence {
			return ds[i].Confidence > ds[j].Confidence
		}
		return ds[i].Family < ds[j].Family
	})
	best := registry["generic"]
	if len(ds) > 0 && ds[0].Confidence >= 0.5 {
		best = registry[ds[0].Family]
	}
	return best, ds
}

// mergeLinks dedupes links by URL, keeping the highest-scored kind, and
// sorts best first.
func mergeLinks(ls []Link) []Link {
	idx := map[string]int{}
	var out []Link
	for _, l := range ls {
		key := l.URL
		if l.Form != "" {
			key += "\x00" + l.Form // one POST endpoint, many pages
		}
		if i, ok := idx[key]; ok {
			if l.Score > out[i].Score {
				next := out[i].Next || l.Next
				if l.Title == "" {
					l.Title = out[i].Title
				}
				if l.Date == "" {
					l.Date = out[i].Date
				}
				out[i] = l
				out[i].Next = next
			} else {
				if out[i].Title == "" {
					out[i].Title = l.Title
				}
				if out[i].Date == "" {
					out[i].Date = l.Date
				}
				out[i].Next = out[i].Next || l.Next
			}
			continue
		}
		idx[key] = len(out)
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}

// evidence accumulates a family's detection score and the reasons
// `crawler sites check` prints.
type evidence struct {
	score float64
	why   []string
}

// add counts weight s for reason w when ok.
func (e *evidence) add(ok bool, s float64, w string) {
	if ok {
		e.score += s
		e.why = append(e.why, w)
	}
}

// result is the confidence, capped at 1, and the reasons; none explains a
// page with no marker at all.
func (e *evidence) result(none string) (float64, string) {
	if len(e.why) == 0 {
		return 0, none
	}
	return min(e.score, 1), strings.Join(e.why, ", ")
}
