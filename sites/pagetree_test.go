package sites

import (
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/nianbao/nianbao/internal/htmltree"
)

// The selectors the page index stands for, as the code before it ran them.
var (
	selAnchors  = cascadia.MustCompile(anchorSel)
	selBase     = cascadia.MustCompile("base[href]")
	selHeadings = cascadia.MustCompile("h1, h2, .title, #title, .artT, .article-title")
	selMetaName = cascadia.MustCompile("meta[name]")
)

// The index holds exactly what goquery's FindMatcher finds, in its order.
func TestPageIndexMatchesSelectors(t *testing.T) {
	pages := testPages(t)
	for _, c := range pages {
		p, err := NewPage(c.URL, c.HTML, c.Kind, "")
		if err != nil {
			t.Fatal(err)
		}
		x := p.index()
		same := func(what string, got, want []*html.Node) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: %s: %d nodes, FindMatcher %d", c.Name, what, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s: %s: node %d differs", c.Name, what, i)
				}
			}
		}
		same("anchors", x.anchors, p.Doc.FindMatcher(selAnchors).Nodes)
		same("scripts", x.scripts, p.Doc.FindMatcher(selScript).Nodes)
		same("headings", x.headings, p.Doc.FindMatcher(selHeadings).Nodes)
		same("bodies", x.bodies, p.Doc.FindMatcher(selBody).Nodes)
		same("title", []*html.Node{x.title}, firstNode(p.Doc.FindMatcher(selTitle).Nodes))
		same("base", []*html.Node{x.base}, firstNode(p.Doc.FindMatcher(selBase).Nodes))
		var metas []*html.Node
		seen := map[string]bool{}
		for _, n := range p.Doc.FindMatcher(selMetaName).Nodes {
			name, _ := attr(n, "name")
			if !seen[name] {
				seen[name] = true
				metas = append(metas, n)
			}
		}
		if len(metas) != len(x.metas) {
			t.Fatalf("%s: %d metas, want %d", c.Name, len(x.metas), len(metas))
		}
		for i := range metas {
			if metas[i] != x.metas[i] {
				t.Fatalf("%s: meta %d differs", c.Name, i)
			}
		}
	}
}

func firstNode(ns []*html.Node) []*html.Node {
	if len(ns) == 0 {
		return []*html.Node{nil}
	}
	return ns[:1]
}

// NewPage's tree (copied out of htmltree's pooled memory) is the tree
// html.Parse builds, with every link consistent, and stays so when later
// pages reuse the pooled memory.
func TestNewPageTreeIsParseTree(t *testing.T) {
	pages := testPages(t)
	var kept []*Page
	for _, c := range pages {
		p, err := NewPage(c.URL, c.HTML, c.Kind, "")
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, p)
	}
	for i, p := range kept {
		root := p.Doc.Nodes[0]
		if d := htmltree.Diff(pages[i].HTML, root); d != "" {
			t.Fatalf("%s: %s", pages[i].Name, d)
		}
		if err := checkLinks(root); err != "" {
			t.Fatalf("%s: %s", pages[i].Name, err)
		}
	}
}

// checkLinks reports the first node whose parent, sibling or last-child
// pointers disagree with its parent's child list.
func checkLinks(n *html.Node) string {
	var prev *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Parent != n || c.PrevSibling != prev {
			return "bad parent or previous sibling under " + htmltree.NodeName(n)
		}
		if e := checkLinks(c); e != "" {
			return e
		}
		prev = c
	}
	if n.LastChild != prev {
		return "bad last child of " + htmltree.NodeName(n)
	}
	return ""
}

// testPages are the fixtures and, unless fewPages, the imitation portal's
// pages and some of the generated portal's.
func testPages(t *testing.T) []corpusPage {
	pages := fixturePages(t)
	if !fewPages() {
		pages = append(append(pages, imitationPages(t)...), generatedPages(t)[:40]...)
	}
	return pages
}
