package main

import (
	"errors"
	"go/build"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/nianbao/nianbao/"

// layer is each package's place in the layering README's architecture
// section draws: a package imports only packages of a lower layer. A new
// package gets a layer here, so where it sits is decided, not drifted into.
// (A package that is not in the tree is no error: the table may name one
// that another branch brings.)
var layer = map[string]int{
	"sniff": 0, "charset": 0, "internal/textfold": 0, "internal/htmltree": 0,
	"schedule": 0, "divisions/internal/build": 0,
	"deploy": 0, // deployment files and their tests: no Go code to import

	"divisions": 1, "sites": 1, "internal/urlcanon": 1, "parse/extract": 1,

	"crawl/fetch": 2, "config": 2, "archive": 2, "parse/report": 2,

	"parse/ocr": 3, "alert": 3, "portal": 3,

	"parse/pdf": 4, "query": 4,

	"parse": 5, "export": 5, "search": 5,

	"ingest": 6, "server": 6,

	"crawl": 7,

	"internal/cli": 8,

	"cmd/crawler": 9, "divisions/gen": 9,
}

// only names packages whose project imports are a closed list, for the
// reasons their doc.go gives.
var only = map[string][]string{
	"archive":     {"sniff"},           // stores what it is given; sniff names a blob's type
	"portal":      {"config", "sniff"}, // the independent oracle: no crawler or parser code
	"sites":       {"internal/htmltree", "internal/textfold"},
	"crawl/fetch": {"charset", "internal/textfold", "internal/urlcanon", "sniff"},
	// pure string work: the read side imports it, so it must not bring
	// network code with it
	"internal/urlcanon": {"internal/textfold"},
}

// readers read the stored reading: they never crawl, fetch, ingest or
// parse files (parse/report is imported for the report schema only; a
// URL's canonical form comes from internal/urlcanon, not the transport).
var readers = []string{"query", "export", "search", "server", "alert"}

var notForReaders = []string{"crawl", "crawl/fetch", "ingest", "parse", "parse/pdf", "parse/ocr", "parse/extract"}

// isTestHelper: a package whose name ends in "test" (query/querytest,
// internal/htmltree/htmltreetest, …) builds fixtures for tests. It needs
// no layer, and no production code may import it.
func isTestHelper(pkg string) bool { return strings.HasSuffix(path.Base(pkg), "test") }

// TestLayering holds every package's non-test imports to the layering.
func TestLayering(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string][]string{} // package → project packages it imports
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, 0)
		if err != nil {
			var none *build.NoGoError
			if errors.As(err, &none) {
				return nil
			}
			t.Errorf("%s: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		var own []string
		for _, imp := range p.Imports {
			if s, ok := strings.CutPrefix(imp, module); ok {
				own = append(own, s)
			}
		}
		imports[rel] = own
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 20 {
		t.Fatalf("found only %d packages under %s", len(imports), root)
	}
	for pkg, own := range imports {
		if isTestHelper(pkg) {
			continue
		}
		l, ok := layer[pkg]
		if !ok {
			t.Errorf("package %s has no layer: add it to the table here and to README's architecture section", pkg)
			continue
		}
		for _, imp := range own {
			if il, ok := layer[imp]; ok && il >= l {
				t.Errorf("%s (layer %d) imports %s (layer %d): a package imports only lower layers", pkg, l, imp, il)
			}
			if allowed, ok := only[pkg]; ok && !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s; it may import only %v", pkg, imp, allowed)
			}
			if slices.Contains(readers, pkg) && slices.Contains(notForReaders, imp) {
				t.Errorf("%s imports %s: readers use the stored reading, never the crawl or parse pipeline", pkg, imp)
			}
			if isTestHelper(imp) {
				t.Errorf("%s imports the test helper %s", pkg, imp)
			}
		}
	}
}
