package extract

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/internal/htmltree"
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
			for c := range strings.FieldsSeq(a.Val) {
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

var chromeTokenBytes = func() [][]byte {
	out := make([][]byte, len(chromeTokens))
	for i, c := range chromeTokens {
		out[i] = []byte(c)
	}
	return out
}()

// HTML extracts the report body of an HTML page. data is the raw page;
// contentType the HTTP header ("" if unknown), used only as a charset hint
// after the BOM and <meta>.
func HTML(data []byte, contentType string, opts Options) (doc *Doc, err error) {
	defer protect("html", &doc, &err)
	g := newGuard(opts)
	if err := g.checkSize(len(data)); err != nil {
		return nil, err
	}
	bufp := textPool.Get().(*[]byte)
	text, buf := charset.DecodeHTMLTransient(data, contentType, *bufp)
	root, mem, err := htmltree.ParseReuse(text)
	if err != nil {
		return nil, fmt.Errorf("%w: html: %w", ErrFormat, err)
	}
	if err := g.check(); err != nil {
		return nil, err
	}
	doc, err = htmlDoc(root, g)
	// Nothing in doc points into the tree or the text (htmlDoc copies
	// what it keeps): their memory can serve the next page. After a panic
	// it is simply dropped.
	if mem != nil {
		mem.Release()
	}
	if cap(buf) <= maxPooledText {
		*bufp = buf[:0]
		textPool.Put(bufp)
	}
	return doc, err
}

// textPool holds buffers for decoded GBK pages, up to maxPooledText.
var textPool = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledText = 1 << 20

// htmlDoc reads the page's tree into a Doc.
func htmlDoc(root *html.Node, g *guard) (*Doc, error) {
	doc := &Doc{Container: "html"}
	sc := scanPage(root)
	// the page text is reused once HTML returns: keep copies
	doc.Title = strings.Clone(sc.title())
	doc.Publisher = strings.Clone(sc.publisher())
	body := sc.pickBody()
	if body == nil {
		return finish(doc), nil
	}
	// tables are numbered in the whole page's document order: count the
	// ones before the body first
	g.tables = tablesBefore(root, body)
	cells := cellPool.Get().(*[]cellSrc)
	w := &htmlWalker{g: g, arena: &strArena{}, cells: *cells}
	if err := w.walk(body, 0, true); err != nil {
		return nil, err
	}
	w.flush()
	doc.Blocks = w.out
	if len(w.cells) == 0 && cap(w.cells) <= 4096 { // emptied and cleared by table()
		*cells = w.cells
		cellPool.Put(cells)
	}
	return finish(doc), nil
}

// tablesBefore counts the <table> elements that come before target in
// document order (pre-order), target's ancestors included.
func tablesBefore(root, target *html.Node) int32 {
	var n int32
	var walk func(x *html.Node, depth int) bool // true once target is reached
	walk = func(x *html.Node, depth int) bool {
		if x == target {
			return true
		}
		if depth > maxDepth*4 {
			return false // as deep as the walker reads
		}
		if x.Type == html.ElementNode && x.DataAtom == atom.Table {
			n++
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if walk(c, depth+1) {
				return true
			}
		}
		return false
	}
	walk(root, 0)
	return n
}

// cellPool keeps the top walker's row slab from page to page.
var cellPool = sync.Pool{New: func() any { return new([]cellSrc) }}

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

// publisher is the page metadata's source body (TRS/NFCMS ContentSource,
// else SiteName, the site's own name).
func (sc *pageScan) publisher() string {
	for _, name := range []string{"contentsource", "sitename"} {
		if v := strings.Join(strings.Fields(sc.meta[name]), ""); v != "" {
			return v
		}
	}
	return ""
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
		if len(tier) == 1 {
			// a lone candidate wins if it holds any text or a table: no
			// need to count all of its text
			if n := tier[0]; hasText(n, 0) || hasTable(n, 0) {
				return n
			}
			continue
		}
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

// hasText is textLen(n, depth) > 0, stopping at the first text.
func hasText(n *html.Node, depth int) bool {
	if depth > maxDepth*4 {
		return false
	}
	switch n.Type {
	case html.TextNode:
		return strings.TrimSpace(n.Data) != ""
	case html.ElementNode:
		if skipElement(n) || isChrome(n) || n.DataAtom == atom.A {
			return false
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasText(c, depth+1) {
			return true
		}
	}
	return false
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
			if hiddenStyle(a.Val) {
				return true
			}
		}
	}
	return false
}

// hiddenStyle: the style hides the element, i.e. with ' ' removed and
// lower-cased it contains "display:none" or "mso-hide:all". Word-paste
// markup puts a style on nearly every element, so values are searched in
// place around each ':', folding ASCII case only: no other character
// lower-cases into ASCII except İ and the Kelvin sign, which take the
// general path.
func hiddenStyle(v string) bool {
	if (strings.IndexByte(v, 0xC4) >= 0 || strings.IndexByte(v, 0xE2) >= 0) && lowersToASCII(v) {
		return hiddenStyleGeneral(v)
	}
	for off := 0; ; {
		i := strings.IndexByte(v[off:], ':')
		if i < 0 {
			return false
		}
		i += off
		if (foldBefore(v[:i], "display") && foldAfter(v[i+1:], "none")) ||
			(foldBefore(v[:i], "mso-hide") && foldAfter(v[i+1:], "all")) {
			return true
		}
		off = i + 1
	}
}

// foldBefore: s ends with lower-case ASCII w once ' ' are dropped and A–Z
// lowered.
func foldBefore(s, w string) bool {
	j := len(s) - 1
	for k := len(w) - 1; k >= 0; k-- {
		for j >= 0 && s[j] == ' ' {
			j--
		}
		if j < 0 || lowerASCII(s[j]) != w[k] {
			return false
		}
		j--
	}
	return true
}

// foldAfter: s starts with w once ' ' are dropped and A–Z lowered.
func foldAfter(s, w string) bool {
	j := 0
	for k := 0; k < len(w); k++ {
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j >= len(s) || lowerASCII(s[j]) != w[k] {
			return false
		}
		j++
	}
	return true
}

func hiddenStyleGeneral(v string) bool {
	s := strings.ToLower(strings.ReplaceAll(v, " ", ""))
	return strings.Contains(s, "display:none") || strings.Contains(s, "mso-hide:all")
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isChrome(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Footer, atom.Aside:
		return true
	}
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		// attr() takes the first of repeated attributes
		if attr(n, a.Key) != a.Val {
			continue
		}
		if chromeValue(a.Val) {
			return true
		}
	}
	return false
}

// chromeValue: a class or id value naming page furniture.
func chromeValue(v string) bool {
	if v == "" {
		return false
	}
	var buf [64]byte
	for tok := range strings.FieldsSeq(v) {
		if len(tok) > len(buf) || lowersToASCII(tok) {
			lt := strings.ToLower(tok)
			for _, c := range chromeTokens {
				if strings.Contains(lt, c) {
					return true
				}
			}
			continue
		}
		lt := buf[:len(tok)]
		for i := 0; i < len(tok); i++ {
			lt[i] = lowerASCII(tok[i])
		}
		// every chrome token starts with one of a few letter pairs: try the
		// tokens only where such a pair occurs
		for i := 0; i+1 < len(lt); i++ {
			a, b := lt[i], lt[i+1]
			if a >= utf8.RuneSelf || b >= utf8.RuneSelf || !chromeStart[int(a)<<7|int(b)] {
				continue
			}
			for _, c := range chromeTokenBytes {
				if bytes.HasPrefix(lt[i:], c) {
					return true
				}
			}
		}
	}
	return false
}

// chromeStart marks the first two bytes of every chrome token.
var chromeStart = func() (t [128 * 128]bool) {
	for _, c := range chromeTokens {
		t[int(c[0])<<7|int(c[1])] = true
	}
	return t
}()

// lowersToASCII: s holds one of the two non-ASCII characters whose lower
// case is ASCII (U+0130 → i, U+212A → k).
func lowersToASCII(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		switch s[i] {
		case 0xC4: // U+0130 is C4 B0
			if s[i+1] == 0xB0 {
				return true
			}
		case 0xE2: // U+212A is E2 84 AA
			if i+2 < len(s) && s[i+1] == 0x84 && s[i+2] == 0xAA {
				return true
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
	cur   []byte // the paragraph being built; reused after each flush
	space bool   // a whitespace run is pending in cur
	cell  *htmlWalker
	slab  []Block // backing for the cells' blocks
	cells []cellSrc
	arena *strArena
}

// strArena makes the page's many short strings (one per table cell) out
// of a few shared chunks instead of one allocation each. Chunks are only
// appended to, so the bytes under a returned string never change.
type strArena struct{ buf []byte }

func (a *strArena) str(b []byte) string {
	if a == nil {
		return string(b)
	}
	if len(b) == 0 {
		return ""
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, max(4096, len(b)))
	}
	at := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[at], len(b))
}

// cellWalker returns the walker for one table cell, reused from cell to
// cell (its out is handed over and cleared by the caller).
func (w *htmlWalker) cellWalker() *htmlWalker {
	if w.cell == nil {
		w.cell = &htmlWalker{g: w.g, arena: w.arena}
	}
	return w.cell
}

// text appends s with whitespace runs (ASCII, no-break space, U+3000)
// collapsed to one space and none at the start; invalid UTF-8 bytes
// become U+FFFD. Runs of other characters are copied whole.
func (w *htmlWalker) text(s string) {
	if utf8.ValidString(s) {
		w.textValid(s)
		return
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			w.space = true
			i++
			continue
		case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0: // U+00A0
			w.space = true
			i += 2
			continue
		case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x80: // U+3000
			w.space = true
			i += 3
			continue
		}
		j := i
	run:
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				switch c {
				case ' ', '\t', '\n', '\r', '\f':
					break run
				}
				j++
				continue
			}
			r, n := utf8.DecodeRuneInString(s[j:])
			if r == '\u00a0' || r == '\u3000' || (r == utf8.RuneError && n == 1) {
				break
			}
			j += n
		}
		if w.space && len(w.cur) > 0 {
			w.cur = append(w.cur, ' ')
		}
		w.space = false
		if j > i {
			w.cur = append(w.cur, s[i:j]...)
			i = j
			continue
		}
		w.cur = utf8.AppendRune(w.cur, utf8.RuneError) // an invalid byte
		i++
	}
}

// textValid is text for valid UTF-8: only the bytes of the whitespace
// characters need looking at, the rest is copied in runs.
func (w *htmlWalker) textValid(s string) {
	for i := 0; i < len(s); {
		if n := spaceAt(s, i); n > 0 {
			w.space = true
			i += n
			continue
		}
		j := i + 1
		for j < len(s) && spaceAt(s, j) == 0 {
			j++
		}
		if w.space && len(w.cur) > 0 {
			w.cur = append(w.cur, ' ')
		}
		w.space = false
		w.cur = append(w.cur, s[i:j]...)
		i = j
	}
}

// spaceAt returns the length of the whitespace character text() collapses
// at s[i] (ASCII, U+00A0, U+3000), or 0. In valid UTF-8, C2 A0 and E3 80 80
// can only be those characters.
func spaceAt(s string, i int) int {
	switch s[i] {
	case ' ', '\t', '\n', '\r', '\f':
		return 1
	case 0xC2:
		if i+1 < len(s) && s[i+1] == 0xA0 {
			return 2
		}
	case 0xE3:
		if i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x80 {
			return 3
		}
	}
	return 0
}

func (w *htmlWalker) lineBreak() {
	if len(w.cur) > 0 {
		w.cur = append(w.cur, '\n')
	}
	w.space = false
}

// flush ends the current paragraph.
func (w *htmlWalker) flush() {
	cur := w.cur
	w.cur = w.cur[:0]
	w.space = false
	if len(cur) == 0 {
		return
	}
	if bytes.IndexByte(cur, '\n') < 0 { // one line: what the loop below does
		if l := bytes.TrimSpace(cur); len(l) > 0 {
			w.out = append(w.out, Block{Text: w.arena.str(l)})
		}
		return
	}
	lines := strings.Split(string(cur), "\n")
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
			w.countTables(n) // table numbers follow the markup, read or not
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

// countTables numbers the tables under a subtree that is not read.
func (w *htmlWalker) countTables(n *html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == atom.Table {
		w.g.nextTable()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			w.countTables(c)
		}
	}
}

// table collects the rows that belong to this table (not to nested ones)
// and emits it as a grid or, for layout tables, as its content.
func (w *htmlWalker) table(n *html.Node, depth int) error {
	t := &tableSrc{index: w.g.nextTable()}
	var caption []Block
	var rowsOf func(p *html.Node, d int) error
	tr := int32(0) // the table's <tr> elements so far, read or not
	rowsOf = func(p *html.Node, d int) error {
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if skipElement(c) {
				if c.DataAtom == atom.Tr {
					tr++
				}
				w.countTables(c)
				continue
			}
			switch c.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				if d < 2 {
					if err := rowsOf(c, d+1); err != nil {
						return err
					}
				} else {
					w.countTables(c)
				}
			case atom.Caption:
				sub := &htmlWalker{g: w.g, arena: w.arena}
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
				t.rowAt = append(t.rowAt, tr)
				tr++
			default:
				w.countTables(c)
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
	clear(w.cells)
	w.cells = w.cells[:0]
	return err
}

func (w *htmlWalker) row(tr *html.Node, depth int) ([]cellSrc, error) {
	n := 0
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
			n++
		}
	}
	// rows share one slab per walker, cleared when the table is emitted:
	// a walker builds one table at a time (cells have walkers of their own)
	if cap(w.cells)-len(w.cells) < n {
		w.cells = make([]cellSrc, 0, max(256, n))
	}
	at := len(w.cells)
	row := w.cells[at : at : at+n]
	w.cells = w.cells[:at+n]
	idx := int32(0) // the row's cells so far, read or not
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) {
			continue
		}
		idx++
		if skipElement(c) {
			w.countTables(c)
			continue
		}
		sub := w.cellWalker()
		for cc := c.FirstChild; cc != nil; cc = cc.NextSibling {
			if err := sub.walk(cc, depth+1, false); err != nil {
				return nil, err
			}
		}
		sub.flush()
		// cells hold one block or none: copy them into a shared slab
		// instead of one small allocation per cell (the slab's earlier
		// arrays stay valid when it grows)
		var blocks []Block
		text := ""
		if len(sub.out) == 1 && !sub.out[0].IsTable() {
			text = sub.out[0].Text
			sub.out[0] = Block{}
			sub.out = sub.out[:0]
		} else if len(sub.out) > 0 {
			if cap(w.slab)-len(w.slab) < len(sub.out) {
				w.slab = make([]Block, 0, max(16, len(sub.out)))
			}
			at := len(w.slab)
			w.slab = append(w.slab, sub.out...)
			blocks = w.slab[at:len(w.slab):len(w.slab)]
			clear(sub.out)
			sub.out = sub.out[:0]
		}
		row = append(row, cellSrc{
			blocks:  blocks,
			text:    text,
			colspan: spanAttr(attr(c, "colspan"), 1),
			rowspan: spanAttr(attr(c, "rowspan"), 1),
			at:      idx,
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
