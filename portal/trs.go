package portal

import (
	"fmt"
	"strings"
	"time"
)

// Date markup of a list row (portals.md §4.5).
type dateStyle int

const (
	dateSpan      dateStyle = iota // <span>2024-01-15</span>
	dateB                          // <b>2022-01-20</b>
	dateTD                         // table row, [2017-04-24] in a <td>
	dateSpanDate                   // <span class="date">
	dateSpanFr                     // <span class="fr">
	dateSpanPub                    // <span class="pubDate">
	dateTextLabel                  // 发布日期：2020-01-31 inside the row
)

// listItem is one row of a column list.
type listItem struct {
	Href    string // as written into the HTML (already HTML-escaped where it matters, e.g. &amp;)
	Title   string // full title, written as title= (empty: no title attribute)
	Text    string // anchor text (often truncated)
	Date    string // as displayed ("" = the row shows no date)
	Style   dateStyle
	Onclick string // non-empty: href="javascript:void(0)" onclick="jumpToDetail('…')"
	Pub     string // YYYY-MM-DD for the list's Last-Modified ("" = unknown)
}

func (it listItem) anchor() string {
	title := ""
	if it.Title != "" {
		title = ` title="` + esc(it.Title) + `"`
	}
	if it.Onclick != "" {
		return fmt.Sprintf(`<a href="javascript:void(0)" onclick="jumpToDetail('%s')"%s>%s</a>`, it.Onclick, title, esc(it.Text))
	}
	return fmt.Sprintf(`<a href="%s" target="_blank"%s>%s</a>`, it.Href, title, esc(it.Text))
}

// renderList writes rows as <ul class=cls> (or a table for dateTD rows).
func renderList(cls string, items []listItem) string {
	var b strings.Builder
	table := len(items) > 0 && items[0].Style == dateTD
	if table {
		b.WriteString(`<table class="` + cls + `" width="100%"><tbody>` + "\n")
	} else {
		b.WriteString(`<ul class="` + cls + `">` + "\n")
	}
	for _, it := range items {
		if table {
			date := ""
			if it.Date != "" {
				date = "[" + it.Date + "]"
			}
			fmt.Fprintf(&b, `<tr><td class="title">%s</td><td class="huise">%s</td></tr>`+"\n", it.anchor(), date)
			continue
		}
		var d string
		if it.Date != "" {
			switch it.Style {
			case dateB:
				d = "<b>" + it.Date + "</b>"
			case dateSpanDate:
				d = `<span class="date">` + it.Date + `</span>`
			case dateSpanFr:
				d = `<span class="fr">` + it.Date + `</span>`
			case dateSpanPub:
				d = `<span class="pubDate">` + it.Date + `</span>`
			case dateTextLabel:
				d = `<em>发布日期：` + it.Date + `</em>`
			default:
				d = "<span>" + it.Date + "</span>"
			}
		}
		fmt.Fprintf(&b, "  <li>%s%s</li>\n", it.anchor(), d)
	}
	if table {
		b.WriteString("</tbody></table>\n")
	} else {
		b.WriteString("</ul>\n")
	}
	return b.String()
}

// The pager function real TRS templates ship; it builds links only in a
// browser, so a static crawler has to read the call's arguments.
const createPageHTMLFunc = `<script type="text/javascript">
function createPageHTML(){var a=arguments;var six=(a.length>=6);var n=six?a[1]:a[0],c=six?a[2]:a[1],p=six?a[3]:a[2],e=six?a[4]:a[3];
var first=six?1:0;var s="";for(var i=first;i<(six?n+1:n);i++){var u=(i==first)?p+"."+e:p+"_"+i+"."+e;s+=(i==c)?"<span>"+(i-first+1)+"</span>":"<a href=\""+u+"\">"+(i-first+1)+"</a>";}
var el=six?document.getElementById(a[0]):null;if(el){el.innerHTML=s;}else{document.write(s);}}
var jumpToDetail=function(u){window.open(u);};
</script>
`

// classicPager: createPageHTML(N, k, "index", "html"), 0-based (page 1 is
// index.html, page k+1 is index_k.html).
func classicPager(count, cur int, prefix, ext string) string {
	return fmt.Sprintf(`<div class="page"><script type="text/javascript">var currentPage = %d;//所在页从0开始
var countPage = %d//共多少页
createPageHTML(%d, %d, "%s", "%s");</script></div>`+"\n", cur, count, count, cur, prefix, ext)
}

// sixArgPager: createPageHTML('page_div', N, k, 'prefix', 'ext', total),
// 1-based (page 1 is prefix.ext, page k is prefix_k.ext).
func sixArgPager(count, cur int, prefix, ext string, total int) string {
	return fmt.Sprintf(`<div id="page_div" class="pagination"></div>
<script>createPageHTML('page_div',%d, %d,'%s','%s',%d);</script>`+"\n", count, cur, prefix, ext, total)
}

// trsDoc is a TRS WCM detail page.
type trsDoc struct {
	SiteName, SiteDomain, ColumnName string
	Title                            string // ArticleTitle (full)
	PubDate                          string // "2024-01-15 10:23"
	Source                           string
	Body                             string // inner HTML of div.TRS_Editor
	Files                            []trsFile
	Pager                            string // multi-page article script ("" = single page)
	Crumbs                           string // breadcrumb HTML
	Extra                            string // HTML after the body (e.g. 手机版 link)
	MetaCharset                      string // <meta http-equiv> value; "" = <meta charset="utf-8">
	DateLine                         string // visible line under the title, e.g. "发布时间：2024-01-15"
}

type trsFile struct {
	Href, Name, OldSrc string
}

func (d trsDoc) render() string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n")
	if d.MetaCharset != "" {
		fmt.Fprintf(&b, `<meta http-equiv="Content-Type" content="%s">`+"\n", d.MetaCharset)
	} else {
		b.WriteString(`<meta charset="utf-8">` + "\n")
	}
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(d.Title))
	b.WriteString(createPageHTMLFunc)
	metas := [][2]string{
		{"SiteName", d.SiteName}, {"SiteDomain", d.SiteDomain}, {"SiteIDCode", "4103810001"},
		{"ColumnName", d.ColumnName}, {"ColumnType", "政府信息公开年报"},
		{"ColumnDescription", d.ColumnName}, {"ColumnKeywords", "政府信息公开年报"},
		{"ArticleTitle", d.Title}, {"PubDate", d.PubDate}, {"ContentSource", d.Source},
		{"Keywords", "年度报告"}, {"Author", d.Source},
	}
	for _, m := range metas {
		fmt.Fprintf(&b, `<meta name="%s" content="%s">`+"\n", m[0], esc(m[1]))
	}
	b.WriteString("</head>\n<body>\n")
	b.WriteString(`<div class="crumbs">当前位置：` + d.Crumbs + "</div>\n")
	fmt.Fprintf(&b, `<div class="article"><h1 class="artT">%s</h1>`+"\n", esc(d.Title))
	dl := d.DateLine
	if dl == "" && len(d.PubDate) >= 10 {
		dl = "发布时间：" + d.PubDate[:10]
	}
	fmt.Fprintf(&b, `<div class="art_infos">%s　来源：%s</div>`+"\n", dl, esc(d.Source))
	b.WriteString(`<div class="view TRS_UEDITOR trs_paper_default trs_web"><div class="TRS_Editor">` + "\n")
	b.WriteString(d.Body)
	b.WriteString("</div></div>\n")
	if d.Pager != "" {
		b.WriteString(d.Pager)
	}
	for _, f := range d.Files {
		old := ""
		if f.OldSrc != "" {
			old = ` OLDSRC="` + f.OldSrc + `"`
		}
		fmt.Fprintf(&b, `<p class="insertfileTag"><img src="/images/icon_pdf.gif"> <a appendix="true" data-appendix="true" needdownload="true" href="%s" title="%s" download="%s"%s>%s</a></p>`+"\n",
			f.Href, esc(f.Name), esc(f.Name), old, esc(f.Name))
	}
	b.WriteString(d.Extra)
	b.WriteString("</div>\n</body>\n</html>\n")
	return b.String()
}

// column is a paginated TRS list.
type column struct {
	vh      *vhost
	dir     string // "/xxgk/xxgknb/"
	site    string // site name shown in the header
	label   string // column label shown on the page
	cls     string // list class
	perPage int
	sixArg  bool   // 1-based 6-argument pager with prefix.ext pages
	prefix  string // "index" (classic) or e.g. "list"
	ext     string // "html" / "shtml"
	nav     string // HTML above the list (breadcrumbs, sibling columns)
	gbk     *gbkPage
	noSlash bool // also serve the list at dir without the trailing slash (relative-link trap)
}

// trsColumn serves items over pages: classic (index.html, index_1.html …,
// 404 past the end) or 6-argument (list.shtml, list_2.shtml …, a meta
// refresh to ./ past the end).
func (b *builder) trsColumn(c column, items []listItem) {
	if c.perPage <= 0 {
		c.perPage = 20
	}
	if c.prefix == "" {
		c.prefix = "index"
	}
	if c.ext == "" {
		c.ext = "html"
	}
	if c.cls == "" {
		c.cls = "list"
	}
	n := (len(items) + c.perPage - 1) / c.perPage
	if n == 0 {
		n = 1
	}
	for k := 0; k < n; k++ {
		lo, hi := k*c.perPage, min((k+1)*c.perPage, len(items))
		var pubs []string
		for _, it := range items[lo:hi] {
			pubs = append(pubs, it.Pub)
		}
		var pager, name string
		if c.sixArg {
			pager = sixArgPager(n, k+1, c.prefix, c.ext, len(items))
			name = c.prefix + "." + c.ext
			if k > 0 {
				name = fmt.Sprintf("%s_%d.%s", c.prefix, k+1, c.ext)
			}
		} else {
			pager = classicPager(n, k, c.prefix, c.ext)
			name = c.prefix + "." + c.ext
			if k > 0 {
				name = fmt.Sprintf("%s_%d.%s", c.prefix, k, c.ext)
			}
		}
		head := createPageHTMLFunc
		if c.gbk != nil {
			head = `<meta http-equiv="Content-Type" content="` + c.gbk.meta + `">` + "\n" + head
		}
		body := `<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="./">` + esc(c.label) + "</a></div>\n" +
			c.nav + `<div class="list-box"><h2 class="lm">` + esc(c.label) + "</h2>\n" + renderList(c.cls, items[lo:hi]) + pager + "</div>"
		html := pageShell(c.site, c.label, head, body)
		if c.gbk != nil {
			html = strings.Replace(html, `<meta charset="utf-8">`+"\n", "", 1)
		}
		paths := []string{c.dir + name}
		if k == 0 {
			paths = append(paths, c.dir)
			if c.noSlash {
				paths = append(paths, strings.TrimSuffix(c.dir, "/"))
			}
		}
		// One body for the page and its aliases: they serve the same bytes.
		served, ctype := []byte(html), "text/html; charset=utf-8"
		if c.gbk != nil {
			served, ctype = gbk(html), c.gbk.ctype
		}
		for _, p := range paths {
			c.vh.raw(p, served, ctype, latest(pubs...))
		}
	}
	if c.sixArg {
		// mohrss: past the last page, a refresh back to the column.
		c.vh.page(fmt.Sprintf("%s%s_%d.%s", c.dir, c.prefix, n+1, c.ext), metaRefresh("./"), modOf("2020-01-01"))
	}
}

// itemFor makes a list row for an expected report.
func itemFor(e ExpectedReport, href string, trunc int, style dateStyle, date string) listItem {
	text := e.Title
	if trunc > 0 {
		text = truncate(e.Title, trunc)
	}
	return listItem{Href: href, Title: e.Title, Text: text, Date: date, Style: style, Pub: e.Published}
}

// relHref is the ./YYYYMM/t….html form of an absolute detail URL under dir.
func relHref(detailURL, dir string) string {
	i := strings.Index(detailURL, dir)
	if i < 0 {
		return detailURL
	}
	return "./" + detailURL[i+len(dir):]
}

// latestOf is the Last-Modified of a list: its newest row.
func latestOf(items []listItem) time.Time {
	var ds []string
	for _, it := range items {
		ds = append(ds, it.Pub)
	}
	return latest(ds...)
}
