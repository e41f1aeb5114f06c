// Package htmltreetest holds a package's tests to htmltree's promise:
// Main runs the tests with every tree htmltree.Fast builds compared with
// html.Parse's, and fails the run on any difference. For tests only.
package htmltreetest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/internal/htmltree"
)

// Main is a TestMain: func TestMain(m *testing.M) { htmltreetest.Main(m) }.
func Main(m *testing.M) {
	var (
		mu    sync.Mutex
		diffs []string
		n     int
	)
	htmltree.SetCheck(func(text string, root *html.Node) {
		d := htmltree.Diff(text, root)
		mu.Lock()
		defer mu.Unlock()
		n++
		if d != "" {
			diffs = append(diffs, d)
		}
	})
	code := m.Run()
	htmltree.SetCheck(nil)
	if len(diffs) > 0 {
		fmt.Fprintf(os.Stderr, "htmltree.Fast differs from html.Parse on %d of %d pages:\n", len(diffs), n)
		for i, d := range diffs {
			if i == 5 {
				break
			}
			fmt.Fprintln(os.Stderr, d)
		}
		code = 1
	}
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "htmltree: %d fast trees compared with html.Parse\n", n)
	}
	os.Exit(code)
}

// Page is one HTML fixture: its file name and raw bytes.
type Page struct {
	Name string
	Data []byte
}

// Pages returns every HTML page under the repository's testdata/extract
// and testdata/reports (at least 20, or the test fails), in name order.
func Pages(t testing.TB) []Page {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	var out []Page
	for _, dir := range []string{"testdata/extract", "testdata/reports"} {
		names, err := filepath.Glob(filepath.Join(root, dir, "*.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, Page{Name: filepath.Base(n), Data: b})
		}
	}
	if len(out) < 20 {
		t.Fatalf("found %d HTML fixtures", len(out))
	}
	return out
}

// Texts is Pages decoded to text (charset's order), by file name.
func Texts(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range Pages(t) {
		out[p.Name] = charset.DecodeHTML(p.Data, "")
	}
	return out
}

// repoRoot is the nearest directory above the working directory (a
// package's, under go test) holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
