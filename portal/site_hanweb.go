package portal

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/sniff"
)

// Sites of the other CMS families (issue 5): Hanweb, gkmlpt, NFCMS,
// Anhui /public/column, iList.jsp, VSB and a JS-only 海云 site. They are
// served by New like every site; NewFamilies serves only them (tests of
// the family rules).
var familyDefs []*siteDef

func registerFamily(d *siteDef) {
	register(d)
	regMu.Lock()
	defer regMu.Unlock()
	familyDefs = append(familyDefs, d)
	slices.SortStableFunc(familyDefs, func(a, b *siteDef) int { return a.order - b.order })
}

// FamilyNames lists the family sites, in a stable order.
func FamilyNames() []string {
	regMu.Lock()
	defer regMu.Unlock()
	var out []string
	for _, d := range familyDefs {
		out = append(out, d.Name)
	}
	return out
}

// NewFamilies builds a portal with the family sites (all, or opts.Sites).
func NewFamilies(opts Options) *Portal {
	regMu.Lock()
	var defs []*siteDef
	for _, d := range familyDefs {
		if opts.Sites == nil || slices.Contains(opts.Sites, d.Name) {
			defs = append(defs, d)
		}
	}
	regMu.Unlock()
	return newPortal(opts, defs)
}

// famFile is one attachment of a family report.
type famFile struct {
	Kind string
	Name string // link text / download name
	// Path is where the bytes are served (the final URL after redirects).
	Path string
	// Href is written in the page ("" = Path); e.g. a downfile.jsp URL that
	// 302s to Path (register the redirect with Redirect).
	Href     string
	Redirect bool // serve Href (its path and query) as a 302 to Path
	CD       cdStyle
	Gate     gateStyle
	NoExt    bool // expected filename comes from the link text (opaque URL)
}

// famRep is one report of a family site.
type famRep struct {
	ID        string
	Title     string
	Body      string
	Year      int
	Published string
	Format    string
	Style     tableStyle
	Stub      bool
	Files     []famFile
	// LinkFmt writes one attachment link (default fileLinkHTML).
	LinkFmt func(href, name string, i, n int) string
}

// famRender renders a detail page from the report's content HTML and the
// attachment links (already written as HTML).
type famRender func(content, files string) string

// famPublish serves a report's page at path (and at alts, same bytes) and
// its attachments, and records it as expected.
func (b *builder) famPublish(vh *vhost, path string, r famRep, render famRender, alts ...string) ExpectedReport {
	v := b.version(r.ID)
	format := r.Format
	if format == "" {
		format = "2021"
	}
	data := genData(r.ID, v, format)
	mod := bumped(day(r.Published), v)
	var links strings.Builder
	var expFiles []ExpectedFile
	// The same report as publish() sees it, so attachments carry this
	// report's body, year and numbers.
	pr := rep{ID: r.ID, Title: r.Title, Body: r.Body, Year: r.Year, Published: r.Published, Format: format, Stub: r.Stub}
	for _, f := range r.Files {
		pr.Files = append(pr.Files, fileSpec{Kind: f.Kind, Name: f.Name})
	}
	for i, f := range r.Files {
		body, ctype := fileBytes(fileSpec{Kind: f.Kind}, pr, data, v, i)
		res := &resource{ctype: ctype, body: body, mod: mod}
		if cd := cdHeader(f.CD, f.Name); cd != "" {
			res.headers = append(res.headers, [2]string{"Content-Disposition", cd})
		}
		switch f.Gate {
		case gate200:
			res.gate = &resource{status: http.StatusOK, ctype: "text/html; charset=utf-8", body: vsbRefererPage}
		case gate501:
			res.gate = &resource{status: http.StatusNotImplemented, ctype: "text/html", body: referer501}
		}
		vh.put(f.Path, res)
		href := f.Href
		if href == "" {
			href = f.Path
		}
		if f.Redirect {
			target := vh.url(f.Path)
			raw := strings.ReplaceAll(href, "&amp;", "&")
			vh.routes[raw] = &resource{handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", target)
				w.WriteHeader(http.StatusFound)
			}}
		}
		lf := r.LinkFmt
		if lf == nil {
			lf = fileLinkHTML
		}
		fmt.Fprintf(&links, "%s\n", lf(href, f.Name, i, len(r.Files)))
		name := f.Name
		expFiles = append(expFiles, ExpectedFile{URL: vh.url(strings.ReplaceAll(f.Path, "&amp;", "&")), Filename: name,
			SHA256: sha(body), Size: int64(len(body)), MediaType: sniff.Detect(body), Referer: f.Gate != gateNone})
	}
	content := stubBody(r.Title)
	if !r.Stub {
		p1, p2 := reportBody(r.Title, r.Body, r.Year, data, bodyOpts{style: r.Style})
		content = p1 + p2
	}
	html := render(content, links.String())
	ef := vh.page(path, html, mod)
	e := ExpectedReport{ID: r.ID, Title: r.Title, Body: r.Body, Year: r.Year, Published: r.Published, Format: format,
		DetailURL: vh.url(path), Pages: []ExpectedFile{ef}, Attachments: expFiles}
	if !r.Stub || generatedFiles(pr) {
		e.Data = data // the page's tables, or the generated attachment's
	}
	for _, a := range alts {
		vh.routes[a] = vh.routes[path]
		e.AltURLs = append(e.AltURLs, vh.url(a))
	}
	b.expect(e)
	return e
}

// fileLinkHTML is the "附件：name" link most families print.
func fileLinkHTML(href, name string, i, n int) string {
	label := "附件："
	if n > 1 {
		label = "附件" + strconv.Itoa(i+1) + "："
	}
	return fmt.Sprintf(`<p class="attach">%s<a href="%s" target="_blank">%s</a></p>`, label, href, esc(name))
}

// hexID is a stable 32-hex file id (Hanweb downfile names).
func hexID(s string) string { return sha([]byte("hanweb|" + s))[:32] }

// ---------------------------------------------------------------------
// Hanweb (大汉 JCMS), portals.md §2.2 and §6 items 8–9.

func init() {
	registerFamily(&siteDef{
		Name: "jiangsu", Region: "江苏省", order: 100,
		Start: []string{"http://www.jiangsu.gov.cn/"}, Hosts: []string{"www.jiangsu.gov.cn"},
		build: buildJiangsu,
	})
	registerFamily(&siteDef{
		Name: "lishui", Region: "浙江省丽水市", order: 101,
		Start: []string{"http://www.lishui.gov.cn/"}, Hosts: []string{"www.lishui.gov.cn"},
		build: buildLishui,
	})
}

// hwRec is one Hanweb list record: a report or a decoy.
type hwRec struct {
	href, title, text, date string
	quote                   byte // '\'' or '"'
	variant                 int  // record template
}

// record renders the record HTML in one of the templates real columns
// use (portals.md §2.2): span/b dates, table rows, title-first order,
// polluted inner text.
func (r hwRec) record() string {
	q := string(r.quote)
	a := fmt.Sprintf(`<a href=%s%s%s title=%s%s%s target="_blank">%s</a>`, q, r.href, q, q, esc(r.title), q, r.text)
	switch r.variant {
	case 1:
		return fmt.Sprintf(`<li class="clearfix">%s<b>%s</b></li>`, a, r.date)
	case 2:
		return fmt.Sprintf(`<tr><td>%s</td><td>[%s]</td></tr>`, a, r.date)
	case 3: // title first, href second
		return fmt.Sprintf(`<li><s></s><a class="ellipsis-line-clamp" title=%s%s%s href=%s%s%s>%s</a><span class="pull-right">%s</span></li>`, q, esc(r.title), q, q, r.href, q, r.text, r.date)
	}
	return fmt.Sprintf(`<li>%s<span>%s</span></li>`, a, r.date)
}

func hanwebDetail(site, column, colHref string) func(r famRep, colID, artID int) famRender {
	return func(r famRep, colID, artID int) famRender {
		return func(content, files string) string {
			var b strings.Builder
			b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
			fmt.Fprintf(&b, "<title>%s %s %s</title>\n", esc(site), esc(column), esc(r.Title))
			for _, m := range [][2]string{{"ArticleTitle", r.Title}, {"PubDate", r.Published + " 17:18"}, {"Maketime", r.Published + " 17:18:00"},
				{"ContentSource", r.Body}, {"i_columnid", strconv.Itoa(colID)}, {"i_articleid", strconv.Itoa(artID)}} {
				fmt.Fprintf(&b, `<meta name="%s" content="%s">`+"\n", m[0], esc(m[1]))
			}
			b.WriteString("</head>\n<body>\n")
			fmt.Fprintf(&b, `<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="%s">%s</a></div>`+"\n", colHref, esc(column))
			fmt.Fprintf(&b, `<div class="main"><h1 class="title">%s</h1>`+"\n", esc(r.Title))
			fmt.Fprintf(&b, `<div class="info">发布日期：%s　信息来源：<!--<$[信息来源]>begin-->%s<!--<$[信息来源]>end--></div>`+"\n", r.Published, esc(r.Body))
			b.WriteString(`<div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">` + "\n")
			b.WriteString(content)
			b.WriteString(`<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>` + "\n")
			b.WriteString(files)
			b.WriteString("</div>\n</body>\n</html>\n")
			return b.String()
		}
	}
}

// artPath is /art/Y/M/D/art_C_A.html with month and day unpadded.
func artPath(pub string, col, art int) string {
	y, _ := strconv.Atoi(pub[:4])
	m, _ := strconv.Atoi(pub[5:7])
	d, _ := strconv.Atoi(pub[8:10])
	return fmt.Sprintf("/art/%d/%d/%d/art_%d_%d.html", y, m, d, col, art)
}

// hwDownfile is the downfile.jsp link of a file and the /attach/ path it 302s to.
func hwDownfile(id, kind string) (href, path string) {
	h := hexID(id) + "." + kind
	return "/module/download/downfile.jsp?classid=0&amp;filename=" + h, "/attach/0/" + h
}

const jsWebname = "%25E6%25B1%259F%25E8%258B%258F%25E7%259C%2581%25E4%25BA%25BA%25E6%25B0%2591%25E6%2594%25BF%25E5%25BA%259C"

// jiangsu — www.jiangsu.gov.cn, Hanweb with datastore records:
//   - /col/col31251/index.html 政府信息公开年报: 11 records (9 reports, a
//     解读 and a notice), perPage 4 × groupSize 2: the first 8 inline as
//     CDATA with mixed quoting and four templates, one anchor text
//     truncated and one polluted (title= carries the full title); the rest
//     only through dataproxy.jsp (GET and POST, startrecord/endrecord,
//     XML totals). A static "下一页" link to ?uid=212860&pageNum=2 is
//     ignored by the server (it serves page 1 again).
//   - /col/col31260/index.html 部门年报 (linked from the 发改委 article): the
//     same article as art_31260_41793 (same bytes: one report, two
//     sightings), plus one report listed only there.
//   - Details art/Y/M/D/art_C_A.html (unpadded), ZJEG markers; stubs
//     link downfile.jsp?classid=0&filename=<hex>.pdf → 302 → /attach/0/….
//   - 政府信息公开指南 column col31252: a decoy.
func buildJiangsu(b *builder) {
	vh := b.host("www.jiangsu.gov.cn", schemeBoth, miss404)
	const site = "江苏省人民政府"
	det := hanwebDetail(site, "政府信息公开年报", "/col/col31251/index.html")
	type item struct {
		r     famRep
		decoy string
	}
	t := func(body, y string) string { return body + y + "年政府信息公开工作年度报告" }
	items := []item{
		{r: famRep{ID: "js-2024", Title: t("江苏省人民政府办公厅", "2024"), Body: "江苏省人民政府办公厅", Year: 2024, Published: "2025-01-29"}},
		{r: famRep{ID: "js-jd", Title: t("江苏省人民政府办公厅", "2024") + "解读", Published: "2025-01-30"}, decoy: "解读"},
		{r: famRep{ID: "js-2023", Title: t("江苏省人民政府办公厅", "2023"), Body: "江苏省人民政府办公厅", Year: 2023, Published: "2024-01-29", Stub: true}},
		{r: famRep{ID: "js-fgw-2023", Title: t("江苏省发展和改革委员会", "2023"), Body: "江苏省发展和改革委员会", Year: 2023, Published: "2024-01-26"}},
		{r: famRep{ID: "js-jyt-2023", Title: t("江苏省教育厅", "2023"), Body: "江苏省教育厅", Year: 2023, Published: "2024-01-25", Stub: true}},
		{r: famRep{ID: "js-2022", Title: t("江苏省人民政府办公厅", "2022"), Body: "江苏省人民政府办公厅", Year: 2022, Published: "2023-01-30", Style: styleMSO}},
		{r: famRep{ID: "js-tz", Title: "关于做好2022年度政府信息公开工作年度报告编制发布工作的通知", Published: "2022-12-20"}, decoy: "notice"},
		{r: famRep{ID: "js-2021", Title: t("江苏省人民政府办公厅", "2021"), Body: "江苏省人民政府办公厅", Year: 2021, Published: "2022-01-28"}},
		// Records 9–11: reachable only through dataproxy.jsp.
		{r: famRep{ID: "js-2020", Title: t("江苏省人民政府办公厅", "2020"), Body: "江苏省人民政府办公厅", Year: 2020, Published: "2021-01-29", Stub: true}},
		{r: famRep{ID: "js-2019", Title: t("江苏省人民政府办公厅", "2019"), Body: "江苏省人民政府办公厅", Year: 2019, Published: "2020-01-31", Format: "2019"}},
		{r: famRep{ID: "js-2018", Title: "江苏省人民政府办公厅2018年政府信息公开年度报告", Body: "江苏省人民政府办公厅", Year: 2018, Published: "2019-03-29", Format: "legacy"}},
	}
	const col, art0 = 31251, 41790
	var recs []hwRec
	var fgwPath string
	for i, it := range items {
		artID := art0 + i
		path := artPath(it.r.Published, col, artID)
		if it.decoy != "" {
			body := interpBody
			if it.decoy == "notice" {
				body = noticeBody
			}
			html := det(it.r, col, artID)(fmt.Sprintf(`<p style="text-align:center;"><strong>%s</strong></p>`+"\n%s", esc(it.r.Title), body), "")
			vh.page(path, html, day(it.r.Published))
			b.decoy(vh.url(path), it.r.Title, it.decoy)
		} else {
			r := it.r
			if r.Stub {
				href, p := hwDownfile(r.ID, "pdf")
				r.Files = []famFile{{Kind: fPDF, Name: r.Title + ".pdf", Path: p, Href: href, Redirect: true}}
			}
			var alts []string
			render := det(r, col, artID)
			if r.ID == "js-fgw-2023" {
				alt := artPath(r.Published, 31260, artID)
				alts = append(alts, alt)
				fgwPath = alt
				// The 部门年报 column is linked only from here, so a crawl
				// always meets this article first under col31251: which URL
				// names the document does not depend on fetch timing.
				base := render
				render = func(c, f string) string {
					return base(c, f+`<div class="related">相关栏目：<a href="/col/col31260/index.html">部门年报</a></div>`+"\n")
				}
			}
			b.famPublish(vh, path, r, render, alts...)
		}
		rec := hwRec{href: path, title: it.r.Title, text: esc(it.r.Title), date: it.r.Published, quote: "'\""[i%2], variant: i % 4}
		switch i {
		case 0:
			rec.text = esc(truncate(it.r.Title, 12))
		case 3:
			rec.text = `江苏省发展和改革委员会<li style=<br/>` // polluted inner text: only title= is right
		}
		recs = append(recs, rec)
	}
	const unit = 212860
	const perPage, groupSize = 4, 2
	inline := recs[:perPage*groupSize]
	var rows []string
	for _, r := range inline {
		rows = append(rows, r.record())
	}
	nextgroup := fmt.Sprintf(`<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=%d&unitid=%d&webname=%s&permissiontype=0"></a>`, col, unit, jsWebname)
	list := hanwebList(unit, nextgroup, rows, fmt.Sprintf(`$('#%d').jpage({themeName:'default',showMode:'full',dataStore:null,totalRecord:%d,perPage:%d,groupSize:%d,proxyUrl:'/module/web/jpage/dataproxy.jsp',ajaxType:'POST',ajaxParam:{col:1,appid:1,webid:1,path:'/',columnid:%d,sourceContentType:1,unitid:'%d',webname:'%s',permissiontype:0}});`,
		unit, len(recs), perPage, groupSize, col, unit, jsWebname))
	pager := fmt.Sprintf(`<div class="pageinfo">共%d条 <a href="?uid=%d&amp;pageNum=2">下一页</a></div>`, len(recs), unit)
	colPage := pageShell(site, "政府信息公开年报", hanwebHead, hanwebNav+`<div class="lm"><h2>政府信息公开年报</h2>`+list+pager+`</div>`)
	vh.page("/col/col31251/index.html", colPage, latest("2025-01-30"))

	// dataproxy.jsp: GET or POST, any column of the site.
	columns := map[string][]hwRec{strconv.Itoa(col): recs}

	// 部门年报 (col31260): the 发改委 article under this column's id, plus one more.
	dept := famRep{ID: "js-gat-2023", Title: t("江苏省公安厅", "2023"), Body: "江苏省公安厅", Year: 2023, Published: "2024-01-31"}
	deptPath := artPath(dept.Published, 31260, 52001)
	b.famPublish(vh, deptPath, dept, hanwebDetail(site, "部门年报", "/col/col31260/index.html")(dept, 31260, 52001))
	drecs := []hwRec{
		{href: deptPath, title: dept.Title, text: esc(dept.Title), date: dept.Published, quote: '"'},
		{href: fgwPath, title: items[3].r.Title, text: esc(items[3].r.Title), date: items[3].r.Published, quote: '\'', variant: 1},
	}
	columns["31260"] = drecs
	var drows []string
	for _, r := range drecs {
		drows = append(drows, r.record())
	}
	dlist := hanwebList(212870, "", drows, fmt.Sprintf(`$('#212870').jpage({totalRecord:%d,perPage:15,groupSize:3,proxyUrl:'/module/web/jpage/dataproxy.jsp',ajaxParam:{col:1,appid:1,webid:1,path:'/',columnid:31260,unitid:'212870',webname:'%s',permissiontype:0}});`, len(drecs), jsWebname))
	vh.page("/col/col31260/index.html", pageShell(site, "部门年报", hanwebHead, hanwebNav+`<div class="lm"><h2>部门年报</h2>`+dlist+`</div>`), latest("2024-01-31"))

	vh.put("/module/web/jpage/dataproxy.jsp", &resource{handler: dataproxyHandler(columns)})

	// 指南: a decoy column.
	gp := artPath("2022-03-01", 31252, 30001)
	gr := famRep{ID: "js-zn", Title: "江苏省人民政府办公厅政府信息公开指南", Published: "2022-03-01"}
	vh.page(gp, hanwebDetail(site, "政府信息公开指南", "/col/col31252/index.html")(gr, 31252, 30001)(guideBody, ""), day("2022-03-01"))
	b.decoy(vh.url(gp), gr.Title, "指南")
	gl := hanwebList(212880, "", []string{hwRec{href: gp, title: gr.Title, text: esc(gr.Title), date: gr.Published, quote: '"'}.record()}, `$('#212880').jpage({totalRecord:1,perPage:15});`)
	vh.page("/col/col31252/index.html", pageShell(site, "政府信息公开指南", hanwebHead, hanwebNav+gl), day("2022-03-01"))

	vh.page("/", pageShell(site, "首页", "", hanwebNav+`<div class="banner">江苏省人民政府门户网站</div>`), latest("2025-01-30"))
}

const hanwebHead = `<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.page.js"></script>
`

const hanwebNav = `<div class="nav"><a href="/">首页</a> <a href="/col/col31251/index.html">政府信息公开年报</a> <a href="/col/col31252/index.html">政府信息公开指南</a></div>
`

// hanwebList is the column's inline datastore and its jpage init.
func hanwebList(unit int, nextgroup string, rows []string, jpage string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div id="%d"><script type="text/xml"><datastore>`+"\n", unit)
	if nextgroup != "" {
		fmt.Fprintf(&b, "<nextgroup><![CDATA[%s]]></nextgroup>\n", nextgroup)
	}
	b.WriteString("<recordset>\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "<record><![CDATA[\n%s\n]]></record>\n", r)
	}
	b.WriteString("</recordset>\n</datastore></script></div>\n")
	fmt.Fprintf(&b, "<script>%s</script>\n", jpage)
	return b.String()
}

// dataproxyHandler answers /module/web/jpage/dataproxy.jsp: parameters in
// the query (GET) or the form body (POST); records startrecord…endrecord
// (1-based, inclusive) of columnid; totals as XML. A request without a
// known columnid gets an empty recordset, like the real proxy.
func dataproxyHandler(columns map[string][]hwRec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		recs := columns[r.Form.Get("columnid")]
		per, _ := strconv.Atoi(r.Form.Get("perpage"))
		if per <= 0 {
			per = 15
		}
		start, _ := strconv.Atoi(r.Form.Get("startrecord"))
		end, _ := strconv.Atoi(r.Form.Get("endrecord"))
		if start < 1 {
			start = 1
		}
		if end < start {
			end = start + per*3 - 1
		}
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<datastore>\n")
		fmt.Fprintf(&b, "<totalrecord>%d</totalrecord>\n<totalpage>%d</totalpage>\n<recordset>\n", len(recs), (len(recs)+per-1)/per)
		for i := start; i <= end && i <= len(recs); i++ {
			fmt.Fprintf(&b, "<record><![CDATA[\n%s\n]]></record>\n", recs[i-1].record())
		}
		b.WriteString("</recordset>\n</datastore>\n")
		writeRaw(w, http.StatusOK, "text/xml;charset=UTF-8", []byte(b.String()))
	}
}

// lishui — www.lishui.gov.cn, an older Hanweb (Zhejiang) column:
//   - /col/col1229425517/index.html: records in a `var InitData49468 = [...]`
//     JS array (single-quoted strings holding double-quoted HTML, one with
//     an escaped \'), jpage without a proxy; the server renders page k for
//     ?uid=49468&pageNum=k (5 per page, 12 records: 10 reports, a 图解 and
//     the format notice) with a pager marking the current page.
//   - Details with ZJEG markers; two stubs with downfile.jsp → 302 → /attach/0/….
func buildLishui(b *builder) {
	vh := b.host("www.lishui.gov.cn", schemeBoth, miss404)
	const site = "丽水市人民政府"
	const col, unit = 1229425517, 49468
	colHref := fmt.Sprintf("/col/col%d/index.html", col)
	det := hanwebDetail(site, "政府信息公开年报", colHref)
	units := []string{"丽水市人民政府办公室", "丽水市财政局", "丽水市民政局", "丽水市卫生健康委员会", "丽水市自然资源和规划局"}
	var recs []hwRec
	n := 0
	for y := 2024; y >= 2023; y-- {
		for i, u := range units {
			r := famRep{ID: fmt.Sprintf("ls-%d-%d", y, i), Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", u, y), Body: u, Year: y,
				Published: fmt.Sprintf("%d-01-%02d", y+1, 10+i*3)}
			if i == 1 || (i == 3 && y == 2023) {
				r.Stub = true
				href, p := hwDownfile(r.ID, "pdf")
				r.Files = []famFile{{Kind: fPDF, Name: r.Title + ".pdf", Path: p, Href: href, Redirect: true}}
			}
			artID := 7000000 + n
			path := artPath(r.Published, col, artID)
			b.famPublish(vh, path, r, det(r, col, artID))
			q := byte('"')
			if n == 2 {
				q = '\'' // escaped as \' inside the JS string
			}
			recs = append(recs, hwRec{href: path, title: r.Title, text: esc(r.Title), date: r.Published, quote: q, variant: n % 2})
			n++
		}
		if y == 2024 {
			dp := artPath("2025-01-28", col, 7000100)
			dt := "图解：丽水市人民政府办公室2024年政府信息公开工作年度报告"
			dr := famRep{ID: "ls-tj", Title: dt, Published: "2025-01-28"}
			vh.page(dp, det(dr, col, 7000100)(graphicBody, ""), day("2025-01-28"))
			b.decoy(vh.url(dp), dt, "图解")
			recs = append(recs, hwRec{href: dp, title: dt, text: esc(dt), date: "2025-01-28", quote: '"'})
		}
	}
	fp := artPath("2021-09-30", col, 7000101)
	ft := "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知"
	vh.page(fp, det(famRep{ID: "ls-gs", Title: ft, Published: "2021-09-30"}, col, 7000101)(formatBody, ""), day("2021-09-30"))
	b.decoy(vh.url(fp), ft, "format-notice")
	recs = append(recs, hwRec{href: fp, title: ft, text: esc(truncate(ft, 20)), date: "2021-09-30", quote: '"'})

	const per = 5
	pages := (len(recs) + per - 1) / per
	for k := 1; k <= pages; k++ {
		lo, hi := (k-1)*per, min(k*per, len(recs))
		var arr []string
		for _, r := range recs[lo:hi] {
			s := strings.ReplaceAll(r.record(), "'", `\'`)
			arr = append(arr, "'"+s+"'")
		}
		script := fmt.Sprintf("<script>var InitData%d = [%s];\n$('#%d').jpage({themeName:'default',showMode:'full',totalRecord:%d,dataStore:InitData%d,groupSize:1,perPage:%d,currentPage:%d});</script>\n",
			unit, strings.Join(arr, ",\n"), unit, len(recs), unit, per, k)
		var pager strings.Builder
		fmt.Fprintf(&pager, `<div class="pages">共%d页 `, pages)
		for j := 1; j <= pages; j++ {
			if j == k {
				fmt.Fprintf(&pager, `<span class="current">%d</span> `, j)
			} else {
				fmt.Fprintf(&pager, `<a href="?uid=%d&amp;pageNum=%d">%d</a> `, unit, j, j)
			}
		}
		if k < pages {
			fmt.Fprintf(&pager, `<a href="?uid=%d&amp;pageNum=%d">下一页</a>`, unit, k+1)
		}
		pager.WriteString("</div>\n")
		html := pageShell(site, "政府信息公开年报", hanwebHead, `<div class="lm"><h2>政府信息公开年报</h2><div id="`+strconv.Itoa(unit)+`"></div>`+script+pager.String()+`</div>`)
		var pubs []string
		for _, r := range recs[lo:hi] {
			pubs = append(pubs, r.date)
		}
		paths := []string{fmt.Sprintf("%s?uid=%d&pageNum=%d", colHref, unit, k)}
		if k == 1 {
			paths = append(paths, colHref)
		}
		for _, p := range paths {
			vh.page(p, html, latest(pubs...))
		}
	}
	vh.page("/", pageShell(site, "首页", "", `<div class="nav"><a href="/">首页</a> <a href="`+colHref+`">政府信息公开年报</a></div>`), latest("2025-01-28"))
}

// vsbRefererPage is the ~4.9 KB HTML error page a download script serves
// with status 200 when the Referer is missing.
var vsbRefererPage = []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>错误提示</title></head><body>` +
	`<div class="err"><h3>对不起，您没有权限下载此附件，或附件已被删除。</h3><p>请从正确的页面进入下载。</p><p><a href="javascript:history.back()">返回</a></p></div>` +
	strings.Repeat(`<div class="pad" style="display:none">                                        </div>`+"\n", 50) + `</body></html>` + "\n")
