package sites

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/nianbao/nianbao/internal/htmltree"
)

// Every page tree htmltree's fast path builds while this package's tests
// run (every family's imitation pages) is compared with html.Parse's: a
// difference fails the run, so the rules never see a tree html.Parse
// would not have built.
var treeDiffs struct {
	sync.Mutex
	list []string
	n    int
}

func TestMain(m *testing.M) {
	htmltree.SetCheck(func(text string, root *html.Node) {
		treeDiffs.Lock()
		defer treeDiffs.Unlock()
		treeDiffs.n++
		if d := htmltree.Diff(text, root); d != "" {
			treeDiffs.list = append(treeDiffs.list, d)
		}
	})
	code := m.Run()
	if len(treeDiffs.list) > 0 {
		fmt.Fprintf(os.Stderr, "htmltree.Fast differs from html.Parse on %d of %d pages:\n", len(treeDiffs.list), treeDiffs.n)
		for i, d := range treeDiffs.list {
			if i == 5 {
				break
			}
			fmt.Fprintln(os.Stderr, d)
		}
		code = 1
	}
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "htmltree: %d fast trees compared\n", treeDiffs.n)
	}
	os.Exit(code)
}
