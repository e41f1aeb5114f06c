package server

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/query"
)

// The coverage view (GET /coverage?region=洛阳市&years=2019-2024): for a
// region, who published which data year's report, late or not, and who
// owes one. The grid is query.CoverageOf — `crawler coverage`'s
// computation — over the server's in-memory list of documents, so the
// page costs a pass over memory, not a read of the archive.
//
// A county-level region (or a township) shows every body's row, grouped
// by county. A city or province would show hundreds of rows, so it shows
// one summary row per county-level division (linking to that division's
// own grid) and the full rows of its own bodies only; the CSV download
// always carries every row.

// maxCoverageYears bounds a grid's width (a typo such as 1019-2024).
const maxCoverageYears = 30

// maxOverdueShown bounds the overdue list on the page (the CSV has all).
const maxOverdueShown = 100

type coveragePage struct {
	Title, Nav string
	Region     string // as typed
	Years      string
	Error      string
	Choices    []regionLink // a name several divisions share: pick one
	Options    []regionLink // the datalist: regions of the archive's reports
	Searched   bool

	Crumbs    []regionLink // the region's path, each level a link
	Code      string
	YearTabs  []tabLink
	YearCols  []int
	Summary   []coverageRow // a city or province: one row per county-level division
	Groups    []coverageGroup
	Overdue   []overdueView
	MoreOver  int // overdue bodies not listed
	Stats     coverageStats
	Unplaced  int
	CSV       string
	Deadlines string
}

type regionLink struct {
	Label, Code, Href string
}

type coverageGroup struct {
	Label, Code, Href string
	Rows              []coverageRow
}

type coverageRow struct {
	Label, Href string // the body (its series) or the division (its grid)
	Note        string // 政府 / 部门 / 乡镇, or how many bodies a summary row covers
	Cells       []coverageCell
}

type coverageCell struct {
	Class, Text, Title, Href string
}

type overdueView struct {
	Place, Body, Href string
	Years             string // 2019–2021、2023
}

type coverageStats struct {
	Bodies, Overdue, Published, Late, Missing int
}

// coverageKindLabel names a body kind for readers.
var coverageKindLabel = map[string]string{query.KindGovernment: "政府", query.KindDepartment: "部门", query.KindTownship: "乡镇街道"}

// coverageCellOf is one body's year in the grid: plain Chinese, a class
// for the colour (the text says the same: colour is never the only sign),
// and the report it links to.
func coverageCellOf(y query.YearCov) coverageCell {
	c := coverageCell{}
	if y.ID != "" {
		c.Href = "/reports/" + y.ID
	}
	switch y.Status {
	case query.CovPublished:
		c.Class, c.Text = "ok", "按期"
		if y.PublishedAt != "" {
			c.Title = y.PublishedAt + " 发布"
		} else {
			c.Title = "未标发布日期"
		}
	case query.CovLate:
		c.Class, c.Text, c.Title = "late", fmt.Sprintf("迟%d天", y.DaysLate), y.PublishedAt+" 发布，期限 "+y.Deadline
	case query.CovMissing:
		c.Class, c.Text, c.Title = "miss", "缺", "期限 "+y.Deadline+" 已过"
	default:
		c.Class, c.Text, c.Title = "nd", "未到期", "期限 "+y.Deadline
	}
	return c
}

// coverageStatusText is a cell as the CSV writes it.
func coverageStatusText(y query.YearCov) string {
	c := coverageCellOf(y)
	if y.PublishedAt != "" {
		return c.Text + " " + y.PublishedAt
	}
	return c.Text
}

func coverageHref(code, years string, extra ...string) string {
	v := url.Values{}
	v.Set("region", code)
	if years != "" {
		v.Set("years", years)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return "/coverage?" + v.Encode()
}

func (s *Server) pageCoverage(w http.ResponseWriter, r *http.Request) {
	p := coveragePage{Title: "年报发布情况", Nav: "coverage"}
	fail := func(code int, msg string) {
		p.Error = msg
		s.render(w, code, "coverage", p)
	}
	q, err := queryValues(r)
	if err != nil {
		fail(http.StatusBadRequest, "网址中的查询参数无法解析（编码有误）")
		return
	}
	for k, vs := range q {
		if k != "region" && k != "years" && k != "as" {
			fail(http.StatusBadRequest, fmt.Sprintf("不认识的参数 %q", k))
			return
		}
		if len(vs) > 1 {
			fail(http.StatusBadRequest, fmt.Sprintf("参数 %q 重复了 %d 次", k, len(vs)))
			return
		}
	}
	p.Region, p.Years = strings.TrimSpace(q.Get("region")), strings.TrimSpace(q.Get("years"))
	as := q.Get("as")
	docs, err := s.cachedDocs(r.Context())
	if err != nil {
		s.log.Error("coverage", "err", err)
		fail(http.StatusInternalServerError, "查询失败，请查看服务日志")
		return
	}
	p.Options = coverageOptions(docs)
	if p.Years == "" {
		p.Years = yearsText(s.coverageYears())
	}
	switch {
	case len([]rune(p.Region)) > maxFilterLen:
		fail(http.StatusBadRequest, fmt.Sprintf("地区超过 %d 个字", maxFilterLen))
		return
	case strings.ContainsAny(p.Region, "\x00\r\n"):
		fail(http.StatusBadRequest, "地区含有控制字符")
		return
	case as != "" && as != "csv":
		fail(http.StatusBadRequest, "下载格式 "+strconv.Quote(as)+" 不对，应为 csv")
		return
	case p.Region == "":
		if as != "" {
			fail(http.StatusBadRequest, "请先选择地区")
			return
		}
		s.render(w, http.StatusOK, "coverage", p)
		return
	}
	from, to, err := query.ParseYears(p.Years)
	switch {
	case err != nil || from == 0 || to == 0:
		fail(http.StatusBadRequest, "年度应为一个起止区间，例如 2019-2024")
		return
	case to-from >= maxCoverageYears:
		fail(http.StatusBadRequest, fmt.Sprintf("年度区间过长（至多 %d 年）", maxCoverageYears))
		return
	}
	ds, err := divisions.Lookup(p.Region)
	switch {
	case err != nil:
		fail(http.StatusBadRequest, "没有找到名为或代码为 "+strconv.Quote(p.Region)+" 的行政区划；请写全称（如 偃师区）或 6 位代码（如 410307）")
		return
	case len(ds) > 1:
		for _, d := range ds {
			p.Choices = append(p.Choices, regionLink{Label: strings.Join(d.Path(), " › "), Code: d.Code(), Href: coverageHref(d.Code(), p.Years)})
		}
		fail(http.StatusBadRequest, fmt.Sprintf("有 %d 个行政区划叫 %s，请选择其中一个：", len(ds), p.Region))
		return
	}
	region := ds[0]
	cov, err := query.CoverageOf(r.Context(), eachDoc(docs), query.CoverageOptions{Region: region.Code(), YearFrom: from, YearTo: to, Now: s.now()})
	if err != nil {
		s.log.Error("coverage", "region", region.Code(), "err", err)
		fail(http.StatusInternalServerError, "查询失败，请查看服务日志")
		return
	}
	years := yearsText(from, to)
	if as == "csv" {
		s.writeTable(w, coverageTable(cov), "nianbao-coverage-"+cov.RegionCode+"-"+years, "csv")
		return
	}
	p.Searched, p.Years, p.Code, p.YearCols, p.Unplaced = true, years, cov.RegionCode, cov.Years, cov.Unplaced
	p.Title = "年报发布情况 · " + strings.Join(cov.RegionPath, "")
	for x := region; x != nil; x = x.Parent {
		p.Crumbs = append([]regionLink{{Label: x.Name, Code: x.Code(), Href: coverageHref(x.Code(), years)}}, p.Crumbs...)
	}
	_, last := s.coverageYears()
	for _, n := range []int{3, 6, 10} {
		y := strconv.Itoa(last-n+1) + "-" + strconv.Itoa(last)
		p.YearTabs = append(p.YearTabs, tabLink{Label: fmt.Sprintf("近 %d 年", n), Href: coverageHref(cov.RegionCode, y), On: y == years})
	}
	p.CSV = coverageHref(cov.RegionCode, years, "as", "csv")
	p.Deadlines = "部门年报的期限是次年1月31日，人民政府和乡镇（街道）是次年3月31日（2018 年度及以前均为次年3月31日）。每个县级人民政府都列出，即使从未收录过它的年报。"
	p.Stats.Bodies = len(cov.Bodies)
	for _, b := range cov.Bodies {
		p.Stats.Published += b.Count(query.CovPublished)
		p.Stats.Late += b.Count(query.CovLate)
		p.Stats.Missing += b.Count(query.CovMissing)
	}
	for _, b := range cov.Overdue() {
		p.Stats.Overdue++
		if len(p.Overdue) == maxOverdueShown {
			p.MoreOver++
			continue
		}
		var missing []int
		for _, y := range b.Years {
			if y.Status == query.CovMissing {
				missing = append(missing, y.Year)
			}
		}
		p.Overdue = append(p.Overdue, overdueView{Place: b.RegionPath[len(b.RegionPath)-1], Body: b.Body, Href: seriesHref(b), Years: yearRuns(missing)})
	}
	summary := region.Level < divisions.County
	for _, g := range groupCoverage(cov) {
		if summary && g.Code != cov.RegionCode {
			p.Summary = append(p.Summary, summaryRow(g, years))
			continue
		}
		cg := coverageGroup{Label: g.Path, Code: g.Code, Href: coverageHref(g.Code, years)}
		if summary {
			cg.Label = cov.RegionPath[len(cov.RegionPath)-1] + "本级机关"
		}
		for _, b := range g.Bodies {
			row := coverageRow{Label: b.Body, Href: seriesHref(b), Note: coverageKindLabel[b.Kind]}
			for _, y := range b.Years {
				row.Cells = append(row.Cells, coverageCellOf(y))
			}
			cg.Rows = append(cg.Rows, row)
		}
		p.Groups = append(p.Groups, cg)
	}
	s.render(w, http.StatusOK, "coverage", p)
}

// coverageYears is the default range: the six data years up to last
// year (whose reports are due, or nearly, by now).
func (s *Server) coverageYears() (from, to int) {
	y := s.now().In(alert.Shanghai).Year()
	return y - 6, y - 1
}

// regionCoverageHref links a report's region to its coverage grid: its
// county-level division (a township's report is in its county's grid),
// over years that include the report's. "" when the region is not
// resolved.
func (s *Server) regionCoverageHref(d *archive.Document) string {
	if len(d.RegionCode) < 6 {
		return ""
	}
	from, to := s.coverageYears()
	if d.Year != 0 && (d.Year < from || d.Year > to) {
		from, to = d.Year-2, d.Year+3
	}
	return coverageHref(d.RegionCode[:6], yearsText(from, to))
}

// yearRuns writes sorted years with runs joined: 2019–2021、2023.
func yearRuns(ys []int) string {
	var parts []string
	for i := 0; i < len(ys); {
		j := i
		for j+1 < len(ys) && ys[j+1] == ys[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(ys[i]))
		case j == i+1:
			parts = append(parts, strconv.Itoa(ys[i]), strconv.Itoa(ys[j]))
		default:
			parts = append(parts, strconv.Itoa(ys[i])+"–"+strconv.Itoa(ys[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, "、")
}

// seriesHref is a body's /series page, within its own division.
func seriesHref(b query.BodyCoverage) string {
	v := url.Values{}
	v.Set("body", b.Body)
	v.Set("region", b.RegionCode)
	return "/series?" + v.Encode()
}

// summaryRow sums a county's grid per year: how many bodies lack the
// year's report, or are late with it.
func summaryRow(g countyBodies, years string) coverageRow {
	row := coverageRow{Label: g.Name, Href: coverageHref(g.Code, years), Note: fmt.Sprintf("%d 个机关", len(g.Bodies))}
	for i := range g.Bodies[0].Years {
		var n [4]int // published, late, missing, not due
		for _, b := range g.Bodies {
			switch b.Years[i].Status {
			case query.CovPublished:
				n[0]++
			case query.CovLate:
				n[1]++
			case query.CovMissing:
				n[2]++
			default:
				n[3]++
			}
		}
		c := coverageCell{}
		if kinds := min(n[0], 1) + min(n[1], 1) + min(n[2], 1) + min(n[3], 1); kinds > 1 {
			// the text names the worst; the title the mix (only when
			// there is one: a province has thousands of these cells)
			c.Title = fmt.Sprintf("按期 %d，迟 %d，缺 %d，未到期 %d", n[0], n[1], n[2], n[3])
		}
		switch {
		case n[2] > 0:
			c.Class, c.Text = "miss", fmt.Sprintf("缺%d", n[2])
		case n[1] > 0:
			c.Class, c.Text = "late", fmt.Sprintf("迟%d", n[1])
		case n[0] > 0:
			c.Class, c.Text = "ok", "齐"
		default:
			c.Class, c.Text = "nd", "未到期"
		}
		row.Cells = append(row.Cells, c)
	}
	return row
}

// coverageTable is the grid as the CSV download carries it: every body,
// one column per year.
func coverageTable(c *query.Coverage) export.Table {
	t := export.Table{Sheet: "coverage", Header: []string{"区划代码", "区划", "机关", "类别", "区划表所列"}}
	for _, y := range c.Years {
		t.Header = append(t.Header, strconv.Itoa(y))
	}
	for _, b := range c.Bodies {
		listed := ""
		if b.Listed {
			listed = "是"
		}
		rec := []any{b.RegionCode, strings.Join(b.RegionPath, ""), b.Body, coverageKindLabel[b.Kind], listed}
		for _, y := range b.Years {
			rec = append(rec, coverageStatusText(y))
		}
		t.Rows = append(t.Rows, rec)
	}
	return t
}

// coverageOptions lists the county-level and higher divisions the
// archive's reports resolved to, for the region field's suggestions.
func coverageOptions(docs []*archive.Document) []regionLink {
	seen := map[string]bool{}
	var out []regionLink
	for _, d := range docs {
		if len(d.RegionCode) < 6 || seen[d.RegionCode] {
			continue
		}
		seen[d.RegionCode] = true
		for x := divisions.ByCode(d.RegionCode[:6]); x != nil; x = x.Parent {
			if !seen["#"+x.Code()] {
				seen["#"+x.Code()] = true
				out = append(out, regionLink{Label: strings.Join(x.Path(), " › "), Code: x.Code()})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// apiCoverage is GET /api/coverage?region=R&years=A-B: the grid of
// `crawler coverage --output json`.
func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	region, years := strings.TrimSpace(q.Get("region")), strings.TrimSpace(q.Get("years"))
	from, to, err := query.ParseYears(years)
	switch {
	case region == "" || years == "":
		writeError(w, http.StatusBadRequest, "GET /api/coverage needs region (a name or code) and years (e.g. 2019-2024)")
		return
	case err != nil || from == 0 || to == 0 || to-from >= maxCoverageYears:
		writeError(w, http.StatusBadRequest, "years: want a closed range of at most 30 years, e.g. 2019-2024")
		return
	}
	docs, err := s.cachedDocs(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "read documents: "+err.Error())
		return
	}
	cov, err := query.CoverageOf(r.Context(), eachDoc(docs), query.CoverageOptions{Region: region, YearFrom: from, YearTo: to, Now: s.now()})
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, cov)
}

// countyBodies is one county-level division's bodies (a township's
// bodies count in their county's).
type countyBodies struct {
	Path   string // 河南省 › 洛阳市 › 偃师区
	Name   string // 偃师区
	Code   string
	Bodies []query.BodyCoverage
}

// groupCoverage splits the bodies by county-level division (their code's
// first six digits), keeping the grid's order.
func groupCoverage(c *query.Coverage) []countyBodies {
	var out []countyBodies
	at := map[string]int{}
	for _, b := range c.Bodies {
		k, path := b.RegionCode, b.RegionPath
		if len(k) > 6 && len(path) > 0 { // a township: its county's grid
			k, path = k[:6], path[:len(path)-1]
		}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			g := countyBodies{Path: strings.Join(path, " › "), Code: k}
			if len(path) > 0 {
				g.Name = path[len(path)-1]
			}
			out = append(out, g)
		}
		out[i].Bodies = append(out[i].Bodies, b)
	}
	return out
}

// eachDoc walks docs as archive.ForEachDocument walks the archive.
func eachDoc(docs []*archive.Document) func(func(*archive.Document) error) error {
	return func(fn func(*archive.Document) error) error {
		for _, d := range docs {
			if err := fn(d); err != nil {
				return err
			}
		}
		return nil
	}
}
