package server

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/query"
)

// seriesTables are the tables /series offers, with their short names.
var seriesTables = []struct{ key, label string }{
	{query.TableRequests, "三、依申请公开"}, {query.TableActive, "二、主动公开"}, {query.TableReview, "四、复议诉讼"},
}

type seriesPage struct {
	Title, Nav string
	Body, Year string
	Region     string
	Table      string
	Tables     []tabLink
	Error      string
	Series     []seriesView
	CSV        string
	Searched   bool
}

type tabLink struct {
	Label, Href string
	On          bool
}

type seriesView struct {
	Body, Region string
	Years        []int
	Docs         []string // report id per year
	Rows         []seriesRowView
	Carry        []carryView
	Charts       []chartView
}

type seriesRowView struct {
	Key, Label string
	Values     []*float64
	Texts      []string
	ChartHref  string
	Charted    bool
}

type carryView struct {
	Year          int
	Column        string
	OK            bool
	Expected, Got *float64
}

type chartView struct {
	Label string
	SVG   template.HTML
}

// maxCharts bounds the charts a series page draws.
const maxCharts = 6

func (s *Server) pageSeries(w http.ResponseWriter, r *http.Request) {
	p := seriesPage{Title: "机关历年数据", Nav: "series", Table: query.TableRequests}
	q, err := queryValues(r)
	if err != nil {
		p.Error = "网址中的查询参数无法解析（编码有误）"
		s.render(w, http.StatusBadRequest, "series", p)
		return
	}
	f, err := ParseFilter(q, "table", "rows", "as")
	p.Body, p.Year, p.Region = f.Body, q.Get("year"), f.Region
	if t := q.Get("table"); t != "" {
		p.Table = t
	}
	if err == nil {
		if _, ok := query.TableLabels[p.Table]; !ok {
			err = badFilter("表格 "+strconv.Quote(p.Table)+" 不对，应为 requests、active 或 review_litigation", "table %q: want requests, active or review_litigation", p.Table)
		}
	}
	as := q.Get("as")
	if err == nil && as != "" && as != "csv" {
		err = badFilter("下载格式 "+strconv.Quote(as)+" 不对，应为 csv", "as %q: want csv", as)
	}
	if err != nil {
		p.Error = chineseError(err)
		s.render(w, http.StatusBadRequest, "series", p)
		return
	}
	base := filterValues(f)
	for _, t := range seriesTables {
		v := cloneValues(base)
		v.Set("table", t.key)
		p.Tables = append(p.Tables, tabLink{Label: t.label, Href: "/series?" + v.Encode(), On: t.key == p.Table})
	}
	if f.Body == "" {
		s.render(w, http.StatusOK, "series", p)
		return
	}
	p.Searched = true
	docs, err := s.query(r.Context(), s.arc, f)
	var series []*query.Series
	if err == nil {
		refs := make([]query.Ref, 0, len(docs))
		for _, d := range docs {
			refs = append(refs, query.Ref{ID: d.ID, Year: d.Year, Body: d.Body, Region: d.Region, Site: d.Site, URL: d.URL})
		}
		series, err = query.BuildSeriesOf(r.Context(), s.arc, refs, query.SeriesOptions{Table: p.Table})
	}
	if err != nil {
		s.log.Error("series", "err", err)
		p.Error = "查询失败，请查看服务日志"
		s.render(w, http.StatusInternalServerError, "series", p)
		return
	}
	if as == "csv" {
		t := export.Table{Sheet: "series", Header: []string{"机关", "地区", "项目", "栏目"}}
		years := map[int]bool{}
		var yl []int
		for _, se := range series {
			for _, y := range se.Years {
				if !years[y] {
					years[y] = true
					yl = append(yl, y)
				}
			}
		}
		sort.Ints(yl)
		for _, y := range yl {
			t.Header = append(t.Header, strconv.Itoa(y))
		}
		for _, se := range series {
			for _, row := range se.Rows {
				rec := []any{se.Body, se.Region, row.RowLabel, row.ColLabel}
				for _, y := range yl {
					var v *float64
					for i, sy := range se.Years {
						if sy == y {
							v = row.Values[i]
						}
					}
					rec = append(rec, v)
				}
				t.Rows = append(t.Rows, rec)
			}
		}
		s.writeTable(w, t, "nianbao-series", "csv")
		return
	}
	v := cloneValues(base)
	v.Set("table", p.Table)
	v.Set("as", "csv")
	p.CSV = "/series?" + v.Encode()
	chosen := map[string]bool{}
	var order []string
	for _, k := range strings.Split(q.Get("rows"), ",") {
		if k = strings.TrimSpace(k); k != "" && !chosen[k] {
			chosen[k] = true
			order = append(order, k)
		}
	}
	if len(order) == 0 {
		for _, k := range []string{"new.total", "granted.total", "total.total", "review.total", "licensing.decisions", "regulations.issued"} {
			chosen[k] = true
			order = append(order, k)
		}
	}
	for _, se := range series {
		sv := seriesView{Body: se.Body, Region: se.Region, Years: se.Years}
		for _, y := range se.Years {
			sv.Docs = append(sv.Docs, se.Reports[strconv.Itoa(y)].ID)
		}
		for _, row := range se.Rows {
			label := row.RowLabel
			if row.ColLabel != "" && p.Table != query.TableRequests {
				label += " · " + row.ColLabel
			}
			rv := seriesRowView{Key: row.Key, Label: label, Values: row.Values, Texts: row.Texts, Charted: chosen[row.Key]}
			// the link toggles this row's chart
			var next []string
			for _, k := range order {
				if k != row.Key {
					next = append(next, k)
				}
			}
			if !rv.Charted {
				next = append(next, row.Key)
			}
			lv := cloneValues(base)
			lv.Set("table", p.Table)
			lv.Set("rows", strings.Join(next, ","))
			rv.ChartHref = "/series?" + lv.Encode()
			sv.Rows = append(sv.Rows, rv)
		}
		for _, k := range order {
			for _, rv := range sv.Rows {
				if rv.Key == k && len(sv.Charts) < maxCharts {
					sv.Charts = append(sv.Charts, chartView{Label: rv.Label, SVG: lineChart(se.Years, rv.Values, rv.Label)})
				}
			}
		}
		// Per year: the columns that disagree, or one line when all agree.
		byYear := map[int][]query.CarryCheck{}
		var carryYears []int
		for _, c := range se.Carry {
			if c.Skipped {
				continue
			}
			if _, ok := byYear[c.Year]; !ok {
				carryYears = append(carryYears, c.Year)
			}
			byYear[c.Year] = append(byYear[c.Year], c)
		}
		var carry []query.CarryCheck
		for _, y := range carryYears {
			bad := 0
			for _, c := range byYear[y] {
				if !c.OK {
					bad++
					carry = append(carry, c)
				}
			}
			if bad == 0 {
				sv.Carry = append(sv.Carry, carryView{Year: y, Column: fmt.Sprintf("全部 %d 列", len(byYear[y])), OK: true})
			}
		}
		for _, c := range carry {
			_, col, _ := strings.Cut(strings.TrimPrefix(c.Where, "requests.carried_over."), ".")
			if col == "" {
				col = strings.TrimPrefix(c.Where, "requests.carried_over.")
			}
			for _, rc := range query.RequestColumns {
				if rc.Key == col {
					col = rc.Label
				}
			}
			sv.Carry = append(sv.Carry, carryView{Year: c.Year, Column: col, OK: c.OK, Expected: c.Expected, Got: c.Found})
		}
		sort.SliceStable(sv.Carry, func(i, j int) bool { return sv.Carry[i].Year < sv.Carry[j].Year })
		p.Series = append(p.Series, sv)
	}
	s.render(w, http.StatusOK, "series", p)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// lineChart draws values over years as an inline SVG (no script, no
// external resource; the CSP allows it). A null year is a gap in the line
// and a hollow mark on the axis: never drawn as 0.
func lineChart(years []int, values []*float64, label string) template.HTML {
	const w, h, left, right, top, bottom = 320.0, 140.0, 44.0, 10.0, 12.0, 24.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v != nil {
			lo, hi = math.Min(lo, *v), math.Max(hi, *v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(label+"历年变化"))
	fmt.Fprintf(&b, `<title>%s</title>`, template.HTMLEscapeString(label))
	if math.IsInf(lo, 1) {
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" class="muted">各年均无数值</text></svg>`, w/2-40, h/2)
		return template.HTML(b.String())
	}
	lo = math.Min(lo, 0)
	if hi == lo {
		hi = lo + 1
	}
	n := len(years)
	x := func(i int) float64 {
		if n == 1 {
			return left + (w-left-right)/2
		}
		return left + float64(i)*(w-left-right)/float64(n-1)
	}
	y := func(v float64) float64 { return top + (hi-v)/(hi-lo)*(h-top-bottom) }
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" class="axis"/>`, left, y(lo), w-right, y(lo))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" class="tick" text-anchor="end">%s</text>`, left-4, y(hi)+4, query.FormatNum(hi))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" class="tick" text-anchor="end">%s</text>`, left-4, y(lo)+4, query.FormatNum(lo))
	var path strings.Builder
	pen := false
	for i, v := range values {
		if v == nil {
			pen = false
			continue
		}
		cmd := "L"
		if !pen {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, x(i), y(*v))
		pen = true
	}
	fmt.Fprintf(&b, `<path d="%s" class="line"/>`, strings.TrimSpace(path.String()))
	for i, v := range values {
		if v == nil {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" class="null"><title>%d年：空值</title></circle>`, x(i), y(lo), years[i])
		} else {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" class="dot"><title>%d年：%s</title></circle>`, x(i), y(*v), years[i], query.FormatNum(*v))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" class="tick" text-anchor="middle">%d</text>`, x(i), h-6, years[i])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
