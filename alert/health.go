package alert

import (
	"fmt"
	"strings"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// Site health states.
const (
	HealthOK       = "ok"
	HealthNeverRun = "never_run"
	HealthDegraded = "degraded" // last run partial, or with errors/blocked responses
	HealthSilent   = "silent"   // yielded reports before, none in the last SilentRuns runs
	HealthFailing  = "failing"  // the last ErrorRuns runs all failed
)

// Thresholds are the alert settings that judge health.
type Thresholds struct {
	ErrorRuns  int
	SilentRuns int
}

// Health is one site's state as the API and alerts see it.
type Health struct {
	Site   string `json:"site"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// ReasonZH is Reason in Chinese for the web page (the API keeps the
	// English text scripts may already match on).
	ReasonZH string `json:"-"`
	// ConsecutiveFailures counts failed runs since the last good one.
	ConsecutiveFailures int `json:"consecutive_failures"`
	// LastDocs is when a run last saw at least one document.
	LastDocs *time.Time `json:"last_docs,omitempty"`
}

// SiteHealth judges a site from its runs, newest first. Interrupted runs
// (a shutdown) say nothing about the site and are skipped.
func SiteHealth(site string, runs []archive.Run, th Thresholds) Health {
	h := Health{Site: site, Status: HealthNeverRun}
	var done []archive.Run
	for _, r := range runs {
		if r.Status != "interrupted" {
			done = append(done, r)
		}
	}
	if len(done) == 0 {
		return h
	}
	for _, r := range done {
		if r.Status != "failed" {
			break
		}
		h.ConsecutiveFailures++
	}
	for _, r := range done {
		if r.Docs > 0 {
			t := r.End
			if t.IsZero() {
				t = r.Start
			}
			h.LastDocs = &t
			break
		}
	}
	last := done[0]
	switch {
	case th.ErrorRuns > 0 && h.ConsecutiveFailures >= th.ErrorRuns:
		h.Status = HealthFailing
		h.Reason = fmt.Sprintf("last %d runs failed%s", h.ConsecutiveFailures, errorSummary(last))
		h.ReasonZH = fmt.Sprintf("最近 %d 次抓取均失败%s", h.ConsecutiveFailures, errorSummaryZH(last))
	case th.SilentRuns > 0 && silent(done, th.SilentRuns):
		h.Status = HealthSilent
		h.Reason = fmt.Sprintf("no reports in the last %d runs, reports before", th.SilentRuns)
		h.ReasonZH = fmt.Sprintf("最近 %d 次抓取没有发现报告（此前有）", th.SilentRuns)
	case last.Status == "failed" || last.Status == "partial" || len(last.Errors) > 0 || len(last.Blocked) > 0:
		h.Status = HealthDegraded
		h.Reason = "last run " + last.Status + errorSummary(last)
		h.ReasonZH = "上次抓取" + runStatusZH(last.Status) + errorSummaryZH(last)
	default:
		h.Status = HealthOK
	}
	return h
}

// silent: the newest n runs that completed saw no documents, an older one
// did. Failed runs are the failing rule's business, not this one's.
func silent(all []archive.Run, n int) bool {
	var done []archive.Run
	for _, r := range all {
		if r.Status != "failed" {
			done = append(done, r)
		}
	}
	if len(done) <= n {
		return false
	}
	for _, r := range done[:n] {
		if r.Docs > 0 {
			return false
		}
	}
	for _, r := range done[n:] {
		if r.Docs > 0 {
			return true
		}
	}
	return false
}

func errorSummary(r archive.Run) string {
	var parts []string
	for k, v := range r.Errors {
		parts = append(parts, fmt.Sprintf("%s×%d", k, v))
	}
	for k, v := range r.Blocked {
		parts = append(parts, fmt.Sprintf("blocked %s×%d", k, v))
	}
	if len(parts) == 0 {
		return ""
	}
	sortStrings(parts)
	return " (" + strings.Join(parts, ", ") + ")"
}

// runStatusZH names a run status in Chinese.
func runStatusZH(s string) string {
	if l, ok := map[string]string{"ok": "完成", "partial": "部分完成", "failed": "失败", "interrupted": "中断"}[s]; ok {
		return l
	}
	return s
}

// errorKindsZH names the crawl's error classes (kind or kind:detail).
var errorKindsZH = map[string]string{
	"client_error": "客户端错误", "server_error": "服务器错误", "not_found": "未找到", "soft_404": "软 404",
	"redirect": "重定向异常", "html_error_instead_of_file": "返回网页而非文件", "js_redirect": "脚本跳转",
	"network": "网络错误", "bad_html": "网页无法解析", "blocked": "被拦截", "timeout": "超时",
}

// errorKindZH translates the kind part of "kind:detail"; the detail (an
// HTTP status or a reason code) is kept as is.
func errorKindZH(k string) string {
	kind, detail, _ := strings.Cut(k, ":")
	if l, ok := errorKindsZH[kind]; ok {
		kind = l
	}
	if detail != "" {
		return kind + " " + detail
	}
	return kind
}

func errorSummaryZH(r archive.Run) string {
	var parts []string
	for k, v := range r.Errors {
		parts = append(parts, fmt.Sprintf("%s ×%d", errorKindZH(k), v))
	}
	for k, v := range r.Blocked {
		what := "被拦截 " + k
		if k == "robots" {
			what = "robots.txt 禁止"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", what, v))
	}
	if len(parts) == 0 {
		return ""
	}
	sortStrings(parts)
	return "（" + strings.Join(parts, "，") + "）"
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
