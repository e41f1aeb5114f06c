package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/query"
)

// compareCol is one figure of /compare: the value at a schema path, or
// the sum of several (null when any part is null: a sum with a gap would
// be a guess).
type compareCol struct {
	Key, Label string
	Title      string // the schema's full label
	paths      []string
}

// reqPath names the 总计 column of a section 三 row.
func reqPath(row string) string { return "requests." + row + ".total" }

// compareCols are the figures journalists rank, with labels from the
// report schema.
var compareCols = func() []compareCol {
	one := func(key, label, path, title string) compareCol {
		return compareCol{Key: key, Label: label, Title: title, paths: []string{path}}
	}
	group := func(key, label, prefix string) compareCol {
		c := compareCol{Key: key, Label: label}
		for _, r := range query.RequestRows {
			if strings.HasPrefix(r.Key, prefix+".") {
				c.paths = append(c.paths, reqPath(r.Key))
			}
		}
		if g, ok := report.RequestGroupOf(prefix + ".x"); ok {
			c.Title = g.Label + "（各项之和）"
		}
		return c
	}
	cols := []compareCol{
		one("new", "新收申请", reqPath("new"), report.RequestLabel("new")),
		one("carried_over", "上年结转", reqPath("carried_over"), report.RequestLabel("carried_over")),
		one("granted", "予以公开", reqPath("granted"), report.RequestLabel("granted")),
		one("partly_granted", "部分公开", reqPath("partly_granted"), report.RequestLabel("partly_granted")),
		group("withheld", "不予公开", "withheld"),
	}
	for _, r := range query.RequestRows {
		if strings.HasPrefix(r.Key, "withheld.") {
			_, short, _ := strings.Cut(r.Label, ".")
			cols = append(cols, one(r.Key, "不予公开："+short, reqPath(r.Key), r.Label))
		}
	}
	cols = append(cols,
		group("unable", "无法提供", "unable"),
		group("not_processed", "不予处理", "not_processed"),
		one("total", "办理结果总计", reqPath("total"), report.RequestLabel("total")),
		one("review.total", "行政复议", "review_litigation.review.total", "行政复议 · 总计"),
		one("review.corrected", "复议纠正", "review_litigation.review.corrected", "行政复议 · 结果纠正"),
		compareCol{Key: "litigation.total", Label: "行政诉讼", Title: "行政诉讼 · 总计（直接起诉 + 复议后起诉）",
			paths: []string{"review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"}},
		compareCol{Key: "litigation.corrected", Label: "诉讼纠正", Title: "行政诉讼 · 结果纠正（直接起诉 + 复议后起诉）",
			paths: []string{"review_litigation.litigation_direct.corrected", "review_litigation.litigation_after_review.corrected"}},
		one("fees", "收费（万元）", "active.fees.amount_wan_yuan", report.ActiveLabel("fees")+" · "+report.FieldLabel(report.Format2021, "amount_wan_yuan")),
		one("licensing", "行政许可决定", "active.licensing.decisions", report.ActiveLabel("licensing")+" · "+report.FieldLabel(report.Format2021, "decisions")),
		one("punishment", "行政处罚决定", "active.punishment.decisions", report.ActiveLabel("punishment")+" · "+report.FieldLabel(report.Format2021, "decisions")),
		one("regulations", "制发规章", "active.regulations.issued", report.ActiveLabel("regulations")+" · "+report.FieldLabel(report.Format2021, "issued")),
		one("normative", "制发规范性文件", "active.normative_documents.issued", report.ActiveLabel("normative_documents")+" · "+report.FieldLabel(report.Format2021, "issued")),
	)
	return cols
}()

// reportValues indexes a report's numbers by path (table.row.col).
func reportValues(rep *query.Report) map[string]*float64 {
	out := map[string]*float64{}
	if rep == nil {
		return out
	}
	cells, err := rep.Cells()
	if err != nil {
		return out
	}
	for _, c := range cells {
		out[c.Table+"."+c.RowKey+"."+c.ColKey] = c.Num
	}
	return out
}

func (c compareCol) value(vals map[string]*float64) *float64 {
	sum := 0.0
	for _, p := range c.paths {
		v := vals[p]
		if v == nil {
			return nil
		}
		sum += *v
	}
	return &sum
}

type comparePage struct {
	Title, Nav string
	Filter     query.Filter
	Year       int
	YearText   string
	Years      []tabLink
	Error      string
	Cols       []compareHead
	Rows       []compareRow
	Totals     []compareTotal
	CSV, XLSX  string
	Searched   bool
	Sort       string
	// CoverageHref: who in the compared region published at all.
	CoverageHref string
}

type compareHead struct {
	compareCol
	Href, Aria string
}

type compareRow struct {
	ID, Body, Region string
	Values           []*float64
	Others           int // other reports of the body that year, not shown
	Status           string
}

type compareTotal struct {
	Sum   *float64
	Nulls int
}

func (s *Server) pageCompare(w http.ResponseWriter, r *http.Request) {
	p := comparePage{Title: "横向比较", Nav: "compare"}
	q, err := queryValues(r)
	if err != nil {
		p.Error = "网址中的查询参数无法解析（编码有误）"
		s.render(w, http.StatusBadRequest, "compare", p)
		return
	}
	f, err := ParseFilter(q, "sort", "order", "as")
	p.YearText = q.Get("year")
	sortKey, order := q.Get("sort"), q.Get("order")
	if err == nil && f.YearFrom != f.YearTo {
		err = badFilter("横向比较只看一个年度：请填一个年份，如 2023", "year: one year, not a range")
	}
	if err == nil && sortKey != "" {
		ok := sortKey == "body"
		for _, c := range compareCols {
			ok = ok || c.Key == sortKey
		}
		if !ok {
			err = badFilter("排序方式 "+strconv.Quote(sortKey)+" 不对", "sort %q: unknown column", sortKey)
		}
	}
	if err == nil && order != "" && order != "asc" && order != "desc" {
		err = badFilter("排序方向 "+strconv.Quote(order)+" 不对，应为 asc 或 desc", "order %q: want asc or desc", order)
	}
	as := q.Get("as")
	if err == nil && as != "" && as != "csv" && as != "xlsx" {
		err = badFilter("下载格式 "+strconv.Quote(as)+" 不对，应为 csv 或 xlsx", "as %q: want csv or xlsx", as)
	}
	p.Filter = f
	if err != nil {
		p.Error = chineseError(err)
		s.render(w, http.StatusBadRequest, "compare", p)
		return
	}
	if f.Body == "" && f.Region == "" && f.Site == "" {
		s.render(w, http.StatusOK, "compare", p)
		return
	}
	p.Searched = true
	if ds, err := divisions.Lookup(f.Region); f.Region != "" && err == nil && len(ds) == 1 {
		p.CoverageHref = coverageHref(ds[0].Code(), "")
	}
	all := f
	all.YearFrom, all.YearTo = 0, 0
	docs, err := s.query(r.Context(), s.arc, all)
	if err != nil {
		s.log.Error("compare", "err", err)
		p.Error = "查询失败，请查看服务日志"
		s.render(w, http.StatusInternalServerError, "compare", p)
		return
	}
	// The years on offer; the newest by default.
	yearSet := map[int]bool{}
	for _, d := range docs {
		if d.Year != 0 {
			yearSet[d.Year] = true
		}
	}
	var years []int
	for y := range yearSet {
		years = append(years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	p.Year = f.YearFrom
	if p.Year == 0 && len(years) > 0 {
		p.Year = years[0]
	}
	for _, y := range years {
		yf := f
		yf.YearFrom, yf.YearTo = y, y
		p.Years = append(p.Years, tabLink{Label: strconv.Itoa(y), Href: compareLink(yf, sortKey, order, ""), On: y == p.Year})
	}
	// One row per body: the best-parsed report of the year.
	best := map[string]*archive.Document{}
	count := map[string]int{}
	var bodies []string
	for _, d := range docs {
		if d.Year != p.Year {
			continue
		}
		k := query.GroupKey(d.Body) + "\x00" + d.Region
		count[k]++
		if o, ok := best[k]; !ok || query.StatusRank(d.ParseStatus) > query.StatusRank(o.ParseStatus) ||
			(query.StatusRank(d.ParseStatus) == query.StatusRank(o.ParseStatus) && d.LastSeen.After(o.LastSeen)) {
			if !ok {
				bodies = append(bodies, k)
			}
			best[k] = d
		}
	}
	for _, k := range bodies {
		d, err := s.arc.Document(best[k].ID) // with its parsed JSON
		if err != nil {
			s.log.Error("compare: load", "id", best[k].ID, "err", err)
			d = best[k]
		}
		rep, err := query.DecodeReport(d.Parsed)
		if err != nil {
			rep = nil // shown as nulls; the report page says why
		}
		vals := reportValues(rep)
		row := compareRow{ID: d.ID, Body: firstNonEmpty(d.Body, d.Title), Region: d.Region, Others: count[k] - 1, Status: statusLabel(d.ParseStatus)}
		for _, c := range compareCols {
			row.Values = append(row.Values, c.value(vals))
		}
		p.Rows = append(p.Rows, row)
	}
	colIdx := -1
	for i, c := range compareCols {
		if c.Key == sortKey {
			colIdx = i
		}
	}
	if order == "" {
		order = "desc"
		if sortKey == "body" || sortKey == "" {
			order = "asc"
		}
	}
	sort.SliceStable(p.Rows, func(i, j int) bool {
		a, b := p.Rows[i], p.Rows[j]
		if colIdx >= 0 {
			va, vb := a.Values[colIdx], b.Values[colIdx]
			switch {
			case va == nil && vb == nil:
			case va == nil:
				return false // nulls last either way
			case vb == nil:
				return true
			case *va != *vb:
				return (*va < *vb) == (order == "asc")
			}
		} else if a.Body != b.Body {
			return (a.Body < b.Body) == (order == "asc")
		}
		return a.Body < b.Body
	})
	p.Totals = make([]compareTotal, len(compareCols))
	for i := range compareCols {
		for _, r := range p.Rows {
			if v := r.Values[i]; v != nil {
				if p.Totals[i].Sum == nil {
					p.Totals[i].Sum = new(float64)
				}
				*p.Totals[i].Sum += *v
			} else {
				p.Totals[i].Nulls++
			}
		}
	}
	yf := f
	yf.YearFrom, yf.YearTo = p.Year, p.Year
	if as != "" {
		t := export.Table{Sheet: fmt.Sprintf("%d", p.Year), Header: []string{"机关", "地区", "年份", "报告编号"}}
		for _, c := range compareCols {
			t.Header = append(t.Header, c.Label)
		}
		for _, r := range p.Rows {
			rec := []any{r.Body, r.Region, p.Year, r.ID}
			for _, v := range r.Values {
				rec = append(rec, v)
			}
			t.Rows = append(t.Rows, rec)
		}
		s.writeTable(w, t, fmt.Sprintf("nianbao-compare-%d", p.Year), as)
		return
	}
	p.CSV, p.XLSX = compareLink(yf, sortKey, order, "csv"), compareLink(yf, sortKey, order, "xlsx")
	p.Sort = sortKey
	heads := append([]compareCol{{Key: "body", Label: "机关"}}, compareCols...)
	for _, c := range heads {
		h := compareHead{compareCol: c}
		next := "desc"
		if c.Key == "body" {
			next = "asc"
		}
		if c.Key == sortKey || (sortKey == "" && c.Key == "body") {
			h.Aria = map[string]string{"asc": "ascending", "desc": "descending"}[order]
			next = map[string]string{"asc": "desc", "desc": "asc"}[order]
		}
		h.Href = compareLink(yf, c.Key, next, "")
		p.Cols = append(p.Cols, h)
	}
	s.render(w, http.StatusOK, "compare", p)
}

func compareLink(f query.Filter, sortKey, order, as string) string {
	v := filterValues(f)
	if sortKey != "" {
		v.Set("sort", sortKey)
	}
	if order != "" {
		v.Set("order", order)
	}
	if as != "" {
		v.Set("as", as)
	}
	return "/compare?" + v.Encode()
}
