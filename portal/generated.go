package portal

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// GeneratedSite is the site name of a Generated portal.
const GeneratedSite = "gen"

// Generated returns a portal with one site ("gen", host www.gen.gov.cn) of
// about n pages: a TRS classic column of list pages (20 rows each,
// createPageHTML pager) and one small HTML report per row, for the crawl
// benchmark. Every response is prebuilt at construction, so serving is a
// map lookup and a write; Expected("gen") lists every report.
func Generated(n int) *Portal {
	def := &siteDef{
		Name: GeneratedSite, Region: "测试省生成市", generated: true,
		Start: []string{"http://www.gen.gov.cn/"},
		Hosts: []string{"www.gen.gov.cn"},
		build: func(b *builder) {
			buildGen(b, genSpec{host: "www.gen.gov.cn", site: "测试省生成市人民政府", unit: "生成市", id: "gen", pages: n})
		},
	}
	return newPortal(Options{}, []*siteDef{def})
}

// genSpec is one generated TRS site: Generated's, or one district of a
// Fleet. Every such site has the same page shapes and paths; only the
// names (and so the titles and bytes) differ.
type genSpec struct {
	host  string // the site's only host
	site  string // site name in page headers ("测试省生成市人民政府")
	unit  string // issuing bodies are <unit>第k单位
	id    string // report ids are <id>-<i>
	pages int    // about this many URLs (at least 2)
}

// genDir is the report column of a generated site.
const genDir = "/zfxxgk/zfxxgknb/"

// genRow is what report i of any generated site shares with report i of
// every other: its year, dates and path. Kept once for all sites, so a
// fleet of a thousand sites does not hold a thousand copies.
type genRow struct {
	year     int
	pub      string // YYYY-MM-DD
	path     string // /zfxxgk/zfxxgknb/YYYYMM/tYYYYMMDD_N.html
	href     string // ./YYYYMM/tYYYYMMDD_N.html, as the list links it
	unitNo   string // k of 第k单位
	yearText string
	opened   string // number of proactively published items
	applied  string // number of applications received
}

var (
	genRowsMu sync.Mutex
	genRowTab []genRow
)

// genRows returns rows 0..n-1, growing the shared table when needed. Rows
// are never changed once made, so the returned slice may be read freely.
func genRows(n int) []genRow {
	genRowsMu.Lock()
	defer genRowsMu.Unlock()
	for i := len(genRowTab); i < n; i++ {
		year := 2015 + i%10
		path := fmt.Sprintf("%s%d01/t%d01%02d_%d.html", genDir, year+1, year+1, 1+i%28, 100000+i)
		genRowTab = append(genRowTab, genRow{
			year:     year,
			pub:      fmt.Sprintf("%d-01-%02d", year+1, 1+i%28),
			path:     path,
			href:     "./" + path[len(genDir):],
			unitNo:   strconv.Itoa(i/10 + 1),
			yearText: strconv.Itoa(year),
			opened:   strconv.Itoa(100 + i%900),
			applied:  strconv.Itoa(i % 17),
		})
	}
	return genRowTab[:n:n]
}

var genMod = day("2025-01-31")

// Fixed parts of a generated report page, around its title and numbers.
const (
	genPage1 = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>`
	genPage2 = `</title><meta name="ArticleTitle" content="`
	genPage3 = `"><meta name="PubDate" content="`
	genPage4 = ` 09:00"></head><body><div class="TRS_Editor"><p>`
	genPage5 = `</p><p>一、总体情况</p><p>本年度主动公开政府信息`
	genPage6 = `条。</p><table border="1"><tr><td>一、本年新收政府信息公开申请数量</td><td>`
	genPage7 = `</td></tr></table></div></body></html>`
	genFixed = len(genPage1) + len(genPage2) + len(genPage3) + len(genPage4) + len(genPage5) + len(genPage6) + len(genPage7)
)

// buildGen builds a generated site: a home page linking the 政府信息公开年报
// column, the column's list pages (20 rows each, classic createPageHTML
// pager) and one small HTML report per row, about g.pages URLs in all.
// The report pages of a site are cut from one buffer, so a large fleet
// costs a few allocations per page, not a dozen.
func buildGen(b *builder, g genSpec) {
	const per = 20
	n := max(g.pages, 2)
	vh := b.host(g.host, schemeBoth, miss404)
	lists := (n + per) / (per + 1)
	details := max(n-lists-1, 1) // minus the home page
	rows := genRows(details)
	items := make([]listItem, 0, details)
	b.expected = slices.Grow(b.expected, details)

	titleLen := len(g.unit) + len("第单位2015年政府信息公开工作年度报告") + 4
	buf := make([]byte, 0, details*(genFixed+3*titleLen+len("2016-01-01")+8))
	var unit string
	for i, r := range rows {
		if i%10 == 0 {
			unit = g.unit + "第" + r.unitNo + "单位" // shared by the unit's ten reports
		}
		title := unit + r.yearText + "年政府信息公开工作年度报告"
		start := len(buf)
		buf = append(buf, genPage1...)
		buf = append(buf, title...)
		buf = append(buf, genPage2...)
		buf = append(buf, title...)
		buf = append(buf, genPage3...)
		buf = append(buf, r.pub...)
		buf = append(buf, genPage4...)
		buf = append(buf, title...)
		buf = append(buf, genPage5...)
		buf = append(buf, r.opened...)
		buf = append(buf, genPage6...)
		buf = append(buf, r.applied...)
		buf = append(buf, genPage7...)
		body := buf[start:len(buf):len(buf)]
		ef := vh.raw(r.path, body, "text/html; charset=utf-8", genMod)
		b.expected = append(b.expected, ExpectedReport{ID: g.id + "-" + strconv.Itoa(i), Site: b.def.Name, Title: title, Body: unit,
			Year: r.year, Published: r.pub, Format: "legacy", DetailURL: ef.URL, Pages: []ExpectedFile{ef}})
		items = append(items, listItem{Href: r.href, Title: title, Text: truncate(title, 18), Date: r.pub, Pub: r.pub})
	}
	b.trsColumn(column{vh: vh, dir: genDir, site: g.site, label: "政府信息公开年报", perPage: per}, items)
	vh.page("/", pageShell(g.site, "首页", "", `<a href="`+genDir+`">政府信息公开年报</a>`), genMod)
}
