package portal

import (
	"fmt"
	"html"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Shared error and shell pages.
var (
	plain404Page = []byte("<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>\n")
	// soft404Page is served with status 200: a crawler must not archive it.
	soft404Page = []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title></head>` +
		`<body><div class="error"><h2>抱歉，您访问的页面不存在或已被删除！</h2><p><a href="/">返回首页</a></p></div></body></html>` + "\n")
	// isoErrorPage: GBK bytes labelled iso-8859-1 (Chaoyang's error page).
	isoErrorPage = gbk(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><title>错误</title></head>` +
		`<body><h1>404 错误：您所请求的页面不存在</h1><p>请检查网址是否正确。</p></body></html>` + "\n")
)

// gbk encodes s as GBK; fixture text is always encodable, so a failure is
// a programming error.
func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("portal: GBK encode: %v", err))
	}
	return b
}

// shellPage is the ~160-byte JS redirect shell of Beijing street columns.
func shellPage(target string) string {
	s := `<html><head><script type="text/javascript">location.replace('` + target + `');</script></head><body></body></html>` + "\n"
	return s
}

// metaRefresh is mohrss's page past the last list page.
func metaRefresh(target string) string {
	return `<html><head><meta http-equiv="refresh" content="0;url=` + target + `"></head><body></body></html>` + "\n"
}

// esc escapes text for HTML.
func esc(s string) string { return html.EscapeString(s) }

// truncate cuts a title to n runes plus "…", as list templates do.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// pageShell wraps body content in a plain portal page.
func pageShell(site, title, head, body string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<title>" + esc(title) + "_" + esc(site) + "</title>\n")
	b.WriteString(head)
	b.WriteString("</head>\n<body>\n<div class=\"header\"><a href=\"/\">" + esc(site) + "</a></div>\n")
	b.WriteString(body)
	b.WriteString("\n<div class=\"footer\">主办：" + esc(site) + "　网站标识码：4103810001</div>\n</body>\n</html>\n")
	return b.String()
}
