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
		{"one start, not a list", "sites:\n  - name: a\n    region: 河南省\n    start: http://a.gov.cn/\n", []string{"line 4", "where a list is wanted: write it in brackets, [value], or as one \"- value\" per line"}},
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

// The serve section is checked when the config is read, not when `crawler
// serve` starts, and each error names the line of the key at fault.
func TestLoadValidatesServe(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, yaml string
		wantErr    []string
	}{
		{"good", "serve:\n  schedule: \"0 3 * * *\"\n  timezone: UTC\n  backup: {schedule: \"@weekly\", dir: /tmp/b}\n", nil},
		{"cron", "archive: a.db\nserve:\n  schedule: \"every night\"\n", []string{"line 3:", `serve.schedule "every night"`, "30 2 * * *"}},
		{"busy cron", "serve:\n  busy_schedule: \"61 * * * *\"\n", []string{"line 2:", "serve.busy_schedule"}},
		{"backup cron", "serve:\n  backup:\n    dir: /tmp\n    schedule: \"@sometimes\"\n", []string{"line 4:", "serve.backup.schedule"}},
		{"backup without dir", "serve:\n  backup:\n    schedule: \"@weekly\"\n", []string{"line 2:", "serve.backup.dir is required"}},
		{"timezone", "serve:\n  timezone: Mars/Olympus\n", []string{"line 2:", `serve.timezone "Mars/Olympus"`}},
		{"month", "serve:\n  busy_months: [1, 13]\n", []string{"line 2:", "13 is not a month"}},
		{"duration", "serve:\n  alerts:\n    deadline_grace: soon\n", []string{"line 3:", `invalid duration "soon"`}},
		{"webhook timeout", "serve:\n  webhooks:\n    - url: http://127.0.0.1:9/h\n      timeout: 5 parsecs\n", []string{"line 4:", "invalid duration"}},
		{"webhook url", "serve:\n  webhooks:\n    - url: hooks.example\n", []string{"line 3:", `url "hooks.example"`}},
		{"crawl duration", "crawl:\n  delay: fast\n", []string{"line 2:", `invalid duration "fast"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
			os.WriteFile(p, []byte(tc.yaml), 0o644)
			_, err := Load(p, false)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded; want %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestCheckFamilies(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte("sites:\n  - name: a\n    region: 河南省\n    start: [\"http://a.gov.cn/\"]\n    family: trs\n"+
		"  - name: b\n    region: 河南省\n    start: [\"http://b.gov.cn/\"]\n    family: wordpress\n"), 0o644)
	c, err := Load(p, false)
	if err != nil {
		t.Fatal(err)
	}
	known := []string{"generic", "trs"}
	err = c.CheckFamilies(known)
	if err == nil {
		t.Fatal("family wordpress accepted")
	}
	for _, w := range []string{p, "line 9:", `site "b"`, `unknown family "wordpress"`, "known: generic, trs"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	c.Sites[1].Family = ""
	if err := c.CheckFamilies(known); err != nil {
		t.Errorf("no family: %v", err)
	}
}

// Where the archive path came from: the line of archive: in the file.
func TestArchiveLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte("# nianbao\n\narchive: /srv/a.db\n"), 0o644)
	c, err := Load(p, false)
	if err != nil || c.ArchiveLine != 3 || c.Archive != "/srv/a.db" {
		t.Fatalf("%v: line %d", err, c.ArchiveLine)
	}
	os.WriteFile(p, []byte("crawl: {delay: 1s}\n"), 0o644)
	if c, err = Load(p, false); err != nil || c.ArchiveLine != 0 {
		t.Fatalf("%v: line %d", err, c.ArchiveLine)
	}
}

func TestSiteRegionName(t *testing.T) {
	for _, tc := range []struct{ region, want string }{
		{"410307", "河南省洛阳市偃师区"},
		{"410381", "河南省洛阳市偃师区"}, // the former 偃师市's code
		{"河南省洛阳市偃师区", "河南省洛阳市偃师区"},
		{"999999", "999999"}, // no such code: kept as written (sites check says so)
		{"新华区", "新华区"},
	} {
		if got := (Site{Region: tc.region}).RegionName(); got != tc.want {
			t.Errorf("RegionName(%q) = %q, want %q", tc.region, got, tc.want)
		}
	}
}
