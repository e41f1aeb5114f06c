package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// xrefKind is how synthPDF writes the cross-reference.
type xrefKind int

const (
	xrefTable  xrefKind = iota // classic table, every object plain
	xrefStream                 // object stream + xref stream (pdfTeX, newer producers)
	xrefHybrid                 // object stream + table with /XRefStm (Word)
)

func (k xrefKind) String() string { return [...]string{"table", "stream", "hybrid"}[k] }

// synthPDF builds a PDF from numbered object bodies (index i is object
// i+1). Except with xrefTable, every non-stream object goes into one
// object stream.
func synthPDF(objs []string, kind xrefKind) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	n := len(objs)
	type loc struct{ off, stm, idx int }
	locs := make([]loc, n+3)
	if kind == xrefTable {
		for i, o := range objs {
			locs[i+1] = loc{off: b.Len()}
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
		}
		xref := b.Len()
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", n+1)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "%010d 00000 n \n", locs[i].off)
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", n+1, xref)
		return b.Bytes()
	}
	stmNum, xrefNum := n+1, n+2
	var hdr, body bytes.Buffer
	k := 0
	for i, o := range objs {
		if strings.Contains(o, "stream\n") {
			locs[i+1] = loc{off: b.Len()}
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
			continue
		}
		fmt.Fprintf(&hdr, "%d %d ", i+1, body.Len())
		body.WriteString(o + "\n")
		locs[i+1] = loc{stm: stmNum, idx: k}
		k++
	}
	data := append(hdr.Bytes(), body.Bytes()...)
	locs[stmNum] = loc{off: b.Len()}
	fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", stmNum, flateStream(fmt.Sprintf("/Type /ObjStm /N %d /First %d", k, hdr.Len()), data))
	locs[xrefNum] = loc{off: b.Len()}
	// Rows of 1+4+2 bytes, PNG "Up" predictor as Word and Acrobat write.
	var rows bytes.Buffer
	prev := make([]byte, 7)
	for i := 0; i <= xrefNum; i++ {
		row := make([]byte, 7)
		switch {
		case i == 0:
			row = []byte{0, 0, 0, 0, 0, 0xff, 0xff}
		case locs[i].stm != 0:
			row[0] = 2
			row[1], row[2], row[3], row[4] = byte(locs[i].stm>>24), byte(locs[i].stm>>16), byte(locs[i].stm>>8), byte(locs[i].stm)
			row[5], row[6] = byte(locs[i].idx>>8), byte(locs[i].idx)
		default:
			row[0] = 1
			o := locs[i].off
			row[1], row[2], row[3], row[4] = byte(o>>24), byte(o>>16), byte(o>>8), byte(o)
		}
		rows.WriteByte(2)
		for j := range row {
			rows.WriteByte(row[j] - prev[j])
		}
		prev = row
	}
	fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", xrefNum, flateStream(fmt.Sprintf(
		"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /DecodeParms << /Predictor 12 /Columns 7 >>", xrefNum+1), rows.Bytes()))
	if kind == xrefStream {
		fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", locs[xrefNum].off)
		return b.Bytes()
	}
	// Hybrid: a table for old readers, compressed objects marked free.
	table := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", xrefNum+1)
	for i := 1; i <= xrefNum; i++ {
		if locs[i].stm != 0 {
			b.WriteString("0000000000 65535 f \n")
		} else {
			fmt.Fprintf(&b, "%010d 00000 n \n", locs[i].off)
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n", xrefNum+1, locs[xrefNum].off, table)
	return b.Bytes()
}

func flateStream(dict string, data []byte) string {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(data)
	w.Close()
	return fmt.Sprintf("<< %s /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", dict, z.Len(), z.String())
}

func plainStream(data string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)
}

// synthHan are the CJK characters of the synthetic Type0 font, CID i+1.
var synthHan = []rune("政府信息公开工作年度报告总体情况主动申请处理结果行政复议诉讼存在问题改进措施其他事项说明")

// synthDoc is a two-page report-like PDF: a Type0 Identity-H font with
// ToUnicode (no embedded program, as pdfium substitutes one) and a
// simple TrueType font for digits, shown with every text operator.
func synthDoc(kind xrefKind, content1, content2 string) []byte {
	return synthPDF(synthObjs(content1, content2), kind)
}

func synthObjs(content1, content2 string) []string {
	var bf strings.Builder
	fmt.Fprintf(&bf, "%d beginbfchar\n", len(synthHan))
	for i, r := range synthHan {
		fmt.Fprintf(&bf, "<%04X> <%04X>\n", i+1, r)
	}
	bf.WriteString("endbfchar\n")
	cmap2 := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n" +
		"1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + bf.String() + "endcmap CMapName currentdict /CMap defineresource pop end end"
	cmap1 := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <00> <FF> endcodespacerange\n" +
		"1 beginbfrange <20> <7E> <0020> endbfrange\nendcmap end end"
	widths := make([]string, 0, 95)
	for c := 0x20; c <= 0x7e; c++ {
		widths = append(widths, fmt.Sprint(500+(c%7)*10))
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 5 0 R /F2 9 0 R /F3 16 0 R >> >> >>",
		"<< /Type /Page /Parent 2 0 R /Contents 12 0 R >>",
		"<< /Type /Page /Parent 2 0 R /Contents [13 0 R 14 0 R] >>",
		"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 8 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 /W [1 [1000 1000 980] 10 12 950] >>",
		"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 859 /StemV 80 >>",
		flateStream("", []byte(cmap2)),
		"<< /Type /Font /Subtype /TrueType /BaseFont /TimesNewRomanPSMT /FirstChar 32 /LastChar 126 /Widths 10 0 R /FontDescriptor 11 0 R /ToUnicode 15 0 R >>",
		"[" + strings.Join(widths, " ") + "]",
		"<< /Type /FontDescriptor /FontName /TimesNewRomanPSMT /Flags 32 /FontBBox [-568 -216 2000 891] /ItalicAngle 0 /Ascent 891 /Descent -216 /CapHeight 662 /StemV 80 >>",
		flateStream("", []byte(content1)),
		plainStream(content2[:len(content2)/2]),
		flateStream("", []byte(content2[len(content2)/2:])),
		plainStream(cmap1),
		// Word's Latin font: WinAnsiEncoding, no ToUnicode.
		"<< /Type /Font /Subtype /TrueType /BaseFont /TimesNewRomanPSMT /FirstChar 32 /LastChar 126 /Widths 10 0 R /FontDescriptor 11 0 R /Encoding /WinAnsiEncoding >>",
	}
	return objs
}

// han encodes synthHan[i...] as an Identity-H hex string.
func hanHex(idx ...int) string {
	var s strings.Builder
	s.WriteByte('<')
	for _, i := range idx {
		fmt.Fprintf(&s, "%04X", i+1)
	}
	s.WriteByte('>')
	return s.String()
}

func seq(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = (from + i) % len(synthHan)
	}
	return out
}

var synthContent1 = strings.Join([]string{
	"q 1 0 0 1 0 0 cm 0.5 w 50 700 m 545 700 l S Q",
	"BT /F1 22 Tf 1 0 0 1 100 760 Tm " + hanHex(seq(0, 12)...) + " Tj ET",
	"q 1 0 0 1 20 0 cm BT /F1 16 Tf 36 720 Td 18 TL " + hanHex(seq(12, 10)...) + " Tj T* " + hanHex(seq(22, 8)...) + " Tj",
	"0 -18 TD " + hanHex(seq(30, 6)...) + " ' 2 1 " + hanHex(seq(3, 5)...) + " \" ET Q",
	"BT /F1 12 Tf 2 0 0 2 60 560 Tm 0.5 Tc [" + hanHex(seq(5, 4)...) + " -2000 " + hanHex(seq(9, 4)...) + " 300 " + hanHex(1) + "] TJ ET",
	"BT /F2 12 Tf 60 520 Td 3 Tw (Word 2019 12,345.5) Tj 0 Tw 0 Tc ET",
	"BT /F1 12 Tf 60 500 Td " + hanHex(seq(0, 6)...) + " Tj /F2 12 Tf 200 0 Td (123) Tj 100 0 Td (45.6) Tj ET",
	"% a comment BT (not text) Tj ET",
	"BT /F3 9 Tf 40 460 Td (" + asciiLiteral() + ") Tj ET",
	"/Span << /ActualText (x) /MCID 3 >> BDC EMC",
}, "\n")

var synthContent2 = strings.Join([]string{
	"BT /F1 12 Tf 72 780 Td " + hanHex(seq(10, 20)...) + " Tj ET",
	"q 0.75 0 0 0.75 0 0 cm BT /F1 16 Tf 96 900 Td " + hanHex(seq(20, 15)...) + " Tj ET Q",
	"BT /F2 10 Tf 280 40 Td (- 2 -) Tj ET",
}, "\n")

// TestFastPathSynthetic compares the fast path with pdfium on generated
// PDFs that use every text operator, nested CTMs, scaled text matrices,
// TJ kerning, Tc/Tw, two content streams, simple fonts with and without
// ToUnicode, and the three ways of writing the cross-reference (object
// streams, an xref stream with the PNG predictor, Word's hybrid).
func TestFastPathSynthetic(t *testing.T) {
	for _, kind := range []xrefKind{xrefTable, xrefStream, xrefHybrid} {
		t.Run(kind.String(), func(t *testing.T) {
			data := synthDoc(kind, synthContent1, synthContent2)
			fast, slow := bothPages(t, data)
			for i := range fast {
				compareChars(t, i, fast[i].chars, slow[i].chars)
			}
			if d, err := extractDiff(data); err != nil {
				t.Fatal(err)
			} else if d != "" {
				t.Error(d)
			}
		})
	}
}

// compareChars matches characters by position: same runes, boxes within
// a small tolerance; pdfium widens a box to the glyph's ink where it
// sticks out of the advance, which needs the font program (up to half an
// em is allowed for that, outwards only).
func compareChars(t *testing.T, page int, fast, slow []Char) {
	t.Helper()
	key := func(cs []Char) []Char {
		out := append([]Char(nil), cs...)
		sort.SliceStable(out, func(i, j int) bool {
			if math.Abs(out[i].Bottom-out[j].Bottom) > 0.5 {
				return out[i].Bottom > out[j].Bottom
			}
			return out[i].Right < out[j].Right
		})
		return out
	}
	f, s := key(fast), key(slow)
	if len(f) != len(s) {
		t.Errorf("page %d: %d characters, pdfium %d:\nfast   %q\npdfium %q", page+1, len(f), len(s), charText(f), charText(s))
		return
	}
	bad := 0
	for i := range f {
		a, b := f[i], s[i]
		ink := 0.5 * (a.Top - a.Bottom)
		if a.R != b.R || math.Abs(a.Bottom-b.Bottom) > 0.05 || math.Abs(a.Top-b.Top) > 0.05 ||
			a.Left-b.Left < -0.05 || a.Left-b.Left > ink || b.Right-a.Right < -0.05 || b.Right-a.Right > ink {
			if bad++; bad <= 10 {
				t.Errorf("page %d char %d: fast %q [%.3f %.3f %.3f %.3f] pdfium %q [%.3f %.3f %.3f %.3f]", page+1, i,
					a.R, a.Left, a.Right, a.Bottom, a.Top, b.R, b.Left, b.Right, b.Bottom, b.Top)
			}
		}
	}
}

// asciiLiteral is every printable ASCII character, escaped for a literal
// string.
func asciiLiteral() string {
	var b strings.Builder
	for c := byte(0x20); c < 0x7F; c++ {
		if c == '(' || c == ')' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func charText(cs []Char) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteRune(c.R)
	}
	return b.String()
}

// TestFastPathDifferential damages the synthetic documents at random
// (deterministically) and, whenever the fast path still takes one,
// checks that pdfium reads the same Doc from it: the fast path must
// decline damage it would read differently (pdfium repairs files its own
// way). A longer run of this, also over the samples' uncompressed forms,
// found the declines in fastobj.go.
func TestFastPathDifferential(t *testing.T) {
	seeds := [][]byte{
		synthDoc(xrefTable, synthContent1, synthContent2),
		synthDoc(xrefStream, synthContent1, synthContent2),
		synthDoc(xrefHybrid, synthContent1, synthContent2),
	}
	rng := rand.New(rand.NewSource(7))
	mutate := func(b []byte) []byte {
		b = append([]byte(nil), b...)
		for k := 0; k < 1+rng.Intn(3); k++ {
			pos := rng.Intn(len(b))
			switch rng.Intn(3) {
			case 0:
				b[pos] = "0123456789 .-[]<>()/TjdfqQ\n"[rng.Intn(27)]
			case 1:
				b = append(b[:pos], b[min(len(b), pos+1+rng.Intn(3)):]...)
			default:
				b = append(b[:pos], append([]byte{"0123456789 []<>()/ "[rng.Intn(19)]}, b[pos:]...)...)
			}
		}
		return b
	}
	// Token-level damage keeps most strings intact, so that many damaged
	// streams still parse and the comparison has something to compare.
	mutateTokens := func(c string) string {
		toks := strings.Fields(c)
		for k := 0; k < 1+rng.Intn(3); k++ {
			i := rng.Intn(len(toks))
			switch rng.Intn(4) {
			case 0:
				toks = append(toks[:i], toks[i+1:]...)
			case 1:
				toks = append(toks[:i+1], toks[i:]...)
			case 2:
				if _, err := strconv.ParseFloat(toks[i], 64); err == nil {
					toks[i] = []string{"0", "-3", "1000", "12.5", "0.001", "-700"}[rng.Intn(6)]
				}
			default:
				if i+1 < len(toks) {
					toks[i], toks[i+1] = toks[i+1], toks[i]
				}
			}
		}
		return strings.Join(toks, " ")
	}
	n := 1500
	if testing.Short() {
		n = 150
	}
	accepted := 0
	for i := 0; i < n; i++ {
		var b []byte
		switch i % 3 {
		case 0:
			// Damage inside the content streams, in a well-formed file.
			b = synthDoc(xrefKind(i/3%3), string(mutate([]byte(synthContent1))), string(mutate([]byte(synthContent2))))
		case 1:
			b = synthDoc(xrefKind(i/3%3), mutateTokens(synthContent1), mutateTokens(synthContent2))
		default:
			b = mutate(seeds[i/2%len(seeds)])
		}
		if _, err := fastReadPages(context.Background(), b, 20); err != nil {
			if testing.Verbose() && i%3 == 1 {
				t.Logf("declined %d: %v", i, err)
			}
			continue
		}
		accepted++
		if d, _ := extractDiff(b); d != "" {
			t.Errorf("mutation %d: fast path and pdfium disagree: %s", i, d)
		}
	}
	if accepted == 0 {
		t.Fatal("the fast path declined every mutation: the test checks nothing")
	}
	t.Logf("%d of %d damaged documents taken by the fast path, all as pdfium reads them", accepted, n)
}
