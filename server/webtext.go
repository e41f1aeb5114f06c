package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

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
	report.WarnRunTogether: "相连的数字按表格的勾稽关系拆开", report.WarnRunTogetherUnresolved: "相连的数字无法唯一拆开，按空值处理",
	report.WarnLabelVariant: "表格行名称与模板略有出入，按最接近的行读取", report.WarnLabelAmbiguous: "表格行名称可对应两行，未读取",
	report.WarnGroupAsRow: "分组按一行印出", report.WarnTextCut: "文本在表格行中途截断",
	"unsupported_media": "文件类型无法读取", "extract_failed": "文件无法读取", "pdf_engine_unavailable": "PDF 引擎不可用，未能读取",
	"pdf_inflate_limit": "PDF 内容过大，只读了一部分", "pdf_memory_limit": "PDF 所需内存超出上限，已保存但未解析", "ocr": "文字来自 OCR 识别，数字可能有误", "ocr_failed": "OCR 识别失败",
	"pdf_pages_cut": "页数过多，只读了前面部分", "pdf_page_error": "有页面无法读取", "pdf_garbled": "PDF 中很多字符无法识别（乱码）",
	"pdf_restricted": "PDF 设有权限限制（仍可读取）", "encrypted_ooxml": "Word 文档加密，无法读取", "no_text": "文件中没有文字",
	"text_undecodable": "文字编码无法识别", "file_too_large": "文件过大，已保存但未解析",
}

// warningLabel is a warning code in Chinese; a code this version does not
// know still reads as Chinese, naming the code for the logs.
func warningLabel(code string) string {
	if l, ok := warningLabels[code]; ok {
		return l
	}
	return "其他解析提示（" + code + "）"
}

// docWarning splits a stored document warning ("needs_ocr: 2 of 2 pages
// …") into its code and English detail.
func docWarning(w string) (code, detail string) {
	code, detail, ok := strings.Cut(w, ":")
	if !ok || strings.ContainsAny(code, " \t") {
		return "", w
	}
	return code, strings.TrimSpace(detail)
}

// healthReason is the Chinese reason of a site's health.
func healthReason(h alert.Health) string {
	if h.ReasonZH != "" {
		return h.ReasonZH
	}
	return h.Reason
}

// errorList names a run's errors in Chinese, most frequent first.
func errorList(errs map[string]int) string {
	kinds := make([]string, 0, len(errs))
	for k := range errs {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if errs[kinds[i]] != errs[kinds[j]] {
			return errs[kinds[i]] > errs[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s ×%d", alert.ErrorKindZH(k), errs[k]))
	}
	return strings.Join(parts, "，")
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
	archived, err := s.arc.DocumentSites()
	if err != nil {
		s.log.Error("list archive sites", "err", err)
	}
	for _, n := range archived {
		add(n)
	}
	sort.Strings(out)
	return out
}
