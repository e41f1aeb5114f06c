package sites

import (
	"github.com/nianbao/nianbao/internal/textfold"
	"strings"
	"testing"
)

// The literal pre-checks must never hide a regexp match.
func TestPrefiltersKeepRegexpResults(t *testing.T) {
	inputs := []string{
		"", "plain text", `<a href="./202401/t20240115_123456.html">x</a>`,
		`<a href=../t20240115_1_2.shtml>`, `<img src='/a/b/t20231231_9.htm'>`,
		`t20240115_123456.html without href`, `href="t2024011_1.html"`, `HREF="./t20240115_1.html"`,
		`<!-- Visual SiteBuilder 9 -->`, `<!-- VISUAL  SITEBUILDER -->`, `<!-- visual ſitebuilder -->`,
		`<a href="/content/post_1.html"><a href="/content/mpost_2.html">`, `/attachment/0/1/2/3.pdf`,
		`"getFileListByCodeId?x=1"`, `/public/column/6789 /public/123/456.html`, `info/1001/2345.htm`,
		strings.Repeat("t12345678_", 30) + `href="./t12345678_9.html"`,
	}
	for _, in := range inputs {
		if got, want := countTRSArticles(in), len(trsArticle.FindAllStringIndex(in, 20)); got != want {
			t.Errorf("countTRSArticles(%q) = %d, regexp %d", in, got, want)
		}
		if vsbMarker.MatchString(in) && textfold.IndexFold(in, "itebuilder") < 0 {
			t.Errorf("VSB pre-check hides a match in %q", in)
		}
		if nfPost.MatchString(in) && !strings.Contains(in, "post_") || nfAttach.MatchString(in) && !strings.Contains(in, "/attachment/") {
			t.Errorf("NFCMS pre-check hides a match in %q", in)
		}
		if hyEndpoint.MatchString(in) && !strings.Contains(in, "getFileListByCodeId") {
			t.Errorf("海云 pre-check hides a match in %q", in)
		}
		if (ahDoc.MatchString(in) || ahColumn.MatchString(in)) && !strings.Contains(in, "/public/") {
			t.Errorf("Anhui pre-check hides a match in %q", in)
		}
		if vsbDetail.MatchString(in) && !strings.Contains(in, "info/") {
			t.Errorf("VSB detail pre-check hides a match in %q", in)
		}
	}
	for _, in := range append(inputs, "/a/b.PDF", "x.docx", "x.DocX", "x.doc.html", "报告.pdf", "报告.pdf】", "a.xlſ", "a.XLSX", "a.7z", "a.7Z",
		"a.", ".", "a.pdfx", "a.et", "a.ET", "a.wpſ", "a.pdf/", "/c/downloadfile.jsp?id=1", "/c/DownLoad.ASPX", "/getFile.do",
		"/attachment/1.bin", "/ATTACH/1", "/down.jsp", "/filedown.php", "/x/y.html", "a.ｐｄｆ", "a.\xffpdf", "年报.caj") {
		if got, want := hasAttachExt(in), attachExt.MatchString(in); got != want {
			t.Errorf("hasAttachExt(%q) = %v, regexp %v", in, got, want)
		}
		if got, want := isDownloadPath(in), downloadPath.MatchString(in); got != want {
			t.Errorf("isDownloadPath(%q) = %v, regexp %v", in, got, want)
		}
	}
	for _, c := range []struct {
		s, sub string
		want   int
	}{{"Visual SiteBuilder", "itebuilder", 8}, {"abc", "", 0}, {"ab", "abc", -1}, {"xLOCATION.href", "location", 1}, {"locatio", "location", -1}} {
		if got := textfold.IndexFold(c.s, c.sub); got != c.want {
			t.Errorf("textfold.IndexFold(%q, %q) = %d, want %d", c.s, c.sub, got, c.want)
		}
	}
}
