package sitesref

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

func init() { Register(Hanweb{}) }

// Hanweb is the 大汉 JCMS family (portals.md §2.2): columns
// /col/col{C}/index.html whose first group of records sits as CDATA inside
// <script type="text/xml"><datastore> (or, on older sites, in a JS array
// `var InitDataNNN = ['…','…']`), a jQuery pager `$('#U').jpage({…})`
// whose parameters (unitid, columnid, perPage, groupSize, totalRecord,
// proxyUrl) drive /module/web/jpage/dataproxy.jsp paging by
// startrecord/endrecord/perpage, unpadded art/Y/M/D/art_C_A.html details
// with ZJEG content markers, and downfile.jsp attachments that 302 to
// /attach/….
//
// Goquery sees script content as raw text, so records are cut out of the
// page text and analysed as a list of their own. `?pageNum=` server paging
// is trusted only where the server renders a pager for the page asked
// for; a server that ignores it (serves page 1 again) is detected and
// noted, never paged endlessly.
type Hanweb struct{}

func (Hanweb) Name() string { return "hanweb" }

var (
	hwRecord    = regexp.MustCompile(`(?s)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>`)
	hwNextGroup = regexp.MustCompile(`(?s)<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>`)
	hwInitData  = regexp.MustCompile(`(?s)var\s+InitData(\w*)\s*=\s*\[(.*?)\]\s*;`)
	hwJSString  = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`)
	hwJpage     = regexp.MustCompile(`(?s)\.jpage\(\s*\{(.*?)\}\s*\)`)
	hwParam     = regexp.MustCompile(`(\w+)\s*:\s*('[^']*'|"[^"]*"|[\w./%-]+)`)
	hwArticle   = regexp.MustCompile(`/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html`)
	hwColumn    = regexp.MustCompile(`/col/col\d+/`)
	hwTotal     = regexp.MustCompile(`<totalrecord>\s*(\d+)\s*</totalrecord>`)
	hwHref      = regexp.MustCompile(`href=["']([^"']+)["']`)
	hwDivID     = regexp.MustCompile(`<div\s+id=["']?(\d+)["']?\s*>\s*<script\s+type=["']text/xml["']`)
)

func (Hanweb) Detect(p *Page) (float64, string) {
	h := p.HTML
	var e evidence
	add := e.add
	add(strings.Contains(h, "<datastore>"), 0.6, "<datastore> records")
	add(hwInitData.MatchString(h), 0.5, "InitData record array")
	add(strings.Contains(h, ".jpage("), 0.4, "jpage({…}) pager")
	add(strings.Contains(h, "dataproxy.jsp"), 0.3, "dataproxy.jsp")
	add(strings.Contains(h, "ZJEG_RSS"), 0.5, "ZJEG content markers")
	add(strings.Contains(h, "/module/download/downfile.jsp"), 0.3, "downfile.jsp attachments")
	add(hwArticle.MatchString(h) || hwArticle.MatchString(p.URL.Path), 0.3, "art/Y/M/D/art_C_A.html articles")
	add(hwColumn.MatchString(p.URL.Path), 0.2, "/col/colN/ column URL")
	add(strings.Contains(h, `name="i_columnid"`), 0.3, "i_columnid meta")
	return e.result("no Hanweb markers")
}

func (Hanweb) Analyze(p *Page) Analysis {
	if strings.Contains(p.URL.Path, "dataproxy.jsp") || isXMLDatastore(p.HTML) {
		return hanwebProxy(p)
	}
	a := AnalyzeGeneric(p)
	records := hanwebRecords(p.HTML)
	if len(records) > 0 {
		rl, items := rowLinks(p, wrapRecords(records), "Hanweb record")
		a.Links = mergeLinks(append(a.Links, rl...))
		if a.Report != nil {
			a.PageNum, a.PageCount = declaredPager(p.HTML)
		}
		a.IsList, a.Report = true, nil
		a.Items = append(a.Items, items...) // the records are the entries
	}
	jp := hanwebJpage(p.HTML)
	groups := hanwebGroups(p, jp, len(records))
	if len(groups) > 0 {
		a.IsList, a.Report = true, nil
		a.Links = mergeLinks(append(a.Links, groups...))
	}
	// ?pageNum=k: honoured when the server renders a pager for page k; a
	// server that ignores it serves page 1 again, whose pager points at
	// page 2 (or nowhere). Drop pageNum links then; dataproxy pages on.
	if k := pageNumOf(p.URL); k >= 2 {
		maxNext := 0
		for _, l := range a.Links {
			if u, err := url.Parse(l.URL); err == nil && l.Next {
				maxNext = max(maxNext, pageNumOf(u))
			}
		}
		if maxNext <= k && len(records) > 0 && !hasCurrentPage(p.HTML, k) {
			var keep []Link
			for _, l := range a.Links {
				if u, err := url.Parse(l.URL); err == nil && pageNumOf(u) > 0 {
					continue
				}
				keep = append(keep, l)
			}
			a.Links = keep
			a.Notes = append(a.Notes, "hanweb: ?pageNum="+strconv.Itoa(k)+" is ignored by this server (it serves page 1); paging through dataproxy.jsp instead")
		}
	}
	return a
}

// hasCurrentPage: a server-rendered pager marks page k as current.
func hasCurrentPage(h string, k int) bool {
	re := regexp.MustCompile(`class=["']?(?:current|curr|active|on)["']?[^>]*>\s*` + strconv.Itoa(k) + `\s*<`)
	return re.MatchString(h) || strings.Contains(h, "currentPage:"+strconv.Itoa(k)) || strings.Contains(h, "第"+strconv.Itoa(k)+"页")
}

func pageNumOf(u *url.URL) int {
	for k, vs := range u.Query() {
		if strings.EqualFold(k, "pageNum") && len(vs) > 0 {
			n, _ := strconv.Atoi(vs[0])
			return n
		}
	}
	return 0
}

func isXMLDatastore(h string) bool {
	t := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	return (strings.HasPrefix(t, "<?xml") || strings.HasPrefix(t, "<datastore")) && strings.Contains(t, "<datastore>")
}

// hanwebRecords returns the record HTML of every datastore and InitData
// array on the page.
func hanwebRecords(h string) []string {
	var out []string
	for _, m := range hwRecord.FindAllStringSubmatch(h, -1) {
		out = append(out, m[1])
	}
	for _, m := range hwInitData.FindAllStringSubmatch(h, -1) {
		for _, s := range hwJSString.FindAllStringSubmatch(m[2], -1) {
			v := s[1]
			if v == "" {
				v = s[2]
			}
			out = append(out, unescapeJS(v))
		}
	}
	return out
}

func unescapeJS(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\'`, `'`, `\"`, `"`, `\/`, `/`, `\\`, `\`, `\n`, "\n", `\t`, " ")
	return r.Replace(s)
}

// jpageParams are the pager's parameters, ajaxParam merged in.
type jpageParams map[string]string

func hanwebJpage(h string) jpageParams {
	jp := jpageParams{}
	m := hwJpage.FindStringSubmatch(h)
	if m == nil {
		return jp
	}
	for _, kv := range hwParam.FindAllStringSubmatch(m[1], -1) {
		v := strings.Trim(kv[2], `'"`)
		if _, dup := jp[kv[1]]; !dup {
			jp[kv[1]] = v
		}
	}
	// Parameters also travel in the nextgroup link.
	if ng := hwNextGroup.FindStringSubmatch(h); ng != nil {
		if hm := hwHref.FindStringSubmatch(ng[1]); hm != nil {
			if u, err := url.Parse(strings.ReplaceAll(hm[1], "&amp;", "&")); err == nil {
				if _, ok := jp["proxyUrl"]; !ok && strings.Contains(u.Path, "dataproxy") {
					jp["proxyUrl"] = u.Path
				}
				for k, vs := range u.Query() {
					if _, ok := jp[k]; !ok && len(vs) > 0 && k != "page" {
						jp[k] = u.Query().Get(k)
						// keep the raw (still escaped) form of webname
						if k == "webname" {
							jp[k] = rawQueryValue(u.RawQuery, k)
						}
					}
				}
			}
		}
	}
	if _, ok := jp["unitid"]; !ok {
		if dm := hwDivID.FindStringSubmatch(h); dm != nil {
			jp["unitid"] = dm[1]
		}
	}
	return jp
}

func rawQueryValue(raw, key string) string {
	for _, kv := range strings.Split(raw, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

func (jp jpageParams) num(k string, def int) int {
	if n, err := strconv.Atoi(jp[k]); err == nil && n > 0 {
		return n
	}
	return def
}

// maxGroups bounds the dataproxy calls one column page may ask for.
const maxGroups = 1000

// hanwebGroups returns the dataproxy.jsp calls that fetch the records
// after the inline first group.
func hanwebGroups(p *Page, jp jpageParams, inline int) []Link {
	proxy, col := jp["proxyUrl"], jp["columnid"]
	total := jp.num("totalRecord", 0)
	if proxy == "" || col == "" || total == 0 {
		return nil
	}
	per := jp.num("perPage", 15)
	group := per * jp.num("groupSize", 3)
	start := inline + 1
	if inline == 0 {
		start = 1
	}
	var out []Link
	for n := 0; start <= total && n < maxGroups; n++ {
		end := min(start+group-1, total)
		out = append(out, Link{
			URL:  proxyURL(p, proxy, jp, start, end, per),
			Kind: KindList, Score: scoreNext, Next: true,
			Why: "dataproxy.jsp records " + strconv.Itoa(start) + "–" + strconv.Itoa(end) + " of " + strconv.Itoa(total) + " (jpage totalRecord)",
		})
		start = end + 1
	}
	return out
}

var proxyKeys = []string{"col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname", "permissiontype"}

func proxyURL(p *Page, proxy string, jp jpageParams, start, end, per int) string {
	var b strings.Builder
	b.WriteString(proxy)
	b.WriteString("?startrecord=" + strconv.Itoa(start) + "&endrecord=" + strconv.Itoa(end) + "&perpage=" + strconv.Itoa(per))
	for _, k := range proxyKeys {
		v, ok := jp[k]
		switch {
		case ok:
		case k == "col" || k == "appid" || k == "sourceContentType":
			v = "1"
		case k == "path":
			v = "/"
		case k == "permissiontype":
			v = "0"
		default:
			continue
		}
		b.WriteString("&" + k + "=" + queryValue(v))
	}
	u := resolve(p.URL, b.String())
	if u == nil {
		return ""
	}
	return u.String()
}

// queryValue keeps already-escaped values (webname is double-escaped by
// the CMS and must travel as written) and escapes anything else.
func queryValue(v string) string {
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("%._-/~", r)) {
			return url.QueryEscape(v)
		}
	}
	return v
}

// hanwebProxy analyses a dataproxy.jsp XML answer: its records, and the
// next group when the column page did not already ask for it.
func hanwebProxy(p *Page) Analysis {
	a := Analysis{IsList: true}
	records := hanwebRecords(p.HTML)
	a.Links, a.Items = rowLinks(p, wrapRecords(records), "Hanweb dataproxy record")
	q := p.URL.Query()
	start, _ := strconv.Atoi(q.Get("startrecord"))
	end, _ := strconv.Atoi(q.Get("endrecord"))
	per, _ := strconv.Atoi(q.Get("perpage"))
	if m := hwTotal.FindStringSubmatch(p.HTML); m != nil && start > 0 && end >= start && len(records) > 0 {
		total, _ := strconv.Atoi(m[1])
		if end < total {
			next := *p.URL
			nq := next.RawQuery
			size := end - start + 1
			nq = replaceParam(nq, "startrecord", strconv.Itoa(end+1))
			nq = replaceParam(nq, "endrecord", strconv.Itoa(min(end+size, total)))
			next.RawQuery = nq
			a.Links = mergeLinks(append(a.Links, Link{URL: next.String(), Kind: KindList, Score: scoreNext, Next: true,
				Why: "next dataproxy.jsp group (totalrecord " + m[1] + ", perpage " + strconv.Itoa(per) + ")"}))
		}
	}
	if len(records) == 0 {
		a.Notes = append(a.Notes, "hanweb: dataproxy.jsp returned no records")
	}
	return a
}

func replaceParam(raw, key, val string) string {
	parts := strings.Split(raw, "&")
	for i, kv := range parts {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			parts[i] = key + "=" + val
		}
	}
	return strings.Join(parts, "&")
}

// wrapRecords gives each record its own container so that a table-row
// template stays a row (and its date stays its own) and polluted markup
// cannot spill into the next record.
func wrapRecords(records []string) string {
	var b strings.Builder
	for _, r := range records {
		t := strings.ToLower(strings.TrimSpace(r))
		switch {
		case strings.HasPrefix(t, "<tr"):
			b.WriteString("<table><tbody>" + r + "</tbody></table>\n")
		case strings.HasPrefix(t, "<li"):
			b.WriteString("<ul>" + r + "</ul>\n")
		default:
			b.WriteString("<div>" + r + "</div>\n")
		}
	}
	return b.String()
}

// rowLinks analyses list rows cut out of a script, JSON or XML (Hanweb
// records, an XHR fragment) as if they were a list page at p's URL, and
// returns the report and attachment links found in them, and the rows'
// entries (Analysis.Items; empty, not nil, for no rows).
func rowLinks(p *Page, rows, why string) ([]Link, []string) {
	if strings.TrimSpace(rows) == "" {
		return nil, []string{}
	}
	sub, err := NewPage(p.URL.String(), "<html><body>"+rows+"</body></html>", KindList, "")
	if err != nil {
		return nil, []string{}
	}
	sub.URL = p.URL
	var out []Link
	sa := AnalyzeGeneric(sub)
	for _, l := range sa.Links {
		if l.Kind == KindDetail || l.Kind == KindAttachment {
			l.Why = why + ": " + l.Why
			out = append(out, l)
		}
	}
	items := sa.Items
	if items == nil {
		items = []string{}
	}
	return out, items
}
