package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/portal"
)

func TestDemoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs the whole demo: portal, crawl, parse (runs without -short)")
	}
	db := filepath.Join(t.TempDir(), "demo", "demo.db")
	for i := 0; i < 2; i++ { // the second run recreates the archive
		out, errs, code := runCrawlCLI("--config", filepath.Join(t.TempDir(), "none.yaml"), "demo", "--db", db, "--list", "3")
		if code != 0 {
			t.Fatalf("demo exit %d\n%s\n%s", code, out, errs)
		}
		for _, s := range []string{"Imitation portal on http://127.0.0.1:", "nothing leaves this machine", "yanshi (河南省洛阳市偃师区):", "documents (", "crawler --archive"} {
			if !strings.Contains(out, s) {
				t.Errorf("demo output lacks %q:\n%s", s, out)
			}
		}
		a, err := archive.Open(db, archive.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		st, err := a.Stats()
		a.Close()
		p := portal.New(portal.Options{})
		want := 0
		for _, s := range p.Sites() {
			want += len(p.Expected(s.Name))
		}
		if err != nil || st.Documents != want {
			t.Errorf("run %d: demo archive holds %d documents (%v), want %d", i, st.Documents, err, want)
		}
		// The size printed as on disk is the file's, not the blobs'.
		fi, err := os.Stat(db)
		if err != nil {
			t.Fatal(err)
		}
		onDisk := "Archive file: " + humanBytes(fi.Size()) + " on disk, "
		if !strings.Contains(out, onDisk) || strings.Count(out, "on disk") != 1 {
			t.Errorf("run %d: demo summary lacks %q (the file's size):\n%s", i, onDisk, out)
		}
	}
}
