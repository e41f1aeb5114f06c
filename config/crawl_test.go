package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCrawlDefaultsAndOverrides(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		delay      time.Duration
		siteDelay  time.Duration
		maxPages   int
		stopPaging bool
	}{
		{"defaults", "sites: [{name: a, region: 测试省, start: [\"http://a.gov.cn/\"]}]", time.Second, time.Second, 3000, true},
		{"explicit zero delay", "crawl: {delay: 0s}\nsites: [{name: a, region: 测试省, start: [\"http://a.gov.cn/\"]}]", 0, 0, 3000, true},
		{"site overrides", "crawl: {delay: 2s, max_pages: 50}\nsites: [{name: a, region: 测试省, start: [\"http://a.gov.cn/\"], delay: 5s, max_pages: 9, stop_paging_when_known: false}]", 2 * time.Second, 5 * time.Second, 9, false},
	}
	for _, tc := range tests {
		p := filepath.Join(dir, tc.name+".yaml")
		if err := os.WriteFile(p, []byte(tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(p, false)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Crawl.Delay.D() != tc.delay {
			t.Errorf("%s: delay %v want %v", tc.name, c.Crawl.Delay.D(), tc.delay)
		}
		s := &c.Sites[0]
		if got := c.Crawl.PolitenessFor(s).Delay; got != tc.siteDelay {
			t.Errorf("%s: site delay %v want %v", tc.name, got, tc.siteDelay)
		}
		mp, rc, sp := c.Crawl.BudgetFor(s)
		if mp != tc.maxPages || sp != tc.stopPaging || rc != 30*24*time.Hour {
			t.Errorf("%s: budget %d %v %v", tc.name, mp, rc, sp)
		}
	}
}

// The shipped config.yaml must load, keep the documented key names and
// name the seed report's district.
func TestShippedConfigLoads(t *testing.T) {
	c, err := Load("../config.yaml", false)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := c.Site("yanshi")
	if !ok || s.Region != "河南省洛阳市偃师区" || len(s.Start) == 0 || len(s.Hosts) != 2 {
		t.Fatalf("yanshi site = %+v", s)
	}
	if c.Archive != "./data/nianbao.db" || c.Crawl.Delay.D() != time.Second || c.Crawl.Parallelism != 2 ||
		!c.Crawl.RobotsOn() || !strings.Contains(c.Crawl.UserAgent, "nianbao") || c.Serve.Addr != "127.0.0.1:8080" {
		t.Fatalf("config = %+v", c)
	}
}
