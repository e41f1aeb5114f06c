package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/nianbao/nianbao/alert"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

type web struct {
	pages map[string]*template.Template
}

// zoneLabel names loc for readers: 北京时间 for China's zone.
func zoneLabel(loc *time.Location) string {
	switch loc.String() {
	case "Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC":
		return "北京时间"
	case "UTC", "Etc/UTC":
		return "UTC"
	}
	return loc.String() + " 时间"
}

// funcMap builds the template functions; dates render in loc, labelled.
func funcMap(loc *time.Location) template.FuncMap {
	zone := zoneLabel(loc)
	return template.FuncMap{
		"inc": func(i int) int { return i + 1 },
		"add": func(v ...int) int {
			n := 0
			for _, x := range v {
				n += x
			}
			return n
		},
		"deref": func(t *time.Time) time.Time {
			if t == nil {
				return time.Time{}
			}
			return *t
		},
		"sum": func(m map[string]int) int {
			n := 0
			for _, v := range m {
				n += v
			}
			return n
		},
		"num": func(v *float64) string {
			if v == nil {
				return "—"
			}
			return strconv.FormatFloat(*v, 'f', -1, 64)
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(loc).Format("2006-01-02 15:04") + " " + zone
		},
		"zone": func() string { return zone },
		"size": func(n int64) string {
			switch {
			case n >= 1<<20:
				return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
			case n >= 1<<10:
				return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
			}
			return fmt.Sprintf("%d B", n)
		},
		"healthLabel": func(s string) string {
			return map[string]string{alert.HealthOK: "正常", alert.HealthNeverRun: "尚未抓取", alert.HealthDegraded: "部分异常",
				alert.HealthSilent: "无新报告", alert.HealthFailing: "持续失败"}[s]
		},
		"statusLabel": statusLabel,
		"formatLabel": formatLabel,
		"runStatusLabel": func(s string) string {
			if l, ok := map[string]string{"ok": "完成", "partial": "部分完成", "failed": "失败", "interrupted": "中断", "running": "进行中"}[s]; ok {
				return l
			}
			return s
		},
		"healthReason": healthReason,
		"errorList":    errorList,
		"warningLabel": warningLabel,
		"fileLabel":    fileLabel,
		"mediaLabel":   mediaLabel,
	}
}

// statusLabel names a parse status for readers.
func statusLabel(s string) string {
	if l, ok := map[string]string{"ok": "已解析", "partial": "部分解析", "needs_ocr": "扫描件，需 OCR 识别", "failed": "解析失败",
		"not_report": "非年报", "": "未解析"}[s]; ok {
		return l
	}
	return s
}

// formatLabel names a table format for readers.
func formatLabel(s string) string {
	if l, ok := map[string]string{"2021": "2021 版", "2019": "2019 版", "legacy": "2019 年前", "unknown": "未识别", "": "—"}[s]; ok {
		return l
	}
	return s
}

func newWeb(loc *time.Location) (*web, error) {
	w := &web{pages: map[string]*template.Template{}}
	funcs := funcMap(loc)
	for _, name := range []string{"search", "report", "sites", "series", "compare", "coverage", "error"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		w.pages[name] = t
	}
	return w, nil
}

func (s *Server) render(w http.ResponseWriter, code int, page string, data any) {
	var buf bytes.Buffer
	if err := s.web.pages[page].Execute(&buf, data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "页面渲染失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

type errorPage struct {
	Title, Message string
	Nav            string
}

func (s *Server) renderError(w http.ResponseWriter, code int, msg string) {
	s.render(w, code, "error", errorPage{Title: statusTitle(code), Message: msg})
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(styleCSS)
}

type sitesPage struct {
	Title string
	Nav   string
	SitesResponse
}

func (s *Server) pageSites(w http.ResponseWriter, r *http.Request) {
	p := sitesPage{Title: "站点状态", Nav: "sites", SitesResponse: s.sitesResponse()}
	s.render(w, http.StatusOK, "sites", p)
}
