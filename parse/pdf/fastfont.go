package pdf

import (
	"unicode/utf16"
)

// fastFont is what the fast path needs of a font: each code's advance
// width (glyph space, 1/1000 em), its Unicode text, and the ascent and
// descent that pdfium's loose character boxes are built from.
type fastFont struct {
	twoByte         bool // Type0 Identity-H: 2-byte codes; else 1-byte
	widths          map[uint32]float64
	defaultWidth    float64 // Type0 /DW
	hasDefault      bool
	uni             map[uint32]rune // ToUnicode; multi-rune targets are absent
	ascent, descent float64         // line box above and below the baseline, in em
}

// loadFont reads a font dictionary. Fonts whose text or widths need the
// embedded font program (no ToUnicode, simple fonts without /Widths),
// Type3 and vertical fonts are unsupported.
func (d *fileDoc) loadFont(v any) (*fastFont, error) {
	fd, err := d.dictOf(v)
	if err != nil {
		return nil, err
	}
	if fd == nil {
		return nil, unsupported("font is not a dictionary")
	}
	f := &fastFont{widths: map[uint32]float64{}}
	var desc pdfDict
	switch fd["Subtype"] {
	case pdfName("TrueType"), pdfName("Type1"), pdfName("MMType1"):
		first, ok1 := d.num(fd["FirstChar"])
		last, _ := d.num(fd["LastChar"])
		wv, err := d.resolve(fd["Widths"])
		if err != nil {
			return nil, err
		}
		ws, ok2 := wv.([]any)
		if !ok1 || !ok2 || first < 0 || first > 255 {
			return nil, unsupported("simple font without /FirstChar and /Widths")
		}
		// pdfium's reading (CPDF_SimpleFont): /LastChar bounds the array
		// unless it is missing, 0 or beyond it; widths are integers.
		lo, hi := int(first), int(last)
		if hi <= 0 || hi >= lo+len(ws) {
			hi = lo + len(ws) - 1
		}
		for c := lo; c <= min(hi, 255); c++ {
			x, ok := d.num(ws[c-lo])
			if !ok {
				return nil, unsupported("font /Widths entry")
			}
			f.widths[uint32(c)] = x
		}
		if desc, err = d.dictOf(fd["FontDescriptor"]); err != nil {
			return nil, err
		}
	case pdfName("Type0"):
		// Word, WPS, LibreOffice and Chromium write CJK text as Identity-H
		// Type0 fonts: 2-byte codes that are the CIDs.
		if fd["Encoding"] != pdfName("Identity-H") {
			return nil, unsupported("Type0 encoding %v", fd["Encoding"])
		}
		f.twoByte = true
		dv, err := d.resolve(fd["DescendantFonts"])
		if err != nil {
			return nil, err
		}
		arr, ok := dv.([]any)
		if !ok || len(arr) != 1 {
			return nil, unsupported("Type0 /DescendantFonts")
		}
		cid, err := d.dictOf(arr[0])
		if err != nil {
			return nil, err
		}
		if cid == nil || (cid["Subtype"] != pdfName("CIDFontType2") && cid["Subtype"] != pdfName("CIDFontType0")) {
			return nil, unsupported("CID font subtype")
		}
		f.defaultWidth, f.hasDefault = 1000, true
		if dw, ok := d.num(cid["DW"]); ok {
			f.defaultWidth = dw
		}
		if err := d.cidWidths(cid["W"], f.widths); err != nil {
			return nil, err
		}
		if desc, err = d.dictOf(cid["FontDescriptor"]); err != nil {
			return nil, err
		}
	default:
		return nil, unsupported("font subtype %v", fd["Subtype"])
	}
	if desc == nil {
		return nil, unsupported("font without a descriptor")
	}
	// pdfium's loose box runs from the font's /Descent to its /Ascent,
	// read as integers, in 1/1000 of the font size, when they lie within
	// /FontBBox; values outside it pdfium replaces by rules of its own
	// (probed: a positive descent is negated, a descent below the box is
	// clamped to it, ...), so such fonts decline. LibreOffice writes both
	// as 0, and pdfium then returns the glyph's ink box, which needs the
	// font program; the nearest thing without it is /FontBBox scaled to
	// one em (CJK ink boxes are about 0.9-1 em tall).
	bb, err := d.resolve(desc["FontBBox"])
	if err != nil {
		return nil, err
	}
	bbox, _ := bb.([]any)
	if len(bbox) != 4 {
		return nil, unsupported("font without /FontBBox")
	}
	lo, ok1 := d.num(bbox[1])
	hi, ok2 := d.num(bbox[3])
	if !ok1 || !ok2 || !(int(hi) > int(lo)) {
		return nil, unsupported("font /FontBBox")
	}
	bottom, top := float64(int(lo)), float64(int(hi))
	asc, _ := d.num(desc["Ascent"])
	des, _ := d.num(desc["Descent"])
	if a, de := float64(int(asc)), float64(int(des)); a != de {
		if !(bottom <= de && de <= 0 && 0 < a && a <= top) {
			return nil, unsupported("font /Ascent %v /Descent %v outside /FontBBox", a, de)
		}
		f.ascent, f.descent = a/1000, de/1000
	} else {
		// Only for embedded fonts: without the program pdfium's ink boxes
		// come from a substitute font, further from this estimate.
		_, ff1 := desc["FontFile"]
		_, ff2 := desc["FontFile2"]
		_, ff3 := desc["FontFile3"]
		if !ff1 && !ff2 && !ff3 {
			return nil, unsupported("font without metrics or program")
		}
		f.ascent, f.descent = top/(top-bottom), bottom/(top-bottom)
	}
	if !(f.ascent > f.descent) || f.ascent-f.descent > 100 {
		return nil, unsupported("font metrics %v..%v", f.descent, f.ascent)
	}
	tu, err := d.resolve(fd["ToUnicode"])
	if err != nil {
		return nil, err
	}
	st, ok := tu.(*pdfStream)
	if !ok {
		if !f.twoByte && d.plainWinAnsi(fd, desc) {
			// Word writes its Latin fonts (digits in Times New Roman) this
			// way; pdfium then maps codes by the encoding, which for
			// printable ASCII is ASCII. Other codes stay unmapped.
			f.uni = make(map[uint32]rune, 0x7F-0x20)
			for c := uint32(0x20); c < 0x7F; c++ {
				f.uni[c] = rune(c)
			}
			return f, nil
		}
		return nil, unsupported("font without ToUnicode")
	}
	raw, err := d.decode(st)
	if err != nil {
		return nil, err
	}
	if f.uni, err = parseToUnicode(raw, f.twoByte); err != nil {
		return nil, err
	}
	return f, nil
}

// plainWinAnsi: a non-symbolic simple font whose encoding is
// WinAnsiEncoding without /Differences.
func (d *fileDoc) plainWinAnsi(fd, desc pdfDict) bool {
	flags, _ := d.num(desc["Flags"])
	if fl := int(flags); fl&4 != 0 || fl&32 == 0 {
		return false
	}
	enc, err := d.resolve(fd["Encoding"])
	if err != nil {
		return false
	}
	if ed, ok := enc.(pdfDict); ok {
		if _, diff := ed["Differences"]; diff {
			return false
		}
		enc = ed["BaseEncoding"]
	}
	return enc == pdfName("WinAnsiEncoding")
}

// cidWidths reads a CIDFont /W array: "c [w1 w2 ...]" and "cfirst clast w".
func (d *fileDoc) cidWidths(v any, out map[uint32]float64) error {
	v, err := d.resolve(v)
	if err != nil || v == nil {
		return err
	}
	arr, ok := v.([]any)
	if !ok {
		return unsupported("CID /W is %T", v)
	}
	work := 0 // entries written: overlapping ranges must not cost unbounded time
	for i := 0; i < len(arr); {
		c0, ok := d.num(arr[i])
		if !ok || c0 < 0 || c0 > 0xFFFF || i+1 >= len(arr) {
			return unsupported("CID /W")
		}
		next, err := d.resolve(arr[i+1])
		if err != nil {
			return err
		}
		if ws, ok := next.([]any); ok {
			for k, w := range ws {
				x, ok := d.num(w)
				if !ok || int(c0)+k > 0xFFFF {
					return unsupported("CID /W")
				}
				out[uint32(int(c0)+k)] = x
			}
			i += 2
			continue
		}
		c1, ok1 := next.(float64)
		if i+2 >= len(arr) {
			return unsupported("CID /W")
		}
		w, ok2 := d.num(arr[i+2])
		if !ok1 || !ok2 || c1 < c0 || c1 > 0xFFFF {
			return unsupported("CID /W range")
		}
		if work += int(c1-c0) + 1; work > maxCMapEntries {
			return unsupported("CID /W too large")
		}
		for c := int(c0); c <= int(c1); c++ {
			out[uint32(c)] = w
		}
		i += 3
	}
	return nil
}

// maxCMapEntries bounds one ToUnicode map (a bfrange can name 65536 codes).
const maxCMapEntries = 1 << 17

// parseToUnicode reads the bfchar and bfrange sections of a ToUnicode
// CMap. Codes must be as long as the font's codes (1 or 2 bytes); a code
// mapped to more than one character (ligatures) is left out, so using it
// sends the document to pdfium.
func parseToUnicode(b []byte, twoByte bool) (map[uint32]rune, error) {
	codeLen := 1
	if twoByte {
		codeLen = 2
	}
	m := map[uint32]rune{}
	work := 0 // entries written, overrides included
	l := &lexer{b: b, strictHex: true}
	var ops []any
	mode := ""
	code := func(v any) (uint32, bool) {
		s, ok := v.(pdfString)
		if !ok || len(s) != codeLen {
			return 0, false
		}
		var c uint32
		for _, x := range s {
			c = c<<8 | uint32(x)
		}
		return c, true
	}
	put := func(c uint32, dst pdfString) {
		if r, ok := oneRune(dst); ok {
			m[c] = r
		} else {
			delete(m, c) // a later entry overrides an earlier one
		}
	}
	for {
		v, err := l.object(0, false)
		if err == errEOF {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		op, isOp := v.(pdfOp)
		if !isOp {
			ops = append(ops, v)
			if len(ops) > 3*maxCMapEntries {
				return nil, unsupported("ToUnicode too large")
			}
			continue
		}
		switch op {
		case "beginbfchar", "beginbfrange", "begincodespacerange", "begincidrange", "beginnotdefrange", "begincidchar":
			mode = string(op)
		case "endbfchar":
			if mode != "beginbfchar" || len(ops)%2 != 0 {
				return nil, unsupported("ToUnicode bfchar")
			}
			for i := 0; i < len(ops); i += 2 {
				c, ok := code(ops[i])
				dst, ok2 := ops[i+1].(pdfString)
				if !ok || !ok2 {
					return nil, unsupported("ToUnicode bfchar entry")
				}
				put(c, dst)
			}
			mode = ""
		case "endbfrange":
			if mode != "beginbfrange" || len(ops)%3 != 0 {
				return nil, unsupported("ToUnicode bfrange")
			}
			for i := 0; i < len(ops); i += 3 {
				lo, ok1 := code(ops[i])
				hi, ok2 := code(ops[i+1])
				if !ok1 || !ok2 || hi < lo || hi-lo >= maxCMapEntries {
					return nil, unsupported("ToUnicode bfrange entry")
				}
				if work += int(hi-lo) + 1; work > maxCMapEntries {
					return nil, unsupported("ToUnicode too large")
				}
				switch dst := ops[i+2].(type) {
				case pdfString:
					if len(dst) == 0 {
						return nil, unsupported("ToUnicode bfrange target")
					}
					// The last byte counts up; a range crossing a byte
					// boundary is treated the same way pdfium does not
					// agree on, so it is refused.
					base := append(pdfString(nil), dst...)
					if int(base[len(base)-1])+int(hi-lo) > 0xFF {
						return nil, unsupported("ToUnicode bfrange overflows its last byte")
					}
					for c := lo; c <= hi; c++ {
						t := append(pdfString(nil), base...)
						t[len(t)-1] += byte(c - lo)
						put(c, t)
					}
				case []any:
					for k, x := range dst {
						s, ok := x.(pdfString)
						if !ok || lo+uint32(k) > hi {
							return nil, unsupported("ToUnicode bfrange array")
						}
						put(lo+uint32(k), s)
					}
				default:
					return nil, unsupported("ToUnicode bfrange target %T", dst)
				}
			}
			mode = ""
		case "endcodespacerange", "endcidrange", "endnotdefrange", "endcidchar":
			mode = ""
		case "usecmap":
			return nil, unsupported("ToUnicode usecmap")
		}
		ops = ops[:0]
		if len(m) > maxCMapEntries {
			return nil, unsupported("ToUnicode too large")
		}
	}
}

// oneRune decodes a UTF-16BE target that is exactly one character.
func oneRune(s pdfString) (rune, bool) {
	switch len(s) {
	case 2:
		r := rune(s[0])<<8 | rune(s[1])
		if utf16.IsSurrogate(r) {
			return 0, false
		}
		return r, true
	case 4:
		r1, r2 := rune(s[0])<<8|rune(s[1]), rune(s[2])<<8|rune(s[3])
		if r := utf16.DecodeRune(r1, r2); r != 0xFFFD {
			return r, true
		}
	}
	return 0, false
}
