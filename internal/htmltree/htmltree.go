package htmltree

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/net/html"
	a "golang.org/x/net/html/atom"
)

// Fast is html.Parse for the markup report pages are made of, at a
// fraction of the cost: golang.org/x/net/html spends most of its time
// reading the page byte by byte through an io.Reader and allocating a
// string per tag name, attribute and text token, which on a 70 KB page is
// more than all the extraction that follows.
//
// It tokenizes in place (names, attribute values and text are substrings
// of s unless they need unescaping) and builds the tree by the HTML5
// tree-construction rules as golang.org/x/net/html implements them,
// ported mode by mode for what pages are made of: implied
// html/head/body/tbody/tr, implied end tags, tables with captions and
// column groups, formatting elements (reopened, and misnesting resolved
// by the adoption agency algorithm), stray table text, raw-text elements
// and script escapes, select, quirks mode. Where the input needs what is
// not ported (foreign content such as inline SVG, templates, frames,
// plaintext, elements foster-parented out of a table, NUL bytes,
// unterminated tags and comments, more than 500 open elements) it returns
// nil and the caller uses html.Parse: the result is either the very tree
// html.Parse builds or nothing. TestFastAgrees, FuzzFast and the TestMain
// of every package that parses pages through here (SetCheck compares each
// tree built while their tests run) hold it to that.
func Fast(s string) *html.Node {
	root, _ := fastParseMem(s, nil)
	return root
}

// fastParseMem is Fast taking its nodes and attributes from mem
// (nil: fresh memory) and returning the memory used, for recycling once
// the tree is dropped.
func fastParseMem(s string, mem *Mem) (*html.Node, *Mem) {
	if mem == nil {
		mem = &Mem{}
		mem.sizeFor(s)
	}
	if len(s) > 1<<24 || strings.IndexByte(s, 0) >= 0 {
		return nil, mem // NUL handling differs by insertion mode; large inputs are not pages
	}
	p := &fparser{z: ftokenizer{s: s, mem: mem, cr: strings.IndexByte(s, '\r') >= 0}, mode: fmInitial, mem: mem}
	p.doc = p.node()
	p.doc.Type = html.DocumentNode
	ok := p.run()
	if !ok {
		return nil, mem
	}
	return p.doc, mem
}

// Mem holds the nodes and attributes of one tree in a few large
// chunks. A 70 KB page is some 3,000 nodes and 2,000 attributes, most of
// the bytes a page parse allocates; HTML hands them back to treePool when
// it has read the tree, since nothing it returns points into the tree.
type Mem struct {
	nodes [][]html.Node
	nn    int // nodes used in the last chunk
	attrb [][]html.Attribute
	na    int
	// Sizes of the first chunks when not the default: a tree that is not
	// pooled gets chunks sized from its page, so that a small page does
	// not allocate (and zero) 80 KB of nodes it never uses.
	firstNodes, firstAttrs int
}

// sizeFor sizes the first chunks of fresh memory for s: a node per '<'
// and one for the text after it, an attribute per '='. Later chunks take
// the default size, so a low estimate costs one more chunk.
func (m *Mem) sizeFor(s string) {
	m.firstNodes = min(nodeChunk, 2*strings.Count(s, "<")+16)
	m.firstAttrs = min(attrChunk, strings.Count(s, "=")+64)
}

const (
	nodeChunk = 512
	attrChunk = 512
)

var treePool = sync.Pool{New: func() any { return &Mem{} }}

func (m *Mem) node() *html.Node {
	if len(m.nodes) == 0 || m.nn == len(m.nodes[len(m.nodes)-1]) {
		if len(m.nodes) < cap(m.nodes) && m.nodes[:len(m.nodes)+1][len(m.nodes)] != nil {
			m.nodes = m.nodes[:len(m.nodes)+1] // a chunk kept from an earlier page
		} else {
			size := nodeChunk
			if len(m.nodes) == 0 && m.firstNodes > 0 {
				size = m.firstNodes
			}
			m.nodes = append(m.nodes, make([]html.Node, size))
		}
		m.nn = 0
	}
	n := &m.nodes[len(m.nodes)-1][m.nn]
	m.nn++
	return n
}

// spareAttrs returns an empty slice over the free end of the current
// attribute chunk: the tokenizer appends a tag's attributes there in
// place and commitAttrs keeps them if the tag becomes an element.
func (m *Mem) spareAttrs() []html.Attribute {
	if len(m.attrb) == 0 || len(m.attrb[len(m.attrb)-1])-m.na < 32 {
		if len(m.attrb) < cap(m.attrb) && m.attrb[:len(m.attrb)+1][len(m.attrb)] != nil {
			m.attrb = m.attrb[:len(m.attrb)+1] // a chunk kept from an earlier page
		} else {
			size := attrChunk
			if len(m.attrb) == 0 && m.firstAttrs > 0 {
				size = m.firstAttrs
			}
			m.attrb = append(m.attrb, make([]html.Attribute, size))
		}
		m.na = 0
	}
	c := m.attrb[len(m.attrb)-1]
	return c[m.na:m.na:len(c)]
}

// commitAttrs keeps attrs, a slice from spareAttrs (or one that append
// moved out of the chunk, which is kept as it is), capped so that no
// later append can write into its neighbour's.
func (m *Mem) commitAttrs(attrs []html.Attribute) []html.Attribute {
	if len(attrs) == 0 || len(m.attrb) == 0 {
		return attrs
	}
	if c := m.attrb[len(m.attrb)-1]; m.na < len(c) && &attrs[0] == &c[m.na] {
		m.na += len(attrs)
	}
	return attrs[:len(attrs):len(attrs)]
}

// Release resets m and hands it back to treePool, unless a huge page made
// it too big to be worth keeping.
func (m *Mem) Release() {
	if len(m.nodes) > maxPooledChunks || len(m.attrb) > maxPooledChunks {
		return
	}
	m.reset()
	treePool.Put(m)
}

const maxPooledChunks = 64 // 32,768 nodes: a 700 KB page

// reset zeroes what was used so that the memory can build another tree
// and holds no pointers into the last page meanwhile.
func (m *Mem) reset() {
	for i, c := range m.nodes {
		if i == len(m.nodes)-1 {
			c = c[:m.nn]
		}
		clear(c)
	}
	for _, c := range m.attrb {
		clear(c) // all of it: spareAttrs writes past na
	}
	m.nodes, m.attrb = m.nodes[:0], m.attrb[:0]
	m.nn, m.na = 0, 0
}

// token types of ftokenizer, the subset of html.TokenType it produces.
const (
	ftEOF = iota
	ftText
	ftStart
	ftEnd
	ftComment
	ftDoctype
)

type ftoken struct {
	typ   int
	atom  a.Atom
	data  string // tag name, text, comment or doctype data
	raw   string // the doctype's markup, for ftDoctype
	attr  []html.Attribute
	first bool // attr is in the tree memory's spare space until the token is kept
}

// ftokenizer is golang.org/x/net/html's Tokenizer over an in-memory
// string, with the same token boundaries. ok turns false on input it does
// not reproduce exactly (tags cut off by the end of input, "</>", comments
// ended by "--!>", "<!--" inside scripts…).
type ftokenizer struct {
	s           string
	pos         int
	rawTag      string // set after a start tag whose content is raw text
	mem         *Mem   // attributes are read into its spare space
	names, keys atomCache
	cr          bool // s holds a "\r"
}

// atomCache remembers recent atom lookups of tag names or attribute keys:
// a page uses a few dozen, thousands of times.
type atomCache [64]struct {
	s    string
	name string
	at   a.Atom
}

// lookup returns the interned name for lower-cased s (the atom's string
// when s is a known name, as the tokenizer gives it) and its atom.
func (c *atomCache) lookup(s string) (string, a.Atom) {
	if s == "" {
		return s, 0
	}
	if at := commonAtom(s); at != 0 {
		return at.String(), at
	}
	e := &c[(len(s)*7+int(s[0])*3+int(s[len(s)-1]))&63]
	if e.s == s && e.name != "" {
		return e.name, e.at
	}
	at := a.Lookup([]byte(s))
	name := s
	if at != 0 {
		name = at.String()
	}
	e.s, e.name, e.at = s, name, at
	return name, at
}

// commonAtom is atom.Lookup for the names most tags and attributes of a
// report page use (a switch beats hashing them), else 0.
func commonAtom(s string) a.Atom {
	switch s {
	case "p":
		return a.P
	case "span":
		return a.Span
	case "td":
		return a.Td
	case "tr":
		return a.Tr
	case "div":
		return a.Div
	case "br":
		return a.Br
	case "b":
		return a.B
	case "a":
		return a.A
	case "style":
		return a.Style
	case "class":
		return a.Class
	case "id":
		return a.Id
	case "width":
		return a.Width
	case "lang":
		return a.Lang
	case "href":
		return a.Href
	case "align":
		return a.Align
	}
	return 0
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// next returns the next token; false when the input is outside what the
// fast path reproduces.
func (z *ftokenizer) next(t *ftoken) bool {
	*t = ftoken{}
	s := z.s
	if z.rawTag != "" {
		tag := z.rawTag
		z.rawTag = ""
		var end int
		if tag == "script" {
			end = scriptEnd(s, z.pos)
		} else {
			end = rawEnd(s, z.pos, tag)
		}
		if end < 0 {
			return false
		}
		if end > z.pos {
			d := z.newlines(s[z.pos:end])
			if tag == "title" || tag == "textarea" {
				d = html.UnescapeString(d)
			}
			t.typ, t.data = ftText, d
			z.pos = end
			return true
		}
	}
	start := z.pos
	i := z.pos
	for {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 || i+j+1 >= len(s) {
			if start < len(s) {
				z.pos = len(s)
				t.typ, t.data = ftText, z.textData(s[start:])
				return true
			}
			t.typ = ftEOF
			return true
		}
		i += j
		c := s[i+1]
		if !(isLetter(c) || c == '/' || c == '!' || c == '?') {
			i++
			continue
		}
		if i > start {
			z.pos = i
			t.typ, t.data = ftText, z.textData(s[start:i])
			return true
		}
		break
	}
	// s[i] == '<', a tag, comment or declaration starts
	c := s[i+1]
	switch {
	case isLetter(c):
		return z.tag(t, i+1, true)
	case c == '/':
		if i+2 >= len(s) || !isLetter(s[i+2]) {
			return false // "</>" and bogus comments
		}
		return z.tag(t, i+2, false)
	case c == '?':
		return z.bogusComment(t, i+1)
	}
	// "<!"
	rest := s[i+2:]
	switch {
	case strings.HasPrefix(rest, "--"):
		body := rest[2:]
		if strings.HasPrefix(body, ">") {
			z.pos = i + 5
			t.typ = ftComment
			return true
		}
		if strings.HasPrefix(body, "->") {
			z.pos = i + 6
			t.typ = ftComment
			return true
		}
		e := strings.Index(body, "-->")
		if e < 0 {
			return false
		}
		if strings.Contains(body[:e+2], "--!") {
			return false
		}
		z.pos = i + 4 + e + 3
		t.typ, t.data = ftComment, z.textData(body[:e])
		return true
	case len(rest) >= 7 && strings.EqualFold(rest[:7], "DOCTYPE"):
		e := strings.IndexByte(rest, '>')
		if e < 0 {
			return false
		}
		z.pos = i + 2 + e + 1
		t.typ, t.raw = ftDoctype, s[i:z.pos]
		return true
	}
	return z.bogusComment(t, i+2)
}

// doctypes caches html.Parse's reading of a doctype's markup: the node
// (name, public and system identifiers) and whether it puts the parser in
// quirks mode. Sites use a handful of doctypes, and reading one costs a
// tokenizer and a probe parse. The cached Attr slices are shared,
// read-only.
var doctypes sync.Map // raw markup → doctype

type doctype struct {
	node   html.Node // Data and Attr
	quirks bool
}

const maxDoctypes = 256

var doctypeCount atomic.Int32

func doctypeOf(raw string) (doctype, bool) {
	if v, ok := doctypes.Load(raw); ok {
		return v.(doctype), true
	}
	// in quirks mode a <table> does not close an open <p>: ask html.Parse
	// which mode this doctype selects rather than restate its rules
	d, err := html.Parse(strings.NewReader(raw + "<p><table>"))
	if err != nil || d.FirstChild == nil || d.FirstChild.Type != html.DoctypeNode {
		return doctype{}, false
	}
	var table *html.Node
	for n := range d.Descendants() {
		if n.DataAtom == a.Table {
			table = n
			break
		}
	}
	if table == nil || table.Parent == nil {
		return doctype{}, false
	}
	dt := doctype{
		node:   html.Node{Data: d.FirstChild.Data, Attr: slices.Clip(d.FirstChild.Attr)},
		quirks: table.Parent.DataAtom == a.P,
	}
	if doctypeCount.Add(1) <= maxDoctypes {
		doctypes.Store(strings.Clone(raw), dt)
	}
	return dt, true
}

// bogusComment: "<?…>" and "<!…>" other than comments and doctypes, such
// as Word's "<![if !supportLists]>", are comments up to the next '>'.
func (z *ftokenizer) bogusComment(t *ftoken, from int) bool {
	e := strings.IndexByte(z.s[from:], '>')
	if e < 0 {
		return false
	}
	t.typ, t.data = ftComment, z.textData(z.s[from:from+e])
	z.pos = from + e + 1
	return true
}

// rawEnd finds "</tag" followed by a space, '/' or '>' from pos on, as
// the tokenizer's raw-text states do; -1 when the input ends first.
func rawEnd(s string, pos int, tag string) int {
	for i := pos; ; {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return -1
		}
		i += j
		k := i + 2
		if k+len(tag) < len(s) && asciiFoldEq(s[k:k+len(tag)], tag) {
			switch s[k+len(tag)] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return i
			}
		}
		i += 2
	}
}

// scriptEnd is the tokenizer's readScript over s from i: the offset of
// the "</script" that ends the script, past the "<!--" / "<script" escape
// states that hide end tags from it, or -1 if the input ends first. It
// keeps readScript's states (and its quirks) one for one.
func scriptEnd(s string, i int) int {
	var c byte
	eof := false
	read := func() byte {
		if i >= len(s) {
			eof = true
			return 0
		}
		i++
		return s[i-1]
	}
	// endTag is readRawEndTag after "</": true with i back on the '<'
	endTag := func() bool {
		for k := 0; k < len("script"); k++ {
			c := read()
			if eof {
				return false
			}
			if c != "script"[k] && c != "SCRIPT"[k] {
				i--
				return false
			}
		}
		switch read() {
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			i -= 3 + len("script")
			return true
		}
		if !eof {
			i--
		}
		return false
	}

scriptData:
	if c = read(); eof {
		return -1
	}
	if c == '<' {
		goto scriptDataLessThanSign
	}
	goto scriptData

scriptDataLessThanSign:
	if c = read(); eof {
		return -1
	}
	switch c {
	case '/':
		if endTag() {
			return i
		}
		if eof {
			return -1
		}
		goto scriptData
	case '!':
		goto scriptDataEscapeStart
	}
	i--
	goto scriptData

scriptDataEscapeStart:
	if c = read(); eof {
		return -1
	}
	if c == '-' {
		goto scriptDataEscapeStartDash
	}
	i--
	goto scriptData

scriptDataEscapeStartDash:
	if c = read(); eof {
		return -1
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	i--
	goto scriptData

scriptDataEscaped:
	if c = read(); eof {
		return -1
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	if c = read(); eof {
		return -1
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	if c = read(); eof {
		return -1
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	if c = read(); eof {
		return -1
	}
	if c == '/' {
		if endTag() {
			return i
		}
		if eof {
			return -1
		}
		goto scriptDataEscaped
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		goto scriptDataDoubleEscapeStart
	}
	i--
	goto scriptData

scriptDataDoubleEscapeStart:
	i--
	for k := 0; k < len("script"); k++ {
		if c = read(); eof {
			return -1
		}
		if c != "script"[k] && c != "SCRIPT"[k] {
			i--
			goto scriptDataEscaped
		}
	}
	if c = read(); eof {
		return -1
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		goto scriptDataDoubleEscaped
	}
	i--
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	if c = read(); eof {
		return -1
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	if c = read(); eof {
		return -1
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	if c = read(); eof {
		return -1
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	if c = read(); eof {
		return -1
	}
	if c == '/' {
		if endTag() {
			i += len("</script>")
			goto scriptDataEscaped
		}
		if eof {
			return -1
		}
		goto scriptDataDoubleEscaped
	}
	i--
	goto scriptDataDoubleEscaped
}

// asciiFoldEq: EqualFold restricted to ASCII case pairs, as the tokenizer
// compares (EqualFold also folds the Kelvin sign and long s).
func asciiFoldEq(x, lower string) bool {
	for i := 0; i < len(lower); i++ {
		if x[i] != lower[i] && x[i] != lower[i]-('a'-'A') {
			return false
		}
	}
	return true
}

// tag reads a start or end tag whose name starts at s[i], following the
// tokenizer's readTag: attribute keys and values as it delimits them,
// duplicates and empty keys dropped, keys lower-cased.
func (z *ftokenizer) tag(t *ftoken, i int, start bool) bool {
	s := z.s
	n := i
	lowerOK := true
	for ; n < len(s); n++ {
		c := s[n]
		if isSpaceByte(c) || c == '/' || c == '>' {
			break
		}
		if 'A' <= c && c <= 'Z' {
			lowerOK = false
		}
	}
	if n >= len(s) {
		return false
	}
	name := s[i:n]
	if !lowerOK {
		name = asciiLower(name)
	}
	name, at := z.names.lookup(name)
	p := n
	if isSpaceByte(s[p]) {
		p++
	}
	p = skipSpace(s, p)
	attrs := z.mem.spareAttrs()
	amp := false
	for {
		if p >= len(s) {
			return false
		}
		if s[p] == '>' {
			p++
			break
		}
		// readTagAttrKey
		ks := p
		for p < len(s) {
			c := s[p]
			if c == '=' && p == ks {
				p++
				continue
			}
			if c == '=' || isSpaceByte(c) || c == '/' || c == '>' {
				break
			}
			p++
		}
		if p >= len(s) {
			return false
		}
		ke := p
		// readTagAttrVal
		vs, ve := p, p
		p = skipSpace(s, p)
		if p >= len(s) {
			return false
		}
		switch c := s[p]; {
		case c == '/':
			p++
		case c != '=':
		default:
			p = skipSpace(s, p+1)
			if p >= len(s) {
				return false
			}
			switch q := s[p]; q {
			case '>':
				vs, ve = p, p // empty value; '>' is read again
			case '\'', '"':
				e := strings.IndexByte(s[p+1:], q)
				if e < 0 {
					return false
				}
				vs, ve = p+1, p+1+e
				p = ve + 1
			default:
				vs = p
				for p < len(s) && !isSpaceByte(s[p]) && s[p] != '>' {
					p++
				}
				if p >= len(s) {
					return false
				}
				ve = p
			}
		}
		if start && ke > ks {
			key := s[ks:ke]
			if !isLowerASCII(key) {
				key = asciiLower(key)
			}
			dup := false
			for _, x := range attrs {
				if x.Key == key {
					dup = true
					break
				}
			}
			if !dup {
				key, _ = z.keys.lookup(key)
				v := z.newlines(s[vs:ve])
				// Values unescape by the rules for attributes, which decode
				// a subset of what UnescapeString (the rules for text)
				// does: a value text rules leave alone is final.
				if strings.IndexByte(v, '&') >= 0 && html.UnescapeString(v) != v {
					amp = true
				}
				attrs = append(attrs, html.Attribute{Key: key, Val: v})
			}
		}
		p = skipSpace(s, p)
	}
	raw := s[i-1 : p]
	z.pos = p
	if start {
		t.typ = ftStart
		switch at {
		case a.Iframe, a.Noembed, a.Noframes, a.Noscript, a.Script, a.Style, a.Textarea, a.Title, a.Xmp:
			z.rawTag = name
		case a.Plaintext:
			return false
		}
	} else {
		t.typ = ftEnd
	}
	t.atom, t.data = at, name
	if len(attrs) > 0 {
		t.attr = attrs
		t.first = true
		if amp {
			// html does not export the rules for attributes: let its
			// tokenizer read the tag
			zt := html.NewTokenizer(strings.NewReader(raw))
			zt.Next()
			tok := zt.Token()
			if len(tok.Attr) != len(attrs) {
				return false
			}
			t.attr, t.first = tok.Attr, false
		}
	}
	return true
}

func skipSpace(s string, p int) int {
	for p < len(s) && isSpaceByte(s[p]) {
		p++
	}
	return p
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// textData is a text or comment token's data as the tokenizer returns it:
// newlines normalised, character references decoded.
func (z *ftokenizer) textData(s string) string {
	s = z.newlines(s)
	if strings.IndexByte(s, '&') < 0 {
		return s // what UnescapeString returns, without decoding every rune to find out
	}
	return html.UnescapeString(s)
}

// newlines is convertNewlines, skipped on the many pages without a "\r".
func (z *ftokenizer) newlines(s string) string {
	if !z.cr {
		return s
	}
	return convertNewlines(s)
}

// convertNewlines turns "\r\n" and "\r" into "\n".
func convertNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// insertion modes of fparser
const (
	fmInitial = iota
	fmBeforeHTML
	fmBeforeHead
	fmInHead
	fmAfterHead
	fmInBody
	fmText
	fmInTable
	fmInTableBody
	fmInRow
	fmInCell
	fmAfterBody
	fmAfterAfterBody
	fmInCaption
	fmInColumnGroup
)

// fparser is the tree builder of Fast; its methods mirror the
// insertion modes of golang.org/x/net/html's parser and return false
// where the input leaves the supported subset.
type fparser struct {
	z          ftokenizer
	tok        ftoken
	doc        *html.Node
	head, form *html.Node
	oe         []*html.Node
	afe        []*html.Node // nil entries are scope markers
	mode       int
	origMode   int
	quirks     bool
	mem        *Mem
}

func (p *fparser) node() *html.Node { return p.mem.node() }

func (p *fparser) run() bool {
	for {
		if !p.z.next(&p.tok) {
			return false
		}
		for {
			done, ok := p.step()
			if !ok {
				return false
			}
			if done {
				break
			}
		}
		if p.tok.typ == ftEOF {
			return true
		}
	}
}

func (p *fparser) top() *html.Node {
	if len(p.oe) > 0 {
		return p.oe[len(p.oe)-1]
	}
	return p.doc
}

func (p *fparser) pop() *html.Node {
	n := p.oe[len(p.oe)-1]
	p.oe = p.oe[:len(p.oe)-1]
	return n
}

func (p *fparser) keepAttr() []html.Attribute {
	t := &p.tok
	if !t.first || len(t.attr) == 0 {
		return t.attr
	}
	t.attr, t.first = p.mem.commitAttrs(t.attr), false
	return t.attr
}

// addElement appends an element for the current start tag to the current
// node and pushes it.
func (p *fparser) addElement() bool {
	return p.addNamed(p.tok.atom, p.tok.data, p.keepAttr())
}

func (p *fparser) addNamed(at a.Atom, name string, attr []html.Attribute) bool {
	if len(p.oe) >= 500 {
		return false // html.Parse gives up at 512
	}
	n := p.node()
	n.Type, n.DataAtom, n.Data, n.Attr = html.ElementNode, at, name, attr
	p.top().AppendChild(n)
	p.oe = append(p.oe, n)
	return true
}

func (p *fparser) addVoid() bool {
	if !p.addElement() {
		return false
	}
	p.pop()
	return true
}

func (p *fparser) addComment(parent *html.Node) {
	n := p.node()
	n.Type, n.Data = html.CommentNode, p.tok.data
	parent.AppendChild(n)
}

func (p *fparser) addText(s string) {
	if s == "" {
		return
	}
	t := p.top()
	if l := t.LastChild; l != nil && l.Type == html.TextNode {
		l.Data += s
		return
	}
	n := p.node()
	n.Type, n.Data = html.TextNode, s
	t.AppendChild(n)
}

// indexInScope is the parser's indexOfElementInScope for the scopes the
// fast path uses (no foreign elements are ever open).
func (p *fparser) indexInScope(scope int, match ...a.Atom) int {
	for i := len(p.oe) - 1; i >= 0; i-- {
		at := p.oe[i].DataAtom
		if slices.Contains(match, at) {
			return i
		}
		switch scope {
		case scopeListItem:
			if at == a.Ol || at == a.Ul {
				return -1
			}
		case scopeButton:
			if at == a.Button {
				return -1
			}
		case scopeTable:
			if at == a.Html || at == a.Table || at == a.Template {
				return -1
			}
		}
		if scope != scopeTable {
			switch at {
			case a.Applet, a.Caption, a.Html, a.Table, a.Td, a.Th, a.Marquee, a.Object, a.Template, a.Select:
				return -1
			}
		}
	}
	return -1
}

const (
	scopeDefault = iota
	scopeListItem
	scopeButton
	scopeTable
)

func (p *fparser) inScope(scope int, match ...a.Atom) bool {
	return p.indexInScope(scope, match...) >= 0
}

func (p *fparser) popUntil(scope int, match ...a.Atom) bool {
	if i := p.indexInScope(scope, match...); i >= 0 {
		p.oe = p.oe[:i]
		return true
	}
	return false
}

func (p *fparser) generateImpliedEndTags(except string) {
	i := len(p.oe) - 1
	for ; i >= 0; i-- {
		n := p.oe[i]
		switch n.DataAtom {
		case a.Dd, a.Dt, a.Li, a.Optgroup, a.Option, a.P, a.Rb, a.Rp, a.Rt, a.Rtc:
			if n.Data == except {
				break
			}
			continue
		}
		break
	}
	p.oe = p.oe[:i+1]
}

func (p *fparser) clearStackToContext(stops ...a.Atom) {
	for i := len(p.oe) - 1; i >= 0; i-- {
		if slices.Contains(stops, p.oe[i].DataAtom) {
			p.oe = p.oe[:i+1]
			return
		}
	}
}

func (p *fparser) onStack(n *html.Node) bool {
	for i := len(p.oe) - 1; i >= 0; i-- {
		if p.oe[i] == n {
			return true
		}
	}
	return false
}

func (p *fparser) stackHas(at a.Atom) bool {
	for _, n := range p.oe {
		if n.DataAtom == at {
			return true
		}
	}
	return false
}

// reconstruct is "reconstruct the active formatting elements": elements
// such as <b> closed implicitly (by </p>, say) are opened again, as
// copies, before the next text or inline element. false: the stack of
// open elements would grow past what html.Parse accepts.
func (p *fparser) reconstruct() bool {
	n := len(p.afe)
	if n == 0 {
		return true
	}
	if last := p.afe[n-1]; last == nil || p.onStack(last) {
		return true
	}
	i := n - 1
	for p.afe[i] != nil && !p.onStack(p.afe[i]) {
		if i == 0 {
			i = -1
			break
		}
		i--
	}
	for i++; i < n; i++ {
		e := p.afe[i]
		var attr []html.Attribute
		if len(e.Attr) > 0 {
			attr = append([]html.Attribute(nil), e.Attr...)
		}
		if !p.addNamed(e.DataAtom, e.Data, attr) {
			return false
		}
		p.afe[i] = p.top()
	}
	return true
}

func (p *fparser) clearAFE() {
	for len(p.afe) > 0 {
		n := p.afe[len(p.afe)-1]
		p.afe = p.afe[:len(p.afe)-1]
		if n == nil {
			return
		}
	}
}

func (p *fparser) removeAFE(n *html.Node) {
	for i := len(p.afe) - 1; i >= 0; i-- {
		if p.afe[i] == n {
			p.afe = slices.Delete(p.afe, i, i+1)
			return
		}
	}
}

func attrCompare(x, y html.Attribute) int {
	if c := strings.Compare(x.Namespace, y.Namespace); c != 0 {
		return c
	}
	if c := strings.Compare(x.Key, y.Key); c != 0 {
		return c
	}
	return strings.Compare(x.Val, y.Val)
}

// addFormatting is the parser's addFormattingElement: attributes sorted,
// and (its Noah's Ark clause) no more than three identical elements kept
// in the list of active formatting elements since the last marker.
func (p *fparser) addFormatting() bool {
	attr := p.keepAttr()
	slices.SortFunc(attr, attrCompare)
	same := 0
	for i := len(p.afe) - 1; i >= 0; i-- {
		n := p.afe[i]
		if n == nil {
			break
		}
		if n.DataAtom == p.tok.atom && slices.Equal(n.Attr, attr) {
			if same++; same >= 3 {
				p.afe = slices.Delete(p.afe, i, i+1)
			}
		}
	}
	if !p.addNamed(p.tok.atom, p.tok.data, attr) {
		return false
	}
	p.afe = append(p.afe, p.top())
	return true
}

// step processes p.tok in the current mode: done is false when the token
// must be processed again in the mode the step switched to.
func (p *fparser) step() (done, ok bool) {
	switch p.mode {
	case fmInitial:
		return p.initial()
	case fmBeforeHTML:
		return p.beforeHTML()
	case fmBeforeHead:
		return p.beforeHead()
	case fmInHead:
		return p.inHead()
	case fmAfterHead:
		return p.afterHead()
	case fmInBody:
		return p.inBody()
	case fmText:
		return p.text()
	case fmInTable:
		return p.inTable()
	case fmInTableBody:
		return p.inTableBody()
	case fmInRow:
		return p.inRow()
	case fmInCell:
		return p.inCell()
	case fmAfterBody:
		return p.afterBody()
	case fmAfterAfterBody:
		return p.afterAfterBody()
	case fmInCaption:
		return p.inCaption()
	case fmInColumnGroup:
		return p.inColumnGroup()
	}
	return false, false
}

const whitespace = " \t\r\n\f"

func (p *fparser) initial() (bool, bool) {
	switch p.tok.typ {
	case ftText:
		p.tok.data = strings.TrimLeft(p.tok.data, whitespace)
		if p.tok.data == "" {
			return true, true
		}
	case ftComment:
		p.addComment(p.doc)
		return true, true
	case ftDoctype:
		dt, ok := doctypeOf(p.tok.raw)
		if !ok {
			return false, false
		}
		n := p.node()
		n.Type, n.Data, n.Attr = html.DoctypeNode, dt.node.Data, dt.node.Attr
		p.doc.AppendChild(n)
		p.quirks = dt.quirks
		p.mode = fmBeforeHTML
		return true, true
	}
	p.quirks = true
	p.mode = fmBeforeHTML
	return false, true
}

func (p *fparser) impliedHTML() bool {
	p.mode = fmBeforeHead
	return p.addNamed(a.Html, "html", nil)
}

func (p *fparser) beforeHTML() (bool, bool) {
	switch p.tok.typ {
	case ftDoctype:
		return true, true
	case ftText:
		p.tok.data = strings.TrimLeft(p.tok.data, whitespace)
		if p.tok.data == "" {
			return true, true
		}
	case ftStart:
		if p.tok.atom == a.Html {
			p.mode = fmBeforeHead
			return true, p.addElement()
		}
	case ftEnd:
		switch p.tok.atom {
		case a.Head, a.Body, a.Html, a.Br:
		default:
			return true, true
		}
	case ftComment:
		p.addComment(p.doc)
		return true, true
	}
	return false, p.impliedHTML()
}

func (p *fparser) impliedHead() bool {
	if !p.addNamed(a.Head, "head", nil) {
		return false
	}
	p.head = p.top()
	p.mode = fmInHead
	return true
}

func (p *fparser) beforeHead() (bool, bool) {
	switch p.tok.typ {
	case ftText:
		p.tok.data = strings.TrimLeft(p.tok.data, whitespace)
		if p.tok.data == "" {
			return true, true
		}
	case ftStart:
		switch p.tok.atom {
		case a.Head:
			if !p.addElement() {
				return false, false
			}
			p.head = p.top()
			p.mode = fmInHead
			return true, true
		case a.Html:
			return false, false // attributes merged into <html>
		}
	case ftEnd:
		switch p.tok.atom {
		case a.Head, a.Body, a.Html, a.Br:
		default:
			return true, true
		}
	case ftComment:
		p.addComment(p.top())
		return true, true
	case ftDoctype:
		return true, true
	}
	return false, p.impliedHead()
}

// rawText inserts an element whose content the tokenizer reads as raw
// text (script, style, title, …).
func (p *fparser) rawText() (bool, bool) {
	if !p.addElement() {
		return false, false
	}
	p.origMode, p.mode = p.mode, fmText
	return true, true
}

// leadingSpace inserts the text token's leading whitespace (kept in the
// head, after it and in column groups) and leaves the rest as the token;
// it reports whether a non-empty token was all whitespace.
func (p *fparser) leadingSpace() bool {
	d := p.tok.data
	s := strings.TrimLeft(d, whitespace)
	if len(s) < len(d) {
		p.addText(d[:len(d)-len(s)])
		p.tok.data = s
	}
	return d != "" && s == ""
}

func (p *fparser) inHead() (bool, bool) {
	switch p.tok.typ {
	case ftText:
		if p.leadingSpace() {
			return true, true
		}
	case ftStart:
		switch p.tok.atom {
		case a.Html, a.Template:
			return false, false
		case a.Base, a.Basefont, a.Bgsound, a.Link, a.Meta:
			return true, p.addVoid()
		case a.Noscript, a.Script, a.Title, a.Noframes, a.Style:
			return p.rawText()
		case a.Head:
			return true, true
		}
	case ftEnd:
		switch p.tok.atom {
		case a.Head:
			p.pop()
			p.mode = fmAfterHead
			return true, true
		case a.Body, a.Html, a.Br:
		case a.Template:
			return false, false
		default:
			return true, true
		}
	case ftComment:
		p.addComment(p.top())
		return true, true
	case ftDoctype:
		return true, true
	}
	p.pop()
	p.mode = fmAfterHead
	return false, true
}

func (p *fparser) afterHead() (bool, bool) {
	switch p.tok.typ {
	case ftText:
		if p.leadingSpace() {
			return true, true
		}
	case ftStart:
		switch p.tok.atom {
		case a.Html, a.Frameset, a.Template:
			return false, false
		case a.Body:
			p.mode = fmInBody
			return true, p.addElement()
		case a.Base, a.Basefont, a.Bgsound, a.Link, a.Meta, a.Noframes, a.Script, a.Style, a.Title:
			// processed in head, then the head leaves the stack again
			p.oe = append(p.oe, p.head)
			done, ok := p.inHead()
			for i := len(p.oe) - 1; i >= 0; i-- {
				if p.oe[i] == p.head {
					p.oe = slices.Delete(p.oe, i, i+1)
					break
				}
			}
			return done, ok
		case a.Head:
			return true, true
		}
	case ftEnd:
		switch p.tok.atom {
		case a.Body, a.Html, a.Br:
		case a.Template:
			return false, false
		default:
			return true, true
		}
	case ftComment:
		p.addComment(p.top())
		return true, true
	case ftDoctype:
		return true, true
	}
	if !p.addNamed(a.Body, "body", nil) {
		return false, false
	}
	p.mode = fmInBody
	return p.tok.typ == ftEOF, true
}

func isSpecial(at a.Atom) bool {
	switch at {
	case a.Address, a.Applet, a.Area, a.Article, a.Aside, a.Base, a.Basefont, a.Bgsound, a.Blockquote, a.Body,
		a.Br, a.Button, a.Caption, a.Center, a.Col, a.Colgroup, a.Dd, a.Details, a.Dir, a.Div, a.Dl, a.Dt,
		a.Embed, a.Fieldset, a.Figcaption, a.Figure, a.Footer, a.Form, a.Frame, a.Frameset, a.H1, a.H2, a.H3,
		a.H4, a.H5, a.H6, a.Head, a.Header, a.Hgroup, a.Hr, a.Html, a.Iframe, a.Img, a.Input, a.Keygen, a.Li,
		a.Link, a.Listing, a.Main, a.Marquee, a.Menu, a.Meta, a.Nav, a.Noembed, a.Noframes, a.Noscript,
		a.Object, a.Ol, a.P, a.Param, a.Plaintext, a.Pre, a.Script, a.Section, a.Select, a.Source, a.Style,
		a.Summary, a.Table, a.Tbody, a.Td, a.Template, a.Textarea, a.Tfoot, a.Th, a.Thead, a.Title, a.Tr,
		a.Track, a.Ul, a.Wbr, a.Xmp:
		return true
	}
	return false
}

func (p *fparser) inBody() (bool, bool) {
	t := &p.tok
	switch t.typ {
	case ftText:
		d := t.data
		switch n := p.top(); n.DataAtom {
		case a.Pre, a.Listing:
			if n.FirstChild == nil && d != "" && d[0] == '\n' {
				d = d[1:] // ("\r" is gone already)
			}
		}
		if d == "" {
			return true, true
		}
		if !p.reconstruct() {
			return false, false
		}
		p.addText(d)
	case ftStart:
		switch t.atom {
		case a.Base, a.Basefont, a.Bgsound, a.Link, a.Meta, a.Noframes, a.Script, a.Style, a.Title:
			return p.inHead()
		case a.Textarea:
			return p.rawText()
		case a.Xmp:
			p.popUntil(scopeButton, a.P)
			if !p.reconstruct() {
				return false, false
			}
			return p.rawText()
		case a.Html, a.Body, a.Frameset, a.Template, a.Plaintext, a.Rb, a.Rtc,
			a.Rp, a.Rt, a.Math, a.Svg:
			return false, false
		case a.Applet, a.Marquee, a.Object:
			if !p.reconstruct() || !p.addElement() {
				return false, false
			}
			p.afe = append(p.afe, nil)
		case a.Select:
			// (this html implements the "customisable select" rules: no
			// insertion mode of its own)
			if p.popUntil(scopeDefault, a.Select) {
				return true, true
			}
			if !p.reconstruct() {
				return false, false
			}
			return true, p.addElement()
		case a.Option, a.Optgroup:
			if p.inScope(scopeDefault, a.Select) {
				if t.atom == a.Option {
					p.generateImpliedEndTags("optgroup")
				} else {
					p.generateImpliedEndTags("")
				}
			} else if p.top().DataAtom == a.Option {
				p.pop()
			}
			if !p.reconstruct() {
				return false, false
			}
			return true, p.addElement()
		case a.Address, a.Article, a.Aside, a.Blockquote, a.Center, a.Details, a.Dialog, a.Dir, a.Div, a.Dl,
			a.Fieldset, a.Figcaption, a.Figure, a.Footer, a.Header, a.Hgroup, a.Main, a.Menu, a.Nav, a.Ol,
			a.P, a.Search, a.Section, a.Summary, a.Ul, a.Pre, a.Listing:
			p.popUntil(scopeButton, a.P)
			return true, p.addElement()
		case a.H1, a.H2, a.H3, a.H4, a.H5, a.H6:
			p.popUntil(scopeButton, a.P)
			switch p.top().DataAtom {
			case a.H1, a.H2, a.H3, a.H4, a.H5, a.H6:
				p.pop()
			}
			return true, p.addElement()
		case a.Form:
			if p.form != nil {
				return true, true
			}
			p.popUntil(scopeButton, a.P)
			if !p.addElement() {
				return false, false
			}
			p.form = p.top()
		case a.Li, a.Dd, a.Dt:
			for i := len(p.oe) - 1; i >= 0; i-- {
				at := p.oe[i].DataAtom
				if at == t.atom || (t.atom != a.Li && (at == a.Dd || at == a.Dt)) {
					p.oe = p.oe[:i]
					break
				}
				if at != a.Address && at != a.Div && at != a.P && isSpecial(at) {
					break
				}
			}
			p.popUntil(scopeButton, a.P)
			return true, p.addElement()
		case a.Button:
			if p.inScope(scopeDefault, a.Button) {
				p.generateImpliedEndTags("")
				p.popUntil(scopeDefault, a.Button)
			}
			if !p.reconstruct() {
				return false, false
			}
			return true, p.addElement()
		case a.A:
			// an <a> left open is closed first, as by </a>
			for i := len(p.afe) - 1; i >= 0 && p.afe[i] != nil; i-- {
				if n := p.afe[i]; n.DataAtom == a.A {
					if !p.endFormatting() {
						return false, false
					}
					if j := p.oeIndex(n); j >= 0 {
						p.oe = slices.Delete(p.oe, j, j+1)
					}
					p.removeAFE(n)
					break
				}
			}
			if !p.reconstruct() {
				return false, false
			}
			return true, p.addFormatting()
		case a.Nobr:
			if !p.reconstruct() {
				return false, false
			}
			if p.inScope(scopeDefault, a.Nobr) {
				if !p.endFormatting() || !p.reconstruct() {
					return false, false
				}
			}
			return true, p.addFormatting()
		case a.B, a.Big, a.Code, a.Em, a.Font, a.I, a.S, a.Small, a.Strike, a.Strong, a.Tt, a.U:
			if !p.reconstruct() {
				return false, false
			}
			return true, p.addFormatting()
		case a.Table:
			if !p.quirks {
				p.popUntil(scopeButton, a.P)
			}
			if !p.addElement() {
				return false, false
			}
			p.mode = fmInTable
		case a.Image:
			t.atom, t.data = a.Img, "img"
			fallthrough
		case a.Area, a.Br, a.Embed, a.Img, a.Keygen, a.Wbr, a.Input:
			if t.atom == a.Input {
				p.popUntil(scopeDefault, a.Select)
			}
			if !p.reconstruct() {
				return false, false
			}
			return true, p.addVoid()
		case a.Param, a.Source, a.Track:
			return true, p.addVoid()
		case a.Hr:
			if p.inScope(scopeButton, a.P) {
				p.generateImpliedEndTags("p")
				p.popUntil(scopeDefault, a.P)
			}
			if p.inScope(scopeDefault, a.Select) {
				p.generateImpliedEndTags("")
			}
			return true, p.addVoid()
		case a.Iframe, a.Noembed, a.Noscript:
			return p.rawText()
		case a.Caption, a.Col, a.Colgroup, a.Frame, a.Head, a.Tbody, a.Td, a.Tfoot, a.Th, a.Thead, a.Tr:
			return true, true
		default:
			if !p.reconstruct() {
				return false, false
			}
			return true, p.addElement()
		}
	case ftEnd:
		switch t.atom {
		case a.Body:
			if p.inScope(scopeDefault, a.Body) {
				p.mode = fmAfterBody
			}
		case a.Html:
			if p.inScope(scopeDefault, a.Body) {
				p.mode = fmAfterBody
				return false, true
			}
		case a.Address, a.Article, a.Aside, a.Blockquote, a.Button, a.Center, a.Details, a.Dialog, a.Dir, a.Div,
			a.Dl, a.Fieldset, a.Figcaption, a.Figure, a.Footer, a.Header, a.Hgroup, a.Listing, a.Main, a.Menu,
			a.Nav, a.Ol, a.Pre, a.Search, a.Section, a.Select, a.Summary, a.Ul:
			if !p.inScope(scopeDefault, t.atom) {
				return true, true
			}
			p.generateImpliedEndTags("")
			p.popUntil(scopeDefault, t.atom)
		case a.Form:
			node := p.form
			p.form = nil
			i := p.indexInScope(scopeDefault, a.Form)
			if node == nil || i == -1 || p.oe[i] != node {
				return true, true
			}
			p.generateImpliedEndTags("")
			for j := len(p.oe) - 1; j >= 0; j-- {
				if p.oe[j] == node {
					p.oe = slices.Delete(p.oe, j, j+1)
					break
				}
			}
		case a.P:
			if !p.inScope(scopeButton, a.P) { // an empty <p> is implied
				if !p.addNamed(a.P, "p", nil) {
					return false, false
				}
			}
			p.popUntil(scopeButton, a.P)
		case a.Li:
			p.popUntil(scopeListItem, a.Li)
		case a.Dd, a.Dt:
			p.popUntil(scopeDefault, t.atom)
		case a.H1, a.H2, a.H3, a.H4, a.H5, a.H6:
			p.popUntil(scopeDefault, a.H1, a.H2, a.H3, a.H4, a.H5, a.H6)
		case a.A, a.B, a.Big, a.Code, a.Em, a.Font, a.I, a.Nobr, a.S, a.Small, a.Strike, a.Strong, a.Tt, a.U:
			return true, p.endFormatting()
		case a.Applet, a.Marquee, a.Object:
			if p.popUntil(scopeDefault, t.atom) {
				p.clearAFE()
			}
		case a.Br:
			t.typ = ftStart
			return false, true
		case a.Template:
			if p.stackHas(a.Template) {
				return false, false
			}
		default:
			p.endOther(t.atom, t.data)
		}
	case ftComment:
		p.addComment(p.top())
	}
	return true, true
}

// endFormatting is the adoption agency algorithm, ported from the
// parser's inBodyEndTagFormatting step for step: an end tag of a
// formatting element that other elements were opened inside of
// ("<b><p>x</b>y") closes it by cloning and reparenting nodes. Only its
// foster-parenting case (a misnested formatting element around a table
// row) is left to html.Parse.
func (p *fparser) endFormatting() bool {
	tagAtom, tagName := p.tok.atom, p.tok.data
	// Steps 1-2
	if cur := p.top(); cur.Data == tagName && p.afeIndex(cur) == -1 {
		p.pop()
		return true
	}
	// Steps 3-5, the outer loop
	for range 8 {
		// Step 6: the formatting element
		var fe *html.Node
		for j := len(p.afe) - 1; j >= 0 && p.afe[j] != nil; j-- {
			if p.afe[j].DataAtom == tagAtom {
				fe = p.afe[j]
				break
			}
		}
		if fe == nil {
			p.endOther(tagAtom, tagName)
			return true
		}
		// Steps 7-8
		feIndex := p.oeIndex(fe)
		if feIndex == -1 {
			p.removeAFE(fe)
			return true
		}
		if !p.inScope(scopeDefault, tagAtom) {
			return true
		}
		// Steps 10-11: the furthest block
		var fb *html.Node
		for _, e := range p.oe[feIndex:] {
			if isSpecial(e.DataAtom) {
				fb = e
				break
			}
		}
		if fb == nil {
			p.oe = p.oe[:feIndex]
			p.removeAFE(fe)
			return true
		}
		if feIndex == 0 {
			return false
		}
		// Steps 12-13
		common := p.oe[feIndex-1]
		bookmark := p.afeIndex(fe)
		// Step 14, the inner loop
		lastNode, node := fb, fb
		x := p.oeIndex(node)
		for j := 1; ; j++ {
			x--
			node = p.oe[x]
			if node == fe {
				break
			}
			if ni := p.afeIndex(node); j > 3 && ni > -1 {
				p.afe = slices.Delete(p.afe, ni, ni+1)
				if ni <= bookmark {
					bookmark--
				}
				continue
			}
			if p.afeIndex(node) == -1 {
				p.oe = slices.Delete(p.oe, x, x+1)
				continue
			}
			clone := p.clone(node)
			p.afe[p.afeIndex(node)] = clone
			p.oe[p.oeIndex(node)] = clone
			node = clone
			if lastNode == fb {
				bookmark = p.afeIndex(node) + 1
			}
			if lastNode.Parent != nil {
				lastNode.Parent.RemoveChild(lastNode)
			}
			node.AppendChild(lastNode)
			lastNode = node
		}
		// Step 15
		if lastNode.Parent != nil {
			lastNode.Parent.RemoveChild(lastNode)
		}
		switch common.DataAtom {
		case a.Table, a.Tbody, a.Tfoot, a.Thead, a.Tr:
			return false // foster parenting
		}
		common.AppendChild(lastNode)
		// Steps 16-18
		clone := p.clone(fe)
		for c := fb.FirstChild; c != nil; c = fb.FirstChild {
			fb.RemoveChild(c)
			clone.AppendChild(c)
		}
		fb.AppendChild(clone)
		// Step 19
		if old := p.afeIndex(fe); old != -1 && old < bookmark {
			bookmark--
		}
		p.removeAFE(fe)
		if bookmark < 0 || bookmark > len(p.afe) {
			return false
		}
		p.afe = slices.Insert(p.afe, bookmark, clone)
		// Step 20
		if i := p.oeIndex(fe); i >= 0 {
			p.oe = slices.Delete(p.oe, i, i+1)
		}
		p.oe = slices.Insert(p.oe, p.oeIndex(fb)+1, clone)
	}
	return true
}

// clone is the parser's Node.clone: the element alone, attributes copied.
func (p *fparser) clone(n *html.Node) *html.Node {
	c := p.node()
	c.Type, c.DataAtom, c.Data = n.Type, n.DataAtom, n.Data
	if len(n.Attr) > 0 {
		c.Attr = append([]html.Attribute(nil), n.Attr...)
	}
	return c
}

func (p *fparser) afeIndex(n *html.Node) int {
	for i := len(p.afe) - 1; i >= 0; i-- {
		if p.afe[i] == n {
			return i
		}
	}
	return -1
}

func (p *fparser) oeIndex(n *html.Node) int {
	for i := len(p.oe) - 1; i >= 0; i-- {
		if p.oe[i] == n {
			return i
		}
	}
	return -1
}

func (p *fparser) endOther(at a.Atom, name string) {
	for i := len(p.oe) - 1; i >= 0; i-- {
		n := p.oe[i]
		if n.DataAtom == at && (at != 0 || n.Data == name) {
			p.oe = p.oe[:i]
			return
		}
		if isSpecial(n.DataAtom) {
			return
		}
	}
}

func (p *fparser) text() (bool, bool) {
	switch p.tok.typ {
	case ftText:
		d := p.tok.data
		if n := p.top(); n.DataAtom == a.Textarea && n.FirstChild == nil && d != "" && d[0] == '\n' {
			d = d[1:] // a newline right after <textarea> ("\r" is gone already)
		}
		p.addText(d)
		return true, true
	case ftEnd:
		p.pop()
		p.mode = p.origMode
		return true, true
	}
	return false, false // the input ended inside the element
}

func (p *fparser) resetMode() bool {
	for i := len(p.oe) - 1; i >= 0; i-- {
		switch p.oe[i].DataAtom {
		case a.Td, a.Th:
			p.mode = fmInCell
		case a.Tr:
			p.mode = fmInRow
		case a.Tbody, a.Thead, a.Tfoot:
			p.mode = fmInTableBody
		case a.Table:
			p.mode = fmInTable
		case a.Body:
			p.mode = fmInBody
		case a.Caption:
			p.mode = fmInCaption
		case a.Colgroup:
			p.mode = fmInColumnGroup
		case a.Template, a.Head, a.Frameset, a.Html:
			return false
		default:
			if i == 0 {
				p.mode = fmInBody
				return true
			}
			continue
		}
		return true
	}
	return false
}

func (p *fparser) inTable() (bool, bool) {
	t := &p.tok
	switch t.typ {
	case ftText:
		switch p.top().DataAtom {
		case a.Table, a.Tbody, a.Tfoot, a.Thead, a.Tr:
			if strings.Trim(t.data, whitespace) == "" {
				p.addText(t.data)
				return true, true
			}
			// text where a row or cell belongs ("<table>&nbsp;<tr>"):
			// html.Parse moves it out, in front of the table
			n := len(p.afe)
			if n > 0 && p.afe[n-1] != nil && !p.onStack(p.afe[n-1]) {
				return false, false // the re-opened elements would be moved too
			}
			return true, p.fosterText(t.data)
		}
	case ftStart:
		switch t.atom {
		case a.Caption:
			p.clearStackToContext(a.Html, a.Table, a.Template)
			p.afe = append(p.afe, nil)
			p.mode = fmInCaption
			return true, p.addElement()
		case a.Colgroup:
			p.clearStackToContext(a.Html, a.Table, a.Template)
			p.mode = fmInColumnGroup
			return true, p.addElement()
		case a.Col:
			p.clearStackToContext(a.Html, a.Table, a.Template)
			p.mode = fmInColumnGroup
			return false, p.addNamed(a.Colgroup, "colgroup", nil)
		case a.Tbody, a.Tfoot, a.Thead:
			p.clearStackToContext(a.Html, a.Table, a.Template)
			p.mode = fmInTableBody
			return true, p.addElement()
		case a.Td, a.Th, a.Tr:
			p.clearStackToContext(a.Html, a.Table, a.Template)
			p.mode = fmInTableBody
			return false, p.addNamed(a.Tbody, "tbody", nil)
		case a.Table:
			if p.popUntil(scopeTable, a.Table) {
				return false, p.resetMode()
			}
			return true, true
		case a.Style, a.Script:
			return p.inHead()
		case a.Input:
			for _, at := range t.attr {
				if at.Key == "type" && strings.EqualFold(at.Val, "hidden") {
					return true, p.addVoid()
				}
			}
		}
	case ftEnd:
		switch t.atom {
		case a.Table:
			if p.popUntil(scopeTable, a.Table) {
				return true, p.resetMode()
			}
			return true, true
		case a.Body, a.Caption, a.Col, a.Colgroup, a.Html, a.Tbody, a.Td, a.Tfoot, a.Th, a.Thead, a.Tr:
			return true, true
		}
	case ftComment:
		p.addComment(p.top())
		return true, true
	case ftDoctype:
		return true, true
	case ftEOF:
		return p.inBody()
	}
	return false, false // foster parenting
}

// fosterText inserts text before the innermost open table, merged into
// the text there if any, as the parser's foster parenting does.
func (p *fparser) fosterText(d string) bool {
	var table *html.Node
	for i := len(p.oe) - 1; i >= 0; i-- {
		if p.oe[i].DataAtom == a.Table {
			table = p.oe[i]
			break
		}
	}
	if table == nil || table.Parent == nil {
		return false
	}
	if prev := table.PrevSibling; prev != nil && prev.Type == html.TextNode {
		prev.Data += d
		return true
	}
	n := p.node()
	n.Type, n.Data = html.TextNode, d
	table.Parent.InsertBefore(n, table)
	return true
}

func (p *fparser) inCaption() (bool, bool) {
	t := &p.tok
	switch t.typ {
	case ftStart:
		switch t.atom {
		case a.Caption, a.Col, a.Colgroup, a.Tbody, a.Td, a.Tfoot, a.Thead, a.Tr:
			if !p.popUntil(scopeTable, a.Caption) {
				return true, true
			}
			p.clearAFE()
			p.mode = fmInTable
			return false, true
		}
	case ftEnd:
		switch t.atom {
		case a.Caption, a.Table:
			if !p.popUntil(scopeTable, a.Caption) {
				return true, true
			}
			p.clearAFE()
			p.mode = fmInTable
			return t.atom == a.Caption, true
		case a.Body, a.Col, a.Colgroup, a.Html, a.Tbody, a.Td, a.Tfoot, a.Th, a.Thead, a.Tr:
			return true, true
		}
	}
	return p.inBody()
}

func (p *fparser) inColumnGroup() (bool, bool) {
	t := &p.tok
	switch t.typ {
	case ftText:
		if p.leadingSpace() {
			return true, true
		}
	case ftComment:
		p.addComment(p.top())
		return true, true
	case ftDoctype:
		return true, true
	case ftStart:
		switch t.atom {
		case a.Html, a.Template:
			return false, false
		case a.Col:
			return true, p.addVoid()
		}
	case ftEnd:
		switch t.atom {
		case a.Colgroup:
			if p.top().DataAtom == a.Colgroup {
				p.pop()
				p.mode = fmInTable
			}
			return true, true
		case a.Col:
			return true, true
		case a.Template:
			return false, false
		}
	case ftEOF:
		return p.inBody()
	}
	if p.top().DataAtom != a.Colgroup {
		return true, true
	}
	p.pop()
	p.mode = fmInTable
	return false, true
}

func (p *fparser) inTableBody() (bool, bool) {
	t := &p.tok
	switch t.typ {
	case ftStart:
		switch t.atom {
		case a.Tr:
			p.clearStackToContext(a.Html, a.Tbody, a.Tfoot, a.Thead, a.Template)
			p.mode = fmInRow
			return true, p.addElement()
		case a.Td, a.Th:
			p.clearStackToContext(a.Html, a.Tbody, a.Tfoot, a.Thead, a.Template)
			p.mode = fmInRow
			return false, p.addNamed(a.Tr, "tr", nil)
		case a.Caption, a.Col, a.Colgroup, a.Tbody, a.Tfoot, a.Thead:
			if p.popUntil(scopeTable, a.Tbody, a.Thead, a.Tfoot) {
				p.mode = fmInTable
				return false, true
			}
			return true, true
		}
	case ftEnd:
		switch t.atom {
		case a.Tbody, a.Tfoot, a.Thead:
			if p.inScope(scopeTable, t.atom) {
				p.clearStackToContext(a.Html, a.Tbody, a.Tfoot, a.Thead, a.Template)
				p.pop()
				p.mode = fmInTable
			}
			return true, true
		case a.Table:
			if p.popUntil(scopeTable, a.Tbody, a.Thead, a.Tfoot) {
				p.mode = fmInTable
				return false, true
			}
			return true, true
		case a.Body, a.Caption, a.Col, a.Colgroup, a.Html, a.Td, a.Th, a.Tr:
			return true, true
		}
	case ftComment:
		p.addComment(p.top())
		return true, true
	}
	return p.inTable()
}

func (p *fparser) inRow() (bool, bool) {
	t := &p.tok
	switch t.typ {
	case ftStart:
		switch t.atom {
		case a.Td, a.Th:
			p.clearStackToContext(a.Html, a.Tr, a.Template)
			if !p.addElement() {
				return false, false
			}
			p.afe = append(p.afe, nil)
			p.mode = fmInCell
			return true, true
		case a.Caption, a.Col, a.Colgroup, a.Tbody, a.Tfoot, a.Thead, a.Tr:
			if p.inScope(scopeTable, a.Tr) {
				p.clearStackToContext(a.Html, a.Tr, a.Template)
				p.pop()
				p.mode = fmInTableBody
				return false, true
			}
			return true, true
		}
	case ftEnd:
		switch t.atom {
		case a.Tr, a.Table:
			if p.inScope(scopeTable, a.Tr) {
				p.clearStackToContext(a.Html, a.Tr, a.Template)
				p.pop()
				p.mode = fmInTableBody
				return t.atom == a.Tr, true
			}
			return true, true
		case a.Tbody, a.Tfoot, a.Thead:
			if p.inScope(scopeTable, t.atom) && p.inScope(scopeTable, a.Tr) {
				p.clearStackToContext(a.Html, a.Tr, a.Template)
				p.pop()
				p.mode = fmInTableBody
				return false, true
			}
			return true, true
		case a.Body, a.Caption, a.Col, a.Colgroup, a.Html, a.Td, a.Th:
			return true, true
		}
	}
	return p.inTable()
}

func (p *fparser) inCell() (bool, bool) {
	t := &p.tok
	switch t.typ {
	case ftStart:
		switch t.atom {
		case a.Caption, a.Col, a.Colgroup, a.Tbody, a.Td, a.Tfoot, a.Th, a.Thead, a.Tr:
			if p.popUntil(scopeTable, a.Td, a.Th) {
				p.clearAFE()
				p.mode = fmInRow
				return false, true
			}
			return true, true
		}
	case ftEnd:
		switch t.atom {
		case a.Td, a.Th:
			if !p.popUntil(scopeTable, t.atom) {
				return true, true
			}
			p.clearAFE()
			p.mode = fmInRow
			return true, true
		case a.Body, a.Caption, a.Col, a.Colgroup, a.Html:
			return true, true
		case a.Table, a.Tbody, a.Tfoot, a.Thead, a.Tr:
			if !p.inScope(scopeTable, t.atom) {
				return true, true
			}
			if p.popUntil(scopeTable, a.Td, a.Th) {
				p.clearAFE()
			}
			p.mode = fmInRow
			return false, true
		}
	}
	return p.inBody()
}

func (p *fparser) afterBody() (bool, bool) {
	switch p.tok.typ {
	case ftEOF:
		return true, true
	case ftText:
		if strings.TrimLeft(p.tok.data, whitespace) == "" {
			return p.inBody()
		}
	case ftStart:
		if p.tok.atom == a.Html {
			return false, false
		}
	case ftEnd:
		if p.tok.atom == a.Html {
			p.mode = fmAfterAfterBody
			return true, true
		}
	case ftComment:
		p.addComment(p.oe[0])
		return true, true
	}
	p.mode = fmInBody
	return false, true
}

func (p *fparser) afterAfterBody() (bool, bool) {
	switch p.tok.typ {
	case ftEOF:
		return true, true
	case ftText:
		if strings.TrimLeft(p.tok.data, whitespace) == "" {
			return p.inBody()
		}
	case ftStart:
		if p.tok.atom == a.Html {
			return false, false
		}
	case ftComment:
		p.addComment(p.doc)
		return true, true
	case ftDoctype:
		return p.inBody()
	}
	p.mode = fmInBody
	return false, true
}
