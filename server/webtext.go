package server

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/nianbao/nianbao/alert"
	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/sniff"
)

// The Chinese words of the web page that are not in the templates.

// statusTitles are the error page titles (http.StatusText is English).
var statusTitles = map[int]string{
	http.StatusBadRequest:          "请求有误",
	http.StatusNotFound:            "页面不存在",
	http.StatusMethodNotAllowed:    "不支持的请求方法",
	http.StatusTooManyRequests:     "请求过于频繁",
	http.StatusRequestURITooLong:   "网址过长",
	http.StatusInternalServerError: "服务器内部错误",
	http.StatusServiceUnavailable:  "服务暂不可用",
}

func statusTitle(code int) string {
	if t, ok := statusTitles[code]; ok {
		return t
	}
	return "出错了"
}

// warningLabels name the parser's warning codes (docs/schema.md).
var warningLabels = map[string]string{
	report.WarnBlankCell: "空白单元格按空值处理", report.WarnNACell: "“/”“—”“无”等按空值处理",
	report.WarnUnitInCell: "单元格中的单位已去除", report.WarnUnitMismatch: "单位与表头不一致",
	report.WarnBadCell: "单元格不是数字", report.WarnUnplaceable: "数值个数与表格行不符",
	report.WarnRowMissing: "缺少表格行", report.WarnTableMissing: "未找到表格",
	report.WarnUnknownRow: "未识别的表格行", report.WarnDuplicateRow: "表格行重复",
	report.WarnFormatUnknown: "无法判断表格版式", report.WarnNoTitle: "未找到报告标题",
	report.WarnNoYear: "未找到报告年度", report.WarnYearFromText: "年度取自正文",
	report.WarnNoBody: "未找到发布机关", report.WarnNotReport: "疑似非年报",
	report.WarnSectionMissing: "缺少章节", report.WarnTraditional: "繁体字已转为简体",
	"encrypted": "文件加密，无法读取", "needs_ocr": "扫描件，需要 OCR",
}

// healthReason is the Chinese reason of a site's health.
func healthReason(h alert.Health) string {
	if h.ReasonZH != "" {
		return h.ReasonZH
	}
	return h.Reason
}

// mediaLabel names a media type for readers.
func mediaLabel(mt string) string {
	base, _, _ := strings.Cut(mt, ";")
	switch strings.TrimSpace(strings.ToLower(base)) {
	case sniff.PDF:
		return "PDF"
	case sniff.HTML, "application/xhtml+xml":
		return "网页"
	case sniff.DOCX, sniff.DOC:
		return "Word 文档"
	case sniff.Text:
		return "纯文本"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel":
		return "Excel 表格"
	case "", sniff.Binary:
		return "未知类型"
	}
	return mt
}

// fileLabel is the link text of an original: its file name, else what it is.
func fileLabel(f archive.FileRef) string {
	if f.Filename != "" {
		return f.Filename
	}
	if f.Role == "page" || mediaLabel(f.MediaType) == "网页" {
		return "网页原文"
	}
	return "原始文件（" + mediaLabel(f.MediaType) + "）"
}

// checkState sums up a report's checks for the result list: "fail" (some
// failed), "ok" (all evaluated ones passed) or "none" (none evaluated,
// e.g. a legacy report with no national tables: not a pass).
func checkState(d *archive.Document) string {
	if d.FailedChecks > 0 {
		return "fail"
	}
	if len(d.Parsed) == 0 {
		return "none"
	}
	var rep struct {
		Checks []report.Check `json:"checks"`
	}
	if err := json.Unmarshal(d.Parsed, &rep); err != nil {
		return "none"
	}
	for _, c := range rep.Checks {
		if !c.Skipped {
			return "ok"
		}
	}
	return "none"
}

// siteOptions lists the sites of the 站点 filter: every site with reports
// in the archive (imports and sites since removed from config.yaml too)
// and every configured one, sorted.
func (s *Server) siteOptions() []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, n := range s.sites {
		add(n)
	}
	archived, err := archiveSites(s.arc)
	if err != nil {
		s.log.Error("list archive sites", "err", err)
	}
	for _, n := range archived {
		add(n)
	}
	sort.Strings(out)
	return out
}

// archiveSites reads the distinct sites from the archive's site index
// (keys "site\x00docID"), one seek per site, so it stays cheap on a large
// archive. The index layout is the archive package's (archive.go: key).
func archiveSites(arc *archive.Archive) ([]string, error) {
	var out []string
	err := arc.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("ix_doc_site"))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; {
			site, _, ok := strings.Cut(string(k), "\x00")
			if !ok {
				k, _ = c.Next()
				continue
			}
			out = append(out, site)
			k, _ = c.Seek([]byte(site + "\x01"))
		}
		return nil
	})
	return out, err
}
