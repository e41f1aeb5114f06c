package htmltree

import (
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/net/html"
)

// Parse returns the tree html.Parse builds for s: Fast's where it takes
// the page, html.Parse's otherwise. The tree's memory is the caller's to
// keep (Fast's strings are substrings of s).
func Parse(s string) (*html.Node, error) {
	root, _ := fastParseMem(s, nil)
	if root != nil {
		check(s, root)
		return root, nil
	}
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return nil, fmt.Errorf("html parse: %w", err)
	}
	return root, nil
}

// ParseReuse is Parse building the tree in pooled memory: for callers that
// read a tree and drop it before the next page (the report extractor).
// When mem is not nil the caller must call mem.Release once nothing points
// into the tree any more; a tree html.Parse built comes with a nil mem.
func ParseReuse(s string) (root *html.Node, mem *Mem, err error) {
	root, mem = fastParseMem(s, treePool.Get().(*Mem))
	if root != nil {
		check(s, root)
		return root, mem, nil
	}
	mem.Release()
	root, err = html.Parse(strings.NewReader(s))
	if err != nil {
		return nil, nil, fmt.Errorf("html parse: %w", err)
	}
	return root, nil, nil
}

var checkHook atomic.Pointer[func(text string, root *html.Node)]

// SetCheck makes Parse and ParseReuse show f every tree Fast built (nil:
// none) and returns the check it replaces. It is for tests: a package's
// TestMain compares each such tree with html.Parse's (Diff), so any page
// its tests parse proves Fast right.
func SetCheck(f func(text string, root *html.Node)) (prev func(text string, root *html.Node)) {
	var p *func(string, *html.Node)
	if f != nil {
		p = &f
	}
	if old := checkHook.Swap(p); old != nil {
		prev = *old
	}
	return prev
}

func check(text string, root *html.Node) {
	if f := checkHook.Load(); f != nil {
		(*f)(text, root)
	}
}

// Diff returns "" when got is the tree html.Parse builds for text, else
// where the two first differ.
func Diff(text string, got *html.Node) string {
	want, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return fmt.Sprintf("html.Parse failed (%v) where Fast did not on %.200q", err, text)
	}
	if d := diffNodes(want, got, "#document"); d != "" {
		return fmt.Sprintf("%s\n  input %.300q", d, text)
	}
	return ""
}

func diffNodes(want, got *html.Node, path string) string {
	if want.Type != got.Type || want.DataAtom != got.DataAtom || want.Data != got.Data || want.Namespace != got.Namespace {
		return fmt.Sprintf("%s: want node %v %q, got %v %q", path, want.Type, want.Data, got.Type, got.Data)
	}
	if len(want.Attr) != len(got.Attr) {
		return fmt.Sprintf("%s: want attributes %v, got %v", path, want.Attr, got.Attr)
	}
	for i := range want.Attr {
		if want.Attr[i] != got.Attr[i] {
			return fmt.Sprintf("%s: want attributes %v, got %v", path, want.Attr, got.Attr)
		}
	}
	w, g := want.FirstChild, got.FirstChild
	for i := 0; w != nil || g != nil; i++ {
		if w == nil || g == nil {
			return fmt.Sprintf("%s: child %d: want %v, got %v", path, i, NodeName(w), NodeName(g))
		}
		if g.Parent != got {
			return fmt.Sprintf("%s: child %d has the wrong parent", path, i)
		}
		if d := diffNodes(w, g, fmt.Sprintf("%s/%d:%s", path, i, NodeName(w))); d != "" {
			return d
		}
		w, g = w.NextSibling, g.NextSibling
	}
	return ""
}

// NodeName names n in Diff's messages: the element name, else its type
// and the start of its data.
func NodeName(n *html.Node) string {
	if n == nil {
		return "nothing"
	}
	if n.Type == html.ElementNode {
		return n.Data
	}
	return fmt.Sprintf("%v(%.20q)", n.Type, n.Data)
}
