package sites

import (
	"testing"

	"github.com/nianbao/nianbao/internal/htmltree/htmltreetest"
)

// Every page tree htmltree's fast path builds while this package's tests
// run (every family's imitation pages) is compared with html.Parse's, so
// the rules never see a tree html.Parse would not have built.
func TestMain(m *testing.M) { htmltreetest.Main(m) }
