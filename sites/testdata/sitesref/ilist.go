package sitesref

import (
	"regexp"
	"strconv"
	"strings"
)

func init() { Register(IList{}) }

// IList is the /info/iList.jsp 政务公开目录 system (portals.md §2.5):
// GET /info/iList.jsp?node_id=…&cat_id=…&cur_page=N (1-based), rows
// `.list_div li a[title]` or `div.gk_list table td a`, details elsewhere on
// the site, files under /wcm.files/upload/…. Paging is bounded by the
// "共N页" count (or the highest cur_page the pager links); a 503 on a
// fast page 2 is the transport's business (retried with back-off).
type IList struct{}

func (IList) Name() string { return "ilist" }

var (
	ilPages   = regexp.MustCompile(`共\s*(\d+)\s*页`)
	ilCurPage = regexp.MustCompile(`(?:[?&;])cur_page=(\d+)`)
)

func (IList) Detect(p *Page) (float64, string) {
	h := p.HTML
	var e evidence
	add := e.add
	add(strings.HasSuffix(p.URL.Path, "/iList.jsp"), 0.8, "/info/iList.jsp catalogue URL")
	add(strings.Contains(h, "iList.jsp"), 0.3, "links to iList.jsp")
	add(strings.Contains(h, "cur_page="), 0.2, "cur_page paging")
	add(strings.Contains(h, "list_div") || strings.Contains(h, "gk_list"), 0.2, ".list_div/.gk_list rows")
	add(strings.Contains(h, "/wcm.files/upload/"), 0.3, "/wcm.files/upload/ files")
	return e.result("no iList.jsp markers")
}

func (IList) Analyze(p *Page) Analysis {
	a := AnalyzeGeneric(p)
	if !strings.HasSuffix(p.URL.Path, "iList.jsp") {
		return a
	}
	a.IsList, a.Report = true, nil
	q := p.URL.Query()
	cur, err := strconv.Atoi(q.Get("cur_page"))
	if err != nil || cur < 1 {
		cur = 1 // absent (or the old 0-based client's 0): the first page
	}
	total := 0
	if m := ilPages.FindStringSubmatch(p.Doc.FindMatcher(selBody).Text()); m != nil {
		total, _ = strconv.Atoi(m[1])
	}
	if total == 0 {
		// No "共N页": the highest page the pager links.
		for _, m := range ilCurPage.FindAllStringSubmatch(p.HTML, -1) {
			n, _ := strconv.Atoi(m[1])
			total = max(total, n)
		}
	}
	// Drop the pager's own links (first/last/numbered): the next page is
	// built here, one at a time, so stop-paging can cut a known tail.
	var keep []Link
	for _, l := range a.Links {
		if l.Next && strings.Contains(l.URL, "iList.jsp") {
			continue
		}
		keep = append(keep, l)
	}
	a.Links = keep
	if cur < total {
		next := *p.URL
		q.Set("cur_page", strconv.Itoa(cur+1))
		next.RawQuery = q.Encode()
		a.Links = append(a.Links, Link{URL: next.String(), Kind: KindList, Score: scoreNext, Next: true,
			Why: "iList.jsp cur_page=" + strconv.Itoa(cur+1) + " of " + strconv.Itoa(total)})
	}
	a.Links = mergeLinks(a.Links)
	return a
}
