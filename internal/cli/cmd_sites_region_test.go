package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/portal"
)

// A site's region may be a code: sites check says what it resolved to, the
// crawl writes the region out as names and resolves every report to it;
// a region naming several divisions is reported, not guessed.
func TestSiteRegionByCode(t *testing.T) {
	p := portal.New(portal.Options{Sites: []string{"yanshi"}})
	p.Start()
	defer p.Close()
	arc := filepath.Join(t.TempDir(), "a.db")
	path := portalConfig(t, p, arc)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(b), `region: "河南省洛阳市偃师区"`, `region: "410307"`, 1)
	if cfg == string(b) {
		t.Fatalf("the portal's yanshi site has another region:\n%s", b)
	}
	// a second site on the same host whose region is ambiguous
	i := strings.Index(cfg, "  - name: yanshi")
	twin := strings.Replace(strings.Replace(cfg[i:], "name: yanshi", "name: xinhua", 1), `region: "410307"`, `region: "新华区"`, 1)
	cfg += twin
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	out, errs, code := runCrawlCLI("--config", path, "sites", "check", "yanshi", "--max-pages", "3")
	if code != 0 || !strings.Contains(out, "Region: 河南省 › 洛阳市 › 偃师区, code 410307, county level") {
		t.Errorf("sites check yanshi: exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code = runCrawlCLI("--config", path, "sites", "check", "xinhua", "--max-pages", "3")
	if code != 0 || !strings.Contains(out, "Region: not resolved") || !strings.Contains(out, "130105") || !strings.Contains(out, "410402") {
		t.Errorf("sites check xinhua: exit %d\n%s\n%s", code, out, errs)
	}

	if out, errs, code := runCrawlCLI("--config", path, "crawl", "--site", "yanshi"); code != 0 {
		t.Fatalf("crawl: exit %d\n%s\n%s", code, out, errs)
	}
	a, err := archive.Open(arc, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ds, err := a.FindDocuments(archive.Query{Site: "yanshi"})
	if err != nil || len(ds) == 0 {
		t.Fatalf("%d documents, %v", len(ds), err)
	}
	for _, d := range ds {
		if d.Region != "河南省洛阳市偃师区" || !strings.HasPrefix(d.RegionCode, "410307") {
			t.Errorf("%s %s: region %q code %q", d.ID, d.Body, d.Region, d.RegionCode)
		}
	}
}

// An import's --region may be a code too; without one the body places it.
func TestImportRegion(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		regionText string
	}{
		{[]string{"--region", "410307"}, "河南省洛阳市偃师区"},
		{nil, ""},
	} {
		db := filepath.Join(t.TempDir(), "a.db")
		args := append([]string{"--archive", db, "import", "../../testdata/samples/report.docx"}, tc.args...)
		if out, errOut, code := run(t, args...); code != 0 {
			t.Fatalf("import %v: %d %s %s", tc.args, code, out, errOut)
		}
		out, _, _ := run(t, "--archive", db, "query", "--region", "410307", "--output", "jsonl")
		var r struct {
			Region     string   `json:"region"`
			RegionCode string   `json:"region_code"`
			RegionPath []string `json:"region_path"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %q: %v", tc.args, out, err)
		}
		if r.RegionCode != "410307" || len(r.RegionPath) != 3 || tc.regionText != "" && r.Region != tc.regionText {
			t.Errorf("import %v: %+v", tc.args, r)
		}
	}
}
