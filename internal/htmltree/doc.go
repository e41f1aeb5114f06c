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
//
// Upstream: the tree construction and tokenizer are ported from
// golang.org/x/net/html as released in golang.org/x/net v0.62.0 (parse.go,
// token.go, const.go, node.go, doctype.go, escape.go; entities are decoded
// by calling html.UnescapeString, not ported). When go.mod moves x/net,
// TestUpstreamUnchanged compares those files in the module cache with the
// SHA-256 recorded at the port and, if any changed, fails naming them with
// the `diff -u` commands between the two releases: port what changed,
// then record the new release there and here. Behaviour the fixtures
// exercise is caught anyway (every tree is compared with the current
// html.Parse); the hashes catch what they do not.
package htmltree
