package pdf

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Before pdfium reads a document, every stream it might decode is
// decompressed once here into a counter, never into memory, and the
// document is refused when one stream or all of them together inflate
// past a limit. pdfium itself has no such limit: a 2 MB file whose one
// content stream inflates to 2 GiB made each wasm instance grow to its
// memory limit (and the process, with wazero's copies, past 2.5 GB).
//
// The scan does not trust the cross-reference table or /Length (pdfium
// repairs both): it looks for every "stream" keyword in the raw bytes,
// reads the dictionary before it when it can, and decodes from the data's
// start until the filters' own end markers. A dictionary it cannot read
// is taken for FlateDecode, so a bomb cannot hide behind damage.
// Image data is left out: pdfium decodes it only to render a page, row
// by row and bounded by the image's size.

// Decompression limits checked before pdfium reads a document.
const (
	MaxStreamInflate = 256 << 20 // one stream, after each of its filters
	MaxTotalInflate  = 512 << 20 // all streams of one document
)

// ErrInflateLimit: a stream of the document decompresses past
// MaxStreamInflate (or all of them past MaxTotalInflate), a
// decompression bomb; the document is not read.
var ErrInflateLimit = errors.New("pdf decompression limit")

// InflateError is the error Extract returns for such a document; it
// matches ErrInflateLimit.
type InflateError struct {
	Kind   string // "a content stream", "a font program", ...
	Object int    // object number, -1 when unknown
	Limit  int64  // the limit passed
	Total  bool   // the document's total, not one stream
}

func (e *InflateError) Error() string {
	if e.Total {
		return fmt.Sprintf("pdf: the streams together inflate past %d MiB: not parsed", e.Limit>>20)
	}
	obj := ""
	if e.Object >= 0 {
		obj = fmt.Sprintf(" (object %d)", e.Object)
	}
	return fmt.Sprintf("pdf: %s%s inflates past %d MiB: not parsed", e.Kind, obj, e.Limit>>20)
}

func (e *InflateError) Is(target error) bool { return target == ErrInflateLimit }

// errOverLimit is returned by capReader when its budget is spent.
var errOverLimit = errors.New("over the inflate limit")

// capReader passes at most left bytes and then fails with errOverLimit,
// setting *over (decoders above it may swallow the error).
type capReader struct {
	r    io.Reader
	left int64
	over *bool
	ctx  context.Context // nil, or ends the read early
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.ctx != nil && c.ctx.Err() != nil {
		return 0, c.ctx.Err()
	}
	if c.left <= 0 {
		// One byte more tells a stream of exactly the limit from a longer one.
		var one [1]byte
		if n, _ := io.ReadFull(c.r, one[:]); n > 0 {
			*c.over = true
			return 0, errOverLimit
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// checkInflate scans data's streams as described above. It returns an
// *InflateError, ctx's error, or nil.
func checkInflate(ctx context.Context, data []byte, perStream, total int64) error {
	var sum int64
	buf := make([]byte, 32<<10)
	dec := newDecrypter(data) // nil unless encrypted (decrypt.go)
	for pos, prev := 0, 0; ; {
		i := bytes.Index(data[pos:], []byte("stream"))
		if i < 0 {
			return nil
		}
		kw := pos + i
		pos = kw + len("stream")
		// A keyword, not part of a word ("endstream", a name, text).
		if kw > 0 && !isWhite(data[kw-1]) && !isDelim(data[kw-1]) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		start := pos
		for start < len(data) && (data[start] == ' ' || data[start] == '\t') {
			start++
		}
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		// The dictionary lies after the previous keyword: looking no
		// further back keeps the scan linear.
		info := streamInfoBefore(data, prev, kw)
		prev = pos
		if info.image {
			continue
		}
		over := false
		count := func(src func() io.Reader) int64 {
			r, ok := info.reader(src, perStream, &over)
			if !ok {
				return 0
			}
			n, _ := io.CopyBuffer(io.Discard, &capReader{r: r, left: perStream, over: &over, ctx: ctx}, buf)
			return n
		}
		raw := data[start:]
		n := count(func() io.Reader { return bytes.NewReader(raw) })
		// In an encrypted file, also as pdfium decrypts it (a stream it
		// does not decrypt, such as a cross-reference stream, was read
		// above).
		if dec != nil && !over && ctx.Err() == nil {
			if r := dec.stream(raw, info.num, info.gen); r != nil {
				used := false
				n = max(n, count(func() io.Reader {
					if used {
						return dec.stream(raw, info.num, info.gen)
					}
					used = true
					return r
				}))
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if over {
			return &InflateError{Kind: info.kind(), Object: info.num, Limit: perStream}
		}
		// An error (damaged data) ends this stream's count: pdfium stops
		// decoding there too.
		if sum += n; sum > total {
			return &InflateError{Limit: total, Total: true}
		}
	}
}

// streamInfo is what the scan knows of one stream's dictionary.
type streamInfo struct {
	num     int      // object number, -1 unknown
	gen     int      // generation number
	filters []string // nil with known false: unknown, taken for Flate
	known   bool
	image   bool
	dict    pdfDict
}

// streamInfoBefore reads the object header and dictionary that end at
// the "stream" keyword at kw.
func streamInfoBefore(data []byte, from, kw int) streamInfo {
	info := streamInfo{num: -1}
	// The last "obj" keyword within 64 KiB before the keyword.
	lo := max(from, kw-64<<10)
	j := bytes.LastIndex(data[lo:kw], []byte("obj"))
	if j < 0 {
		return info
	}
	j += lo
	info.num, info.gen, _ = objHeaderBefore(data, j)
	l := &lexer{b: data[:kw], pos: j + len("obj")}
	v, err := l.object(0, true)
	d, ok := v.(pdfDict)
	if err != nil || !ok {
		return info
	}
	l.skipWhite()
	if l.pos != kw {
		return info // something else between the dictionary and the keyword
	}
	info.dict = d
	info.image = d["Subtype"] == pdfName("Image")
	switch f := d["Filter"].(type) {
	case nil:
		info.known = true
	case pdfName:
		info.filters, info.known = []string{string(f)}, true
	case []any:
		info.known = true
		for _, x := range f {
			n, ok := x.(pdfName)
			if !ok {
				info.known = false
				break
			}
			info.filters = append(info.filters, string(n))
		}
	}
	if !info.known {
		info.filters = nil
	}
	return info
}

// objHeaderBefore reads "num gen" before the "obj" keyword at j.
func objHeaderBefore(data []byte, j int) (num, gen int, ok bool) {
	k := j
	for k > 0 && isWhite(data[k-1]) {
		k--
	}
	genEnd := k
	for k > 0 && data[k-1] >= '0' && data[k-1] <= '9' {
		k--
	}
	genStart := k
	for k > 0 && isWhite(data[k-1]) {
		k--
	}
	numEnd := k
	for k > 0 && data[k-1] >= '0' && data[k-1] <= '9' {
		k--
	}
	if k == numEnd || genStart == genEnd || numEnd == genStart {
		return -1, 0, false
	}
	num, err1 := strconv.Atoi(string(data[k:numEnd]))
	gen, err2 := strconv.Atoi(string(data[genStart:genEnd]))
	if err1 != nil || err2 != nil {
		return -1, 0, false
	}
	return num, gen, true
}

// kind names the stream for the error message.
func (s streamInfo) kind() string {
	d := s.dict
	switch {
	case d == nil:
		return "a stream"
	case d["Type"] == pdfName("ObjStm"):
		return "an object stream"
	case d["Type"] == pdfName("XRef"):
		return "a cross-reference stream"
	case d["Subtype"] == pdfName("Form"):
		return "a form XObject"
	case d["Length1"] != nil || d["Length2"] != nil || d["Subtype"] == pdfName("Type1C") ||
		d["Subtype"] == pdfName("CIDFontType0C") || d["Subtype"] == pdfName("OpenType"):
		return "a font program"
	}
	for k := range d {
		switch k {
		case "Length", "Filter", "DecodeParms", "DL":
		default:
			return "a stream"
		}
	}
	return "a content stream"
}

// reader decodes the stream's data (from its start to the end of the
// file; src returns a fresh reader of it each time) through the stream's
// filters, each stage capped at perStream. ok is false when there is
// nothing to count (no filter reads it).
func (s streamInfo) reader(src func() io.Reader, perStream int64, over *bool) (io.Reader, bool) {
	filters := s.filters
	if !s.known {
		filters = []string{"FlateDecode"}
	}
	if len(filters) == 0 {
		return nil, false // unfiltered: its size is its length in the file
	}
	r := src()
	for i, f := range filters {
		if i > 0 {
			// Intermediate results are held whole by pdfium: cap them too.
			r = &capReader{r: r, left: perStream, over: over}
		}
		switch f {
		case "FlateDecode", "Fl":
			zr, err := zlib.NewReader(asByteReader(r))
			if err != nil {
				if i > 0 || !s.known {
					return nil, false
				}
				// Named FlateDecode without a zlib header: try it as bare
				// deflate data.
				zr = flate.NewReader(src())
			}
			r = zr
		case "ASCIIHexDecode", "AHx":
			r = &hexDecoder{r: asByteReader(r)}
		case "ASCII85Decode", "A85":
			r = ascii85.NewDecoder(&a85Source{r: asByteReader(r)})
		case "LZWDecode", "LZW":
			r = newLZWDecoder(asByteReader(r))
		case "RunLengthDecode", "RL":
			r = &rlDecoder{r: asByteReader(r)}
		default:
			// Image codecs and Crypt: pdfium decodes those only for an
			// image, bounded by its size. What came before is counted.
			if i == 0 {
				return nil, false
			}
			return r, true
		}
	}
	return r, true
}

// byteSource is what the decoders read from: byte by byte, and for
// compress/flate without a bufio.Reader of its own in between.
type byteSource interface {
	io.Reader
	io.ByteReader
}

func asByteReader(r io.Reader) byteSource {
	if br, ok := r.(byteSource); ok {
		return br
	}
	return &byteReader{r: r}
}

// byteReader reads one byte at a time from r, so no stage reads past
// its own end marker.
type byteReader struct {
	r   io.Reader
	buf [1]byte
}

func (b *byteReader) ReadByte() (byte, error) {
	_, err := io.ReadFull(b.r, b.buf[:])
	return b.buf[0], err
}

func (b *byteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c, err := b.ReadByte()
	if err != nil {
		return 0, err
	}
	p[0] = c
	return 1, nil
}

// hexDecoder is ASCIIHexDecode: hex digit pairs, whitespace ignored, up
// to '>' or the first other character.
type hexDecoder struct {
	r    io.ByteReader
	done bool
}

func (h *hexDecoder) Read(p []byte) (int, error) {
	n := 0
	var hi byte
	half := false
	for n < len(p) && !h.done {
		c, err := h.r.ReadByte()
		if err != nil {
			h.done = true
			break
		}
		if isWhite(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			h.done = true
			break
		}
		if half {
			p[n] = hi<<4 | v
			n++
		} else {
			hi = v
		}
		half = !half
	}
	if half && n < len(p) {
		p[n] = hi << 4
		n++
	}
	if n == 0 && h.done {
		return 0, io.EOF
	}
	return n, nil
}

// a85Source ends ASCII85 data at "~>" (or '~'), which encoding/ascii85
// does not know.
type a85Source struct {
	r    io.ByteReader
	done bool
}

func (a *a85Source) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !a.done {
		c, err := a.r.ReadByte()
		if err != nil || c == '~' {
			a.done = true
			break
		}
		p[n] = c
		n++
	}
	if n == 0 && a.done {
		return 0, io.EOF
	}
	return n, nil
}

// rlDecoder is RunLengthDecode.
type rlDecoder struct {
	r    io.ByteReader
	run  int  // bytes of the current run left to emit
	lit  bool // literal run (else repeated b)
	b    byte
	done bool
}

func (d *rlDecoder) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if d.run == 0 {
			if d.done {
				break
			}
			c, err := d.r.ReadByte()
			if err != nil || c == 128 {
				d.done = true
				break
			}
			if c < 128 {
				d.run, d.lit = int(c)+1, true
			} else {
				b, err := d.r.ReadByte()
				if err != nil {
					d.done = true
					break
				}
				d.run, d.lit, d.b = 257-int(c), false, b
			}
		}
		if d.lit {
			c, err := d.r.ReadByte()
			if err != nil {
				d.done, d.run = true, 0
				break
			}
			p[n] = c
		} else {
			p[n] = d.b
		}
		n++
		d.run--
	}
	if n == 0 && d.done {
		return 0, io.EOF
	}
	return n, nil
}

// lzwDecoder is LZWDecode with PDF's default EarlyChange 1 (the code
// width grows one code early). Entries are kept as (prefix, last byte)
// pairs; each code is expanded into out before being handed on.
type lzwDecoder struct {
	r      io.ByteReader
	bits   uint32
	nbits  uint
	width  uint
	prefix [4096]uint16
	suffix [4096]byte
	length [4096]int
	next   int
	prev   int // previous code, -1 after a clear
	out    []byte
	done   bool
}

func newLZWDecoder(r io.ByteReader) *lzwDecoder {
	d := &lzwDecoder{r: r}
	for i := 0; i < 256; i++ {
		d.suffix[i], d.length[i] = byte(i), 1
	}
	d.reset()
	return d
}

func (d *lzwDecoder) reset() { d.next, d.width, d.prev = 258, 9, -1 }

func (d *lzwDecoder) code() (int, bool) {
	for d.nbits < d.width {
		c, err := d.r.ReadByte()
		if err != nil {
			return 0, false
		}
		d.bits = d.bits<<8 | uint32(c)
		d.nbits += 8
	}
	d.nbits -= d.width
	return int(d.bits>>d.nbits) & (1<<d.width - 1), true
}

// expand writes the string for code into d.out.
func (d *lzwDecoder) expand(code int) {
	n := d.length[code]
	d.out = d.out[:0]
	if cap(d.out) < n {
		d.out = make([]byte, n, 4096)
	}
	d.out = d.out[:n]
	for i := n - 1; i >= 0; i-- {
		d.out[i] = d.suffix[code]
		code = int(d.prefix[code])
	}
}

func (d *lzwDecoder) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.done {
			return 0, io.EOF
		}
		c, ok := d.code()
		if !ok || c == 257 {
			d.done = true
			continue
		}
		if c == 256 {
			d.reset()
			continue
		}
		var first byte
		switch {
		case c < d.next && (c < 256 || d.length[c] > 0):
			d.expand(c)
			first = d.out[0]
		case c == d.next && d.prev >= 0:
			d.expand(d.prev)
			first = d.out[0]
			d.out = append(d.out, first)
		default:
			d.done = true // damaged
			continue
		}
		if d.prev >= 0 && d.next < 4096 {
			d.prefix[d.next], d.suffix[d.next] = uint16(d.prev), first
			d.length[d.next] = d.length[d.prev] + 1
			d.next++
			if d.next+1 >= 1<<d.width && d.width < 12 {
				d.width++
			}
		}
		d.prev = c
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}
