package server

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/search"
)

// pageSize is how many results a search page lists.
const pageSize = 100

type searchPage struct {
	Title   string
	Nav     string
	Filter  query.Filter
	Year    string
	Sites   []string
	Error   string
	Total   int
	Offset  int
	From    int
	To      int
	Results []resultRow
	// Export is the ZIP bundle of the current result; ExportCSV and
	// ExportXLSX its data tables.
	Export, ExportCSV, ExportXLSX string
	Prev, Next                    string
	Pages                         []pageLink
	Queried                       bool
	// Q is the full-text query (GET /?q=…); its results carry snippets
	// and More says whether more follow.
	Q    string
	More bool
	// Sort and Order are the list's order (sortKeys); Cols the headers.
	Sort, Order string
	Cols        []sortCol
	Facets      []facet
}

// resultRow is one search result with its check summary.
type resultRow struct {
	*archive.Document
	CheckState string // fail, ok, none: see checkState
	Snippet    string // full-text search: the matches marked 【…】
}

// sortCol is one column header of the result list: a link that sorts by
// it (the other way round when it is the current order).
type sortCol struct {
	Label, Href string
	Aria        string // ascending, descending or "" (aria-sort)
	Key         string
}

type pageLink struct {
	N    int
	Href string
	On   bool
}

// facet counts the current result by one property; each value links to
// the result narrowed to it.
type facet struct {
	Key, Label string
	Values     []facetValue
}

type facetValue struct {
	Label string
	Count int
	Href  string // "" when the value cannot narrow (no filter for it)
	On    bool
}

// sortKeys are the orders of the result list, with their headers.
var sortKeys = []struct{ key, label string }{
	{"year", "年份"}, {"body", "机关"}, {"region", "地区"}, {"title", "标题"},
	{"format", "格式"}, {"checks", "校验"}, {"published", "发布日期"},
}

// maxFacetValues bounds a facet's listed values (the largest counts).
const maxFacetValues = 12

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	p := searchPage{Title: "搜索年报", Nav: "search", Sites: s.siteOptions(), Sort: "year", Order: "desc"}
	q, err := queryValues(r)
	if err != nil {
		p.Error = "网址中的查询参数无法解析（编码有误）"
		s.render(w, http.StatusBadRequest, "search", p)
		return
	}
	p.Year = q.Get("year")
	f, err := ParseFilter(q, "offset", "q", "sort", "order")
	if err == nil {
		_, p.Offset, err = pageParams(q)
	}
	if err == nil {
		p.Sort, p.Order, err = sortParams(q)
	}
	if err != nil {
		p.Error = chineseError(err)
		s.render(w, http.StatusBadRequest, "search", p)
		return
	}
	p.Filter = f
	if p.Q = strings.TrimSpace(q.Get("q")); p.Q != "" {
		s.pageFullText(w, r, p)
		return
	}
	docs, err := s.query(r.Context(), s.arc, f)
	if err != nil {
		s.log.Error("search", "err", err)
		p.Error = "查询失败，请查看服务日志"
		s.render(w, http.StatusInternalServerError, "search", p)
		return
	}
	p.Queried = true
	p.Total = len(docs)
	p.Facets = facets(f, p.Sort, p.Order, docs)
	sortDocs(docs, p.Sort, p.Order)
	end := min(len(docs), p.Offset+pageSize)
	if p.Offset < end {
		for _, d := range docs[p.Offset:end] {
			p.Results = append(p.Results, resultRow{Document: d, CheckState: s.checkStateOf(d)})
		}
		p.From, p.To = p.Offset+1, end
	}
	v := filterValues(f)
	p.Export = "/api/export"
	if len(v) > 0 {
		p.Export += "?" + v.Encode()
	}
	v.Set("as", "csv")
	p.ExportCSV = "/api/export?" + v.Encode()
	v.Set("as", "xlsx")
	p.ExportXLSX = "/api/export?" + v.Encode()
	link := func(off int) string { return listLink(f, p.Sort, p.Order, off) }
	if p.Offset > 0 {
		p.Prev = link(max(0, p.Offset-pageSize))
	}
	if end < len(docs) {
		p.Next = link(end)
	}
	if len(docs) > pageSize {
		cur := p.Offset / pageSize
		last := (len(docs) - 1) / pageSize
		for i := 0; i <= last; i++ {
			// first, last and the pages around the current one
			if i == 0 || i == last || (i >= cur-2 && i <= cur+2) {
				p.Pages = append(p.Pages, pageLink{N: i + 1, Href: link(i * pageSize), On: i == cur})
			} else if len(p.Pages) > 0 && p.Pages[len(p.Pages)-1].N != 0 {
				p.Pages = append(p.Pages, pageLink{}) // a gap: …
			}
		}
	}
	for _, k := range sortKeys {
		c := sortCol{Label: k.label, Key: k.key}
		order := "asc"
		if k.key == "year" || k.key == "checks" || k.key == "published" {
			order = "desc" // newest or worst first on the first click
		}
		if k.key == p.Sort {
			c.Aria = map[string]string{"asc": "ascending", "desc": "descending"}[p.Order]
			order = map[string]string{"asc": "desc", "desc": "asc"}[p.Order]
		}
		c.Href = listLink(f, k.key, order, 0)
		p.Cols = append(p.Cols, c)
	}
	s.render(w, http.StatusOK, "search", p)
}

// sortParams reads sort and order (default: newest first).
func sortParams(q url.Values) (string, string, error) {
	key, order := q.Get("sort"), q.Get("order")
	if key == "" {
		key = "year"
	}
	ok := false
	for _, k := range sortKeys {
		ok = ok || k.key == key
	}
	if !ok {
		return "", "", badFilter("排序方式 "+strconv.Quote(key)+" 不对", "sort %q: want one of year, body, region, title, format, checks, published", key)
	}
	switch order {
	case "":
		order = "asc"
		if key == "year" || key == "checks" || key == "published" {
			order = "desc"
		}
	case "asc", "desc":
	default:
		return "", "", badFilter("排序方向 "+strconv.Quote(order)+" 不对，应为 asc 或 desc", "order %q: want asc or desc", order)
	}
	return key, order, nil
}

// listLink is the search page for f in the given order from offset.
func listLink(f query.Filter, sortKey, order string, offset int) string {
	v := filterValues(f)
	if sortKey != "year" || order != "desc" {
		v.Set("sort", sortKey)
		v.Set("order", order)
	}
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// sortDocs orders docs by key; ties go newest year first, then body, id.
func sortDocs(docs []*archive.Document, key, order string) {
	less := func(a, b *archive.Document) int {
		switch key {
		case "body":
			return strings.Compare(a.Body, b.Body)
		case "region":
			return strings.Compare(a.Region, b.Region)
		case "title":
			return strings.Compare(a.Title, b.Title)
		case "format":
			return strings.Compare(a.Format, b.Format)
		case "checks":
			return a.FailedChecks - b.FailedChecks
		case "published":
			return strings.Compare(a.PublishedAt, b.PublishedAt)
		}
		return a.Year - b.Year
	}
	sort.SliceStable(docs, func(i, j int) bool {
		a, b := docs[i], docs[j]
		c := less(a, b)
		if order == "desc" {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
		if a.Year != b.Year {
			return a.Year > b.Year
		}
		if a.Body != b.Body {
			return a.Body < b.Body
		}
		return a.ID < b.ID
	})
}

// facets counts docs by year, region, format, check result, parse status
// and site; a value links to the list narrowed to it (a value already
// chosen links back to the wider list).
func facets(f query.Filter, sortKey, order string, docs []*archive.Document) []facet {
	type counter struct {
		key, label string
		value      func(*archive.Document) string
		name       func(string) string
		narrow     func(f *query.Filter, v string) bool // false: no filter for it
		on         func(f query.Filter, v string) bool
		byKeyDesc  bool
	}
	year := func(d *archive.Document) string {
		if d.Year == 0 {
			return ""
		}
		return strconv.Itoa(d.Year)
	}
	counters := []counter{
		{key: "year", label: "年份", value: year, byKeyDesc: true,
			name: func(v string) string { return orUnknown(v, "年份不详") },
			narrow: func(f *query.Filter, v string) bool {
				y, err := strconv.Atoi(v)
				f.YearFrom, f.YearTo = y, y
				return err == nil
			},
			on: func(f query.Filter, v string) bool { return f.YearFrom != 0 && yearsText(f.YearFrom, f.YearTo) == v }},
		{key: "region", label: "地区", value: func(d *archive.Document) string { return d.Region },
			name:   func(v string) string { return orUnknown(v, "地区不详") },
			narrow: func(f *query.Filter, v string) bool { f.Region = v; return v != "" },
			on:     func(f query.Filter, v string) bool { return f.Region == v }},
		{key: "format", label: "表格版式", value: func(d *archive.Document) string { return d.Format },
			name:   formatLabel,
			narrow: func(f *query.Filter, v string) bool { f.Format = v; return v != "" },
			on:     func(f query.Filter, v string) bool { return f.Format == v }},
		{key: "checks", label: "校验", value: func(d *archive.Document) string {
			if d.FailedChecks > 0 {
				return "fail"
			}
			return "pass"
		},
			name: func(v string) string {
				return map[string]string{"fail": "有未通过的校验", "pass": "没有未通过的校验"}[v]
			},
			narrow: func(f *query.Filter, v string) bool { f.FailedChecks = true; return v == "fail" },
			on:     func(f query.Filter, v string) bool { return f.FailedChecks && v == "fail" }},
		{key: "status", label: "解析状态", value: func(d *archive.Document) string { return d.ParseStatus },
			name: statusLabel},
		{key: "site", label: "站点", value: func(d *archive.Document) string { return d.Site },
			name:   func(v string) string { return orUnknown(v, "导入的文件") },
			narrow: func(f *query.Filter, v string) bool { f.Site = v; return v != "" },
			on:     func(f query.Filter, v string) bool { return f.Site == v }},
	}
	var out []facet
	for _, c := range counters {
		counts := map[string]int{}
		for _, d := range docs {
			counts[c.value(d)]++
		}
		if len(counts) == 0 {
			continue
		}
		vals := make([]string, 0, len(counts))
		for v := range counts {
			vals = append(vals, v)
		}
		sort.Slice(vals, func(i, j int) bool {
			if c.byKeyDesc {
				return vals[i] > vals[j]
			}
			if counts[vals[i]] != counts[vals[j]] {
				return counts[vals[i]] > counts[vals[j]]
			}
			return vals[i] < vals[j]
		})
		fc := facet{Key: c.key, Label: c.label}
		for i, v := range vals {
			if i == maxFacetValues {
				fc.Values = append(fc.Values, facetValue{Label: "其余 " + strconv.Itoa(len(vals)-i) + " 项"})
				break
			}
			fv := facetValue{Label: c.name(v), Count: counts[v]}
			if c.narrow != nil {
				nf := f
				if c.on(f, v) {
					fv.On = true
					wider := f
					switch c.key {
					case "year":
						wider.YearFrom, wider.YearTo = 0, 0
					case "region":
						wider.Region = ""
					case "format":
						wider.Format = ""
					case "checks":
						wider.FailedChecks = false
					case "site":
						wider.Site = ""
					}
					fv.Href = listLink(wider, sortKey, order, 0)
				} else if c.narrow(&nf, v) && len(counts) > 1 {
					fv.Href = listLink(nf, sortKey, order, 0)
				}
			}
			fc.Values = append(fc.Values, fv)
		}
		out = append(out, fc)
	}
	return out
}

func orUnknown(v, unknown string) string {
	if v == "" {
		return unknown
	}
	return v
}

// pageFullText is the search page for a full-text query: ranked results
// with snippets, a page at a time.
func (s *Server) pageFullText(w http.ResponseWriter, r *http.Request, p searchPage) {
	res, more, err := s.runSearch(r.Context(), p.Q, p.Filter, p.Offset, pageSize)
	if errors.Is(err, search.ErrBadQuery) {
		p.Error = "全文检索式有误（" + err.Error() + "）"
		s.render(w, http.StatusBadRequest, "search", p)
		return
	}
	if err != nil {
		s.log.Error("full-text search", "err", err)
		p.Error = "查询失败，请查看服务日志"
		s.render(w, http.StatusInternalServerError, "search", p)
		return
	}
	p.Queried = true
	p.More = more
	for _, h := range res {
		p.Results = append(p.Results, resultRow{Document: h.Doc, CheckState: s.checkStateOf(h.Doc), Snippet: h.Snippet})
	}
	if len(res) > 0 {
		p.From, p.To = p.Offset+1, p.Offset+len(res)
	}
	p.Total = p.To
	link := func(off int) string {
		v := filterValues(p.Filter)
		v.Set("q", p.Q)
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		return "/?" + v.Encode()
	}
	if p.Offset > 0 {
		p.Prev = link(max(0, p.Offset-pageSize))
	}
	if more {
		p.Next = link(p.Offset + pageSize)
	}
	for _, k := range sortKeys {
		p.Cols = append(p.Cols, sortCol{Label: k.label, Key: k.key}) // ranked: not sortable
	}
	s.render(w, http.StatusOK, "search", p)
}
