package portal

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nianbao/nianbao/sniff"
)

// rep describes one report to publish.
type rep struct {
	ID        string
	Title     string // full title
	Body      string // issuing body
	Year      int
	Published string // YYYY-MM-DD, also the date in the detail URL
	Format    string // "2021", "2019", "legacy" (content of the HTML body / of the files)
	Style     tableStyle
	Blank     bool // &nbsp; for zero cells
	Break     bool // <br> inside the visible title
	Stub      bool // body is "详见附件"; the report is the attachment(s)
	Files     []fileSpec
	Multi     bool // split the article over t….html and t…_1.html
	Wap       bool // also serve the t…_wap.html twin
	DocNo     int  // the number after t<date>_ (0: derived from ID)
}

// Attachment kinds.
const (
	fPDF  = "pdf"
	fDOC  = "doc"
	fDOCX = "docx"
	fXLS  = "xls" // 统计表 (OOXML bytes under a .xls name)
	fScan = "scan"
)

// Content-Disposition styles (portals.md §3.3).
type cdStyle int

const (
	cdNone    cdStyle = iota
	cdGBK             // filename="<raw GBK bytes>"
	cdPercent         // filename="<percent-encoded UTF-8, + for space>"
	cdRFC5987         // filename*=utf-8''<percent-encoded>
)

// Referer gates.
type gateStyle int

const (
	gateNone gateStyle = iota
	gate200            // no Referer: an HTML error page with status 200
	gate501            // no Referer: 501
)

type fileSpec struct {
	Kind string
	Name string // display / download name
	CD   cdStyle
	Gate gateStyle
	// Path overrides where the file is served (may include ?query);
	// default: ./P0<date><digits>.<ext> next to the detail page.
	Path string
	// Href overrides the href written in the page (e.g. with &amp;).
	Href   string
	OldSrc bool // write a dead OLDSRC attribute
	// Visible: the file is linked as a plain "附件：" link instead of the TRS insertfileTag.
	Plain bool
}

// pubCtx is where and how a report page is published.
type pubCtx struct {
	vh  *vhost
	dir string // column directory, e.g. "/xxgk/xxgknb/"
	doc trsDoc // site-wide fields: SiteName, SiteDomain, ColumnName, Source, Crumbs
	// gbk: serve the page GBK-encoded with this Content-Type header and
	// this <meta http-equiv> content; nil = UTF-8.
	gbk *gbkPage
	// twins: other hosts serving the same routes (bare-host alias): AltURLs.
	twins []*vhost
}

type gbkPage struct {
	ctype string // header Content-Type, e.g. "text/html" (no charset)
	meta  string // e.g. "text/html; charset=gb2312" or "charset=gbk"
}

func docNo(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return 1000000 + int(h.Sum32()%8999999)
}

// detailPath is <dir><YYYYMM>/t<YYYYMMDD>_<n>.html.
func (r rep) detailPath(dir string) string {
	n := r.DocNo
	if n == 0 {
		n = docNo(r.ID)
	}
	d := strings.ReplaceAll(r.Published, "-", "")
	return fmt.Sprintf("%s%s/t%s_%d.html", dir, d[:6], d, n)
}

func cdHeader(style cdStyle, name string) string {
	switch style {
	case cdGBK:
		return `attachment; filename="` + string(gbk(name)) + `"`
	case cdPercent:
		return `attachment; filename="` + url.QueryEscape(name) + `"`
	case cdRFC5987:
		return `attachment; filename*=utf-8''` + rfc5987(name)
	}
	return ""
}

func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

var (
	refererErrorPage = []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>提示信息</title></head><body>` +
		`<div class="msg"><h3>非法访问！</h3><p>请从正确的页面链接下载附件。</p><p><a href="/">返回首页</a></p></div>` +
		strings.Repeat("<!-- padding -->", 20) + `</body></html>` + "\n")
	referer501 = []byte("<html><head><title>501 Not Implemented</title></head><body><h1>Not Implemented</h1></body></html>\n")
)

// fileBytes is attachment idx of report r. The sample files (PDF, DOC,
// DOCX, scan) are served only for the sample report itself; any other
// report gets a DOCX written from its own body, year and numbers — under
// a .pdf or .doc link too (content, not extension, tells the container) —
// or, for a scan, an image-only PDF with nothing legible.
func fileBytes(f fileSpec, r rep, d *ReportData, version int, idx int) ([]byte, string) {
	const ctDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	id := fmt.Sprintf("%s#%d", r.ID, idx)
	sample := isSample(r)
	switch {
	case f.Kind == fXLS:
		return statsSheet(r.Title, d, r.ID, version), "application/vnd.ms-excel"
	case f.Kind == fScan && sample:
		return pdfVariant("report-scan.pdf", id, version), "application/pdf"
	case f.Kind == fScan:
		return blankScan(id, version), "application/pdf"
	case f.Kind == fPDF && sample:
		s := pdfSamples[int(docNo(r.ID))%len(pdfSamples)]
		return pdfVariant(s, id, version), "application/pdf"
	case f.Kind == fDOC && sample:
		return docVariant(id, version), "application/msword"
	case f.Kind == fDOCX && sample:
		return docxVariant(r.Title, id, version), ctDOCX
	case f.Kind == fPDF || f.Kind == fDOC || f.Kind == fDOCX:
		return genDocx(r, d, id, version), ctDOCX
	}
	panic("portal: unknown file kind " + f.Kind)
}

// generatedFiles reports whether a stub's attachments carry its generated
// numbers (a DOCX or 统计表 written for it, not a sample file or a blank scan).
func generatedFiles(r rep) bool {
	if isSample(r) {
		return false
	}
	for _, f := range r.Files {
		if f.Kind != fScan {
			return true
		}
	}
	return false
}

func fileExt(kind string) string {
	switch kind {
	case fScan:
		return "pdf"
	}
	return kind
}

// publish serves a report's detail page(s) and attachments and records it
// as expected. It returns the expected entry (also recorded).
func (b *builder) publish(c pubCtx, r rep) ExpectedReport {
	v := b.version(r.ID)
	format := r.Format
	if format == "" {
		format = "2021"
	}
	data := genData(r.ID, v, format)
	mod := bumped(day(r.Published), v)
	path := r.detailPath(c.dir)
	base := strings.TrimSuffix(path, ".html")
	monthDir := path[:strings.LastIndex(path, "/")+1]

	// Attachments first: the page links them.
	var files []trsFile
	var expFiles []ExpectedFile
	for i, f := range r.Files {
		data, ctype := fileBytes(f, r, data, v, i)
		d := strings.ReplaceAll(r.Published, "-", "")
		pname := fmt.Sprintf("P0%s%012d.%s", d, uint64(docNo(fmt.Sprintf("%s#%d", r.ID, i)))*7919%1000000000000, fileExt(f.Kind))
		p := monthDir + pname
		href := "./" + pname
		if f.Path != "" {
			p = f.Path
			href = f.Path
		}
		if f.Href != "" {
			href = f.Href
		}
		res := &resource{ctype: ctype, body: data, mod: mod}
		if cd := cdHeader(f.CD, f.Name); cd != "" {
			res.headers = append(res.headers, [2]string{"Content-Disposition", cd})
		}
		switch f.Gate {
		case gate200:
			res.gate = &resource{status: http.StatusOK, ctype: "text/html; charset=utf-8", body: refererErrorPage}
		case gate501:
			res.gate = &resource{status: http.StatusNotImplemented, ctype: "text/html", body: referer501}
		}
		c.vh.put(p, res)
		tf := trsFile{Href: href, Name: f.Name}
		if f.OldSrc {
			tf.OldSrc = fmt.Sprintf("/protect/P0%s/P0%s/%s", d[:6], d, pname)
		}
		files = append(files, tf)
		u := c.vh.url(strings.ReplaceAll(p, "&amp;", "&"))
		expFiles = append(expFiles, ExpectedFile{URL: u, Filename: f.Name, SHA256: sha(data), Size: int64(len(data)), MediaType: sniff.Detect(data), Referer: f.Gate != gateNone, Scan: f.Kind == fScan})
	}

	doc := c.doc
	doc.Title = r.Title
	doc.PubDate = r.Published + " 09:30"
	var pages []string
	if r.Stub {
		pages = []string{stubBody(r.Title)}
	} else {
		p1, p2 := reportBody(r.Title, r.Body, r.Year, data, bodyOpts{style: r.Style, blankZeros: r.Blank, titleBreak: r.Break})
		if r.Multi {
			pages = []string{p1, p2}
		} else {
			pages = []string{p1 + p2}
		}
	}
	var plainLinks strings.Builder
	for i, f := range r.Files {
		if r.Files[i].Plain {
			fmt.Fprintf(&plainLinks, `<p>附件：<a href="%s">%s</a></p>`+"\n", files[i].Href, esc(f.Name))
		}
	}
	var tfiles []trsFile
	for i, f := range files {
		if !r.Files[i].Plain {
			tfiles = append(tfiles, f)
		}
	}
	var expPages []ExpectedFile
	pageName := base[strings.LastIndex(base, "/")+1:]
	for k, body := range pages {
		d := doc
		d.Body = body
		if len(pages) > 1 {
			d.Pager = fmt.Sprintf(`<div class="fy"><script>createPageHTML(%d, %d, "%s", "html");</script></div>`+"\n", len(pages), k, pageName)
		}
		if k == len(pages)-1 {
			d.Files = tfiles
			d.Extra = plainLinks.String() + d.Extra
		}
		if r.Wap && k == 0 {
			d.Extra += fmt.Sprintf(`<p class="wap"><a href="./%s_wap.html">手机版</a></p>`+"\n", pageName)
		}
		p := path
		if k > 0 {
			p = fmt.Sprintf("%s_%d.html", base, k)
		}
		var ef ExpectedFile
		if c.gbk != nil {
			d.MetaCharset = c.gbk.meta
			ef = c.vh.raw(p, gbk(d.render()), c.gbk.ctype, mod)
		} else {
			ef = c.vh.page(p, d.render(), mod)
		}
		expPages = append(expPages, ef)
	}
	e := ExpectedReport{
		ID: r.ID, Title: r.Title, Body: r.Body, Year: r.Year, Published: r.Published, Format: format,
		DetailURL: c.vh.url(path), Pages: expPages, Attachments: expFiles,
	}
	if !r.Stub || generatedFiles(r) {
		e.Data = data // the page's tables, or the generated attachment's
	}
	if r.Wap {
		// The mobile twin serves the same bytes at another URL.
		wp := base + "_wap.html"
		c.vh.routes[wp] = c.vh.routes[path]
		e.AltURLs = append(e.AltURLs, c.vh.url(wp))
	}
	for _, t := range c.twins {
		e.AltURLs = append(e.AltURLs, t.url(path))
	}
	b.expect(e)
	return e
}

// modOf returns a fixed Last-Modified for pages that never change.
func modOf(s string) time.Time { return day(s) }

// decoyPage publishes a look-alike (解读, 图解, a notice, …) as a TRS detail
// page in the column and records it as a decoy. It returns its list row.
func (b *builder) decoyPage(c pubCtx, id, title, pub, why, body string) listItem {
	r := rep{ID: id, Published: pub}
	path := r.detailPath(c.dir)
	d := c.doc
	d.Title, d.PubDate = title, pub+" 10:00"
	d.Body = fmt.Sprintf(`<p style="text-align:center;"><strong>%s</strong></p>`+"\n%s", esc(title), body)
	if c.gbk != nil {
		d.MetaCharset = c.gbk.meta
		c.vh.raw(path, gbk(d.render()), c.gbk.ctype, day(pub))
	} else {
		c.vh.page(path, d.render(), day(pub))
	}
	b.decoy(c.vh.url(path), title, why)
	return listItem{Href: relHref(c.vh.url(path), c.dir), Title: title, Text: title, Date: pub, Pub: pub}
}

// Bodies of look-alike pages: they quote report words on purpose.
const (
	interpBody = `<p>为便于公众理解，现对本机关政府信息公开工作年度报告解读如下：一、总体情况……二、主动公开政府信息情况……</p>
<table border="1"><tr><td>主动公开</td><td>本年新收政府信息公开申请数量</td></tr><tr><td>12</td><td>3</td></tr></table>`
	graphicBody = `<p><img src="/images/tujie_nb.jpg" alt="年度报告图解"></p><p>一图读懂政府信息公开工作年度报告。</p>`
	noticeBody  = `<p>各乡镇（街道）、区直各单位：</p><p>根据《中华人民共和国政府信息公开条例》第四十九条规定，现就做好政府信息公开工作年度报告编制发布工作通知如下：各单位须于1月31日前在本单位网站公开年度报告……</p>`
	formatBody  = `<p>国办公开办函〔2021〕30号</p><p>各省、自治区、直辖市人民政府办公厅，国务院各部委、各直属机构办公厅（室）：</p><p>现将修订后的《中华人民共和国政府信息公开工作年度报告格式》印发给你们，请遵照执行。一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 六、其他需要报告的事项</p>`
	statsBody   = `<p>2024年上半年，本机关主动公开政府信息56条，收到政府信息公开申请2件，均已按时办结。</p>`
	guideBody   = `<p>一、主动公开 二、依申请公开 三、政府信息公开年度报告：本机关每年1月31日前公布上一年度政府信息公开工作年度报告。</p>`
)
