package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/nianbao/nianbao/internal/htmltree"
	"github.com/nianbao/nianbao/internal/htmltree/htmltreetest"
)

// Every tree htmltree.Fast builds while this package's tests run (grids,
// Word paste, hostile input, fuzz seeds, fixtures) is compared with
// html.Parse's; any difference fails the run.
func TestMain(m *testing.M) { htmltreetest.Main(m) }

// TestHTMLDocOwnsItsStrings: HTML reuses the decoded text, the tree's
// memory and (for UTF-8 pages) reads the input bytes in place; the Doc it
// returns must not change when all of those are overwritten afterwards.
func TestHTMLDocOwnsItsStrings(t *testing.T) {
	var pages [][]byte
	for _, pg := range htmltreetest.Pages(t) {
		pages = append(pages, pg.Data)
	}
	// and a page htmltree.Fast declines (inline SVG), read by html.Parse
	declined := []byte(`<html><head><title>某局2023年政府信息公开工作年度报告_某站</title><meta name="ContentSource" content="某局"></head>` +
		`<body><svg><path d="M0"/></svg><div class="TRS_Editor"><p>一、总体情况</p><table><tr><td>项目</td><td>数量</td></tr><tr><td>新收</td><td>3</td></tr></table></div></body></html>`)
	if htmltree.Fast(string(declined)) != nil {
		t.Fatal("the SVG page was meant to take the html.Parse path")
	}
	pages = append(pages, declined)
	for i, page := range pages {
		data := bytes.Clone(page)
		d, err := HTML(data, "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := json.Marshal(d)
		for j := range data {
			data[j] = 'x'
		}
		for k := 0; k < 3; k++ { // reuse the pooled memory for other pages
			if _, err := HTML(pages[(i+k+1)%len(pages)], "", Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if after, _ := json.Marshal(d); !bytes.Equal(before, after) {
			t.Fatalf("page %d: the Doc changed when the input and pooled memory were reused:\n%s\n%s", i, before, after)
		}
	}
}

// TestHasTextIsTextLen: hasText is textLen > 0 on every element of the
// fixtures.
func TestHasTextIsTextLen(t *testing.T) {
	n := 0
	for name, text := range htmltreetest.Texts(t) {
		root, err := html.Parse(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		for e := range root.Descendants() {
			n++
			if got, want := hasText(e, 0), textLen(e, 0) > 0; got != want {
				t.Fatalf("%s: hasText(%s) = %v, textLen > 0 is %v", name, htmltree.NodeName(e), got, want)
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d nodes checked", n)
	}
}

// TestHTMLConcurrent: the pooled tree memory and text buffers, and the
// doctype cache, are shared by concurrent HTML calls; each call still gets
// the Doc it gets alone.
func TestHTMLConcurrent(t *testing.T) {
	var pages [][]byte
	var want [][]byte
	for _, pg := range htmltreetest.Pages(t) {
		b := pg.Data
		d, err := HTML(b, "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(d)
		pages, want = append(pages, b), append(want, j)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 3*len(pages); k++ {
				i := (k*7 + g) % len(pages)
				d, err := HTML(pages[i], "", Options{})
				if err != nil {
					errs <- err.Error()
					return
				}
				if j, _ := json.Marshal(d); !bytes.Equal(j, want[i]) {
					errs <- fmt.Sprintf("page %d: concurrent Doc differs", i)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
