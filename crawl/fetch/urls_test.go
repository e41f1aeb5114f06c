package fetch

import "testing"

func TestResolveLink(t *testing.T) {
	const list = "http://www.yanshi.gov.cn/xxgk/zfxxgknb/"
	const listNoSlash = "http://www.yanshi.gov.cn/xxgk/zfxxgknb"
	const detail = "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/t20240115_123456.html"
	for _, tc := range []struct {
		base, href, want string
		ok               bool
	}{
		{list, "./202401/t20240115_1.html", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/t20240115_1.html", true},
		{listNoSlash, "./202401/t20240115_1.html", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/t20240115_1.html", true},
		{listNoSlash, "index_1.html", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/index_1.html", true},
		{list + "index_1.html", "./202401/t20240115_1.html", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/t20240115_1.html", true},
		{detail, "./P020240115382295081505.pdf", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/P020240115382295081505.pdf", true},
		{detail, "../../../../../../zwgk/", "http://www.yanshi.gov.cn/zwgk/", true},
		{detail, "../../bmxxgknb/", "http://www.yanshi.gov.cn/xxgk/bmxxgknb/", true},
		{detail, "/module/download/downfile.jsp?classid=0&amp;filename=c3c7ff.pdf", "http://www.yanshi.gov.cn/module/download/downfile.jsp?classid=0&filename=c3c7ff.pdf", true},
		{detail, "//gtzy.yanshi.gov.cn/xxgk/", "http://gtzy.yanshi.gov.cn/xxgk/", true},
		{"https://www.yanshi.gov.cn/a/", "//gtzy.yanshi.gov.cn/xxgk/", "https://gtzy.yanshi.gov.cn/xxgk/", true},
		{detail, "http://www.ly.gov.cn/zfxxgknb/", "http://www.ly.gov.cn/zfxxgknb/", true},
		{detail, "  \u3000./P0202.pdf\u3000 ", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/P0202.pdf", true},
		{detail, "./P02\n02.pdf", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/P0202.pdf", true},
		{detail, "“./a.html”", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/a.html", true},
		{detail, "./a.html#top", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/a.html", true},
		{detail, "./年报 2023.pdf", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/%E5%B9%B4%E6%8A%A5%202023.pdf", true},
		{detail, "./100%.pdf", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/100%25.pdf", true},
		{detail, "javascript:window.open('./P0203.pdf')", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/202401/P0203.pdf", true},
		{detail, "javascript:location.href=\"/xxgk/a.html\";", "http://www.yanshi.gov.cn/xxgk/a.html", true},
		{detail, "javascript:void(0)", "", false},
		{detail, "javascript:;", "", false},
		{detail, "mailto:zfb@yanshi.gov.cn", "", false},
		{detail, "tel:0379-67712345", "", false},
		{detail, "data:text/html,hi", "", false},
		{detail, "#", "", false},
		{detail, "", "", false},
		{detail, "/WZWSREL3h4Z2svemZ4eGdrbmIv?wzwschallenge=abc", "http://www.yanshi.gov.cn/xxgk/zfxxgknb/", true},
		{"http://www.ahzx.gov.cn/public/column/6596?type=4&action=rel", "?type=4&action=list&nav=3", "http://www.ahzx.gov.cn/public/column/6596?type=4&action=list&nav=3", true},
		{"http://www.ahzx.gov.cn/public/column/6596?type=4&action=rel", "6597?type=4", "http://www.ahzx.gov.cn/public/column/6597?type=4", true},
		{"not a base", "./a.html", "", false},
		{"ftp://x/", "./a.html", "", false},
	} {
		got, ok := ResolveLink(tc.base, tc.href)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ResolveLink(%q, %q) = %q %v, want %q %v", tc.base, tc.href, got, ok, tc.want, tc.ok)
		}
	}
}

func TestResolveAnchor(t *testing.T) {
	const base = "http://www.yanshi.gov.cn/xxgk/zfxxgknb/"
	for _, tc := range []struct {
		href, onclick, want string
		ok                  bool
	}{
		{"./a.html", "window.open('./b.html')", base + "a.html", true},
		{"javascript:void(0)", "window.open('./202401/t20240115_1.html','_blank')", base + "202401/t20240115_1.html", true},
		{"javascript:void(0);", "location.href='/xxgk/bmxxgknb/';return false;", "http://www.yanshi.gov.cn/xxgk/bmxxgknb/", true},
		{"#", "openDetail('./202401/t20240115_2.html')", base + "202401/t20240115_2.html", true},
		{"#", "downloadFile(\"P020240115.pdf\")", base + "P020240115.pdf", true},
		{"javascript:void(0)", "showMenu(3)", "", false},
		{"", "", "", false},
	} {
		got, ok := ResolveAnchor(base, tc.href, tc.onclick)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ResolveAnchor(%q, %q) = %q %v, want %q %v", tc.href, tc.onclick, got, ok, tc.want, tc.ok)
		}
	}
}
