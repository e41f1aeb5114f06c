package sites

import "testing"

func TestClassifyTitle(t *testing.T) {
	tests := []struct {
		title  string
		report bool
		year   int
		body   string
	}{
		{"湛江市人民政府地方志办公室2022年政府信息公开工作年度报告", true, 2022, "湛江市人民政府地方志办公室"},
		{"2022年上海市政府信息公开工作年度报告", true, 2022, "上海市"},
		{"2019年上海市人民政府办公厅政府信息公开工作年度报告", true, 2019, "上海市人民政府办公厅"},
		{"2022年政府信息公开工作年度报告", true, 2022, ""},
		{"宿迁市 2025 年政府信息公开工作年度报告", true, 2025, "宿迁市"},
		{"利辛县望疃镇2023\n政府信息公开工作年度报告", true, 2023, "利辛县望疃镇"},
		{"国家税务总局2010年政府信息公开年度报告", true, 2010, "国家税务总局"},
		{"舒兰市市场监督管理局2016年政务信息公开年度报告", true, 2016, "舒兰市市场监督管理局"},
		{"2009上海市政府信息公开工作年度报告", true, 2009, "上海市"},
		{"洛阳市偃师区2023年政府信息公开工作年度报告（更正）", true, 2023, "洛阳市偃师区"},
		{"附件：偃师区2024年政府信息公开工作年度报告.pdf", true, 2024, "偃师区"},
		{"二〇二三年偃师区政府信息公开工作年度报告", true, 2023, "偃师区"},
		{"ＸＸ局２０２３年政府信息公开工作年度报告", true, 2023, "XX局"},
		{"市委机构编制委员会办公室2023年政府信息公开工作年度报告", true, 2023, "市委机构编制委员会办公室"},
		// Look-alikes.
		{"偃师区2023年政府信息公开工作年度报告解读", false, 2023, ""},
		{"一图读懂偃师区2023年政府信息公开工作年度报告", false, 2023, ""},
		{"2023年政府信息公开工作年度报告图解", false, 2023, ""},
		{"关于做好2022年度政府信息公开工作年度报告编制发布工作的通知", false, 0, ""},
		{"国务院办公厅政府信息公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知", false, 0, ""},
		{"2023年上半年政府信息公开数据统计", false, 0, ""},
		{"偃师区2023年政府网站工作年度报表", false, 0, ""},
		{"2023年政府工作报告", false, 0, ""},
		{"政府信息公开年报", false, 0, ""},
		{"", false, 0, ""},
	}
	for _, tc := range tests {
		got := ClassifyTitle(tc.title)
		if got.IsReport != tc.report {
			t.Errorf("%q: IsReport=%v want %v (%s)", tc.title, got.IsReport, tc.report, got.Reason)
			continue
		}
		if tc.report && (got.Year != tc.year || got.Body != tc.body) {
			t.Errorf("%q: year=%d body=%q, want %d %q", tc.title, got.Year, got.Body, tc.year, tc.body)
		}
		if got.Reason == "" {
			t.Errorf("%q: no reason", tc.title)
		}
	}
}

func TestColumn(t *testing.T) {
	tests := []struct {
		text, href    string
		column, decoy bool
	}{
		{"政府信息公开年报", "http://a.gov.cn/zwgk/abc/", true, false},
		{"年度报告", "http://a.gov.cn/x/y/", true, false},
		{"更多", "http://a.gov.cn/zfxxgk/zfxxgknb/", true, false},
		{"", "http://a.gov.cn/xxgk/xxgknb/index.shtml", true, false},
		{"", "https://www.cqspb.gov.cn/zj/zwgk_64769/zfxxgknb_64786/", true, false},
		{"", "http://anqiu.gov.cn/xxgk/XXGK/XXGKNB/", true, false},
		{"", "https://yangling.gov.cn/zwgk/gknb/bmnb/", true, false},
		{"", "http://js.changchun.gov.cn/zcbm/styjrswj/ndbg/", true, false},
		{"工作报表", "http://szyyj.gd.gov.cn/zwgk/xxgknb/", true, false},
		{"政府网站工作年度报表", "http://a.gov.cn/xxgk/zfwzndbb/", false, true},
		{"政府信息公开指南", "http://a.gov.cn/xxgk/xxgkzn/", false, true},
		{"政府信息公开制度", "http://a.gov.cn/xxgk/xxgkzd/", false, true},
		{"政府工作报告", "http://a.gov.cn/zwgk/zfgzbg/", false, true},
		{"法定主动公开内容", "http://a.gov.cn/zwgk/fdzdgknr/", false, true},
		{"政府网站工作年度报表", "http://a.gov.cn/xxgk/abc/", false, true},
		{"新闻中心", "http://a.gov.cn/xwzx/", false, false},
		// A report article inside the column is not the column itself.
		{"", "http://a.gov.cn/zfxxgk/zfxxgknb/202401/t20240115_1.html", false, false},
	}
	for _, tc := range tests {
		got := Column(tc.text, tc.href)
		if got.IsColumn != tc.column || got.IsDecoy != tc.decoy {
			t.Errorf("Column(%q,%q) = %+v, want column=%v decoy=%v", tc.text, tc.href, got, tc.column, tc.decoy)
		}
	}
}

func TestDates(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<span>2024-01-15</span>", "2024-01-15"},
		{"[2017-04-24]", "2017-04-24"},
		{"发布日期：2020/1/31", "2020-01-31"},
		{"2024年1月15日", "2024-01-15"},
		{"2024.03.05 10:23", "2024-03-05"},
		{"2024-13-45", ""},
		{"201711日", ""},
		{"无日期", ""},
	}
	for _, tc := range tests {
		if got := FindDate(tc.in); got != tc.want {
			t.Errorf("FindDate(%q)=%q want %q", tc.in, got, tc.want)
		}
	}
	urls := []struct{ in, want string }{
		{"http://a.gov.cn/zfxxgknb/202401/t20240115_123.html", "2024-01-15"},
		{"http://a.gov.cn/art/2024/1/9/art_31251_1001.html", "2024-01-09"},
		{"http://a.gov.cn/zfxxgknb/202403/x.html", "2024-03-01"},
		{"http://a.gov.cn/zfxxgknb/", ""},
	}
	for _, tc := range urls {
		if got := URLDate(tc.in); got != tc.want {
			t.Errorf("URLDate(%q)=%q want %q", tc.in, got, tc.want)
		}
	}
}
