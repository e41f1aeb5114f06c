package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/server"
)

func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfgPath := filepath.Join(dir, "config.yaml")
	cfg := "archive: " + filepath.Join(dir, "a.db") + "\nsites:\n  - name: s1\n    region: 测试\n    start: [\"http://127.0.0.1:9/\"]\n" +
		"serve:\n  schedule: \"0 0 1 1 *\"\n  busy_schedule: \"0 0 1 1 *\"\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NIANBAO_TOKEN", "tok")
	var calls atomic.Int32
	var gotSites atomic.Value
	old := newServeCrawler
	newServeCrawler = func(app *App, cfg *config.Config, arc *archive.Archive) (server.Crawler, func(), error) {
		return server.CrawlerFunc(func(ctx context.Context, sites []string) error {
			calls.Add(1)
			gotSites.Store(strings.Join(sites, ","))
			return nil
		}), func() {}, nil
	}
	defer func() { newServeCrawler = old }()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- Main(ctx, []string{"--config", cfgPath, "serve", "--addr", addr}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	up := false
	for i := 0; i < 100 && !up; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			up = resp.StatusCode == 200
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !up {
		cancel()
		t.Fatalf("serve did not come up on %s\n%s", addr, stderr.String())
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/crawl", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/crawl with NIANBAO_TOKEN: %d", resp.StatusCode)
	}
	for i := 0; i < 100 && calls.Load() == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if calls.Load() != 1 || gotSites.Load() != "s1" {
		t.Errorf("crawler calls %d sites %v", calls.Load(), gotSites.Load())
	}
	cancel() // what SIGTERM does through cmd/crawler/main.go
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit code %d\n%s", c, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	// The lock is released: another writer can open the archive.
	arc, err := archive.Open(filepath.Join(dir, "a.db"), archive.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatalf("archive still locked after serve stopped: %v", err)
	}
	arc.Close()
}

func TestServeCommandRejectsBadSchedule(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte("archive: "+filepath.Join(dir, "a.db")+"\nserve:\n  schedule: \"every night\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := newServeCrawler
	newServeCrawler = func(*App, *config.Config, *archive.Archive) (server.Crawler, func(), error) {
		return nil, func() {}, nil
	}
	defer func() { newServeCrawler = old }()
	var stderr bytes.Buffer
	code := Main(context.Background(), []string{"--config", cfgPath, "serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "serve.schedule") {
		t.Errorf("code %d, stderr %q", code, stderr.String())
	}
}

// The API's filters go through package query (aliases) and exports
// through package export, exactly as the CLI's.
func TestServeWiresQueryAndExport(t *testing.T) {
	arc, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	u := "http://www.yanshi.gov.cn/r.pdf"
	id := archive.DocID("yanshi", u)
	pdfBytes := []byte("%PDF-1.4\n% test\n%%EOF\n")
	err = arc.CommitFetch(archive.Fetch{Blob: pdfBytes, Site: "yanshi",
		Capture: &archive.Capture{URL: u, FinalURL: u, Status: 200, Site: "yanshi", Source: "crawl", DocID: id, Headers: archive.Headers{"Content-Type": "application/pdf"}},
		Doc: &archive.Document{ID: id, Site: "yanshi", URL: u, Title: "偃师区工业和信息化局2023年政府信息公开工作年度报告", Body: "偃师区工业和信息化局",
			Region: "河南省洛阳市偃师区", Year: 2023, Source: "crawl", Files: []archive.FileRef{{URL: u, Role: "attachment"}}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Serve.Schedule, cfg.Serve.BusySchedule = "", ""
	srv, err := server.New(server.Options{Archive: arc, Config: cfg, Exporter: serveExporter{}, NoSchedule: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for q, want := range map[string]int{"body=" + url.QueryEscape("工信局"): 1, "body=" + url.QueryEscape("人社局"): 0, "region=" + url.QueryEscape("洛阳市") + "&year=2023": 1} {
		resp, err := http.Get(ts.URL + "/api/reports?" + q)
		if err != nil {
			t.Fatal(err)
		}
		var list server.ReportList
		err = json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if err != nil || list.Total != want {
			t.Errorf("%s: total %d (%v), want %d", q, list.Total, err, want)
		}
	}
	resp, err := http.Get(ts.URL + "/api/export?body=" + url.QueryEscape("工信局"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("export is not a zip (%d): %v", resp.StatusCode, err)
	}
	found := false
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".pdf") {
			continue
		}
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		found = found || bytes.Equal(data, pdfBytes)
	}
	if !found {
		t.Error("the original PDF is not in the exported bundle")
	}
}
