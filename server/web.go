package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/search"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

type web struct {
	pages map[string]*template.Template
}

// zoneLabel names loc for readers: 北京时间 for China's zone.
func zoneLabel(loc *time.Location) string {
	switch loc.String() {
	case "Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC":
		return "北京时间"
	case "UTC", "Etc/UTC":
		return "UTC"
	}
	return loc.String() + " 时间"
}

// funcMap builds the template functions; dates render in loc, labelled.
func funcMap(loc *time.Location) template.FuncMap {
	zone := zoneLabel(loc)
	return template.FuncMap{
		"inc": func(i int) int { return i + 1 },
		"add": func(v ...int) int {
			n := 0
			for _, x := range v {
				n += x
			}
			return n
		},
		"deref": func(t *time.Time) time.Time {
			if t == nil {
				return time.Time{}
			}
			return *t
		},
		"sum": func(m map[string]int) int {
			n := 0
			for _, v := range m {
				n += v
			}
			return n
		},
		"num": func(v *float64) string {
			if v == nil {
				return "—"
			}
			return strconv.FormatFloat(*v, 'f', -1, 64)
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(loc).Format("2006-01-02 15:04") + " " + zone
		},
		"zone": func() string { return zone },
		"size": func(n int64) string {
			switch {
			case n >= 1<<20:
				return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
			case n >= 1<<10:
				return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
			}
			return fmt.Sprintf("%d B", n)
		},
		"healthLabel": func(s string) string {
			return map[string]string{alert.HealthOK: "正常", alert.HealthNeverRun: "尚未抓取", alert.HealthDegraded: "部分异常",
				alert.HealthSilent: "无新报告", alert.HealthFailing: "持续失败"}[s]
		},
		"statusLabel": func(s string) string {
			if l, ok := map[string]string{"ok": "已解析", "partial": "部分解析", "needs_ocr": "需 OCR", "failed": "解析失败",
				"not_report": "非年报", "": "未解析"}[s]; ok {
				return l
			}
			return s
		},
		"formatLabel": func(s string) string {
			if l, ok := map[string]string{"2021": "2021 版", "2019": "2019 版", "legacy": "2019 年前", "unknown": "未识别", "": "—"}[s]; ok {
				return l
			}
			return s
		},
		"runStatusLabel": func(s string) string {
			if l, ok := map[string]string{"ok": "完成", "partial": "部分完成", "failed": "失败", "interrupted": "中断", "running": "进行中"}[s]; ok {
				return l
			}
			return s
		},
		"healthReason": healthReason,
		"warningLabel": func(code string) string {
			if l, ok := warningLabels[code]; ok {
				return l
			}
			return code
		},
		"fileLabel":  fileLabel,
		"mediaLabel": mediaLabel,
	}
}

func newWeb(loc *time.Location) (*web, error) {
	w := &web{pages: map[string]*template.Template{}}
	funcs := funcMap(loc)
	for _, name := range []string{"search", "report", "sites", "error"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		w.pages[name] = t
	}
	return w, nil
}

func (s *Server) render(w http.ResponseWriter, code int, page string, data any) {
	var buf bytes.Buffer
	if err := s.web.pages[page].Execute(&buf, data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "页面渲染失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

type errorPage struct {
	Title, Message string
	Nav            string
}

func (s *Server) renderError(w http.ResponseWriter, code int, msg string) {
	s.render(w, code, "error", errorPage{Title: statusTitle(code), Message: msg})
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(styleCSS)
}

// pageSize is how many results a search page lists.
const pageSize = 100

type searchPage struct {
	Title   string
	Nav     string
	Filter  Filter
	Year    string
	Sites   []string
	Error   string
	Total   int
	Offset  int
	From    int
	To      int
	Results []resultRow
	Export  string
	Prev    string
	Next    string
	Queried bool
	// Q is the full-text query (GET /?q=…); its results carry snippets
	// and More says whether more follow.
	Q    string
	More bool
}

// resultRow is one search result with its check summary.
type resultRow struct {
	*archive.Document
	CheckState string // fail, ok, none: see checkState
	Snippet    string // full-text search: the matches marked 【…】
}

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	p := searchPage{Title: "搜索年报", Nav: "search", Sites: s.siteOptions()}
	q, err := queryValues(r)
	if err != nil {
		p.Error = "网址中的查询参数无法解析（编码有误）"
		s.render(w, http.StatusBadRequest, "search", p)
		return
	}
	p.Year = q.Get("year")
	f, err := ParseFilter(q, "offset", "q")
	if err == nil {
		_, p.Offset, err = pageParams(q)
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
	end := min(len(docs), p.Offset+pageSize)
	if p.Offset < end {
		for _, d := range docs[p.Offset:end] {
			p.Results = append(p.Results, resultRow{Document: d, CheckState: checkState(d)})
		}
		p.From, p.To = p.Offset+1, end
	}
	v := f.Values()
	p.Export = "/api/export"
	if len(v) > 0 {
		p.Export += "?" + v.Encode()
	}
	link := func(off int) string {
		v := f.Values()
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		if len(v) == 0 {
			return "/"
		}
		return "/?" + v.Encode()
	}
	if p.Offset > 0 {
		p.Prev = link(max(0, p.Offset-pageSize))
	}
	if end < len(docs) {
		p.Next = link(end)
	}
	s.render(w, http.StatusOK, "search", p)
}

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
}

type reportPage struct {
	Title      string
	Nav        string
	Doc        *archive.Document
	Report     *report.Report
	ParseError string
	Grids      []Grid
	Failed     []report.Check
	Checks     int
	Provenance []Provenance
}

var fieldLabels = map[string]string{
	"issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数", "decisions": "处理决定数量",
	"amount_wan_yuan": "收费金额（万元）", "new_made": "本年新制作数量", "new_published": "本年新公开数量",
	"total_published": "对外公开总数量", "previous": "上一年项目数量", "change": "本年增/减", "projects": "采购项目数量",
	"amount": "采购总金额", "amount_unit": "单位",
}

var requestHead = []string{"申请情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}

func templateFor(format string) *report.Template {
	for _, t := range report.Templates {
		if t.Name == format {
			return t
		}
	}
	return &report.Template2021
}

func activeLabel(t *report.Template, key string) string {
	for _, a := range t.Active {
		if a.Key == key {
			return a.Label
		}
	}
	return key
}

func requestLabel(t *report.Template, key string) string {
	for _, r := range t.Requests {
		if r.Key == key {
			return r.Label
		}
	}
	for _, tt := range report.Templates {
		for _, r := range tt.Requests {
			if r.Key == key {
				return r.Label
			}
		}
	}
	return key
}

// grids lays the parsed sections out as the report's own tables.
func grids(rep *report.Report) []Grid {
	t := templateFor(rep.Format)
	var out []Grid
	if rep.Active != nil && (len(rep.Active.Rows) > 0 || len(rep.Active.Extra) > 0) {
		g := Grid{Caption: "二、主动公开政府信息情况", Head: []string{"信息内容", "数值"}}
		for _, r := range rep.Active.Rows {
			row := GridRow{Label: activeLabel(t, r.Key), Key: r.Key}
			for _, f := range r.Fields {
				c := GridCell{Name: fieldLabels[f.Name], Value: f.Value}
				if c.Name == "" {
					c.Name = f.Name
				}
				if f.Str != nil {
					c.Text = *f.Str
				}
				row.Cells = append(row.Cells, c)
			}
			g.Rows = append(g.Rows, row)
		}
		for _, e := range rep.Active.Extra {
			row := GridRow{Label: e.Label, Key: "extra"}
			for _, v := range e.Values {
				row.Cells = append(row.Cells, GridCell{Value: v})
			}
			g.Rows = append(g.Rows, row)
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
	if rep.Requests != nil && len(rep.Requests.Rows) > 0 {
		g := Grid{Caption: "三、收到和处理政府信息公开申请情况", Head: requestHead}
		group := ""
		for _, r := range rep.Requests.Rows {
			// The numbered sub-rows (1. 2. …) repeat under several groups:
			// give each group its heading row, as the printed table does,
			// and its prefix, as `crawler show` does ("（三）1.").
			gkey, gl := requestGroup(r.Key)
			if r.Key == "granted" {
				g.Rows = append(g.Rows, GridRow{Label: "三、本年度办理结果", Key: "outcomes", Group: true})
			}
			if gkey != group && gl.heading != "" {
				g.Rows = append(g.Rows, GridRow{Label: gl.heading, Key: gkey, Group: true})
			}
			group = gkey
			label := requestLabel(t, r.Key)
			if !strings.HasPrefix(label, gl.prefix) {
				label = gl.prefix + label
			}
			row := GridRow{Label: label, Key: r.Key}
			for _, v := range r.Values {
				row.Cells = append(row.Cells, GridCell{Value: v})
			}
			g.Rows = append(g.Rows, row)
		}
		out = append(out, g)
	}
	if rl := rep.ReviewLitigation; rl != nil {
		g := Grid{Caption: "四、政府信息公开行政复议、行政诉讼情况", Head: []string{"", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}}
		for _, grp := range []struct {
			label, key string
			o          report.Outcome
		}{{"行政复议", "review", rl.Review}, {"行政诉讼：未经复议直接起诉", "litigation_direct", rl.LitigationDirect},
			{"行政诉讼：复议后起诉", "litigation_after_review", rl.LitigationAfterReview}} {
			row := GridRow{Label: grp.label, Key: grp.key}
			for _, v := range []*float64{grp.o.Upheld, grp.o.Corrected, grp.o.Other, grp.o.Pending, grp.o.Total} {
				row.Cells = append(row.Cells, GridCell{Value: v})
			}
			g.Rows = append(g.Rows, row)
		}
		out = append(out, g)
	}
	return out
}

// requestGroups are section 三's groups of numbered rows.
var requestGroups = map[string]struct{ heading, prefix string }{
	"withheld":      {"（三）不予公开", "（三）"},
	"unable":        {"（四）无法提供", "（四）"},
	"not_processed": {"（五）不予处理", "（五）"},
	"other":         {"（六）其他处理", "（六）"},
}

// requestGroup returns the group of a section 三 row key ("withheld" for
// "withheld.third_party"); keys without a dot have no group. The 2019
// single row "other" is labelled （六）其他处理 already.
func requestGroup(key string) (string, struct{ heading, prefix string }) {
	g, _, ok := strings.Cut(key, ".")
	if !ok {
		return "", struct{ heading, prefix string }{}
	}
	return g, requestGroups[g]
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
	if len(d.Parsed) > 0 {
		var rep report.Report
		if err := json.Unmarshal(d.Parsed, &rep); err != nil {
			p.ParseError = "解析结果无法读取：" + err.Error()
		} else {
			p.Report = &rep
			p.Grids = grids(&rep)
			for _, c := range rep.Checks {
				if c.Skipped {
					continue
				}
				p.Checks++
				if !c.OK {
					p.Failed = append(p.Failed, c)
				}
			}
		}
	}
	if p.Provenance, err = s.provenance(d); err != nil {
		s.log.Error("provenance", "id", id, "err", err)
	}
	s.render(w, http.StatusOK, "report", p)
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

type sitesPage struct {
	Title string
	Nav   string
	SitesResponse
}

func (s *Server) pageSites(w http.ResponseWriter, r *http.Request) {
	p := sitesPage{Title: "站点状态", Nav: "sites", SitesResponse: s.sitesResponse()}
	s.render(w, http.StatusOK, "sites", p)
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
		p.Results = append(p.Results, resultRow{Document: h.Doc, CheckState: checkState(h.Doc), Snippet: h.Snippet})
	}
	if len(res) > 0 {
		p.From, p.To = p.Offset+1, p.Offset+len(res)
	}
	p.Total = p.To
	link := func(off int) string {
		v := p.Filter.Values()
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
	s.render(w, http.StatusOK, "search", p)
}
