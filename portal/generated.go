package portal

import (
	"fmt"
	"strconv"
	"strings"
)

// GeneratedSite is the site name of a Generated portal.
const GeneratedSite = "gen"

// Generated returns a portal with one site ("gen", host www.gen.gov.cn) of
// about n pages: a TRS classic column of list pages (20 rows each,
// createPageHTML pager) and one small HTML report per row, for the crawl
// benchmark. Every response is prebuilt at construction, so serving is a
// map lookup and a write; Expected("gen") lists every report.
func Generated(n int) *Portal {
	if n < 2 {
		n = 2
	}
	def := &siteDef{
		Name: GeneratedSite, Region: "测试省生成市", generated: true,
		Start: []string{"http://www.gen.gov.cn/"},
		Hosts: []string{"www.gen.gov.cn"},
		build: func(b *builder) { buildGenerated(b, n) },
	}
	return newPortal(Options{}, []*siteDef{def})
}

func buildGenerated(b *builder, n int) {
	const per = 20
	vh := b.host("www.gen.gov.cn", schemeBoth, miss404)
	const dir = "/zfxxgk/zfxxgknb/"
	lists := (n + per) / (per + 1)
	details := n - lists - 1 // minus the home page
	if details < 1 {
		details = 1
	}
	mod := day("2025-01-31")
	items := make([]listItem, 0, details)
	var sb strings.Builder
	for i := 0; i < details; i++ {
		year := 2015 + i%10
		unit := fmt.Sprintf("生成市第%d单位", i/10+1)
		title := fmt.Sprintf("%s%d年政府信息公开工作年度报告", unit, year)
		pubDate := fmt.Sprintf("%d-01-%02d", year+1, 1+i%28)
		path := fmt.Sprintf("%s%d01/t%d01%02d_%d.html", dir, year+1, year+1, 1+i%28, 100000+i)
		sb.Reset()
		sb.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>`)
		sb.WriteString(title)
		sb.WriteString(`</title><meta name="ArticleTitle" content="`)
		sb.WriteString(title)
		sb.WriteString(`"><meta name="PubDate" content="`)
		sb.WriteString(pubDate)
		sb.WriteString(` 09:00"></head><body><div class="TRS_Editor"><p>`)
		sb.WriteString(title)
		sb.WriteString(`</p><p>一、总体情况</p><p>本年度主动公开政府信息`)
		sb.WriteString(strconv.Itoa(100 + i%900))
		sb.WriteString(`条。</p><table border="1"><tr><td>一、本年新收政府信息公开申请数量</td><td>`)
		sb.WriteString(strconv.Itoa(i % 17))
		sb.WriteString(`</td></tr></table></div></body></html>`)
		ef := vh.page(path, sb.String(), mod)
		b.expected = append(b.expected, ExpectedReport{ID: fmt.Sprintf("gen-%d", i), Site: GeneratedSite, Title: title, Body: unit,
			Year: year, Published: pubDate, Format: "legacy", DetailURL: ef.URL, Pages: []ExpectedFile{ef}})
		items = append(items, listItem{Href: "./" + path[len(dir):], Title: title, Text: truncate(title, 18), Date: pubDate, Pub: pubDate})
	}
	b.trsColumn(column{vh: vh, dir: dir, site: "测试省生成市人民政府", label: "政府信息公开年报", perPage: per}, items)
	vh.page("/", pageShell("测试省生成市人民政府", "首页", "", `<a href="/zfxxgk/zfxxgknb/">政府信息公开年报</a>`), mod)
}
