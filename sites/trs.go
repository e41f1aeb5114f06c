package sites

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/internal/textfold"
)

func init() { Register(TRS{}) }

// TRS is the most common family (TRS WCM static publishing): lists
// index.html, index_1.html… paged by a createPageHTML script, details
// ./YYYYMM/t20240115_123456.html with the body in div.TRS_Editor,
// attachments ./P0….pdf in p.insertfileTag (whose OLDSRC is a CMS-internal
// path that 404s on many sites and is never followed), and multi-page
// articles t…_1.html.
type TRS struct{}

func (TRS) Name() string { return "trs" }

var (
	trsArticle = regexp.MustCompile(`(?:href=|src=)["']?\.{0,2}/?(?:[^"'\s>]*/)?t\d{8}_\d+(?:_\d+)?\.s?html?`)
	// createPageHTML(3, 0, "index", "html") — count, 0-based current, prefix, ext.
	createPage4 = regexp.MustCompile(`createPageHTML\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']\s*\)`)
	// createPageHTML('page_div', 5, 1, 'prefix', 'shtml', 98) — div, count, 1-based current, prefix, ext, total records.
	createPage6 = regexp.MustCompile(`createPageHTML\(\s*["']([^"']*)["']\s*,\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']\s*,\s*([\w.]+)\s*\)`)
	jsVar       = regexp.MustCompile(`(?:var|let|const)?\s*([A-Za-z_$][\w$]*)\s*=\s*(?:parseInt\()?["']?(\d+)["']?\)?`)
)

func (TRS) Detect(p *Page) (float64, string) {
	var e evidence
	h := p.HTML
	e.add(strings.Contains(h, "createPageHTML"), 0.5, "createPageHTML pager script")
	e.add(strings.Contains(h, "TRS_Editor") || strings.Contains(h, "TRS_UEDITOR") || strings.Contains(h, "trs_editor"), 0.5, "TRS_Editor body")
	// IndexFold, not strings.ToLower: no copy of the whole page per Detect.
	e.add(strings.Contains(h, "insertfileTag") || textfold.IndexFold(h, "oldsrc=") >= 0, 0.3, "insertfileTag/OLDSRC attachments")
	n := countTRSArticles(h)
	e.add(n > 0, 0.3, strconv.Itoa(n)+" t20YYMMDD_N.html article links")
	e.add(strings.Contains(h, "TRS") && strings.Contains(h, "generator"), 0.2, "TRS generator meta")
	e.add(strings.Contains(h, "listModel(") || strings.Contains(h, ".trsapi"), 0.5, "TRS trt listModel/trsapi list script")
	return e.result("no TRS markers")
}

func (TRS) Analyze(p *Page) Analysis {
	a := AnalyzeGeneric(p)
	base := resolveBase(p)
	var extra []Link
	for _, pg := range trsPages(p.HTML) {
		u := resolve(base, "./"+pg)
		if u == nil || sameDoc(p.URL, u) {
			continue
		}
		if p.Kind == KindDetail || p.Kind == KindPart {
			if isPart(p.URL, u) {
				extra = append(extra, Link{URL: u.String(), Kind: KindPart, Score: scorePart, Why: "continuation page named by createPageHTML"})
			}
			continue
		}
		a.IsList = true
		extra = append(extra, Link{URL: u.String(), Kind: KindList, Score: scoreNext, Why: "next page from createPageHTML", Next: true})
	}
	if len(extra) > 0 {
		a.Links = mergeLinks(append(a.Links, extra...))
	}
	if p.Kind != KindDetail && p.Kind != KindPart && a.Report == nil {
		reach := trsReach(p)
		if reach.static > 0 && (a.PageCount == 0 || a.PageCount > reach.static) {
			a.PageCount = reach.static // no page past the static ones exists
		}
		if note, ok := reach.note(p); ok {
			a.Notes = append(a.Notes, note)
		}
	}
	return a
}

// NoteIncompleteList starts the note for a list whose script declares
// more items than its static pages can show: the rest is out of a static
// crawl's reach, and the site's crawl is partial, never complete.
const NoteIncompleteList = "incomplete list: "

var (
	// TRS trt "动静结合" lists (portals.md §2.1): listModel({quickMode:
	// "动静结合", maxStaticIndex: 1, …, pagebar: {prepage: 10, recordCount:
	// '20'}}); older templates set variables (var recordCount = 57).
	trtStatic  = regexp.MustCompile(`\bmaxStaticIndex["']?\s*[:=]\s*["']?(\d{1,5})`)
	trtPerPage = regexp.MustCompile(`\b(?:prepage|pageSize|pagesize|perPage|perpage)["']?\s*[:=]\s*["']?(\d{1,4})\b`)
	trtTotal   = regexp.MustCompile(`\b(?:recordCount|recordcount|totalRecords?|totalrecords?|totalCount|totalcount)["']?\s*[:=]\s*["']?(\d{1,7})\b`)
)

// listReach is what a TRS list page declares about its items: how many
// (total), how many a page (per), how many pages exist as static HTML
// (static, from maxStaticIndex or the createPageHTML page count; 0
// unknown), and whether the rest is drawn from a search API (dynamic).
type listReach struct {
	total, per, static int
	dynamic            bool // maxStaticIndex: "动静结合"
}

func trsReach(p *Page) listReach {
	h := p.HTML
	var r listReach
	if !strings.Contains(h, "maxStaticIndex") && !strings.Contains(h, "createPageHTML(") {
		return r
	}
	num := func(re *regexp.Regexp) int {
		if m := re.FindStringSubmatch(h); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
		return 0
	}
	r.total, r.per = num(trtTotal), num(trtPerPage)
	if r.static = num(trtStatic); r.static > 0 {
		r.dynamic = true
	}
	if m := createPage6.FindStringSubmatch(h); m != nil && r.total == 0 {
		r.total, _ = jsInt(h, m[6])
	}
	if r.static == 0 {
		_, r.static = declaredPager(h)
	}
	return r
}

// note is the incomplete-list note when the list declares more items
// than its static pages show.
func (r listReach) note(p *Page) (string, bool) {
	reach := r.static * r.per
	if r.total <= 0 || r.per <= 0 || r.static <= 0 || r.total <= reach {
		return "", false
	}
	list := p.URL.String()
	if u := resolve(resolveBase(p), "./"); u != nil {
		list = u.String()
	}
	pages := "1 page"
	if r.static > 1 {
		pages = strconv.Itoa(r.static) + " pages"
	}
	why := "its pager names no further page"
	if r.dynamic {
		why = "TRS 动静结合: the later pages come from a search API a static crawl cannot query"
	}
	return fmt.Sprintf("%sthe list at %s declares %d items; its static pages show at most %d (%s of %d), %d are out of reach (%s)",
		NoteIncompleteList, list, r.total, reach, pages, r.per, r.total-reach, why), true
}

// jsInt reads s, an argument of a script call, as a number: a literal or
// a variable assigned one earlier in the page h.
func jsInt(h, s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	for _, m := range jsVar.FindAllStringSubmatch(h, -1) {
		if m[1] == s {
			n, _ := strconv.Atoi(m[2])
			return n, true
		}
	}
	return 0, false
}

// trsPages returns the file name of the page after the current one, read
// from the createPageHTML call in both conventions:
//   - 4 arguments, 0-based: page k+1 is prefix_(k+1).ext (index.html, index_1.html, …);
//   - 6 arguments, 1-based: page k+1 is prefix_(k+1).ext (prefix.shtml, prefix_2.shtml, …);
//     a 6-argument call with current 0 is read as 0-based.
//
// Arguments may be variables assigned earlier in the page.
func trsPages(h string) []string {
	if !strings.Contains(h, "createPageHTML(") {
		return nil
	}
	num := func(arg string) (int, bool) { return jsInt(h, arg) }
	var out []string
	for _, m := range createPage6.FindAllStringSubmatch(h, -1) {
		count, ok1 := num(m[2])
		cur, ok2 := num(m[3])
		if !ok1 || !ok2 {
			continue
		}
		next := cur + 1
		if cur == 0 { // 0-based: index, index_1, …
			if next < count {
				out = append(out, m[4]+"_"+strconv.Itoa(next)+"."+m[5])
			}
			continue
		}
		if next <= count {
			out = append(out, m[4]+"_"+strconv.Itoa(next)+"."+m[5])
		}
	}
	for _, m := range createPage4.FindAllStringSubmatch(h, -1) {
		count, ok1 := num(m[1])
		cur, ok2 := num(m[2])
		if !ok1 || !ok2 {
			continue
		}
		if next := cur + 1; next < count {
			out = append(out, m[3]+"_"+strconv.Itoa(next)+"."+m[4])
		}
	}
	return out
}
