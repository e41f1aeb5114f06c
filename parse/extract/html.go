package extract

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/charset"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Report-body containers of the CMS families in portals.md §2 (class or
// id, case-sensitive as written by the CMS). Tier 1 names are specific to
// article bodies; tier 2 are generic. Within a tier the candidate holding
// the most text wins. Matching is a plain token compare in one pass over
// the tree: compiling and running CSS selectors per page cost more than
// the rest of the body search.
var (
	bodyClass1 = set("TRS_Editor", "TRS_UEDITOR", "trs_paper_default", "Custom_UnionStyle", "article-content",
		"wzcon", "art_p", "zoom", "bt-article", "pages_content", "TRS_PreAppend")
	bodyID1    = set("zoom", "Zoom", "zoomcon", "zoomCon", "UCAP-CONTENT", "ivs_content", "article-content")
	bodyClass2 = set("article", "content", "con", "detail", "main-content", "article_con", "news_content")
	bodyID2    = set("article", "content", "detail")
)

func set(ss ...string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// bodyTier returns 1 or 2 for a known body container, else 0.
func bodyTier(n *html.Node) int {
	tier := 0
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			for _, c := range strings.Fields(a.Val) {
				if bodyClass1[c] {
					return 1
				}
				if bodyClass2[c] {
					tier = 2
				}
			}
		case "id":
			if bodyID1[a.Val] {
				return 1
			}
			if bodyID2[a.Val] {
				tier = 2
			}
		}
	}
	if tier == 0 && (n.DataAtom == atom.Article || n.DataAtom == atom.Main) {
		tier = 2
	}
	return tier
}

// chromeTokens mark page furniture by class or id: navigation, footers,
// share bars, "related links" lists, breadcrumbs.
var chromeTokens = []string{"nav", "menu", "footer", "breadcrumb", "crumb", "share", "related", "relate",
	"xgwz", "xglj", "xgxx", "sidebar", "copyright", "toolbar", "position", "location", "dqwz", "pagebar", "fenxiang", "bdsharebutton"}

// HTML extracts the report body of an HTML page. data is the raw page;
// contentType the HTTP header ("" if unknown), used only as a charset hint
// after the BOM and <meta>.
func HTML(data []byte, contentType string, opts Options) (doc *Doc, err error) {
	defer protect("html", &doc, &err)
	g := newGuard(opts)
	if err := g.checkSize(len(data)); err != nil {
		return nil, err
	}
	text := charset.DecodeHTML(data, contentType)
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("%w: html: %w", ErrFormat, err)
	}
	if err := g.check(); err != nil {
		return nil, err
	}
	doc = &Doc{Container: "html"}
	sc := scanPage(root)
	doc.Title = sc.title()
	body := sc.pickBody()
	if body == nil {
		return finish(doc), nil
	}
	w := &htmlWalker{g: g}
	if err := w.walk(body, 0, true); err != nil {
		return nil, err
	}
	w.flush()
	doc.Blocks = w.out
	return finish(doc), nil
}

// pageScan is what one pass over the tree collects: title sources, the
// body element and the known body containers.
type pageScan struct {
	meta       map[string]string
	titleText  string
	body       *html.Node
	candidates [3][]*html.Node // by tier
}

func scanPage(root *html.Node) *pageScan {
	sc := &pageScan{meta: map[string]string{}}
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth*4 {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Meta:
				name := attr(n, "name")
				if name == "" {
					name = attr(n, "property")
				}
				if name != "" {
					if _, seen := sc.meta[strings.ToLower(name)]; !seen {
						sc.meta[strings.ToLower(name)] = attr(n, "content")
					}
				}
			case atom.Title:
				if sc.titleText == "" && n.FirstChild != nil {
					sc.titleText = n.FirstChild.Data
				}
			case atom.Body:
				if sc.body == nil {
					sc.body = n
				}
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			}
			if t := bodyTier(n); t > 0 {
				sc.candidates[t] = append(sc.candidates[t], n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	return sc
}

func (sc *pageScan) title() string {
	for _, name := range []string{"articletitle", "title", "og:title"} {
		if v := strings.Join(strings.Fields(sc.meta[name]), " "); v != "" {
			return v
		}
	}
	t := strings.Join(strings.Fields(sc.titleText), " ")
	// "报告标题_站点名" / "报告标题 - 站点名": keep the part naming the report.
	parts := strings.FieldsFunc(t, func(r rune) bool { return r == '_' || r == '|' || r == '－' })
	if len(parts) > 1 {
		for _, p := range parts {
			if strings.Contains(p, "报告") || strings.Contains(p, "年报") {
				return strings.TrimSpace(p)
			}
		}
		return strings.TrimSpace(parts[0])
	}
	if i := strings.Index(t, " - "); i > 0 {
		return strings.TrimSpace(t[:i])
	}
	return t
}

// pickBody finds the element holding the report: a known CMS container if
// the page has one, else the deepest element that still holds most of the
// page's non-chrome text.
func (sc *pageScan) pickBody() *html.Node {
	for _, tier := range sc.candidates[1:] {
		var best *html.Node
		bestLen := -1
		for _, n := range tier {
			l := textLen(n, 0)
			if l == 0 && !hasTable(n, 0) {
				continue
			}
			if l > bestLen {
				best, bestLen = n, l
			}
		}
		if best != nil {
			return best
		}
	}
	n := sc.body
	if n == nil {
		return nil
	}
	for depth := 0; depth < maxDepth; depth++ {
		total := textLen(n, 0)
		if total == 0 {
			return n
		}
		var next *html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || isChrome(c) {
				continue
			}
			if textLen(c, 0)*10 >= total*7 {
				next = c
				break
			}
		}
		if next == nil || next.DataAtom == atom.Table || next.DataAtom == atom.Tbody || next.DataAtom == atom.Tr || next.DataAtom == atom.P {
			return n
		}
		n = next
	}
	return n
}

// textLen counts the runes of visible non-chrome text under n, links excluded
// (link text is navigation, not body).
func textLen(n *html.Node, depth int) int {
	if depth > maxDepth*4 {
		return 0
	}
	switch n.Type {
	case html.TextNode:
		return utf8.RuneCountInString(strings.TrimSpace(n.Data))
	case html.ElementNode:
		if skipElement(n) || isChrome(n) || n.DataAtom == atom.A {
			return 0
		}
	}
	l := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		l += textLen(c, depth+1)
	}
	return l
}

func hasTable(n *html.Node, depth int) bool {
	if depth > maxDepth*4 {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Table || hasTable(c, depth+1)) {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// skipElement: not content at all (scripts, styles, forms, hidden parts).
func skipElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Object, atom.Embed,
		atom.Select, atom.Option, atom.Button, atom.Input, atom.Textarea, atom.Head, atom.Svg, atom.Map,
		atom.Audio, atom.Video, atom.Canvas:
		return true
	}
	if n.Data == "xml" { // Word-paste <xml><w:WordDocument>… settings blocks
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			s := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "mso-hide:all") {
				return true
			}
		}
	}
	return false
}

func isChrome(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Footer, atom.Aside:
		return true
	}
	for _, key := range []string{"class", "id"} {
		v := strings.ToLower(attr(n, key))
		if v == "" {
			continue
		}
		for _, tok := range strings.Fields(v) {
			for _, c := range chromeTokens {
				if strings.Contains(tok, c) {
					return true
				}
			}
		}
	}
	return false
}

func isBlockElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Li, atom.Ul, atom.Ol,
		atom.Section, atom.Article, atom.Blockquote, atom.Center, atom.Dl, atom.Dt, atom.Dd, atom.Pre,
		atom.Address, atom.Hr, atom.Form, atom.Header, atom.Main, atom.Figure, atom.Figcaption, atom.Caption,
		atom.Tr, atom.Td, atom.Th, atom.Tbody, atom.Thead, atom.Tfoot, atom.Body, atom.Html, atom.Fieldset,
		atom.Legend, atom.Details, atom.Summary:
		return true
	}
	return false
}

// htmlWalker turns a DOM subtree into Blocks.
type htmlWalker struct {
	g     *guard
	out   []Block
	cur   strings.Builder
	space bool // a whitespace run is pending in cur
}

func (w *htmlWalker) text(s string) {
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\u00a0', '\u3000':
			w.space = true
			continue
		}
		if w.space && w.cur.Len() > 0 {
			w.cur.WriteByte(' ')
		}
		w.space = false
		w.cur.WriteRune(r)
	}
}

func (w *htmlWalker) lineBreak() {
	if w.cur.Len() > 0 {
		w.cur.WriteByte('\n')
	}
	w.space = false
}

// flush ends the current paragraph.
func (w *htmlWalker) flush() {
	s := w.cur.String()
	w.cur.Reset()
	w.space = false
	if s == "" {
		return
	}
	lines := strings.Split(s, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) > 0 {
		w.out = append(w.out, Block{Text: strings.Join(kept, "\n")})
	}
}

func (w *htmlWalker) walk(n *html.Node, depth int, root bool) error {
	if err := w.g.tick(); err != nil {
		return err
	}
	if depth > maxDepth*4 {
		return nil // absurdly deep markup: the rest is not a report
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return nil
	case html.ElementNode:
		if skipElement(n) || (!root && isChrome(n)) {
			return nil
		}
		switch n.DataAtom {
		case atom.Br:
			w.lineBreak()
			return nil
		case atom.Table:
			w.flush()
			return w.table(n, depth)
		case atom.Img:
			return nil
		}
	case html.DocumentNode:
	default:
		return nil
	}
	block := n.Type == html.ElementNode && isBlockElement(n)
	if block {
		w.flush()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := w.walk(c, depth+1, false); err != nil {
			return err
		}
	}
	if block {
		w.flush()
	}
	return nil
}

// table collects the rows that belong to this table (not to nested ones)
// and emits it as a grid or, for layout tables, as its content.
func (w *htmlWalker) table(n *html.Node, depth int) error {
	t := &tableSrc{}
	var caption []Block
	var rowsOf func(p *html.Node, d int) error
	rowsOf = func(p *html.Node, d int) error {
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || skipElement(c) {
				continue
			}
			switch c.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				if d < 2 {
					if err := rowsOf(c, d+1); err != nil {
						return err
					}
				}
			case atom.Caption:
				sub := &htmlWalker{g: w.g}
				if err := sub.walk(c, depth+1, false); err != nil {
					return err
				}
				sub.flush()
				caption = append(caption, sub.out...)
			case atom.Tr:
				row, err := w.row(c, depth+1)
				if err != nil {
					return err
				}
				t.rows = append(t.rows, row)
			}
		}
		return nil
	}
	if err := rowsOf(n, 0); err != nil {
		return err
	}
	w.out = append(w.out, caption...)
	out, err := t.emit(w.out, w.g)
	w.out = out
	return err
}

func (w *htmlWalker) row(tr *html.Node, depth int) ([]cellSrc, error) {
	var row []cellSrc
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) {
			continue
		}
		if skipElement(c) {
			continue
		}
		sub := &htmlWalker{g: w.g}
		for cc := c.FirstChild; cc != nil; cc = cc.NextSibling {
			if err := sub.walk(cc, depth+1, false); err != nil {
				return nil, err
			}
		}
		sub.flush()
		row = append(row, cellSrc{
			blocks:  sub.out,
			colspan: spanAttr(attr(c, "colspan"), 1),
			rowspan: spanAttr(attr(c, "rowspan"), 1),
		})
	}
	return row, nil
}

// spanAttr parses a colspan/rowspan value leniently, as browsers do:
// leading digits count ("2px" is 2), anything unparsable is the default.
// rowspan="0" means "to the end of the table" and is kept as 0.
func spanAttr(v string, def int) int {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && i < 7 && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	if i == 0 {
		return def
	}
	n, err := strconv.Atoi(v[:i])
	if err != nil {
		return def
	}
	return min(n, maxSpan)
}
