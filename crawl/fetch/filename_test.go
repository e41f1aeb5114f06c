package fetch

import (
	"context"
	"mime"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func TestFilename(t *testing.T) {
	const full = "2023年政府信息公开工作年度报告.pdf"
	const pctUTF8 = "2023%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"
	// UTF-8 bytes read as Latin-1 and re-encoded, as a proxy may do.
	mojibake, _ := charmap.ISO8859_1.NewDecoder().String("年度报告.pdf")
	cases := []struct {
		name, cd, url, want string
	}{
		// portals.md §3.3: the three Java forms.
		{"raw GBK quoted", `attachment; filename="` + gbk(t, full) + `"`, "", full},
		{"raw GBK unquoted", `attachment;filename=` + gbk(t, full), "", full},
		{"raw GBK with 0x5C trail byte before the quote", `attachment; filename="` + gbk(t, "錦江区年报運") + `"`, "", "錦江区年报運"},
		{"raw GBK with 0x5C trail byte inside", `attachment; filename="` + gbk(t, "運輸年报.doc") + `"; size=10`, "", "運輸年报.doc"},
		{"URLEncoder UTF-8 with +", `attachment;filename="2023%E5%B9%B4+%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"`, "", "2023年 政府信息公开工作年度报告.pdf"},
		{"URLEncoder unquoted", `attachment;filename=` + pctUTF8, "", full},
		{"percent-encoded GBK", `attachment; filename=%C4%EA%B1%A8.pdf`, "", "年报.pdf"},
		{"RFC 5987", `attachment; filename*=utf-8''` + pctUTF8, "", full},
		{"RFC 5987 upper-case label with language", `attachment; filename*=UTF-8'zh-CN'%E5%B9%B4%E6%8A%A5.docx`, "", "年报.docx"},
		{"RFC 5987 preferred over filename", `attachment; filename="report.pdf"; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf`, "", "年报.pdf"},
		{"RFC 5987 first, then filename", `attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf; filename="report.pdf"`, "", "年报.pdf"},
		{"RFC 5987 gbk label", `attachment; filename*=gbk''%C4%EA%B1%A8.xls`, "", "年报.xls"},
		{"RFC 2231 continuations", `attachment; filename*0*=utf-8''2023%E5%B9%B4; filename*1*=%E6%8A%A5; filename*2=".pdf"`, "", "2023年报.pdf"},
		{"RFC 2231 continuations, gbk", `attachment; filename*0*=gbk''%C4%EA; filename*1*=%B1%A8.xls`, "", "年报.xls"},
		{"RFC 2231 plain continuations", `attachment; filename*0="annual"; filename*1="-report.pdf"`, "", "annual-report.pdf"},
		{"RFC 5987 preferred over continuations", `attachment; filename*=UTF-8''%E5%B9%B4.pdf; filename*0*=utf-8''x.pdf`, "", "年.pdf"},
		{"RFC 2047", `attachment; filename="=?UTF-8?B?MjAyM+W5tOaKpS5wZGY=?="`, "", "2023年报.pdf"},
		{"plain ASCII", `attachment; filename=report2023.pdf`, "", "report2023.pdf"},
		{"ASCII with plus stays", `attachment; filename="a+b.pdf"`, "", "a+b.pdf"},
		{"UTF-8 raw", `attachment; filename="` + full + `"`, "", full},
		{"escaped quote", `attachment; filename="say \"hi\".pdf"`, "", `say "hi".pdf`},
		{"Latin-1 mojibake reversed", `attachment; filename="` + mojibake + `"`, "", "年度报告.pdf"},
		{"real Latin-1 kept", `attachment; filename="café.pdf"`, "", "café.pdf"},
		{"no type, just filename", `filename="` + gbk(t, "年报.pdf") + `"`, "", "年报.pdf"},
		{"path stripped", `attachment; filename="../../etc/passwd"`, "", "passwd"},
		{"windows path stripped", `attachment; filename="C:\\Users\\gov\\年报.pdf"`, "", "年报.pdf"},
		{"spaces and full-width space trimmed", "attachment; filename=\"  年报.pdf\u3000\"", "", "年报.pdf"},

		// URL fallbacks.
		{"inline without name", `inline`, "http://www.yanshi.gov.cn/xxgk/202401/P020240115382295081505.pdf", "P020240115382295081505.pdf"},
		{"no header", "", "http://www.yanshi.gov.cn/files/" + pctUTF8 + "?v=2#x", full},
		{"URL GBK escapes", "", "http://www.yanshi.gov.cn/files/%C4%EA%B1%A8.pdf", "年报.pdf"},
		{"URL plus is literal", "", "http://x.gov.cn/a+b.pdf", "a+b.pdf"},
		{"URL NFCMS", "", "http://www.gd.gov.cn/attachment/0/607/607013/4857651.pdf", "4857651.pdf"},
		{"URL script is no name", "", "http://www.xx.edu.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2", ""},
		{"URL hanweb proxy is no name", "", "http://www.zj.gov.cn/module/download/downfile.jsp?classid=0&filename=c3c7ff.pdf", ""},
		{"URL directory", "", "http://www.yanshi.gov.cn/xxgk/", ""},
		{"URL WZWS unwrapped", "", "https://www.npc.gov.cn/WZWSREL25wYy9jMi9jMzA4MzQvMjAyMTA4L3QyMDIxMDgyMF8zMTMwODguaHRtbD9yZWY9aW1i", "t20210820_313088.html"},
		{"nothing", "", "", ""},
		{"empty filename falls back", `attachment; filename=""`, "http://x.gov.cn/a.doc", "a.doc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Filename(tc.cd, tc.url); got != tc.want {
				t.Errorf("Filename(%q, %q) = %q, want %q", tc.cd, tc.url, got, tc.want)
			}
		})
	}
}

// TestFilenameOverTheWire sends each Content-Disposition form through a
// real net/http exchange: the raw GBK bytes must survive Go's header
// parsing (portals.md §3.3 asks to test it), and mime.ParseMediaType —
// what colly's Response.FileName uses — is shown to lose some of them.
func TestFilenameOverTheWire(t *testing.T) {
	const name = "偃师区2023年政府信息公开工作年度报告.pdf"
	forms := map[string]string{
		"/gbk":  `attachment;filename="` + gbk(t, name) + `"`,
		"/url":  `attachment;filename="%E5%81%83%E5%B8%88%E5%8C%BA2023%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"`,
		"/5987": `attachment; filename*=utf-8''%E5%81%83%E5%B8%88%E5%8C%BA2023%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Disposition"] = []string{forms[r.URL.Path]}
		w.Write([]byte("%PDF-1.4\n"))
	}))
	defer srv.Close()
	client := testClient(t, srv, Options{})
	for p, cd := range forms {
		r2, err := Do(context.Background(), client, get(t, srv.URL+p), RetryPolicy{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		got := r2.Header.Get("Content-Disposition")
		if got != cd {
			t.Errorf("%s: header changed on the wire: %q", p, got)
		}
		if KeepHeaders(r2.Header)["Content-Disposition"] != cd {
			t.Errorf("%s: KeepHeaders did not keep the raw value", p)
		}
		if n := Filename(got, r2.URL); n != name {
			t.Errorf("%s: Filename = %q, want %q", p, n, name)
		}
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != name {
			t.Logf("%s: mime.ParseMediaType gives %q, %v (why Filename exists)", p, params["filename"], err)
		}
	}
}
