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
	readmeSearchExamples(t, db)
}

// readmeSearchExamples runs README's `crawler search` examples on the demo
// archive: a reader trying them there must see reports, not an empty list.
func readmeSearchExamples(t *testing.T, db string) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(readme), "### `crawler search QUERY`\n")
	if !ok {
		t.Fatal("README has no `crawler search QUERY` section")
	}
	_, block, _ := strings.Cut(sec, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	n := 0
	for _, line := range strings.Split(block, "\n") {
		words := shellWords(line)
		if len(words) < 3 || words[0] != "crawler" || words[1] != "search" {
			continue
		}
		n++
		// The last --output wins: JSON lines count the reports whatever
		// format the example asks for.
		args := append([]string{"--archive", db}, words[1:]...)
		out, errs, code := runCrawlCLI(append(args, "--output", "jsonl")...)
		if code != 0 || strings.Count(out, `"id":`) == 0 {
			t.Errorf("README's `%s` on the demo archive: exit %d, no report\n%s%s", line, code, out, errs)
		}
	}
	if n == 0 {
		t.Error("README's search section shows no `crawler search` example")
	}
}

// shellWords splits a line as sh does for the quoting README's examples
// use: words separated by spaces, '…' and "…" quoting.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}
