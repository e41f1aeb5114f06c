package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/portal"
	"github.com/nianbao/nianbao/server"
)

// demo --serve shows the portal's own sites, with no crawl schedule and
// no way to start a crawl.
func TestDemoServeShowsItsOwnSites(t *testing.T) {
	p := portal.New(portal.Options{})
	cfg := demoServeConfig(p)
	if len(cfg.Sites) == 0 || cfg.Serve.Schedule != "" || cfg.Serve.BusySchedule != "" || cfg.Serve.Backup.Schedule != "" {
		t.Fatalf("demo serve config: %d sites, schedule %q busy %q backup %q", len(cfg.Sites), cfg.Serve.Schedule, cfg.Serve.BusySchedule, cfg.Serve.Backup.Schedule)
	}
	arc, err := archive.Open(filepath.Join(t.TempDir(), "d.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	srv, err := server.New(server.Options{Archive: arc, Config: cfg, NoSchedule: true, Exporter: serveExporter{}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/sites")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, s := range cfg.Sites {
		if !strings.Contains(string(b), ">"+s.Name+"<") {
			t.Errorf("sites page lacks the demo site %s", s.Name)
		}
	}
	if !strings.Contains(string(b), "没有安排例行抓取") {
		t.Error("sites page should say no crawl is scheduled")
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/crawl", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("POST /api/crawl on the demo: %d, want a refusal", resp.StatusCode)
	}
}
