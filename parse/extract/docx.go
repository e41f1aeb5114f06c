package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Zip-bomb bounds besides Options.MaxUncompressed.
const (
	maxZipEntries = 10000
	// maxZipRatio bounds uncompressed/compressed size for entries over
	// ratioFloor bytes. Deflate cannot exceed ~1030:1; WordprocessingML
	// compresses 5–40:1, so 200:1 leaves room for repetitive tables.
	maxZipRatio = 200
	ratioFloor  = 1 << 20
)

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// DOCX extracts paragraphs and tables from an Office Open XML document.
// Merged cells (gridSpan, vMerge) are expanded; text boxes follow the
// paragraph that anchors them; a table that only wraps other tables is
// treated as layout. An encrypted OOXML file (an OLE container with
// EncryptionInfo) yields Doc.Encrypted and ErrEncrypted.
func DOCX(data []byte, opts Options) (doc *Doc, err error) {
	defer protect("docx", &doc, &err)
	g := newGuard(opts)
	if err := g.checkSize(len(data)); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, oleMagic) {
		if oleEncrypted(data) {
			return &Doc{Container: "docx", Encrypted: true}, fmt.Errorf("docx: %w (OLE EncryptionInfo)", ErrEncrypted)
		}
		return nil, fmt.Errorf("%w: docx: OLE container, not OOXML (a .doc?)", ErrFormat)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: docx: %w", ErrFormat, err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("%w: docx: %d zip entries > %d", ErrTooLarge, len(zr.File), maxZipEntries)
	}
	zb := &zipBudget{left: g.opts.MaxUncompressed}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	main := "word/document.xml"
	if f := files["_rels/.rels"]; f != nil {
		if b, err := zb.read(f); err == nil {
			if t := officeDocumentTarget(b); t != "" && files[t] != nil {
				main = t
			}
		} else if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
	}
	mf := files[main]
	if mf == nil {
		return nil, fmt.Errorf("%w: docx: no %s in the zip (not a Word document)", ErrFormat, main)
	}
	body, err := zb.read(mf)
	if err != nil {
		return nil, fmt.Errorf("docx: %s: %w", main, err)
	}
	doc = &Doc{Container: "docx"}
	if f := files["docProps/core.xml"]; f != nil {
		if b, err := zb.read(f); err == nil {
			doc.Title = coreTitle(b)
		}
	}
	x := &docxReader{dec: xml.NewDecoder(bytes.NewReader(body)), g: g}
	blocks, err := x.document()
	if err != nil {
		return nil, err
	}
	doc.Blocks = blocks
	return finish(doc), nil
}

// zipBudget enforces the uncompressed-size and ratio bounds over all
// entries read from one archive; declared sizes are checked first and the
// actual bytes again, since headers can lie.
type zipBudget struct{ left int64 }

func (z *zipBudget) read(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > uint64(z.left) {
		return nil, fmt.Errorf("%w: zip entry %s declares %d bytes, budget %d", ErrTooLarge, f.Name, f.UncompressedSize64, z.left)
	}
	if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > uint64(maxZipRatio)*max(f.CompressedSize64, 1) {
		return nil, fmt.Errorf("%w: zip entry %s compression ratio over %d:1", ErrTooLarge, f.Name, maxZipRatio)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: zip entry %s: %w", ErrFormat, f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, z.left+1))
	if err != nil {
		return nil, fmt.Errorf("%w: zip entry %s: %w", ErrFormat, f.Name, err)
	}
	if int64(len(b)) > z.left {
		return nil, fmt.Errorf("%w: zip entry %s inflates past the %d-byte budget", ErrTooLarge, f.Name, z.left)
	}
	if len(b) > ratioFloor && uint64(len(b)) > uint64(maxZipRatio)*max(f.CompressedSize64, 1) {
		return nil, fmt.Errorf("%w: zip entry %s compression ratio over %d:1", ErrTooLarge, f.Name, maxZipRatio)
	}
	z.left -= int64(len(b))
	return b, nil
}

func officeDocumentTarget(rels []byte) string {
	var r struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(rels, &r) != nil {
		return ""
	}
	for _, x := range r.Rel {
		if strings.HasSuffix(x.Type, "/officeDocument") {
			return strings.TrimPrefix(path.Clean("/"+x.Target), "/")
		}
	}
	return ""
}

func coreTitle(b []byte) string {
	var c struct {
		Title string `xml:"title"`
	}
	if xml.Unmarshal(b, &c) != nil {
		return ""
	}
	return strings.Join(strings.Fields(c.Title), " ")
}

type docxReader struct {
	dec   *xml.Decoder
	g     *guard
	depth int // table / text-box nesting
}

func (x *docxReader) token() (xml.Token, error) {
	if err := x.g.tick(); err != nil {
		return nil, err
	}
	// RawToken: no namespace translation (a third of the decoding time);
	// elements are matched by local name and nesting is counted by us.
	t, err := x.dec.RawToken()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: docx: unexpected end of document.xml", ErrFormat)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: docx: document.xml: %w", ErrFormat, err)
	}
	return t, nil
}

// skip consumes the rest of the element whose start was just read.
func (x *docxReader) skip() error {
	depth := 0
	for {
		t, err := x.token()
		if err != nil {
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

// document reads up to w:body and returns its blocks.
func (x *docxReader) document() ([]Block, error) {
	for {
		t, err := x.dec.RawToken()
		if err == io.EOF {
			return nil, fmt.Errorf("%w: docx: no w:body in document.xml", ErrFormat)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: docx: document.xml: %w", ErrFormat, err)
		}
		if err := x.g.tick(); err != nil {
			return nil, err
		}
		if se, ok := t.(xml.StartElement); ok && se.Name.Local == "body" {
			return x.blocks(nil)
		}
	}
}

// skipped subtrees: deleted or moved-away text, settings, the fallback
// copy of mc:AlternateContent (its Choice already holds the same text).
func skipSubtree(local string) bool {
	switch local {
	case "del", "moveFrom", "Fallback", "sectPr", "instrText", "delText", "rPr", "pPr",
		"footnoteReference", "endnoteReference", "commentReference", "bookmarkStart", "bookmarkEnd", "drawingSettings":
		return true
	}
	return false
}

// blocks reads paragraphs and tables until the end of the current element.
// hook, when set, sees every direct or transparent child first.
func (x *docxReader) blocks(hook func(xml.StartElement) (bool, error)) ([]Block, error) {
	var out []Block
	depth := 0
	for {
		t, err := x.token()
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.EndElement:
			if depth == 0 {
				return out, nil
			}
			depth--
		case xml.StartElement:
			if hook != nil {
				handled, err := hook(t)
				if err != nil {
					return nil, err
				}
				if handled {
					continue
				}
			}
			switch local := t.Name.Local; {
			case local == "p":
				text, extra, err := x.paragraph()
				if err != nil {
					return nil, err
				}
				if text != "" {
					out = append(out, Block{Text: text})
				}
				out = append(out, extra...)
			case local == "tbl":
				ts, err := x.table()
				if err != nil {
					return nil, err
				}
				if out, err = ts.emit(out, x.g); err != nil {
					return nil, err
				}
			case skipSubtree(local) || local == "tblPr" || local == "tblGrid":
				if err := x.skip(); err != nil {
					return nil, err
				}
			default: // sdt, sdtContent, customXml, ins, smartTag…: look inside
				depth++
			}
		}
	}
}

// paragraph returns the paragraph's text (line breaks as "\n") and the
// blocks of any text boxes anchored in it.
func (x *docxReader) paragraph() (string, []Block, error) {
	var b strings.Builder
	var extra []Block
	inText := false
	depth := 0
	for {
		t, err := x.token()
		if err != nil {
			return "", nil, err
		}
		switch t := t.(type) {
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		case xml.EndElement:
			if depth == 0 {
				return cleanParagraph(b.String()), extra, nil
			}
			depth--
			if t.Name.Local == "t" {
				inText = false
			}
		case xml.StartElement:
			switch local := t.Name.Local; {
			case local == "t":
				inText = true
				depth++
			case local == "tab" || local == "ptab":
				b.WriteByte(' ')
				depth++
			case local == "br" || local == "cr":
				b.WriteByte('\n')
				depth++
			case local == "noBreakHyphen":
				b.WriteByte('-')
				depth++
			case local == "txbxContent":
				if x.depth >= maxDepth {
					if err := x.skip(); err != nil {
						return "", nil, err
					}
					continue
				}
				x.depth++
				bs, err := x.blocks(nil)
				x.depth--
				if err != nil {
					return "", nil, err
				}
				extra = append(extra, bs...)
			case skipSubtree(local):
				if err := x.skip(); err != nil {
					return "", nil, err
				}
			default:
				depth++
			}
		}
	}
}

// cleanParagraph collapses whitespace within lines and drops empty lines.
func cleanParagraph(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.FieldsFunc(l, isSpaceRune), " "); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

func isSpaceRune(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u3000':
		return true
	}
	return false
}

func wval(se xml.StartElement) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == "val" {
			return a.Value, true
		}
	}
	return "", false
}

func wint(se xml.StartElement, def int) int {
	v, ok := wval(se)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return def
	}
	return min(n, maxSpan)
}

func (x *docxReader) table() (*tableSrc, error) {
	index := x.g.nextTable()
	if x.depth >= maxDepth {
		return &tableSrc{}, x.skip()
	}
	x.depth++
	defer func() { x.depth-- }()
	t := &tableSrc{index: index}
	depth := 0
	for {
		tok, err := x.token()
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.EndElement:
			if depth == 0 {
				return t, nil
			}
			depth--
		case xml.StartElement:
			switch tok.Name.Local {
			case "tr":
				row, err := x.row()
				if err != nil {
					return nil, err
				}
				t.rows = append(t.rows, row)
			case "tblPr", "tblGrid", "tblPrEx", "bookmarkStart", "bookmarkEnd":
				if err := x.skip(); err != nil {
					return nil, err
				}
			default:
				depth++
			}
		}
	}
}

func (x *docxReader) row() ([]cellSrc, error) {
	var row []cellSrc
	depth := 0
	for {
		tok, err := x.token()
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.EndElement:
			if depth == 0 {
				return row, nil
			}
			depth--
		case xml.StartElement:
			switch tok.Name.Local {
			case "tc":
				c, err := x.cell()
				if err != nil {
					return nil, err
				}
				row = append(row, c)
			case "trPr":
				before, err := x.trPr()
				if err != nil {
					return nil, err
				}
				if before > 0 {
					// Grid columns skipped before the first cell.
					row = append(row, cellSrc{colspan: before, rowspan: 1, pad: true})
				}
			case "tblPrEx":
				if err := x.skip(); err != nil {
					return nil, err
				}
			default:
				depth++
			}
		}
	}
}

func (x *docxReader) trPr() (int, error) {
	before := 0
	depth := 0
	for {
		tok, err := x.token()
		if err != nil {
			return 0, err
		}
		switch tok := tok.(type) {
		case xml.EndElement:
			if depth == 0 {
				return before, nil
			}
			depth--
		case xml.StartElement:
			if tok.Name.Local == "gridBefore" {
				before = wint(tok, 0)
			}
			depth++
		}
	}
}

func (x *docxReader) cell() (cellSrc, error) {
	c := cellSrc{colspan: 1, rowspan: 1}
	blocks, err := x.blocks(func(se xml.StartElement) (bool, error) {
		if se.Name.Local != "tcPr" {
			return false, nil
		}
		depth := 0
		for {
			tok, err := x.token()
			if err != nil {
				return true, err
			}
			switch tok := tok.(type) {
			case xml.EndElement:
				if depth == 0 {
					return true, nil
				}
				depth--
			case xml.StartElement:
				switch tok.Name.Local {
				case "gridSpan":
					c.colspan = max(wint(tok, 1), 1)
				case "vMerge":
					if v, _ := wval(tok); v != "restart" {
						c.vcont = true
					}
				}
				depth++
			}
		}
	})
	if err != nil {
		return c, err
	}
	c.blocks = blocks
	return c, nil
}
