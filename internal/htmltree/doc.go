// Package htmltree builds golang.org/x/net/html trees fast. Fast tokenizes
// a page in place and builds the very tree html.Parse would by the HTML5
// tree-construction rules, for the markup government pages are made of,
// or declines; Parse and ParseReuse fall back to html.Parse then. The
// report extractor (parse/extract) and the crawl's page analysis (sites)
// read every page through it.
//
// It owns tree building only: no charset decoding (the caller hands it
// decoded text), no extraction, no network. It must never return a tree
// that differs from html.Parse's: where unsure it declines. Diff and
// SetCheck let every package that uses it prove that in its tests.
package htmltree
