package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadValidates(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		wantErr    []string // substrings of the error; nil: must load
	}{
		{"minimal", "sites: [{name: a, region: 河南省, start: [\"http://a.gov.cn/\"]}]", nil},
		{"https and several starts", "sites: [{name: a, region: 河南省, start: [\"https://a.gov.cn/x\", \"http://b.gov.cn:8080/\"]}]", nil},
		{"empty file", "", nil},
		{"unknown crawl key", "crawl:\n  dealy: 1s\n", []string{`unknown key "dealy"`, "line 2", "Crawl"}},
		{"unknown top key", "archive: a.db\narchve: b.db\n", []string{`unknown key "archve"`, "line 2"}},
		{"unknown site key", "sites:\n  - name: a\n    region: 河南省\n    start: [\"http://a.gov.cn/\"]\n    familly: trs\n", []string{`unknown key "familly"`, "line 5"}},
		{"no name", "sites: [{region: 河南省, start: [\"http://a.gov.cn/\"]}]", []string{"sites[0]: name is required"}},
		{"no region", "sites: [{name: a, start: [\"http://a.gov.cn/\"]}]", []string{`site "a": region is required`}},
		{"no start", "sites: [{name: a, region: 河南省}]", []string{`site "a": at least one start URL`}},
		{"relative start", "sites: [{name: a, region: 河南省, start: [notaurl]}]", []string{`start "notaurl"`, "http"}},
		{"ftp start", "sites: [{name: a, region: 河南省, start: [\"ftp://x/\"]}]", []string{`start "ftp://x/"`, "http"}},
		{"no host", "sites: [{name: a, region: 河南省, start: [\"http:///path\"]}]", []string{"no host"}},
		{"duplicate", "sites: [{name: a, region: 河南省, start: [\"http://a.gov.cn/\"]}, {name: a, region: 河南省, start: [\"http://b.gov.cn/\"]}]", []string{"duplicate name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(p, false)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c.Crawl.MaxAttempts != 4 {
					t.Errorf("defaults not applied: %+v", c.Crawl)
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded; want an error containing %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
