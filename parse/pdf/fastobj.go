package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// This file is the object layer of the pure-Go fast path (see fast.go):
// a small reader for the PDF syntax that ordinary text PDFs use. Anything
// it does not understand is reported as errUnsupported so that the caller
// hands the document to pdfium instead; it never tries to repair a file.

// errUnsupported wraps every reason the fast path gives up. It is not a
// verdict on the file: pdfium reads it next.
var errUnsupported = errors.New("not handled by the fast path")

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), errUnsupported)
}

// Limits that keep a hostile file from using much memory or time before
// the fast path gives up on it.
const (
	maxObjDepth     = 32       // nesting of arrays/dictionaries, and of references followed
	maxStreamBytes  = 32 << 20 // one decompressed stream
	maxInflateTotal = 96 << 20 // all decompressed streams of one document
	maxXrefSections = 32       // /Prev chain length
	maxObjNum       = 8 << 20  // object numbers beyond this are not PDFs we read
)

// PDF object values: nil (null), bool, float64, pdfName, pdfString,
// []any (array), pdfDict, pdfRef, *pdfStream.
type (
	pdfName   string
	pdfString []byte
	pdfDict   map[pdfName]any
	pdfRef    struct{ num, gen int }
	pdfStream struct {
		dict pdfDict
		raw  []byte // still encoded
	}
	// pdfOp is a bare keyword (content-stream operator, "obj", "R", ...).
	pdfOp string
)

// lexer tokenises PDF syntax (file objects and content streams alike).
type lexer struct {
	b   []byte
	pos int
	// strictHex refuses whitespace inside hex strings (ToUnicode maps,
	// where pdfium's own CMap reader treats it differently).
	strictHex bool
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) skipWhite() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isWhite(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// word reads a run of regular characters.
func (l *lexer) word() []byte {
	s := l.pos
	for l.pos < len(l.b) && !isWhite(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	return l.b[s:l.pos]
}

// errEOF: the data ended cleanly between two tokens. A token cut off by
// the end (an unterminated string, array or dictionary) is unsupported
// instead: pdfium recovers from those in ways of its own.
var errEOF = errors.New("end of data")

// inner reads an object nested in an array or dictionary, where the end
// of the data is an error.
func (l *lexer) inner(depth int, refs bool) (any, error) {
	v, err := l.object(depth, refs)
	if err == errEOF {
		return nil, unsupported("unterminated array or dictionary")
	}
	return v, err
}

// object reads one object. refs enables "n g R" references (file syntax;
// content streams have none). Keywords come back as pdfOp.
func (l *lexer) object(depth int, refs bool) (any, error) {
	if depth > maxObjDepth {
		return nil, unsupported("objects nested deeper than %d", maxObjDepth)
	}
	l.skipWhite()
	if l.pos >= len(l.b) {
		return nil, errEOF
	}
	switch c := l.b[l.pos]; c {
	case '/':
		l.pos++
		return pdfName(decodeName(l.word())), nil
	case '(':
		return l.literal()
	case '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			d := pdfDict{}
			for {
				l.skipWhite()
				if l.pos+1 < len(l.b) && l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
					l.pos += 2
					return d, nil
				}
				k, err := l.inner(depth+1, refs)
				if err != nil {
					return nil, err
				}
				name, ok := k.(pdfName)
				if !ok {
					return nil, unsupported("dictionary key %T", k)
				}
				v, err := l.inner(depth+1, refs)
				if err != nil {
					return nil, err
				}
				if _, isOp := v.(pdfOp); isOp {
					return nil, unsupported("keyword as dictionary value")
				}
				d[name] = v
			}
		}
		return l.hex()
	case '[':
		l.pos++
		var arr []any
		for {
			l.skipWhite()
			if l.pos < len(l.b) && l.b[l.pos] == ']' {
				l.pos++
				return arr, nil
			}
			v, err := l.inner(depth+1, refs)
			if err != nil {
				return nil, err
			}
			if _, isOp := v.(pdfOp); isOp {
				return nil, unsupported("keyword inside an array")
			}
			arr = append(arr, v)
		}
	case ')', '>', ']', '{', '}':
		return nil, unsupported("unexpected %q", c)
	}
	w := l.word()
	if len(w) == 0 {
		return nil, unsupported("empty token")
	}
	if c := w[0]; c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
		f, err := parseNumber(w)
		if err != nil {
			return nil, err
		}
		if refs && isUint(w) {
			// "n g R": look ahead without consuming unless it matches.
			save := l.pos
			l.skipWhite()
			g := l.word()
			if isUint(g) {
				l.skipWhite()
				if r := l.word(); string(r) == "R" {
					num, _ := strconv.Atoi(string(w))
					gen, _ := strconv.Atoi(string(g))
					return pdfRef{num, gen}, nil
				}
			}
			l.pos = save
		}
		return f, nil
	}
	switch string(w) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	return pdfOp(w), nil
}

func isUint(w []byte) bool {
	if len(w) == 0 || len(w) > 10 {
		return false
	}
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseNumber accepts PDF numbers ("12", "-.5", "3."); anything else is
// unsupported rather than guessed at (pdfium has its own repairs).
func parseNumber(w []byte) (float64, error) {
	f, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		return 0, unsupported("number %.20q", w)
	}
	return f, nil
}

func decodeName(w []byte) string {
	if bytes.IndexByte(w, '#') < 0 {
		return string(w)
	}
	out := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if w[i] == '#' && i+2 < len(w) {
			if v, err := strconv.ParseUint(string(w[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, w[i])
	}
	return string(out)
}

func (l *lexer) literal() (any, error) {
	l.pos++ // (
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return pdfString(out), nil
			}
		case '\\':
			if l.pos >= len(l.b) {
				return nil, unsupported("unterminated string")
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e // \( \) \\ and unknown escapes: the character itself
				}
			}
		}
		out = append(out, c)
	}
	return nil, unsupported("unterminated string")
}

func (l *lexer) hex() (any, error) {
	l.pos++ // <
	var out []byte
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			if half {
				// The spec pads with 0; readers differ, so leave it.
				return nil, unsupported("odd number of hex digits")
			}
			return pdfString(out), nil
		}
		if isWhite(c) {
			if l.strictHex {
				return nil, unsupported("space inside a hex string")
			}
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return nil, unsupported("bad hex digit %q", c)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return nil, unsupported("unterminated hex string")
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// xrefEntry locates an object: at a file offset, or as the idx-th object
// of object stream stm.
type xrefEntry struct {
	offset   int
	stm, idx int
	inStream bool
}

// fileDoc is a parsed PDF file: its cross-reference table and a cache of
// the objects read so far.
type fileDoc struct {
	data     []byte
	xref     map[int]xrefEntry
	trailer  pdfDict
	cache    map[int]any
	busy     map[int]bool // objects being read: reference cycles
	objStms  map[int]*objStm
	inflated int // bytes decompressed so far (bomb limit)
}

type objStm struct {
	data    []byte
	offsets map[int]int // object number -> offset in data
	order   []int       // object numbers by index
}

// openFile reads the cross-reference sections (classic tables and xref
// streams, following /Prev) without reading any object yet.
func openFile(data []byte) (*fileDoc, error) {
	d := &fileDoc{data: data, xref: map[int]xrefEntry{}, cache: map[int]any{}, busy: map[int]bool{}, objStms: map[int]*objStm{}}
	tail := data[max(0, len(data)-1024):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil, unsupported("no startxref")
	}
	l := &lexer{b: tail, pos: i + len("startxref")}
	l.skipWhite()
	w := l.word()
	if !isUint(w) {
		return nil, unsupported("bad startxref")
	}
	off, _ := strconv.Atoi(string(w))
	seen := map[int]bool{}
	for n := 0; ; n++ {
		if n >= maxXrefSections || seen[off] {
			return nil, unsupported("xref /Prev chain loops or is too long")
		}
		seen[off] = true
		if off <= 0 || off >= len(data) {
			return nil, unsupported("xref offset %d outside the file", off)
		}
		sec := map[int]xrefEntry{}
		trailer, err := d.readXref(off, sec)
		if err != nil {
			return nil, err
		}
		if d.trailer == nil {
			d.trailer = trailer
		}
		if _, ok := trailer["Encrypt"]; ok {
			d.trailer["Encrypt"] = trailer["Encrypt"]
		}
		if x, ok := trailer["XRefStm"].(float64); ok {
			// A hybrid file (Word writes them): the table lists the plain
			// objects and marks the compressed ones free; the xref stream
			// it names locates those.
			if x <= 0 || int(x) >= len(data) || seen[int(x)] {
				return nil, unsupported("bad /XRefStm")
			}
			seen[int(x)] = true
			hidden := map[int]xrefEntry{}
			if _, err := d.readXref(int(x), hidden); err != nil {
				return nil, fmt.Errorf("/XRefStm: %w", err)
			}
			for num, e := range hidden {
				if old, ok := sec[num]; !ok || (!old.inStream && old.offset < 0) {
					sec[num] = e
				}
			}
		}
		// Sections are read newest first: an object's newest entry wins.
		for num, e := range sec {
			if _, known := d.xref[num]; !known {
				d.xref[num] = e
			}
		}
		prev, ok := trailer["Prev"].(float64)
		if !ok {
			break
		}
		off = int(prev)
	}
	return d, nil
}

// readXref reads one cross-reference section at off into sec.
func (d *fileDoc) readXref(off int, sec map[int]xrefEntry) (pdfDict, error) {
	l := &lexer{b: d.data, pos: off}
	l.skipWhite()
	if bytes.HasPrefix(d.data[l.pos:], []byte("xref")) {
		l.pos += 4
		for {
			l.skipWhite()
			if bytes.HasPrefix(d.data[l.pos:], []byte("trailer")) {
				l.pos += len("trailer")
				t, err := l.inner(0, true)
				if err != nil {
					return nil, fmt.Errorf("trailer: %w", err)
				}
				td, ok := t.(pdfDict)
				if !ok {
					return nil, unsupported("trailer is %T", t)
				}
				return td, nil
			}
			start, count := l.word(), (func() []byte { l.skipWhite(); return l.word() })()
			if !isUint(start) || !isUint(count) {
				return nil, unsupported("bad xref subsection header")
			}
			s, _ := strconv.Atoi(string(start))
			c, _ := strconv.Atoi(string(count))
			if s+c > maxObjNum {
				return nil, unsupported("xref subsection too large")
			}
			for k := 0; k < c; k++ {
				l.skipWhite()
				o := l.word()
				l.skipWhite()
				g := l.word()
				l.skipWhite()
				t := l.word()
				if !isUint(o) || !isUint(g) || len(t) != 1 {
					return nil, unsupported("bad xref entry")
				}
				num := s + k
				ov, _ := strconv.Atoi(string(o))
				switch t[0] {
				case 'n':
					sec[num] = xrefEntry{offset: ov}
				case 'f':
					sec[num] = xrefEntry{offset: -1}
				default:
					return nil, unsupported("bad xref entry type %q", t)
				}
			}
		}
	}
	// An xref stream: "n g obj << /Type /XRef ... >> stream".
	obj, err := d.readAt(off, -1)
	if err != nil {
		return nil, err
	}
	st, ok := obj.(*pdfStream)
	if !ok || st.dict["Type"] != pdfName("XRef") {
		return nil, unsupported("startxref points at neither a table nor an xref stream")
	}
	return st.dict, d.readXrefStream(st, sec)
}

func (d *fileDoc) readXrefStream(st *pdfStream, sec map[int]xrefEntry) error {
	raw, err := d.decode(st)
	if err != nil {
		return fmt.Errorf("xref stream: %w", err)
	}
	warr, _ := st.dict["W"].([]any)
	if len(warr) != 3 {
		return unsupported("xref stream /W")
	}
	var w [3]int
	for i, v := range warr {
		f, ok := v.(float64)
		if !ok || f < 0 || f > 8 {
			return unsupported("xref stream /W")
		}
		w[i] = int(f)
	}
	row := w[0] + w[1] + w[2]
	if row == 0 {
		return unsupported("xref stream /W")
	}
	size, _ := st.dict["Size"].(float64)
	index := []any{0.0, size}
	if ix, ok := st.dict["Index"].([]any); ok {
		index = ix
	}
	if len(index)%2 != 0 {
		return unsupported("xref stream /Index")
	}
	field := func(b []byte, def int) int {
		if len(b) == 0 {
			return def
		}
		v := 0
		for _, c := range b {
			v = v<<8 | int(c)
		}
		return v
	}
	p := 0
	for i := 0; i < len(index); i += 2 {
		s, ok1 := index[i].(float64)
		c, ok2 := index[i+1].(float64)
		if !ok1 || !ok2 || s < 0 || c < 0 || s+c > maxObjNum {
			return unsupported("xref stream /Index")
		}
		for k := 0; k < int(c); k++ {
			if p+row > len(raw) {
				return unsupported("xref stream shorter than its /Index")
			}
			e := raw[p : p+row]
			p += row
			num := int(s) + k
			typ := field(e[:w[0]], 1)
			f2 := field(e[w[0]:w[0]+w[1]], 0)
			f3 := field(e[w[0]+w[1]:], 0)
			switch typ {
			case 0:
				sec[num] = xrefEntry{offset: -1}
			case 1:
				sec[num] = xrefEntry{offset: f2}
			case 2:
				sec[num] = xrefEntry{stm: f2, idx: f3, inStream: true}
			}
		}
	}
	return nil
}

// resolve follows references (a chain of at most maxObjDepth).
func (d *fileDoc) resolve(v any) (any, error) {
	for i := 0; i < maxObjDepth; i++ {
		r, ok := v.(pdfRef)
		if !ok {
			return v, nil
		}
		var err error
		if v, err = d.object(r.num); err != nil {
			return nil, err
		}
	}
	return nil, unsupported("reference chain too long")
}

// object reads object num (any generation: the xref table is trusted).
func (d *fileDoc) object(num int) (any, error) {
	if v, ok := d.cache[num]; ok {
		return v, nil
	}
	e, ok := d.xref[num]
	if !ok || (!e.inStream && e.offset < 0) {
		return nil, nil // missing objects are null
	}
	if d.busy[num] {
		return nil, unsupported("reference cycle at object %d", num)
	}
	d.busy[num] = true
	defer delete(d.busy, num)
	var v any
	var err error
	if e.inStream {
		v, err = d.fromObjStm(num, e)
	} else {
		v, err = d.readAt(e.offset, num)
	}
	if err != nil {
		return nil, fmt.Errorf("object %d: %w", num, err)
	}
	d.cache[num] = v
	return v, nil
}

// readAt reads "num gen obj ..." at off; want < 0 accepts any number.
func (d *fileDoc) readAt(off, want int) (any, error) {
	if off < 0 || off >= len(d.data) {
		return nil, unsupported("offset %d outside the file", off)
	}
	// The offset must point at the object number itself: pdfium treats
	// an offset that is off by even one byte as damage and rebuilds the
	// cross-reference table its own way.
	if c := d.data[off]; c < '0' || c > '9' {
		return nil, unsupported("xref offset %d does not point at an object", off)
	}
	l := &lexer{b: d.data, pos: off}
	n, g := l.word(), (func() []byte { l.skipWhite(); return l.word() })()
	l.skipWhite()
	kw := l.word()
	if !isUint(n) || !isUint(g) || string(kw) != "obj" {
		return nil, unsupported("no object header at offset %d", off)
	}
	if num, _ := strconv.Atoi(string(n)); want >= 0 && num != want {
		return nil, unsupported("xref says object %d, file has %d", want, num)
	}
	v, err := l.inner(0, true)
	if err != nil {
		return nil, err
	}
	// Every object must end with "endobj" where it should: a file that
	// does not is damaged, and pdfium may reject or rebuild it.
	endobj := func(rest []byte) error {
		r := lexer{b: rest}
		r.skipWhite()
		if w := r.word(); string(w) != "endobj" {
			return unsupported("object at %d not closed by endobj", off)
		}
		return nil
	}
	dict, ok := v.(pdfDict)
	l.skipWhite()
	if !ok || !bytes.HasPrefix(d.data[l.pos:], []byte("stream")) {
		if err := endobj(d.data[l.pos:]); err != nil {
			return nil, err
		}
		return v, nil
	}
	l.pos += len("stream")
	if l.pos < len(d.data) && d.data[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(d.data) && d.data[l.pos] == '\n' {
		l.pos++
	}
	start := l.pos
	lv, err := d.resolve(dict["Length"])
	if err != nil {
		return nil, err
	}
	length, ok := lv.(float64)
	if !ok || length < 0 || float64(start)+length > float64(len(d.data)) {
		return nil, unsupported("stream /Length %v", lv)
	}
	end := start + int(length)
	// Only an end-of-line may stand between the data and "endstream";
	// anything else means /Length is wrong, which pdfium repairs.
	rest := d.data[end:]
	for _, eol := range []string{"\r\n", "\n", "\r"} {
		if bytes.HasPrefix(rest, []byte(eol)) {
			rest = rest[len(eol):]
			break
		}
	}
	if !bytes.HasPrefix(rest, []byte("endstream")) {
		return nil, unsupported("stream /Length does not end at endstream")
	}
	if err := endobj(rest[len("endstream"):]); err != nil {
		return nil, err
	}
	return &pdfStream{dict: dict, raw: d.data[start:end]}, nil
}

func (d *fileDoc) fromObjStm(num int, e xrefEntry) (any, error) {
	os, ok := d.objStms[e.stm]
	if !ok {
		v, err := d.object(e.stm)
		if err != nil {
			return nil, err
		}
		st, ok := v.(*pdfStream)
		if !ok || st.dict["Type"] != pdfName("ObjStm") {
			return nil, unsupported("object %d is not an object stream", e.stm)
		}
		data, err := d.decode(st)
		if err != nil {
			return nil, err
		}
		n, _ := st.dict["N"].(float64)
		first, _ := st.dict["First"].(float64)
		if n < 0 || n > maxObjNum || first < 0 || int(first) > len(data) {
			return nil, unsupported("object stream header")
		}
		os = &objStm{data: data, offsets: map[int]int{}}
		l := &lexer{b: data[:int(first)]}
		for k := 0; k < int(n); k++ {
			l.skipWhite()
			a := l.word()
			l.skipWhite()
			b := l.word()
			if !isUint(a) || !isUint(b) {
				return nil, unsupported("object stream header")
			}
			on, _ := strconv.Atoi(string(a))
			oo, _ := strconv.Atoi(string(b))
			if int(first)+oo > len(data) {
				return nil, unsupported("object stream offset")
			}
			os.offsets[on] = int(first) + oo
			os.order = append(os.order, on)
		}
		d.objStms[e.stm] = os
	}
	off, ok := os.offsets[num]
	if !ok {
		return nil, nil
	}
	l := &lexer{b: os.data, pos: off}
	return l.inner(0, true)
}

// decode returns a stream's decoded bytes. Only FlateDecode (with PNG or
// no predictor) is handled: content streams of ordinary text PDFs use it.
func (d *fileDoc) decode(st *pdfStream) ([]byte, error) {
	f, err := d.resolve(st.dict["Filter"])
	if err != nil {
		return nil, err
	}
	if arr, ok := f.([]any); ok {
		if len(arr) > 1 {
			return nil, unsupported("filter chain")
		}
		if len(arr) == 1 {
			f = arr[0]
		} else {
			f = nil
		}
	}
	switch f {
	case nil:
		// Counted too: one large stream shared by every page would
		// otherwise be tokenised once per page without limit.
		if d.inflated+len(st.raw) > maxInflateTotal {
			return nil, unsupported("more than %d bytes of streams", maxInflateTotal)
		}
		d.inflated += len(st.raw)
		return st.raw, nil
	case pdfName("FlateDecode"):
	default:
		return nil, unsupported("filter %v", f)
	}
	zr, err := zlib.NewReader(bytes.NewReader(st.raw))
	if err != nil {
		return nil, unsupported("flate: %v", err)
	}
	limit := min(maxStreamBytes, maxInflateTotal-d.inflated)
	if limit <= 0 {
		return nil, unsupported("more than %d bytes of streams", maxInflateTotal)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		// pdfium tolerates some damaged zlib data; let it decide.
		return nil, unsupported("flate: %v", err)
	}
	if len(out) > limit {
		return nil, unsupported("stream inflates beyond %d bytes", limit)
	}
	d.inflated += len(out)
	parms, err := d.resolve(st.dict["DecodeParms"])
	if err != nil {
		return nil, err
	}
	if arr, ok := parms.([]any); ok && len(arr) == 1 {
		if parms, err = d.resolve(arr[0]); err != nil {
			return nil, err
		}
	}
	if pd, ok := parms.(pdfDict); ok {
		pred, _ := pd["Predictor"].(float64)
		if pred >= 10 {
			cols := 1.0
			if c, ok := pd["Columns"].(float64); ok {
				cols = c
			}
			if bpc, ok := pd["BitsPerComponent"].(float64); ok && bpc != 8 {
				return nil, unsupported("predictor with %v bits", bpc)
			}
			if colors, ok := pd["Colors"].(float64); ok && colors != 1 {
				return nil, unsupported("predictor with %v colors", colors)
			}
			if cols < 1 || cols > 1<<16 {
				return nil, unsupported("predictor columns %v", cols)
			}
			return unpredictPNG(out, int(cols))
		} else if pred > 1 {
			return nil, unsupported("predictor %v", pred)
		}
	}
	return out, nil
}

// unpredictPNG undoes PNG row filters (one byte per pixel).
func unpredictPNG(b []byte, cols int) ([]byte, error) {
	row := cols + 1
	if len(b)%row != 0 {
		return nil, unsupported("predicted data not a whole number of rows")
	}
	out := make([]byte, 0, len(b)/row*cols)
	prev := make([]byte, cols)
	for i := 0; i < len(b); i += row {
		ft, cur := b[i], b[i+1:i+row]
		line := make([]byte, cols)
		for x := 0; x < cols; x++ {
			var left, up, ul byte
			if x > 0 {
				left, ul = line[x-1], prev[x-1]
			}
			up = prev[x]
			switch ft {
			case 0:
				line[x] = cur[x]
			case 1:
				line[x] = cur[x] + left
			case 2:
				line[x] = cur[x] + up
			case 3:
				line[x] = cur[x] + byte((int(left)+int(up))/2)
			case 4:
				line[x] = cur[x] + paeth(left, up, ul)
			default:
				return nil, unsupported("PNG filter %d", ft)
			}
		}
		out = append(out, line...)
		prev = line
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dictOf resolves v and returns it as a dictionary (a stream's dictionary
// counts), or nil.
func (d *fileDoc) dictOf(v any) (pdfDict, error) {
	v, err := d.resolve(v)
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case pdfDict:
		return t, nil
	case *pdfStream:
		return t.dict, nil
	}
	return nil, nil
}

// num resolves v as a number.
func (d *fileDoc) num(v any) (float64, bool) {
	v, err := d.resolve(v)
	if err != nil {
		return 0, false
	}
	f, ok := v.(float64)
	return f, ok
}
