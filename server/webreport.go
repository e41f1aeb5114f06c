package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/sniff"
)

// Grid is a table ready to render: header cells and labelled rows.
type Grid struct {
	Caption string
	Head    []string
	// Span, when > 1, makes the last header cell span that many columns
	// (section 二: rows have one to three values).
	Span int
	Rows []GridRow
}

// GridRow is one labelled row of values.
type GridRow struct {
	Label string
	Key   string
	Cells []GridCell
	// Group marks a group heading row (（三）不予公开 …) with no values,
	// rendered across the table.
	Group bool
}

// GridCell is one value; Name labels it where columns differ per row.
type GridCell struct {
	Name  string
	Value *float64
	Text  string
	Blank bool // padding, not a value
	// Source says in Chinese where the value stands in the original
	// (the parser's provenance); Page is its PDF page, 0 if none.
	Source string
	Page   int
}

// sourceText says where a value stands in the original, in Chinese.
func sourceText(v query.ValueSource) string {
	var parts []string
	if v.Page > 0 {
		p := fmt.Sprintf("原文第 %d 页", v.Page)
		if len(v.Box) == 4 {
			p += fmt.Sprintf("，距页顶 %.0f 点、左边 %.0f 点", v.Box[1], v.Box[0])
		}
		parts = append(parts, p)
	}
	if v.Table != nil {
		parts = append(parts, fmt.Sprintf("原文第 %d 个表格", *v.Table+1))
	}
	if v.Row != nil {
		parts = append(parts, fmt.Sprintf("第 %d 行", *v.Row+1))
	}
	if v.Col != nil {
		parts = append(parts, fmt.Sprintf("第 %d 格", *v.Col+1))
	}
	if v.Line > 0 {
		parts = append(parts, fmt.Sprintf("提取文本第 %d 行", v.Line))
	}
	return strings.Join(parts, " · ")
}

func (c *GridCell) locate(rep *query.Report, table, row, col string) {
	if v, ok := rep.ValueSourceOf(query.ProvenanceKey(table, row, col)); ok {
		c.Source, c.Page = sourceText(v), v.Page
	}
}

// grids lays the parsed sections out as the report's own tables, labels
// from the report schema (parse/report).
func grids(rep *query.Report) []Grid {
	var out []Grid
	if cells, err := rep.CellsOf(query.TableActive); err == nil && len(cells) > 0 {
		g := Grid{Caption: report.TableLabels[report.TableActive], Head: report.ActiveHead[:]}
		for _, c := range cells {
			if n := len(g.Rows); n == 0 || g.Rows[n-1].Key != c.RowKey {
				key := c.RowKey
				if strings.HasPrefix(key, "extra[") {
					key = "extra"
				}
				g.Rows = append(g.Rows, GridRow{Label: c.RowLabel, Key: key})
			}
			gc := GridCell{Name: c.ColLabel, Value: c.Num}
			if strings.HasPrefix(c.ColKey, "values[") {
				gc.Name = "" // a local row's columns have no heading
			} else {
				gc.locate(rep, query.TableActive, c.RowKey, c.ColKey)
			}
			if c.IsText {
				gc.Text = c.Str
			}
			row := &g.Rows[len(g.Rows)-1]
			row.Cells = append(row.Cells, gc)
		}
		for _, r := range g.Rows {
			g.Span = max(g.Span, len(r.Cells))
		}
		for i := range g.Rows {
			for len(g.Rows[i].Cells) < g.Span {
				g.Rows[i].Cells = append(g.Rows[i].Cells, GridCell{Blank: true})
			}
		}
		out = append(out, g)
	}
	if len(rep.Requests) > 0 {
		g := Grid{Caption: report.TableLabels[report.TableRequests], Head: []string{report.RequestRowsHead}}
		for _, c := range query.RequestColumns {
			g.Head = append(g.Head, c.Label)
		}
		keys := make([]string, 0, len(rep.Requests))
		known := map[string]bool{}
		for _, r := range query.RequestRows {
			known[r.Key] = true
			if _, ok := rep.Requests[r.Key]; ok {
				keys = append(keys, r.Key)
			}
		}
		var unknown []string
		for k := range rep.Requests {
			if !known[k] {
				unknown = append(unknown, k)
			}
		}
		sort.Strings(unknown)
		keys = append(keys, unknown...)
		group := ""
		for _, key := range keys {
			// The numbered sub-rows (1. 2. …) repeat under several groups:
			// give each group its heading row, as the printed table does.
			grp, inGroup := report.RequestGroupOf(key)
			if key == "granted" {
				g.Rows = append(g.Rows, GridRow{Label: report.RequestOutcomesLabel, Key: "outcomes", Group: true})
			}
			if inGroup && grp.Key != group {
				g.Rows = append(g.Rows, GridRow{Label: grp.Label, Key: grp.Key, Group: true})
			}
			group = grp.Key
			row := GridRow{Label: report.RequestLabel(key), Key: key}
			for i, v := range rep.Requests[key] {
				gc := GridCell{Value: v}
				if i < len(query.RequestColumns) {
					gc.locate(rep, query.TableRequests, key, query.RequestColumns[i].Key)
				}
				row.Cells = append(row.Cells, gc)
			}
			g.Rows = append(g.Rows, row)
		}
		out = append(out, g)
	}
	if len(rep.ReviewLitigation) > 0 {
		g := Grid{Caption: report.TableLabels[report.TableReview], Head: []string{""}}
		for _, f := range query.ReviewFields {
			g.Head = append(g.Head, f.Label)
		}
		for _, grp := range query.ReviewGroups {
			vals := rep.ReviewLitigation[grp.Key]
			row := GridRow{Label: grp.Label, Key: grp.Key}
			for _, f := range query.ReviewFields {
				gc := GridCell{Value: vals[f.Key]}
				gc.locate(rep, query.TableReview, grp.Key, f.Key)
				row.Cells = append(row.Cells, gc)
			}
			g.Rows = append(g.Rows, row)
		}
		out = append(out, g)
	}
	return out
}

// viewer is the original shown beside the parsed tables.
type viewer struct {
	SHA   string
	Kind  string // pdf, html, text; "" when the browser cannot show it
	Name  string
	Media string // what it is, for readers (Word 文档)
}

// relatedDoc is another report of the same body.
type relatedDoc struct {
	ID, Title, Why string
	// Site tells apart two reports of one other year.
	Site   string
	Year   int
	Status string
}

// warnView is one kind of warning as the page shows it: a code given
// several times (a table missing in three sections) is one line.
type warnView struct {
	Label, Code string
	Details     []string
	Count       int
}

// addWarning adds one warning to ws, merged with an earlier one of its
// code.
func addWarning(ws []warnView, label, code, detail string) []warnView {
	for i := range ws {
		if code != "" && ws[i].Code == code {
			ws[i].Count++
			if detail != "" {
				ws[i].Details = append(ws[i].Details, detail)
			}
			return ws
		}
	}
	w := warnView{Label: label, Code: code, Count: 1}
	if detail != "" {
		w.Details = []string{detail}
	}
	return append(ws, w)
}

// checkView is one failed check in Chinese.
type checkView struct {
	Rule, RuleText, Where string
	Expected, Found       *float64
}

type reportPage struct {
	Title      string
	Nav        string
	Doc        *archive.Document
	Report     *query.Report
	ParseError string
	Grids      []Grid
	Failed     []checkView
	Checks     int
	Provenance []Provenance
	Viewer     viewer
	// OtherYears are the body's reports of other years, SameYear other
	// reports of the body for this report's year (with why).
	OtherYears, SameYear []relatedDoc
	Warnings             []warnView
	SeriesHref           string
	// CoverageHref: the coverage grid of the report's region.
	CoverageHref string
	// HasSources: some value says where it stands in the original.
	HasSources bool
}

// ruleTexts say what each check rule of docs/format.md §5 checks.
var ruleTexts = map[string]string{
	"H1":  "本年新收 + 上年结转 = 办理结果总计 + 结转下年度",
	"H2":  "办理结果各项之和 = （七）总计",
	"H3":  "各类申请人之和 = 总计",
	"H4":  "复议、诉讼各结果之和 = 总计",
	"H5":  "数量应为非负整数",
	"SR1": "本年的上年结转 = 上一年的结转下年度",
}

// whereText names a check's location (requests.withheld.third_party.total)
// with the schema's Chinese labels.
func whereText(rule, where string) string {
	table, rest, _ := strings.Cut(where, ".")
	tl, ok := report.TableLabels[table]
	if !ok {
		return where
	}
	tl, _, _ = strings.Cut(tl, "、")
	parts := []string{"第" + tl + "部分"}
	colLabel := func(c string) string {
		for _, rc := range query.RequestColumns {
			if rc.Key == c {
				return rc.Label
			}
		}
		return c
	}
	switch table {
	case report.TableRequests:
		row, col := rest, ""
		if rule == "H1" || rule == "H2" { // per column: requests.<column>
			parts = append(parts, colLabel(rest)+"列")
			break
		}
		for _, r := range query.RequestRows {
			if rest == r.Key || strings.HasPrefix(rest, r.Key+".") && len(r.Key) > len(col) {
				row, col = r.Key, strings.TrimPrefix(strings.TrimPrefix(rest, r.Key), ".")
			}
		}
		if report.RequestLabel(row) != row {
			parts = append(parts, report.RequestLabel(row))
			if col != "" {
				parts = append(parts, colLabel(col))
			}
		} else if rest != "" {
			parts = append(parts, colLabel(rest)+"列")
		}
	case report.TableReview:
		g, f, _ := strings.Cut(rest, ".")
		for _, rg := range query.ReviewGroups {
			if rg.Key == g {
				parts = append(parts, rg.Label)
			}
		}
		for _, rf := range query.ReviewFields {
			if rf.Key == f {
				parts = append(parts, rf.Label)
			}
		}
	case report.TableActive:
		r, f, _ := strings.Cut(rest, ".")
		if r != "" {
			parts = append(parts, report.ActiveLabel(r))
		}
		if f != "" {
			parts = append(parts, report.FieldLabel("", f))
		}
	}
	return strings.Join(parts, " · ")
}

func (s *Server) pageReport(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(r.PathValue("id"))
	if !docIDRE.MatchString(id) {
		s.renderError(w, http.StatusBadRequest, "报告编号格式不对（应为 16 位十六进制）")
		return
	}
	d, err := s.arc.Document(id)
	if err != nil {
		if errors.Is(err, archive.ErrNotFound) {
			s.renderError(w, http.StatusNotFound, "没有这份报告")
			return
		}
		s.log.Error("report page", "id", id, "err", err)
		s.renderError(w, http.StatusInternalServerError, "读取失败，请查看服务日志")
		return
	}
	if d.Retracted() {
		s.renderError(w, http.StatusGone, "这份报告已撤下")
		return
	}
	p := reportPage{Title: firstNonEmpty(d.Title, d.Body, d.ID), Nav: "search", Doc: d}
	rep, err := query.DecodeReport(d.Parsed)
	if err != nil {
		p.ParseError = "解析结果无法读取，请重新解析这份报告"
		s.log.Error("report page: decode parsed", "id", id, "err", err)
	} else if rep != nil {
		p.Report = rep
		p.Grids = grids(rep)
		for _, g := range p.Grids {
			for _, r := range g.Rows {
				for _, c := range r.Cells {
					p.HasSources = p.HasSources || c.Source != ""
				}
			}
		}
		for _, c := range rep.Checks {
			if c.Skipped {
				continue
			}
			p.Checks++
			if !c.OK {
				p.Failed = append(p.Failed, checkView{Rule: c.Rule, RuleText: ruleTexts[c.Rule], Where: whereText(c.Rule, c.Where), Expected: c.Expected, Found: c.Found})
			}
		}
		for _, wn := range rep.Warnings {
			p.Warnings = addWarning(p.Warnings, warningLabel(wn.Code), wn.Code, wn.Message)
		}
	}
	seen := map[string]bool{}
	for _, wn := range p.Warnings {
		seen[wn.Code] = true
	}
	for _, raw := range d.Warnings {
		code, detail := docWarning(raw)
		if code != "" && seen[code] {
			continue
		}
		label := "其他解析提示"
		if code != "" {
			label = warningLabel(code)
		}
		p.Warnings = addWarning(p.Warnings, label, code, detail)
	}
	p.Viewer = pickViewer(d, rep)
	p.OtherYears, p.SameYear = s.related(d)
	if d.Body != "" {
		p.SeriesHref = "/series?body=" + url.QueryEscape(d.Body)
	}
	p.CoverageHref = s.regionCoverageHref(d)
	if p.Provenance, err = s.provenance(d); err != nil {
		s.log.Error("provenance", "id", id, "err", err)
	}
	s.render(w, http.StatusOK, "report", p)
}

// pickViewer chooses the original to show: the file the parser read,
// else the first attachment, else the page.
func pickViewer(d *archive.Document, rep *query.Report) viewer {
	var f *archive.FileRef
	for i := range d.Files {
		if rep != nil && d.Files[i].SHA256 == rep.Source.SHA256 {
			f = &d.Files[i]
		}
	}
	for i := range d.Files {
		if f == nil && d.Files[i].Role != "page" {
			f = &d.Files[i]
		}
	}
	if f == nil && len(d.Files) > 0 {
		f = &d.Files[0]
	}
	if f == nil {
		return viewer{}
	}
	v := viewer{SHA: f.SHA256, Name: fileLabel(*f), Media: mediaLabel(f.MediaType)}
	base, _, _ := strings.Cut(f.MediaType, ";")
	switch strings.ToLower(strings.TrimSpace(base)) {
	case sniff.PDF:
		v.Kind = "pdf"
	case sniff.HTML, "application/xhtml+xml":
		v.Kind = "html"
	case sniff.Text:
		v.Kind = "text"
	}
	return v
}

// related lists the body's other reports: other years (newest first) and
// others of the same year, each saying how it differs from d.
func (s *Server) related(d *archive.Document) (years, same []relatedDoc) {
	if d.Body == "" {
		return nil, nil
	}
	docs, err := s.arc.FindDocuments(archive.Query{Body: d.Body})
	if err != nil {
		s.log.Error("report page: same body", "id", d.ID, "err", err)
		return nil, nil
	}
	for _, o := range docs {
		if o.ID == d.ID || o.Retracted() || o.ParseStatus == "not_report" {
			continue
		}
		rd := relatedDoc{ID: o.ID, Title: firstNonEmpty(o.Title, o.Body), Year: o.Year, Status: statusLabel(o.ParseStatus)}
		if o.Year == d.Year {
			rd.Why = whyTwo(d, o)
			same = append(same, rd)
		} else {
			years = append(years, rd)
		}
	}
	sort.SliceStable(years, func(i, j int) bool { return years[i].Year > years[j].Year })
	perYear := map[int]int{}
	for _, y := range years {
		perYear[y.Year]++
	}
	for i := range years {
		if perYear[years[i].Year] > 1 {
			years[i].Site = firstNonEmpty(docSite(docs, years[i].ID), "导入")
		}
	}
	return years, same
}

func docSite(docs []*archive.Document, id string) string {
	for _, d := range docs {
		if d.ID == id {
			return d.Site
		}
	}
	return ""
}

// whyTwo says why the body has a second report o for d's year.
func whyTwo(d, o *archive.Document) string {
	var why []string
	shared := false
	for _, f := range d.Files {
		for _, g := range o.Files {
			shared = shared || (f.SHA256 == g.SHA256 && f.Role != "page")
		}
	}
	if shared {
		why = append(why, "同一文件在另一个网址发布")
	}
	if o.Site != d.Site {
		why = append(why, "来自另一个站点（"+firstNonEmpty(o.Site, "导入")+"）")
	}
	if o.PublishedAt != d.PublishedAt && o.PublishedAt != "" {
		why = append(why, "发布日期不同（"+o.PublishedAt+"），可能是更正版")
	}
	if o.Format != d.Format {
		why = append(why, "表格版式不同（"+formatLabel(o.Format)+"）")
	}
	if o.Title != d.Title {
		why = append(why, "标题不同")
	}
	if o.ParseStatus != d.ParseStatus {
		why = append(why, "解析结果不同（"+statusLabel(o.ParseStatus)+"）")
	}
	if len(why) == 0 {
		why = append(why, "另一个网址上的同名报告")
	}
	return strings.Join(why, "；")
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
