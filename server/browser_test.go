package server

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium (CI: apt-get install -y chromium).
func chromiumPath() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

func newBrowser(t *testing.T) (context.Context, string) {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		t.Skip("chromium not installed (apt-get install -y chromium): browser test skipped")
	}
	dir := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	downloads := filepath.Join(dir, "downloads")
	if err := os.MkdirAll(downloads, 0o755); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &on}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, downloads
}

// download clicks sel and returns the bytes of the file it downloads.
func download(t *testing.T, ctx context.Context, dir string, sel chromedp.CSS) []byte {
	t.Helper()
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	events := chromedp.BrowserEvents(lctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(sel)); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	for ev, err := range events {
		if err != nil {
			t.Fatalf("download from %s: %v", sel, err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("download from %s did not complete", sel)
	return nil
}

// must runs one action and fails the test on error.
func must[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowser drives the web page in headless Chromium as a journalist
// would: search, open a report, download an original, export.
func TestBrowser(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	ctx, dir := newBrowser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("f-body")),
		chromedp.SendKeys(chromedp.ID("f-body"), "工业和信息化局"),
		chromedp.SendKeys(chromedp.ID("f-year"), "2023"),
		chromedp.Click(chromedp.ID("f-submit")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The start page shows a results table too: wait for the submitted
	// search's page, not just any table (under load the old page answered).
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, "year=2023") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search page did not load (at %q: %v)", loc, err)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("results")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if count := must(t, ctx, chromedp.Text(chromedp.ID("count"))); !strings.Contains(count, "共 1 份报告") {
		t.Fatalf("search result count %q", count)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#results a")), chromedp.WaitVisible(chromedp.ID("title"))); err != nil {
		t.Fatal(err)
	}
	if title := must(t, ctx, chromedp.Text(chromedp.ID("title"))); title != "偃师区工业和信息化局2023年政府信息公开工作年度报告" {
		t.Errorf("report title %q", title)
	}
	if failed := must(t, ctx, chromedp.Text(chromedp.CSS("#failed-checks tr.fail"))); !strings.Contains(failed, "H2") {
		t.Errorf("failed check row %q", failed)
	}
	if got := download(t, ctx, dir, "#files a.download"); !bytes.Equal(got, f.pdfBytes) {
		t.Errorf("downloaded original differs: %d bytes, want %d", len(got), len(f.pdfBytes))
	}

	// Export the current result set from the search page.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/?region=%E5%81%83%E5%B8%88%E5%8C%BA"),
		chromedp.WaitVisible(chromedp.ID("export")),
	); err != nil {
		t.Fatal(err)
	}
	zb := download(t, ctx, dir, "#export")
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatalf("exported file is not a zip: %v", err)
	}
	names := map[string]bool{}
	for _, zf := range zr.File {
		names[zf.Name] = true
	}
	if !names["manifest.csv"] || !names["files/"+f.pdfSHA+".pdf"] || !names["files/"+f.htmlSHA+".html"] {
		t.Errorf("export entries %v", names)
	}

	// XSS: the crawled <script> title is text, and no script runs.
	scripts := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("script").length`))
	linkText := must(t, ctx, chromedp.Text(chromedp.CSS(`#results a[href="/reports/`+f.xss+`"]`)))
	if scripts != 0 || !strings.HasPrefix(linkText, `<script>alert("x")</script>`) {
		t.Errorf("scripts in page: %d; link text %q", scripts, linkText)
	}

	if dir := os.Getenv("NIANBAO_SCREENSHOTS"); dir != "" {
		shoot(t, ctx, dir, ts.URL, f.good)
	}
}

// shoot saves laptop and phone screenshots for a person to look at.
func shoot(t *testing.T, ctx context.Context, dir, base, id string) {
	for _, sz := range []struct {
		name string
		w, h int64
		mob  bool
	}{{"laptop", 1280, 900, false}, {"phone", 390, 844, true}} {
		for _, p := range []struct{ name, path string }{{"search", "/?year=2019-2023"}, {"report", "/reports/" + id}, {"sites", "/sites"}} {
			vo := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if sz.mob {
				vo = append(vo, chromedp.EmulateMobile)
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(sz.w, sz.h, vo...), chromedp.Navigate(base+p.path)); err != nil {
				t.Fatal(err)
			}
			buf := must(t, ctx, chromedp.FullScreenshot(100))
			_ = os.WriteFile(filepath.Join(dir, sz.name+"-"+p.name+".png"), buf, 0o644)
		}
	}
}
