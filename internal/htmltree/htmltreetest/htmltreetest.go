// Package htmltreetest holds a package's tests to htmltree's promise:
// Main runs the tests with every tree htmltree.Fast builds compared with
// html.Parse's, and fails the run on any difference. For tests only.
package htmltreetest

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"golang.org/x/net/html"

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
