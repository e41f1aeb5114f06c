package extract

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// DOC extracts paragraphs and tables from a Word 97–2003 binary document
// (.doc, and .wps files, which are the same container). It follows the FIB
// to the piece table (8-bit "compressed" and UTF-16 pieces), reads paragraph
// properties from the PAPX FKPs — including sprmPHugePapx, which stores
// them in the Data stream and which wide tables use — and rebuilds table
// rows from the cell marks (0x07), sprmPFTtp/sprmPFInnerTtp and the cell
// boundaries of sprmTDefTable, so merged cells expand the same way as in
// DOCX. Encrypted or obfuscated files yield Doc.Encrypted and ErrEncrypted.
// Text boxes, headers and footnotes are not read.
func DOC(data []byte, opts Options) (doc *Doc, err error) {
	defer protect("doc", &doc, &err)
	g := newGuard(opts)
	if err := g.checkSize(len(data)); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, oleMagic) {
		return nil, fmt.Errorf("%w: doc: not an OLE compound file", ErrFormat)
	}
	st, err := readOLE(data, g.opts.MaxUncompressed, "WordDocument", "0Table", "1Table", "Data")
	if err != nil {
		return nil, fmt.Errorf("doc: %w", err)
	}
	if st.encryptedOOXML {
		return &Doc{Container: "doc", Encrypted: true, Warnings: []Warning{{Code: "encrypted_ooxml",
			Message: "password-protected Office Open XML document (EncryptionInfo stream)"}}}, fmt.Errorf("doc: %w", ErrEncrypted)
	}
	wd := st.streams["WordDocument"]
	if wd == nil {
		return nil, fmt.Errorf("%w: doc: no WordDocument stream (not a Word file)", ErrFormat)
	}
	w, err := parseFIB(wd)
	if err != nil {
		return nil, err
	}
	if w.encrypted {
		return &Doc{Container: "doc", Encrypted: true}, fmt.Errorf("doc: %w (fEncrypted/fObfuscated)", ErrEncrypted)
	}
	w.table = st.streams[w.tableName]
	if w.table == nil {
		return nil, fmt.Errorf("%w: doc: FIB names stream %s, which is missing", ErrFormat, w.tableName)
	}
	w.data = st.streams["Data"]
	w.g = g
	if err := w.readPieces(); err != nil {
		return nil, err
	}
	if err := w.readPAPX(); err != nil {
		return nil, err
	}
	blocks, err := w.build()
	if err != nil {
		return nil, err
	}
	doc = &Doc{Container: "doc", Blocks: blocks, Warnings: w.warnings}
	return finish(doc), nil
}

type oleStreams struct {
	streams        map[string][]byte
	encryptedOOXML bool
}

// readOLE reads the named root-level streams, each bounded by the file
// size (a stream cannot be larger than the file holding it) and all
// together by budget.
func readOLE(data []byte, budget int64, names ...string) (*oleStreams, error) {
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: ole: %w", ErrFormat, err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := &oleStreams{streams: map[string][]byte{}}
	hasInfo, hasPkg := false, false
	for f, err := r.Next(); err == nil; f, err = r.Next() {
		if len(f.Path) != 0 {
			continue
		}
		switch f.Name {
		case "EncryptionInfo":
			hasInfo = true
		case "EncryptedPackage":
			hasPkg = true
		}
		if !want[f.Name] || out.streams[f.Name] != nil {
			continue
		}
		limit := min(f.Size, int64(len(data)), budget)
		if limit < 0 {
			limit = 0
		}
		b, err := io.ReadAll(io.LimitReader(f, limit))
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: ole stream %s: %w", ErrFormat, f.Name, err)
		}
		budget -= int64(len(b))
		out.streams[f.Name] = b
	}
	out.encryptedOOXML = hasInfo && hasPkg
	return out, nil
}

// oleEncrypted reports whether an OLE file is an encrypted OOXML package.
func oleEncrypted(data []byte) bool {
	st, err := readOLE(data, 0)
	return err == nil && st.encryptedOOXML
}

type piece struct {
	cpStart, cpEnd uint32
	fc             uint32 // byte offset in WordDocument of the piece's first character
	compressed     bool
	prm            uint16
}

type papRun struct {
	fcStart, fcEnd uint32
	grpprl         []byte
}

type word97 struct {
	g         *guard
	wd, table []byte
	data      []byte
	tableName string
	encrypted bool
	ccpText   uint32
	fcClx     uint32
	lcbClx    uint32
	fcPapx    uint32
	lcbPapx   uint32
	pieces    []piece
	prcs      [][]byte
	runs      []papRun
	warnings  []Warning
}

func le16(b []byte, off int) (uint16, bool) {
	if off < 0 || off+2 > len(b) {
		return 0, false
	}
	return binary.LittleEndian.Uint16(b[off:]), true
}

func le32(b []byte, off int) (uint32, bool) {
	if off < 0 || off+4 > len(b) {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b[off:]), true
}

var errFIB = fmt.Errorf("%w: doc: truncated or invalid FIB", ErrFormat)

func parseFIB(wd []byte) (*word97, error) {
	w := &word97{wd: wd}
	ident, ok := le16(wd, 0)
	if !ok || ident != 0xA5EC {
		return nil, fmt.Errorf("%w: doc: WordDocument stream has no Word 97 FIB (wIdent %#x)", ErrFormat, ident)
	}
	nFib, _ := le16(wd, 2)
	flags, ok := le16(wd, 0x0A)
	if !ok {
		return nil, errFIB
	}
	if flags&0x0100 != 0 || flags&0x8000 != 0 {
		w.encrypted = true
		return w, nil
	}
	if nFib < 0xC1 {
		return nil, fmt.Errorf("%w: doc: Word 6/95 file (nFib %d) is not supported; convert it to .doc 97 or .docx", ErrFormat, nFib)
	}
	w.tableName = "0Table"
	if flags&0x0200 != 0 {
		w.tableName = "1Table"
	}
	csw, ok := le16(wd, 32)
	if !ok {
		return nil, errFIB
	}
	pos := 34 + int(csw)*2
	cslw, ok := le16(wd, pos)
	if !ok {
		return nil, errFIB
	}
	pos += 2
	if w.ccpText, ok = le32(wd, pos+3*4); !ok || cslw < 4 {
		return nil, errFIB
	}
	pos += int(cslw) * 4
	cb, ok := le16(wd, pos)
	if !ok || cb < 34 {
		return nil, errFIB
	}
	pos += 2
	get := func(i int) (uint32, uint32, bool) {
		fc, ok1 := le32(wd, pos+i*8)
		lcb, ok2 := le32(wd, pos+i*8+4)
		return fc, lcb, ok1 && ok2
	}
	var ok1, ok2 bool
	w.fcPapx, w.lcbPapx, ok1 = get(13)
	w.fcClx, w.lcbClx, ok2 = get(33)
	if !ok1 || !ok2 {
		return nil, errFIB
	}
	return w, nil
}

func (w *word97) slice(b []byte, off, n uint32, what string) ([]byte, error) {
	end := uint64(off) + uint64(n)
	if end > uint64(len(b)) {
		return nil, fmt.Errorf("%w: doc: %s at %d+%d lies outside its %d-byte stream", ErrFormat, what, off, n, len(b))
	}
	return b[off:end], nil
}

// readPieces parses the CLX: property modifiers (Prc) and the piece table.
func (w *word97) readPieces() error {
	clx, err := w.slice(w.table, w.fcClx, w.lcbClx, "CLX")
	if err != nil {
		return err
	}
	i := 0
	for i < len(clx) && clx[i] == 0x01 {
		cb, ok := le16(clx, i+1)
		if !ok || i+3+int(int16(cb)) > len(clx) || int16(cb) < 0 {
			return fmt.Errorf("%w: doc: bad Prc in CLX", ErrFormat)
		}
		w.prcs = append(w.prcs, clx[i+3:i+3+int(cb)])
		i += 3 + int(cb)
	}
	if i >= len(clx) || clx[i] != 0x02 {
		return fmt.Errorf("%w: doc: no piece table in CLX", ErrFormat)
	}
	lcb, ok := le32(clx, i+1)
	if !ok || uint64(lcb) > uint64(len(clx)-i-5) || lcb < 4 {
		return fmt.Errorf("%w: doc: bad piece table size", ErrFormat)
	}
	plc := clx[i+5 : i+5+int(lcb)]
	n := (len(plc) - 4) / 12
	if n <= 0 {
		return fmt.Errorf("%w: doc: empty piece table", ErrFormat)
	}
	for k := 0; k < n; k++ {
		cpStart, _ := le32(plc, 4*k)
		cpEnd, _ := le32(plc, 4*(k+1))
		d := 4*(n+1) + 8*k
		fcRaw, _ := le32(plc, d+2)
		prm, _ := le16(plc, d+6)
		if cpEnd <= cpStart {
			continue
		}
		p := piece{cpStart: cpStart, cpEnd: cpEnd, fc: fcRaw & 0x3FFFFFFF, compressed: fcRaw&0x40000000 != 0, prm: prm}
		if p.compressed {
			p.fc /= 2
		}
		w.pieces = append(w.pieces, p)
	}
	sort.SliceStable(w.pieces, func(a, b int) bool { return w.pieces[a].cpStart < w.pieces[b].cpStart })
	return nil
}

// readPAPX collects paragraph-property runs from the FKP pages named by
// PlcBtePapx.
func (w *word97) readPAPX() error {
	plc, err := w.slice(w.table, w.fcPapx, w.lcbPapx, "PlcBtePapx")
	if err != nil {
		return err
	}
	if len(plc) < 4 {
		return nil
	}
	n := (len(plc) - 4) / 8
	seen := map[uint32]bool{}
	for k := 0; k < n; k++ {
		if err := w.g.tick(); err != nil {
			return err
		}
		pn, _ := le32(plc, 4*(n+1)+4*k)
		pn &= 0x3FFFFF
		if seen[pn] {
			continue
		}
		seen[pn] = true
		page, err := w.slice(w.wd, pn*512, 512, "PAPX FKP")
		if err != nil {
			w.warn("doc_papx", err.Error())
			continue
		}
		crun := int(page[511])
		if 4*(crun+1)+13*crun > 511 {
			w.warn("doc_papx", fmt.Sprintf("PAPX FKP page %d has an impossible run count %d", pn, crun))
			continue
		}
		for j := 0; j < crun; j++ {
			fcStart, _ := le32(page, 4*j)
			fcEnd, _ := le32(page, 4*(j+1))
			bOff := int(page[4*(crun+1)+13*j]) * 2
			var grp []byte
			if bOff > 0 && bOff < 511 {
				cb := int(page[bOff])
				start, size := bOff+1, 2*cb-1
				if cb == 0 && bOff+1 < 511 {
					start, size = bOff+2, 2*int(page[bOff+1])
				}
				if size >= 2 && start+size <= 511 {
					grp = page[start+2 : start+size] // skip istd
				}
			}
			w.runs = append(w.runs, papRun{fcStart: fcStart, fcEnd: fcEnd, grpprl: grp})
		}
	}
	sort.SliceStable(w.runs, func(a, b int) bool { return w.runs[a].fcStart < w.runs[b].fcStart })
	return nil
}

func (w *word97) warn(code, msg string) {
	if len(w.warnings) < 20 {
		w.warnings = append(w.warnings, Warning{Code: code, Message: msg})
	}
}

// papProps are the paragraph properties that shape tables.
type papProps struct {
	inTable, ttp, innerCell, innerTtp bool
	itap                              int
	tdef                              []byte // sprmTDefTable operand (after its size)
}

// apply reads the sprms of grpprl into p. huge allows one level of
// sprmPHugePapx indirection into the Data stream.
func (w *word97) apply(p *papProps, grpprl []byte, huge bool) {
	for i := 0; i+2 <= len(grpprl); {
		sprm := binary.LittleEndian.Uint16(grpprl[i:])
		i += 2
		var size int
		switch sprm >> 13 {
		case 0, 1:
			size = 1
		case 2, 4, 5:
			size = 2
		case 3:
			size = 4
		case 7:
			size = 3
		case 6:
			switch sprm {
			case 0xD608, 0xD606: // sprmTDefTable(10): 2-byte cb, counting itself+1
				cb, ok := le16(grpprl, i)
				if !ok {
					return
				}
				size = 2 + int(cb) - 1
			case 0xC615: // sprmPChgTabs: 255 means a longer form we do not need
				if i >= len(grpprl) || grpprl[i] == 255 {
					return
				}
				size = 1 + int(grpprl[i])
			default:
				if i >= len(grpprl) {
					return
				}
				size = 1 + int(grpprl[i])
			}
		}
		if size < 0 || i+size > len(grpprl) {
			return
		}
		op := grpprl[i : i+size]
		i += size
		switch sprm {
		case 0x2416:
			p.inTable = op[0] != 0
		case 0x2417:
			p.ttp = op[0] != 0
		case 0x244B:
			p.innerCell = op[0] != 0
		case 0x244C:
			p.innerTtp = op[0] != 0
		case 0x6649:
			p.itap = int(int32(binary.LittleEndian.Uint32(op)))
		case 0x664A: // sprmPDtap: relative change
			p.itap += int(int32(binary.LittleEndian.Uint32(op)))
		case 0xD608:
			if len(op) > 2 {
				p.tdef = op[2:]
			}
		case 0x6646: // sprmPHugePapx: the real grpprl lives in the Data stream
			if !huge {
				continue
			}
			off := binary.LittleEndian.Uint32(op)
			cb, ok := le16(w.data, int(off))
			if !ok || int(off)+2+int(cb) > len(w.data) {
				w.warn("doc_hugepapx", fmt.Sprintf("sprmPHugePapx points outside the Data stream (%d)", off))
				continue
			}
			w.apply(p, w.data[int(off)+2:int(off)+2+int(cb)], false)
		}
	}
}

// props returns the properties of the paragraph whose mark is at fc, with
// the piece's own modifier applied last.
func (w *word97) props(fc uint32, pc *piece) papProps {
	var p papProps
	i := sort.Search(len(w.runs), func(i int) bool { return w.runs[i].fcEnd > fc })
	if i < len(w.runs) && w.runs[i].fcStart <= fc {
		w.apply(&p, w.runs[i].grpprl, true)
	}
	if pc.prm&1 == 1 {
		if k := int(pc.prm >> 1); k < len(w.prcs) {
			w.apply(&p, w.prcs[k], true)
		}
	}
	if p.inTable && p.itap == 0 {
		p.itap = 1
	}
	if !p.inTable && p.itap > 0 && !p.innerCell && !p.innerTtp {
		// itap without fInTable is a stale leftover; trust fInTable.
		p.itap = 0
	}
	return p
}

// cp1252 high half used by 8-bit pieces (MS-DOC 2.4.1).
var cp1252 = map[byte]rune{0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰',
	0x8A: 'Š', 0x8B: '‹', 0x8C: 'Œ', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
	0x98: '˜', 0x99: '™', 0x9A: 'š', 0x9B: '›', 0x9C: 'œ', 0x9F: 'Ÿ'}

// docTable is a table being assembled at one nesting level.
type docTable struct {
	index   int32 // in document order (guard.nextTable)
	rows    [][]cellSrc
	row     []cellSrc
	cell    []Block
	tdefs   [][]byte // per row
	started bool
}

// build walks the main-document text and assembles Blocks.
func (w *word97) build() ([]Block, error) {
	var out []Block
	var stack []*docTable
	var para strings.Builder
	fields := 0 // depth of field codes being skipped (0x13 … 0x14)
	var fieldStack []bool

	sink := func(b Block) {
		if len(stack) == 0 {
			out = append(out, b)
			return
		}
		t := stack[len(stack)-1]
		t.cell = append(t.cell, b)
	}
	closeTop := func() error {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if len(t.cell) > 0 || len(t.row) > 0 {
			// Unterminated row (damaged file): keep what we have.
			if len(t.cell) > 0 {
				t.row = append(t.row, cellSrc{blocks: t.cell, colspan: 1, rowspan: 1})
			}
			t.rows = append(t.rows, t.row)
			t.tdefs = append(t.tdefs, nil)
		}
		ts := &tableSrc{rows: applyTDefs(t.rows, t.tdefs), index: t.index}
		var err error
		var tmp []Block
		if tmp, err = ts.emit(nil, w.g); err != nil {
			return err
		}
		for _, b := range tmp {
			sink(b)
		}
		return nil
	}
	textPara := func() string {
		s := cleanParagraph(para.String())
		para.Reset()
		return s
	}

	for pi := range w.pieces {
		pc := &w.pieces[pi]
		if pc.cpStart >= w.ccpText {
			break
		}
		end := min(pc.cpEnd, w.ccpText)
		for cp := pc.cpStart; cp < end; cp++ {
			if err := w.g.tick(); err != nil {
				return nil, err
			}
			off := cp - pc.cpStart
			var fc uint32
			var r rune
			if pc.compressed {
				fc = pc.fc + off
				if uint64(fc) >= uint64(len(w.wd)) {
					return nil, fmt.Errorf("%w: doc: text piece runs past the WordDocument stream", ErrFormat)
				}
				c := w.wd[fc]
				r = rune(c)
				if m, ok := cp1252[c]; ok {
					r = m
				}
			} else {
				fc = pc.fc + 2*off
				u, ok := le16(w.wd, int(fc))
				if !ok {
					return nil, fmt.Errorf("%w: doc: text piece runs past the WordDocument stream", ErrFormat)
				}
				r = rune(u)
				if utf16.IsSurrogate(r) && cp+1 < end {
					if u2, ok := le16(w.wd, int(fc)+2); ok {
						if d := utf16.DecodeRune(r, rune(u2)); d != '\uFFFD' {
							r = d
							cp++
						}
					}
				}
			}
			switch r {
			case 0x13: // field begin: the code up to 0x14 is not text
				fieldStack = append(fieldStack, true)
				fields++
				continue
			case 0x14:
				if n := len(fieldStack); n > 0 && fieldStack[n-1] {
					fieldStack[n-1] = false
					fields--
				}
				continue
			case 0x15:
				if n := len(fieldStack); n > 0 {
					if fieldStack[n-1] {
						fields--
					}
					fieldStack = fieldStack[:n-1]
				}
				continue
			}
			if r != 0x0D && r != 0x07 {
				if fields > 0 {
					continue
				}
				switch {
				case r == 0x0B || r == 0x0C || r == 0x0E:
					para.WriteByte('\n')
				case r == 0x09 || r == 0xA0:
					para.WriteByte(' ')
				case r == 0x1E:
					para.WriteByte('-')
				case r < 0x20 || r == 0x1F:
					// object anchors, footnote refs, optional hyphens
				default:
					para.WriteRune(r)
				}
				continue
			}
			// A paragraph, cell or row mark.
			p := w.props(fc, pc)
			depth := min(max(p.itap, 0), maxDepth) // itap comes from the file: clamp it
			for len(stack) > depth {
				if err := closeTop(); err != nil {
					return nil, err
				}
			}
			for len(stack) < depth {
				stack = append(stack, &docTable{index: w.g.nextTable()})
			}
			text := textPara()
			if depth == 0 {
				if text != "" {
					out = append(out, Block{Text: text})
				}
				continue
			}
			t := stack[depth-1]
			rowEnd := (depth == 1 && p.ttp) || (depth > 1 && p.innerTtp)
			cellEnd := !rowEnd && ((depth == 1 && r == 0x07) || (depth > 1 && p.innerCell))
			if text != "" {
				t.cell = append(t.cell, Block{Text: text})
			}
			switch {
			case rowEnd:
				if len(t.cell) > 0 { // text before a row mark: keep it as a cell
					t.row = append(t.row, cellSrc{blocks: t.cell, colspan: 1, rowspan: 1})
					t.cell = nil
				}
				t.rows = append(t.rows, t.row)
				t.tdefs = append(t.tdefs, p.tdef)
				t.row = nil
				if len(t.rows) > maxCells {
					return nil, fmt.Errorf("%w: doc: table with over %d rows", ErrTooLarge, maxCells)
				}
			case cellEnd:
				t.row = append(t.row, cellSrc{blocks: t.cell, colspan: 1, rowspan: 1})
				t.cell = nil
			}
		}
	}
	if s := textPara(); s != "" {
		if len(stack) == 0 {
			out = append(out, Block{Text: s})
		} else {
			stack[len(stack)-1].cell = append(stack[len(stack)-1].cell, Block{Text: s})
		}
	}
	for len(stack) > 0 {
		if err := closeTop(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// applyTDefs turns each row's cell boundaries (sprmTDefTable rgdxaCenter)
// into colspans over the table's common column grid, and its TC80 merge
// flags into vertical-merge continuations and horizontal merges. Rows
// without a usable definition keep one column per cell.
func applyTDefs(rows [][]cellSrc, tdefs [][]byte) [][]cellSrc {
	type def struct {
		centers []int
		vmerge  []int // 0 none, 1 continue, 3 restart
		hmerge  []int // 0 none, 1 first, 2 merged into previous
	}
	defs := make([]*def, len(rows))
	var bounds []int
	for r, td := range tdefs {
		if len(td) < 1 || r >= len(rows) {
			continue
		}
		n := int(td[0])
		if n == 0 || len(td) < 1+2*(n+1) {
			continue
		}
		d := &def{centers: make([]int, n+1), vmerge: make([]int, n), hmerge: make([]int, n)}
		okOrder := true
		for i := 0; i <= n; i++ {
			d.centers[i] = int(int16(binary.LittleEndian.Uint16(td[1+2*i:])))
			if i > 0 && d.centers[i] < d.centers[i-1] {
				okOrder = false
			}
		}
		if !okOrder {
			continue
		}
		tc := td[1+2*(n+1):]
		for i := 0; i < n && 20*(i+1) <= len(tc); i++ {
			f := binary.LittleEndian.Uint16(tc[20*i:])
			d.hmerge[i] = int(f & 0x3)
			d.vmerge[i] = int((f >> 5) & 0x3)
		}
		defs[r] = d
		bounds = append(bounds, d.centers...)
	}
	sort.Ints(bounds)
	// Boundaries within a few twips are the same column edge written with
	// rounding differences between rows.
	const tol = 15
	var cols []int
	for _, b := range bounds {
		if len(cols) == 0 || b-cols[len(cols)-1] > tol {
			cols = append(cols, b)
		}
	}
	colIndex := func(x int) int {
		i := sort.SearchInts(cols, x-tol)
		if i < len(cols) && cols[i]-x <= tol {
			return i
		}
		return -1
	}
	out := make([][]cellSrc, len(rows))
	for r, row := range rows {
		d := defs[r]
		if d == nil || len(cols) < 2 {
			out[r] = row
			continue
		}
		var nr []cellSrc
		for i, c := range row {
			if i >= len(d.centers)-1 {
				nr = append(nr, c)
				continue
			}
			left, right := colIndex(d.centers[i]), colIndex(d.centers[i+1])
			if left < 0 || right <= left {
				c.colspan = 1
			} else {
				c.colspan = right - left
			}
			if i == 0 && left > 0 {
				nr = append(nr, cellSrc{colspan: left, rowspan: 1, pad: true})
			}
			if d.hmerge[i] == 2 && len(nr) > 0 && len(c.blocks) == 0 {
				nr[len(nr)-1].colspan += c.colspan
				continue
			}
			c.vcont = d.vmerge[i] == 1
			nr = append(nr, c)
		}
		out[r] = nr
	}
	return out
}
