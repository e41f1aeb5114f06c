package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/portal"
)

func runCrawlCLI(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// portalConfig writes a config.yaml whose sites are the imitation portal's,
// reached on loopback through crawl.resolve.
func portalConfig(t *testing.T, p *portal.Portal, arc string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "archive: %s\ncrawl:\n  delay: 0s\n  parallelism: 4\n  insecure_tls: true\n  ocr: false\n  max_attempts: 1\n  resolve:\n", arc)
	for k, v := range p.Resolve() {
		fmt.Fprintf(&b, "    %q: %q\n", k, v)
	}
	b.WriteString("sites:\n")
	for _, s := range p.Sites() {
		// config requires a region; the portal's ministries have none.
		fmt.Fprintf(&b, "  - name: %s\n    region: %q\n    start: [%q]\n    hosts: [", s.Name, orDefault(s.Region, "国务院部门"), s.Start[0])
		for i, h := range s.Hosts {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", h)
		}
		b.WriteString("]\n")
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCrawlAndSitesCheckCommands(t *testing.T) {
	p := portal.New(portal.Options{Sites: []string{"yanshi", "nhc"}})
	p.Start()
	defer p.Close()
	dir := t.TempDir()
	arc := filepath.Join(dir, "a.db")
	cfg := portalConfig(t, p, arc)

	// sites check: family and why, the reports it would archive, nothing written.
	out, errs, code := runCrawlCLI("--config", cfg, "sites", "check", "yanshi", "--max-pages", "500")
	if code != 0 {
		t.Fatalf("sites check exit %d\n%s\n%s", code, out, errs)
	}
	want := "Would archive " + plural(len(p.Expected("yanshi")), "report", "reports")
	for _, s := range []string{"Family: trs", "createPageHTML", want, "why: report title pattern", "listed on http://"} {
		if !strings.Contains(out, s) {
			t.Errorf("sites check output lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "解读") || strings.Contains(out, "网站工作年度报表") {
		t.Errorf("sites check would archive a look-alike:\n%s", out)
	}
	if _, err := os.Stat(arc); err == nil {
		t.Errorf("sites check wrote the archive %s", arc)
	}
	if _, _, code := runCrawlCLI("--config", cfg, "sites", "check", "nosuch"); code != 2 {
		t.Errorf("unknown site: exit %d, want 2", code)
	}

	// crawl: a per-site table, the documents in the archive.
	out, errs, code = runCrawlCLI("--config", cfg, "crawl", "--site", "yanshi")
	if code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "SITE") || !strings.Contains(out, "yanshi") {
		t.Errorf("no per-site table:\n%s", out)
	}
	a, err := archive.Open(arc, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := a.FindDocuments(archive.Query{Site: "yanshi"})
	a.Close()
	if err != nil || len(ds) != len(p.Expected("yanshi")) {
		t.Errorf("crawl archived %d documents (%v), want %d", len(ds), err, len(p.Expected("yanshi")))
	}
	// A site that fails entirely (WAF on every page) exits non-zero.
	out, _, code = runCrawlCLI("--config", cfg, "crawl", "--site", "nhc")
	if code != 3 || !strings.Contains(out, "failed") {
		t.Errorf("blocked site: exit %d, want 3\n%s", code, out)
	}
}
