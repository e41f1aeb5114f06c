package server

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nianbao/nianbao/archive"
)

// screenshotDir is where the browser tests leave their screenshots:
// $NIANBAO_SCREENSHOTS when set (to keep and look at), else a temporary
// directory of the test.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("NIANBAO_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// waitURL waits until the browser is at a URL containing part.
func waitURL(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, part) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("page with %q did not load (at %q: %v)", part, loc, err)
		}
	}
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserPages drives each new page in headless Chromium — filter,
// sort, open, download — and saves desktop and phone screenshots.
func TestBrowserPages(t *testing.T) {
	r := newRich(t)
	_, ts := r.start(t, nil)
	ctx, dir := newBrowser(t)

	// Search: newest first, a facet narrows, a header sorts, CSV of the result.
	do(t, ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("facets")))
	if first := must(t, ctx, chromedp.Text(chromedp.CSS("#results tr td"))); first != "2023" {
		t.Errorf("first row year %q, want newest (2023)", first)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`#facets a[href="/?year=2022"]`)))
	waitURL(t, ctx, "year=2022")
	if count := must(t, ctx, chromedp.Text(chromedp.ID("count"))); !strings.Contains(count, "共 1 份报告") {
		t.Errorf("year facet: %q", count)
	}
	csv := download(t, ctx, dir, "#export-csv")
	if !bytes.Contains(csv, []byte(r.y2022)) || bytes.Contains(csv, []byte(r.old)) {
		t.Errorf("CSV of the narrowed result: %q", csv)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("sort-body")), chromedp.Click(chromedp.ID("sort-body")))
	waitURL(t, ctx, "sort=body")
	if aria := must(t, ctx, chromedp.AttributeValue(chromedp.CSS(`th[aria-sort]`), "aria-sort")).Value; aria != "ascending" {
		t.Errorf("sorted column aria-sort %q", aria)
	}

	// Report: the original in a frame, a value's source on focus, other years.
	do(t, ctx, chromedp.Navigate(ts.URL+"/reports/"+r.y2022), chromedp.WaitVisible(chromedp.ID("orig")))
	src := must(t, ctx, chromedp.AttributeValue(chromedp.CSS(`#main a.src[href$="#page=3"]`), "title")).Value
	if !strings.HasPrefix(src, "原文第 3 页") {
		t.Errorf("新收 总计 source %q", src)
	}
	if target := must(t, ctx, chromedp.AttributeValue(chromedp.CSS(`a.src[href$="#page=3"]`), "target")).Value; target != "orig" {
		t.Errorf("a PDF value opens its page in the frame: target %q", target)
	}
	do(t, ctx, chromedp.Focus(chromedp.CSS(`span.src`)))
	// the tip is drawn from data-src (Chromium reports attr() content URL-encoded)
	tip := must(t, ctx, chromedp.Evaluate[string](`decodeURIComponent(getComputedStyle(document.activeElement, "::after").content)`))
	if !strings.Contains(tip, "提取文本第 41 行") {
		t.Errorf("focused value shows its source: %q", tip)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`#other-years a`)), chromedp.WaitVisible(chromedp.ID("same-year")))
	if why := must(t, ctx, chromedp.Text(chromedp.ID("same-year"))); !strings.Contains(why, "来自另一个站点") {
		t.Errorf("second report of the year says why: %q", why)
	}

	// Series: a body over the years, a row toggled into the charts, CSV.
	do(t, ctx, chromedp.Navigate(ts.URL+"/series"), chromedp.WaitVisible(chromedp.ID("s-body")),
		chromedp.SendKeys(chromedp.ID("s-body"), "偃师区工信局"), chromedp.Click(chromedp.ID("s-submit")))
	waitURL(t, ctx, "body=")
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	before := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart").length`))
	do(t, ctx, chromedp.Click(chromedp.CSS(`.series-table a[aria-pressed="false"]`)))
	waitURL(t, ctx, "rows=")
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	if after := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart").length`)); after != before+1 {
		t.Errorf("charts %d → %d after choosing a row", before, after)
	}
	if b := download(t, ctx, dir, "#series-csv"); !bytes.HasPrefix(b, []byte("\ufeff机关,地区,项目,栏目,2022,2023")) {
		t.Errorf("series CSV %q", b)
	}

	// Compare: a district's bodies, sorted by a figure, XLSX.
	do(t, ctx, chromedp.Navigate(ts.URL+"/compare"), chromedp.WaitVisible(chromedp.ID("c-region")),
		chromedp.SendKeys(chromedp.ID("c-region"), "偃师区"), chromedp.Click(chromedp.ID("c-submit")))
	waitURL(t, ctx, "region=")
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("csort-new")), chromedp.Click(chromedp.ID("csort-new")))
	waitURL(t, ctx, "sort=new")
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("compare")))
	if first := must(t, ctx, chromedp.Text(chromedp.CSS(`#compare tbody tr th`))); !strings.HasPrefix(first, "偃师区工业和信息化局") {
		t.Errorf("most requests first: %q", first)
	}
	if b := download(t, ctx, dir, "#compare-xlsx"); !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("compare XLSX is not a workbook (%d bytes)", len(b))
	}

	// Sites.
	do(t, ctx, chromedp.Navigate(ts.URL+"/sites"), chromedp.WaitVisible(chromedp.ID("sites")))
	if s := must(t, ctx, chromedp.Text(chromedp.ID("schedule"))); !strings.Contains(s, "没有安排例行抓取") {
		t.Errorf("sites page schedule line %q", s)
	}

	// Coverage: pick a city, open a district's grid, narrow the years, a
	// late cell says so, a cell opens its report, CSV of the grid. The
	// regions are resolved as ingest resolves them, and one more body
	// published its 2022 report late (3月15日, 43 days after 1月31日).
	late := putParsed(t, r.arc, "yanshi", "http://www.yanshi.gov.cn/czj/2022.pdf", "偃师区财政局2022年政府信息公开工作年度报告",
		"偃师区财政局", "河南省洛阳市偃师区", 2022, "ok", 0, []byte("%PDF-1.4\n% czj\n%%EOF\n"), "application/pdf", nil)
	if err := r.arc.UpdateDocument(late, func(d *archive.Document) error { d.PublishedAt = "2023-03-15"; return nil }); err != nil {
		t.Fatal(err)
	}
	resolveRegions(t, r.arc, r.good, r.xss, r.old, r.lookalike, r.y2022, r.y2023b, r.hostile, late)
	do(t, ctx, chromedp.Navigate(ts.URL+"/coverage"), chromedp.WaitVisible(chromedp.ID("v-region")),
		chromedp.SendKeys(chromedp.ID("v-region"), "洛阳市"), chromedp.Click(chromedp.ID("v-submit")))
	waitURL(t, ctx, "region=")
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("coverage-summary")), chromedp.Click(chromedp.CSS(`#coverage-summary a[href^="/coverage?region=410307"]`)))
	waitURL(t, ctx, "region=410307")
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("v-years")))
	must(t, ctx, chromedp.Evaluate[string](`document.getElementById("v-years").value = ""`))
	do(t, ctx, chromedp.SendKeys(chromedp.ID("v-years"), "2022-2023"), chromedp.Click(chromedp.ID("v-submit")))
	waitURL(t, ctx, "years=2022-2023")
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("table.cov")))
	if cols := must(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("table.cov thead th")].map(e => e.textContent).join(",")`)); cols != "机关,2022,2023" {
		t.Errorf("narrowed grid's columns %q", cols)
	}
	if cell := must(t, ctx, chromedp.Text(chromedp.CSS(`td.cv.late a[href="/reports/`+late+`"]`))); cell != "迟43天" {
		t.Errorf("late cell %q", cell)
	}
	if over := must(t, ctx, chromedp.Text(chromedp.ID("overdue"))); !strings.Contains(over, "偃师区人民政府：缺 2022、2023 年度") {
		t.Errorf("overdue list %q", over)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`td.cv.ok a[href="/reports/`+r.y2022+`"]`)))
	waitURL(t, ctx, "/reports/"+r.y2022)
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("title")))
	if title := must(t, ctx, chromedp.Text(chromedp.ID("title"))); title != "偃师区工业和信息化局2022年政府信息公开工作年度报告" {
		t.Errorf("report opened from the grid: %q", title)
	}
	// and back to the district's grid from the report's region
	do(t, ctx, chromedp.Click(chromedp.ID("coverage-link")))
	waitURL(t, ctx, "/coverage?region=410307")
	do(t, ctx, chromedp.Navigate(ts.URL+"/coverage?region=410307&years=2022-2023"), chromedp.WaitVisible(chromedp.ID("coverage-csv")))
	if b := download(t, ctx, dir, "#coverage-csv"); !bytes.HasPrefix(b, []byte("\ufeff区划代码,区划,机关,类别,区划表所列,2022,2023\n")) ||
		!bytes.Contains(b, []byte("偃师区财政局,部门,,迟43天 2023-03-15,缺")) {
		t.Errorf("coverage CSV %q", b)
	}

	// Every coverage cell's text is readable on its colour (WCAG AA, 4.5:1).
	do(t, ctx, chromedp.Navigate(ts.URL+"/coverage?region=410307&years=2017-2024"), chromedp.WaitVisible(chromedp.CSS("table.cov")))
	if worst := must(t, ctx, chromedp.Evaluate[string](contrastJS)); worst != "" {
		t.Errorf("coverage cells below 4.5:1 contrast: %s", worst)
	}

	// No script anywhere, so the CSP never has to allow one.
	for _, p := range []string{"/", "/reports/" + r.y2022, "/series?body=" + url.QueryEscape("工信局"), "/compare?region=" + url.QueryEscape("偃师区"), "/sites",
		"/coverage?region=410307", "/coverage?region=" + url.QueryEscape("洛阳市")} {
		do(t, ctx, chromedp.Navigate(ts.URL+p), chromedp.WaitReady("body"))
		if n := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("script").length`)); n != 0 {
			t.Errorf("%s: %d scripts", p, n)
		}
		// nor inline style, which style-src 'self' blocks
		if n := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("style, [style]").length`)); n != 0 {
			t.Errorf("%s: %d inline styles", p, n)
		}
	}
	shootPages(t, ctx, screenshotDir(t), ts.URL, r)
}

// shootPages saves every page at desktop and phone widths and checks that
// on a phone the page does not scroll sideways (wide tables scroll inside
// their box, label column in place).
func shootPages(t *testing.T, ctx context.Context, dir, base string, r *rich) {
	pages := []struct{ name, path string }{
		{"search", "/"}, {"report", "/reports/" + r.y2022}, {"series", "/series?body=" + url.QueryEscape("偃师区工信局")},
		{"compare", "/compare?region=" + url.QueryEscape("偃师区") + "&year=2023"}, {"sites", "/sites"},
		{"coverage", "/coverage?region=410307&years=2017-2024"}, {"coverage-city", "/coverage?region=" + url.QueryEscape("洛阳市") + "&years=2019-2024"},
		{"coverage-choose", "/coverage?region=" + url.QueryEscape("新华区")},
	}
	for _, sz := range []struct {
		name string
		w, h int64
		mob  bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
		for _, p := range pages {
			vo := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if sz.mob {
				vo = append(vo, chromedp.EmulateMobile)
			}
			do(t, ctx, chromedp.EmulateViewport(sz.w, sz.h, vo...), chromedp.Navigate(base+p.path), chromedp.WaitReady("main"))
			if sz.mob {
				over := must(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
				if over > 1 {
					t.Errorf("%s on a phone scrolls sideways by %dpx", p.name, over)
				}
				if p.name == "coverage" {
					// the grid scrolls in its box; the body column stays in place
					x0 := must(t, ctx, chromedp.Evaluate[float64](`document.querySelector("table.cov tbody th").getBoundingClientRect().left`))
					moved := must(t, ctx, chromedp.Evaluate[float64](`(() => { const s = document.querySelector("table.cov").parentElement; s.scrollLeft = 400; return s.scrollLeft })()`))
					x1 := must(t, ctx, chromedp.Evaluate[float64](`document.querySelector("table.cov tbody th").getBoundingClientRect().left`))
					if moved == 0 || x0 != x1 {
						t.Errorf("coverage grid scrolled by %v; its body column moved from %v to %v", moved, x0, x1)
					}
				}
				if p.name == "compare" {
					// scroll the wide table: its label column stays in place
					x0 := must(t, ctx, chromedp.Evaluate[float64](`document.querySelector("#compare tbody th").getBoundingClientRect().left`))
					x1 := must(t, ctx, chromedp.Evaluate[float64](`(() => { const s = document.querySelector("#compare").parentElement; s.scrollLeft = 400; return document.querySelector("#compare tbody th").getBoundingClientRect().left })()`))
					if x0 != x1 {
						t.Errorf("compare label column moved from %v to %v when the table scrolled", x0, x1)
					}
				}
			}
			buf := must(t, ctx, chromedp.FullScreenshot(100))
			if err := os.WriteFile(filepath.Join(dir, sz.name+"-"+p.name+".png"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}

// contrastJS lists the coverage cells, legend chips and grey notes whose text has
// less than 4.5:1 contrast with their background (a transparent cell
// shows the table's white), by WCAG 2's relative luminance.
const contrastJS = `(() => {
  const rgb = s => s.match(/[\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bad = [];
  for (const el of document.querySelectorAll("td.cv, td.cv a, td.cv span, .legend .cv, .muted")) {
    const st = getComputedStyle(el);
    let bg = null;
    for (let x = el; x && !bg; x = x.parentElement) { const c = rgb(getComputedStyle(x).backgroundColor); if (c.length < 4 || c[3] > 0) bg = c; }
    const [l1, l2] = [lum(rgb(st.color)), lum(bg || [255, 255, 255])].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < 4.5) bad.push(el.className + " " + el.textContent + ": " + ratio.toFixed(2));
  }
  return [...new Set(bad)].join("; ");
})()`
