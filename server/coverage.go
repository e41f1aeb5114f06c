package server

import (
	_ "embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/query"
)

// The coverage view (GET /coverage?region=洛阳市&years=2019-2024): for a
// region, one grid per county-level division — a row per body, a column
// per data year, late and missing reports marked — and the bodies whose
// required report is overdue. The computation is query.CoverageFor, the
// same as `crawler coverage`. The page has its own template, standalone,
// so it does not depend on how the other pages are laid out; it lives
// beside this file, outside templates/, whose pages share a layout and
// functions this one does not use.

//go:embed coverage.html
var coverageHTML string

var (
	coverageOnce sync.Once
	coverageTpl  *template.Template
	coverageErr  error
)

func coverageTemplate() (*template.Template, error) {
	coverageOnce.Do(func() {
		coverageTpl, coverageErr = template.New("coverage").Funcs(template.FuncMap{
			"join": strings.Join,
			"mark": coverageMark,
		}).Parse(coverageHTML)
	})
	return coverageTpl, coverageErr
}

type coveragePage struct {
	Region, Years string
	Error         string
	Coverage      *query.Coverage
	Groups        []coverageGroup
	Overdue       []query.BodyCoverage
}

// coverageGroup is one grid: the bodies of one county-level division (or
// of the region itself, for bodies above the county level).
type coverageGroup struct {
	Path   string
	Code   string
	Bodies []query.BodyCoverage
}

func coverageMark(y query.YearCov) string {
	switch y.Status {
	case query.CovPublished:
		return "✓"
	case query.CovLate:
		return "迟"
	case query.CovMissing:
		return "缺"
	}
	return "·"
}

func (s *Server) pageCoverage(w http.ResponseWriter, r *http.Request) {
	p := coveragePage{Region: strings.TrimSpace(r.URL.Query().Get("region")), Years: strings.TrimSpace(r.URL.Query().Get("years"))}
	if p.Years == "" {
		// the last six data years whose reports are due by now
		y := s.now().In(alert.Shanghai).Year()
		p.Years = strconv.Itoa(y-6) + "-" + strconv.Itoa(y-1)
	}
	code := http.StatusOK
	if p.Region != "" {
		from, to, err := query.ParseYears(p.Years)
		switch {
		case err != nil || from == 0 || to == 0:
			p.Error, code = "年份应为一个闭区间，例如 2019-2024", http.StatusBadRequest
		case to-from > 30:
			p.Error, code = "年份区间过长（至多 30 年）", http.StatusBadRequest
		default:
			cov, err := query.CoverageFor(r.Context(), s.arc, query.CoverageOptions{Region: p.Region, YearFrom: from, YearTo: to, Now: s.now()})
			if err != nil {
				p.Error, code = err.Error(), http.StatusBadRequest
				break
			}
			p.Coverage, p.Overdue = cov, cov.Overdue()
			p.Groups = groupCoverage(cov)
		}
	}
	t, err := coverageTemplate()
	if err == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(code)
		err = t.Execute(w, p)
	}
	if err != nil {
		s.log.Error("render", "page", "coverage", "err", err)
	}
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
	case err != nil || from == 0 || to == 0 || to-from > 30:
		writeError(w, http.StatusBadRequest, "years: want a closed range of at most 30 years, e.g. 2019-2024")
		return
	}
	cov, err := query.CoverageFor(r.Context(), s.arc, query.CoverageOptions{Region: region, YearFrom: from, YearTo: to, Now: s.now()})
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, cov)
}

// groupCoverage splits the bodies by county-level division (their code's
// first six digits), keeping the grid's order.
func groupCoverage(c *query.Coverage) []coverageGroup {
	var out []coverageGroup
	at := map[string]int{}
	for _, b := range c.Bodies {
		k, path := b.RegionCode, b.RegionPath
		if len(k) > 6 { // a township: its county's grid
			k, path = k[:6], path[:len(path)-1]
		}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, coverageGroup{Path: strings.Join(path, " › "), Code: k})
		}
		out[i].Bodies = append(out[i].Bodies, b)
	}
	return out
}
