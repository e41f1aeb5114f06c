package pdf

import (
	"context"
	"fmt"
	"math"
	"slices"
	"unicode"
)

// The fast path reads ordinary text PDFs in Go, without pdfium: most of
// pdfium's time on a text page goes into loading each embedded font inside
// WebAssembly, and the layout needs only each character's Unicode value,
// advance and line box, which the font dictionaries give without the font
// program. It produces the same pageText values readPage does, and gives
// up (errUnsupported) on anything it cannot reproduce exactly enough:
// encryption, fonts without ToUnicode, Type3 and vertical fonts, text in
// form XObjects, rotated or scaled text, inline images, pages without a
// text layer (scans and outlines go to pdfium, which detects and OCRs
// them). The caller then reads the whole document with pdfium.

// maxContentOperands bounds the operand stack of one content-stream operator.
const maxContentOperands = 4096

// fastReadPages reads every page's characters, or fails. maxPages: a
// document with more pages is left to pdfium (it warns about the cut).
func fastReadPages(ctx context.Context, data []byte, maxPages int) ([]pageText, error) {
	d, err := openFile(data)
	if err != nil {
		return nil, err
	}
	if _, ok := d.trailer["Encrypt"]; ok {
		return nil, unsupported("encrypted")
	}
	root, err := d.dictOf(d.trailer["Root"])
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, unsupported("no document catalog")
	}
	var leaves []pageLeaf
	if err := d.walkPages(root["Pages"], nil, pageLeaf{}, 0, map[int]bool{}, &leaves, maxPages); err != nil {
		return nil, err
	}
	if len(leaves) == 0 {
		return nil, unsupported("no pages")
	}
	totalHan := 0
	fonts := map[any]*fastFont{}
	pages := make([]pageText, 0, len(leaves))
	for i, leaf := range leaves {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := d.readPage(i, leaf, fonts)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", i+1, err)
		}
		pages = append(pages, p)
		totalHan += p.han
	}
	if totalHan < hanPerPageForOCR {
		// layout would send every page to OCR: pdfium renders them.
		return nil, unsupported("%d Han characters in the document", totalHan)
	}
	return pages, nil
}

// pageLeaf is a page dictionary with its inherited attributes resolved.
type pageLeaf struct {
	dict      pdfDict
	resources any
	mediaBox  any
	cropBox   any
	rotate    any
}

// walkPages collects the leaves of the page tree under v, whose parent
// node is parent (nil for the root).
func (d *fileDoc) walkPages(v, parent any, inh pageLeaf, depth int, seen map[int]bool, out *[]pageLeaf, maxPages int) error {
	if depth > maxObjDepth {
		return unsupported("page tree deeper than %d", maxObjDepth)
	}
	r, ok := v.(pdfRef)
	if !ok {
		return unsupported("page tree node is not an indirect object")
	}
	if seen[r.num] {
		return unsupported("page tree loops")
	}
	seen[r.num] = true
	node, err := d.dictOf(v)
	if err != nil {
		return err
	}
	if node == nil {
		return unsupported("page tree node is not a dictionary")
	}
	// pdfium inherits attributes along /Parent, not along /Kids: the two
	// must agree.
	if p, ok := node["Parent"].(pdfRef); (parent == nil && node["Parent"] != nil) || (parent != nil && (!ok || p.num != parent.(pdfRef).num)) {
		return unsupported("page tree /Parent does not match /Kids")
	}
	for k, dst := range map[pdfName]*any{"Resources": &inh.resources, "MediaBox": &inh.mediaBox, "CropBox": &inh.cropBox, "Rotate": &inh.rotate} {
		if x, ok := node[k]; ok {
			*dst = x
		}
	}
	switch node["Type"] {
	case pdfName("Page"):
		if len(*out) >= maxPages {
			return unsupported("more than %d pages", maxPages)
		}
		inh.dict = node
		*out = append(*out, inh)
		return nil
	case pdfName("Pages"):
		kv, err := d.resolve(node["Kids"])
		if err != nil {
			return err
		}
		kids, ok := kv.([]any)
		if !ok {
			return unsupported("page tree /Kids")
		}
		for _, k := range kids {
			if err := d.walkPages(k, r, inh, depth+1, seen, out, maxPages); err != nil {
				return err
			}
		}
		return nil
	}
	return unsupported("page tree node type %v", node["Type"])
}

func (d *fileDoc) box(v any) ([4]float64, bool) {
	var b [4]float64
	v, err := d.resolve(v)
	arr, ok := v.([]any)
	if err != nil || !ok || len(arr) != 4 {
		return b, false
	}
	for i, x := range arr {
		if b[i], ok = d.num(x); !ok {
			return b, false
		}
	}
	return b, true
}

// otherOperators are the content-stream operators readPage does not act
// on (graphics state, colour, clipping, marked content, compatibility).
var otherOperators = map[pdfOp]bool{
	"w": true, "J": true, "j": true, "M": true, "d": true, "ri": true, "i": true,
	"W": true, "W*": true,
	"CS": true, "cs": true, "SC": true, "SCN": true, "sc": true, "scn": true,
	"G": true, "g": true, "RG": true, "rg": true, "K": true, "k": true,
	"BMC": true, "BDC": true, "EMC": true, "MP": true, "DP": true,
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m×n (apply m, then n).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// gstate is the part of the graphics state text extraction needs.
type gstate struct {
	ctm                    matrix
	font                   *fastFont
	size, tc, tw, th, lead float64
	rise                   float64
	mode                   int
}

// readPage interprets one page's content stream.
func (d *fileDoc) readPage(index int, leaf pageLeaf, fonts map[any]*fastFont) (pageText, error) {
	p := pageText{index: index}
	mb, ok := d.box(leaf.mediaBox)
	if !ok {
		return p, unsupported("no /MediaBox")
	}
	// pdfium reports positions in user space and the page size from the
	// crop box; only the common case where both are the media box at the
	// origin is taken, so page-number detection sees the same numbers.
	if math.Abs(mb[0]) > 1e-3 || math.Abs(mb[1]) > 1e-3 || mb[2] <= 0 || mb[3] <= 0 || mb[2] > 14400 || mb[3] > 14400 {
		return p, unsupported("media box %v", mb)
	}
	if leaf.cropBox != nil {
		cb, ok := d.box(leaf.cropBox)
		if !ok || cb != mb {
			return p, unsupported("crop box differs from the media box")
		}
	}
	if r, _ := d.num(leaf.rotate); math.Mod(r, 360) != 0 {
		return p, unsupported("rotated page")
	}
	if _, ok := leaf.dict["UserUnit"]; ok {
		return p, unsupported("/UserUnit")
	}
	p.width, p.height = float64(float32(mb[2])), float64(float32(mb[3]))

	res, err := d.dictOf(leaf.resources)
	if err != nil {
		return p, err
	}
	var fontRes, xobjRes, gsRes pdfDict
	if res != nil {
		if fontRes, err = d.dictOf(res["Font"]); err != nil {
			return p, err
		}
		if xobjRes, err = d.dictOf(res["XObject"]); err != nil {
			return p, err
		}
		if gsRes, err = d.dictOf(res["ExtGState"]); err != nil {
			return p, err
		}
	}
	content, err := d.contents(leaf.dict["Contents"])
	if err != nil {
		return p, err
	}

	// What hasVisualContent looks at, for pages with few characters.
	images, paths, pathOpen := 0, 0, false
	gs := gstate{ctm: identity, th: 1}
	var stack []gstate
	var tm, tlm matrix
	inText := false
	var ops []any
	l := &lexer{b: content}
	num := func(i int) (float64, error) {
		if i >= len(ops) {
			return 0, unsupported("missing operand")
		}
		f, ok := ops[i].(float64)
		if !ok {
			return 0, unsupported("operand %T", ops[i])
		}
		return f, nil
	}
	nums := func(n int) ([]float64, error) {
		if len(ops) != n {
			return nil, unsupported("%d operands, want %d", len(ops), n)
		}
		out := make([]float64, n)
		for i := range out {
			var err error
			if out[i], err = num(i); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	show := func(s pdfString) error {
		if !inText {
			return unsupported("text shown outside BT/ET")
		}
		f := gs.font
		if f == nil {
			return unsupported("text without a font")
		}
		if gs.th != 1 || gs.rise != 0 || gs.mode == 3 || gs.mode == 7 {
			// Horizontal scaling and rise move pdfium's boxes in ways not
			// worth reproducing; invisible text (OCR layers) is left to it.
			return unsupported("text state Tz/Ts/Tr")
		}
		step := 1
		if f.twoByte {
			step = 2
			if len(s)%2 != 0 {
				return unsupported("odd-length 2-byte string")
			}
		}
		for i := 0; i < len(s); i += step {
			code := uint32(s[i])
			if step == 2 {
				code = code<<8 | uint32(s[i+1])
			}
			w, ok := f.widths[code]
			if !ok {
				if !f.hasDefault {
					return unsupported("code %d outside /Widths", code)
				}
				w = f.defaultWidth
			}
			r, ok := f.uni[code]
			if !ok {
				return unsupported("code %d without Unicode", code)
			}
			m := tm.mul(gs.ctm)
			if math.Abs(m[1]) > 1e-6 || math.Abs(m[2]) > 1e-6 || m[0] <= 0 || m[3] <= 0 {
				return unsupported("rotated, skewed or mirrored text")
			}
			if math.Abs(m[0]-m[3]) > 1e-3*m[0] {
				// Stretched text: pdfium's box takes its height from the
				// horizontal scale, and its line grouping then differs.
				return unsupported("text scaled unevenly")
			}
			if err := p.addChar(r, f, w, gs.size, m); err != nil {
				return err
			}
			tx := w/1000*gs.size + gs.tc
			if !f.twoByte && code == 32 {
				tx += gs.tw
			}
			tm = matrix{1, 0, 0, 1, tx * gs.th, 0}.mul(tm)
		}
		return nil
	}
	for {
		v, err := l.object(0, false)
		if err == errEOF {
			break
		}
		if err != nil {
			return p, err
		}
		op, isOp := v.(pdfOp)
		if !isOp {
			if len(ops) >= maxContentOperands {
				return p, unsupported("too many operands")
			}
			ops = append(ops, v)
			continue
		}
		switch op {
		case "q":
			if len(stack) >= 256 {
				return p, unsupported("q nesting")
			}
			stack = append(stack, gs)
		case "Q":
			if n := len(stack); n > 0 {
				gs, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			a, err := nums(6)
			if err != nil {
				return p, err
			}
			gs.ctm = matrix(a).mul(gs.ctm)
		case "BT":
			inText, tm, tlm = true, identity, identity
		case "ET":
			inText = false
		case "Tf":
			if len(ops) != 2 {
				return p, unsupported("Tf operands")
			}
			name, ok := ops[0].(pdfName)
			size, err := num(1)
			if !ok || err != nil || size <= 0 {
				return p, unsupported("Tf operands")
			}
			ref, ok := fontRes[name]
			if !ok {
				return p, unsupported("font %s not in resources", name)
			}
			key := ref
			if r, ok := ref.(pdfRef); ok {
				key = r.num
			} else {
				key = fmt.Sprintf("%d/%s", index, name)
			}
			f, ok := fonts[key]
			if !ok {
				if f, err = d.loadFont(ref); err != nil {
					return p, fmt.Errorf("font %s: %w", name, err)
				}
				fonts[key] = f
			}
			gs.font, gs.size = f, size
		case "Tc", "Tw", "Tz", "TL", "Ts", "Tr":
			a, err := nums(1)
			if err != nil {
				return p, err
			}
			switch op {
			case "Tc":
				gs.tc = a[0]
			case "Tw":
				gs.tw = a[0]
			case "Tz":
				gs.th = a[0] / 100
			case "TL":
				gs.lead = a[0]
			case "Ts":
				gs.rise = a[0]
			case "Tr":
				gs.mode = int(a[0])
			}
		case "Td", "TD":
			a, err := nums(2)
			if err != nil {
				return p, err
			}
			if op == "TD" {
				gs.lead = -a[1]
			}
			tlm = matrix{1, 0, 0, 1, a[0], a[1]}.mul(tlm)
			tm = tlm
		case "Tm":
			a, err := nums(6)
			if err != nil {
				return p, err
			}
			tlm = matrix(a)
			tm = tlm
		case "T*":
			tlm = matrix{1, 0, 0, 1, 0, -gs.lead}.mul(tlm)
			tm = tlm
		case "Tj", "'", "\"":
			if op == "\"" {
				if len(ops) != 3 {
					return p, unsupported("\" operands")
				}
				aw, err1 := num(0)
				ac, err2 := num(1)
				if err1 != nil || err2 != nil {
					return p, unsupported("\" operands")
				}
				gs.tw, gs.tc = aw, ac
				ops = ops[2:]
			}
			if op != "Tj" {
				tlm = matrix{1, 0, 0, 1, 0, -gs.lead}.mul(tlm)
				tm = tlm
			}
			if len(ops) != 1 {
				return p, unsupported("%s operands", op)
			}
			s, ok := ops[0].(pdfString)
			if !ok {
				return p, unsupported("%s operand %T", op, ops[0])
			}
			if err := show(s); err != nil {
				return p, err
			}
		case "TJ":
			if len(ops) != 1 {
				return p, unsupported("TJ operands")
			}
			arr, ok := ops[0].([]any)
			if !ok {
				return p, unsupported("TJ operand %T", ops[0])
			}
			for _, x := range arr {
				switch t := x.(type) {
				case pdfString:
					if err := show(t); err != nil {
						return p, err
					}
				case float64:
					tm = matrix{1, 0, 0, 1, -t / 1000 * gs.size * gs.th, 0}.mul(tm)
				default:
					return p, unsupported("TJ element %T", x)
				}
			}
		case "Do":
			if len(ops) != 1 {
				return p, unsupported("Do operands")
			}
			name, _ := ops[0].(pdfName)
			xo, err := d.dictOf(xobjRes[name])
			if err != nil {
				return p, err
			}
			// Images are not text; a form may hold text, which pdfium reads.
			if xo == nil || xo["Subtype"] != pdfName("Image") {
				return p, unsupported("form XObject %s", name)
			}
			images++
		case "m", "l", "c", "v", "y", "h", "re":
			pathOpen = true
		case "S", "s", "f", "F", "f*", "B", "B*", "b", "b*":
			if pathOpen {
				paths++
			}
			pathOpen = false
		case "n":
			pathOpen = false
		case "sh":
			images++
		case "gs":
			if len(ops) != 1 {
				return p, unsupported("gs operands")
			}
			name, _ := ops[0].(pdfName)
			g, err := d.dictOf(gsRes[name])
			if err != nil {
				return p, err
			}
			if _, ok := g["Font"]; ok {
				return p, unsupported("font set by ExtGState")
			}
		case "BI", "ID", "EI":
			// Inline image data is binary; the tokenizer must not read it.
			return p, unsupported("inline image")
		case "d0", "d1":
			return p, unsupported("Type3 glyph procedure")
		default:
			// A keyword no PDF version defines is most likely damage
			// (pdfium recovers in its own way); BX/EX sections, which may
			// hold such keywords legitimately, are rare enough to leave too.
			if !otherOperators[op] {
				return p, unsupported("operator %.20q", op)
			}
		}
		ops = ops[:0]
	}
	if p.han < hanPerPageForOCR {
		// A page with little text (a signature page) is read here only
		// when it plainly has nothing to OCR: no image or shading and
		// well under hasVisualContent's 20 paths. Otherwise pdfium decides
		// whether it is a scan.
		if images > 0 || paths >= hanPerPageForOCR/2 {
			return p, unsupported("%d Han characters, %d images, %d paths", p.han, images, paths)
		}
		p.visual = false
	}
	if err := checkOverlaps(p.chars); err != nil {
		return p, err
	}
	return p, nil
}

// addChar adds one shown character with the box pdfium's
// FPDFText_GetLooseCharBox gives: from the origin, the advance wide (the
// width truncated to an integer, as pdfium stores widths; the pen moves
// by the exact width), and from the font's descent to its ascent.
func (p *pageText) addChar(r rune, f *fastFont, w, size float64, m matrix) error {
	ox, oy := m[4], m[5]
	if !finite(ox) || !finite(oy) || ox < 0 || oy < 0 || ox > p.width || oy > p.height {
		return unsupported("character outside the page")
	}
	// The same filters as readPage.
	if r == '\r' || r == '\n' {
		return nil
	}
	if r == 0 || r == unicode.ReplacementChar || (r >= 0xE000 && r <= 0xF8FF) {
		return unsupported("unmapped character %U", r)
	}
	if pdfiumRewrites(r) {
		return unsupported("character %U", r)
	}
	if r > unicode.MaxRune || (unicode.IsControl(r) && r != '\t') {
		return nil
	}
	if math.Trunc(w) <= 0 && !unicode.IsSpace(r) {
		// pdfium then takes the box from the glyph's ink.
		return unsupported("zero-width glyph %q", r)
	}
	a := m[0]
	scale := a * size
	c := Char{R: r, Left: ox, Right: ox + a*math.Trunc(w)/1000*size, Bottom: oy + f.descent*scale, Top: oy + f.ascent*scale}
	if c.Top < c.Bottom {
		c.Top, c.Bottom = c.Bottom, c.Top
	}
	if c.Right < c.Left {
		c.Left, c.Right = c.Right, c.Left
	}
	if c.Left < -1 || c.Bottom < -1 || c.Right > p.width+1 || c.Top > p.height+1 {
		// Huge or misplaced glyphs: where the box estimate and pdfium's
		// differ most, and no report's tables are made of them.
		return unsupported("character box beyond the page")
	}
	if unicode.Is(unicode.Han, r) {
		p.han++
	}
	p.chars = append(p.chars, c)
	return nil
}

// checkOverlaps refuses pages where a character is drawn over another
// (fake bold, shadows, overprinting): pdfium drops duplicates by rules of
// its own, and where boxes coincide the layout's order depends on the
// order characters come in, which is pdfium's for the other path.
func checkOverlaps(chars []Char) error {
	idx := make([]int, 0, len(chars))
	for i, c := range chars {
		if !unicode.IsSpace(c.R) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int { return cmpFloat(chars[a].Left, chars[b].Left) })
	for k := range idx {
		a := chars[idx[k]]
		w := a.Right - a.Left
		// Later characters starting within the first half of a. Lines
		// starting at one margin share a Left; more than a page's worth
		// of them is no ordinary page (and would make this quadratic).
		for j := k + 1; j < len(idx); j++ {
			b := chars[idx[j]]
			if b.Left-a.Left >= 0.5*math.Max(w, 0.01) {
				break
			}
			if j-k > 256 {
				return unsupported("more than 256 characters start at x=%.1f", a.Left)
			}
			h := math.Min(a.Top-a.Bottom, b.Top-b.Bottom)
			if math.Abs((a.Top+a.Bottom)/2-(b.Top+b.Bottom)/2) < 0.5*h {
				return unsupported("%q and %q drawn at one place", a.R, b.R)
			}
		}
	}
	return nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pdfiumRewrites: characters pdfium's text page does not pass through as
// one character: Latin ligatures (decomposed into several characters),
// U+FFFE (dropped), and right-to-left scripts (reordered and mirrored).
func pdfiumRewrites(r rune) bool {
	return (r >= 0xFB00 && r <= 0xFB06) || r == 0xFFFE ||
		(r >= 0x0590 && r <= 0x08FF) || (r >= 0xFB1D && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF)
}

// contents concatenates a page's content streams.
func (d *fileDoc) contents(v any) ([]byte, error) {
	v, err := d.resolve(v)
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case *pdfStream:
		return d.decode(t)
	case []any:
		var out []byte
		for _, x := range t {
			x, err := d.resolve(x)
			if err != nil {
				return nil, err
			}
			st, ok := x.(*pdfStream)
			if !ok {
				return nil, unsupported("content array entry %T", x)
			}
			b, err := d.decode(st)
			if err != nil {
				return nil, err
			}
			out = append(append(out, b...), '\n')
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, unsupported("/Contents is %T", v)
}
