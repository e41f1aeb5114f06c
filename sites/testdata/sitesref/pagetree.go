package sitesref

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// pageIndex is what AnalyzeGeneric reads of a page's tree, gathered in
// one walk: each goquery FindMatcher walked the whole tree again and
// allocated a Selection per match. The lists hold what the selectors in
// the comments matched, in document order, as FindMatcher would.
type pageIndex struct {
	anchors  []*html.Node // anchorSel
	scripts  []*html.Node // script
	headings []*html.Node // selHeadings
	bodies   []*html.Node // body
	title    *html.Node   // the first title
	base     *html.Node   // the first base[href]
	metas    []*html.Node // the first meta[name] of each name
}

// index walks the page once, on first use.
func (p *Page) index() *pageIndex {
	if p.idx != nil {
		return p.idx
	}
	x := &pageIndex{}
	// FindMatcher on the document looks at its element children's subtrees.
	for _, root := range p.Doc.Nodes {
		for c := root.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				x.walk(c)
			}
		}
	}
	p.idx = x
	return x
}

func (x *pageIndex) walk(n *html.Node) {
	if n.Type == html.ElementNode {
		x.element(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.walk(c)
	}
}

func (x *pageIndex) element(n *html.Node) {
	// cascadia's tag selectors compare n.Data, attribute selectors keys.
	if n.Data == "a" && (hasAttr(n, "href") || hasAttr(n, "onclick")) || hasAttr(n, "data-href") || hasAttr(n, "data-url") {
		x.anchors = append(x.anchors, n)
	}
	switch n.Data {
	case "script":
		x.scripts = append(x.scripts, n)
	case "body":
		x.bodies = append(x.bodies, n)
	case "title":
		if x.title == nil {
			x.title = n
		}
	case "base":
		if x.base == nil && hasAttr(n, "href") {
			x.base = n
		}
	case "meta":
		if name, ok := attr(n, "name"); ok {
			if x.meta(name) == nil {
				x.metas = append(x.metas, n)
			}
		}
	}
	if isHeading(n) {
		x.headings = append(x.headings, n)
	}
}

// isHeading is selHeadings ("h1, h2, .title, #title, .artT, .article-title").
func isHeading(n *html.Node) bool {
	if n.Data == "h1" || n.Data == "h2" {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "id":
			if a.Val == "title" {
				return true
			}
		case "class":
			if hasClass(a.Val, "title") || hasClass(a.Val, "artT") || hasClass(a.Val, "article-title") {
				return true
			}
		}
	}
	return false
}

// hasClass is cascadia's class match: c is one of the words of list.
func hasClass(list, c string) bool {
	for list != "" {
		i := strings.IndexAny(list, " \t\r\n\f")
		if i < 0 {
			return list == c
		}
		if list[:i] == c {
			return true
		}
		list = list[i+1:]
	}
	return false
}

// meta is the first <meta> named name, nil when there is none.
func (x *pageIndex) meta(name string) *html.Node {
	for _, m := range x.metas {
		if v, _ := attr(m, "name"); v == name {
			return m
		}
	}
	return nil
}

// attr is goquery's Attr: the value of n's first attribute key.
func attr(n *html.Node, key string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasAttr(n *html.Node, key string) bool {
	_, ok := attr(n, key)
	return ok
}

// attrOr is goquery's AttrOr.
func attrOr(n *html.Node, key, def string) string {
	if v, ok := attr(n, key); ok {
		return v
	}
	return def
}

// appendText appends the text of n's subtree (goquery's Text) to b.
func appendText(b []byte, n *html.Node) []byte {
	if n.Type == html.TextNode {
		return append(b, n.Data...)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b = appendText(b, c)
	}
	return b
}

// textBuf reads node texts into reused memory: cleanNodeText allocates
// only the cleaned string, where Text and cleanText made four.
type textBuf struct{ raw, clean []byte }

// cleanNodeText is cleanText(Text()) of the nodes.
func (t *textBuf) cleanNodeText(ns ...*html.Node) string {
	t.raw = t.raw[:0]
	for _, n := range ns {
		if n != nil {
			t.raw = appendText(t.raw, n)
		}
	}
	t.clean = appendClean(t.clean[:0], t.raw)
	return string(t.clean)
}

// appendClean appends cleanText(string(s)) to b: the fields of s
// (strings.Fields: split at unicode.IsSpace, which the no-break spaces
// cleanText maps to " " already are) joined by single spaces. Bytes that
// are not valid UTF-8 are copied as they are, as Fields keeps them.
func appendClean(b, s []byte) []byte {
	start, space := len(b), false
	for i := 0; i < len(s); {
		c := s[i]
		w := 1
		isSpace := false
		if c < utf8.RuneSelf {
			isSpace = asciiSpace[c]
		} else {
			var r rune
			r, w = utf8.DecodeRune(s[i:])
			isSpace = unicode.IsSpace(r)
		}
		if isSpace {
			space = len(b) > start
		} else {
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, s[i:i+w]...)
		}
		i += w
	}
	return b
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// isClean reports whether cleanText(s) is s: no leading, trailing or
// repeated space and no other white space.
func isClean(s string) bool {
	prevSpace := true // a leading space is not clean
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' {
				if prevSpace {
					return false
				}
				prevSpace = true
			} else if asciiSpace[c] {
				return false
			} else {
				prevSpace = false
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		prevSpace = false
		i += w
	}
	return !prevSpace || s == ""
}

// compactTree copies the tree at root into memory sized to it: one slice
// of nodes and one of attributes. htmltree.Parse allocates (and zeroes)
// chunks of 512 nodes and 512 attributes whatever the page's size, most
// of NewPage's cost on the small detail pages a crawl mostly fetches;
// parsing into htmltree's pooled memory and copying out is cheaper, and
// the page keeps no more memory than its tree needs.
func compactTree(root *html.Node) *html.Node {
	nn, na := countTree(root)
	c := treeCopier{nodes: make([]html.Node, nn), attrs: make([]html.Attribute, na)}
	return c.copy(root, nil)
}

func countTree(n *html.Node) (nodes, attrs int) {
	nodes, attrs = 1, len(n.Attr)
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		cn, ca := countTree(ch)
		nodes += cn
		attrs += ca
	}
	return nodes, attrs
}

type treeCopier struct {
	nodes []html.Node
	attrs []html.Attribute
}

// copy copies n's subtree under parent, nodes in document order.
func (c *treeCopier) copy(n, parent *html.Node) *html.Node {
	m := &c.nodes[0]
	c.nodes = c.nodes[1:]
	m.Type, m.DataAtom, m.Data, m.Namespace, m.Parent = n.Type, n.DataAtom, n.Data, n.Namespace, parent
	if k := len(n.Attr); k > 0 {
		// Capped like htmltree's, so that an append cannot reach the next node's.
		m.Attr = c.attrs[:k:k]
		copy(m.Attr, n.Attr)
		c.attrs = c.attrs[k:]
	}
	var prev *html.Node
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		cc := c.copy(ch, m)
		if prev == nil {
			m.FirstChild = cc
		} else {
			prev.NextSibling, cc.PrevSibling = cc, prev
		}
		prev = cc
	}
	m.LastChild = prev
	return m
}
