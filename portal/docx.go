package portal

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"time"
)

// The sample files in assets/ are one real report: 偃师区工业和信息化局's
// 2023 report. Their bytes may only be served for a listing that is that
// report; every other report's attachment is written here from its own
// body, year and generated numbers, as a real portal's files match their
// listing.
const sampleTitle = "偃师区工业和信息化局2023年政府信息公开工作年度报告"

// isSample reports whether r is listed as the sample report (spaces in the
// title ignored).
func isSample(r rep) bool {
	return strings.Join(strings.Fields(r.Title), "") == sampleTitle
}

// zipTime is every generated zip entry's timestamp: output bytes depend on
// the report only.
var zipTime = time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)

var titleYearRe = regexp.MustCompile(`((?:19|20)\d{2})\s*年`)

// bodyYearOf fills a report's body and year from its title when the
// publisher left them empty (family sites pass only the title).
func bodyYearOf(r rep) (string, int) {
	body, year := r.Body, r.Year
	t := strings.Join(strings.Fields(r.Title), "")
	m := titleYearRe.FindStringSubmatchIndex(t)
	if year == 0 && m != nil {
		fmt.Sscan(t[m[2]:m[3]], &year)
	}
	if body == "" && m != nil {
		body = t[:m[0]] // body before the year
		if body == "" {
			body = t[m[1]:] // year-first title: the body follows 年
			for _, suf := range []string{"政府信息公开工作年度报告", "政府信息公开年度报告", "政务信息公开年度报告"} {
				body = strings.TrimSuffix(body, suf)
			}
		}
	}
	return body, year
}

// genDocx writes report r as a Word document: the title, sections 一–六
// and tables 二, 三, 四 with merged cells (gridSpan, vMerge) as Word
// writes them, from the same blocks as the HTML page. Bytes are
// deterministic (fixed entry times, fixed order).
func genDocx(r rep, d *ReportData, id string, version int) []byte {
	body, year := bodyYearOf(r)
	return cached(fmt.Sprintf("gdocx|%s|%s|%d|%s|%d", r.Title, id, version, body, year), func() []byte {
		var x strings.Builder
		x.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
		x.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)
		wpara(&x, r.Title, "center", true, 44)
		a, c := reportBlocks(body, year, d, styleRich, false)
		for _, bl := range append(a, c...) {
			switch bl.kind {
			case 'h':
				wpara(&x, bl.text, "", true, 32)
			case 'p':
				wpara(&x, bl.text, "", false, 32)
			case 't':
				wtable(&x, bl.tab.grid)
				wpara(&x, "", "", false, 32) // Word keeps a paragraph between tables
			}
		}
		x.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`)

		core := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>%s</dc:title><dc:creator>%s</dc:creator><cp:keywords>%s</cp:keywords><cp:revision>%d</cp:revision></cp:coreProperties>`,
			esc(r.Title), esc(body), esc(id), version+1)
		parts := [][2]string{
			{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`},
			{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`},
			{"word/document.xml", x.String()},
			{"docProps/core.xml", core},
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, p := range parts {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: zip.Deflate, Modified: zipTime})
			if err != nil {
				panic(fmt.Sprintf("portal: docx %s: %v", p[0], err)) // in-memory writer: cannot fail
			}
			_, _ = w.Write([]byte(p[1]))
		}
		if err := zw.Close(); err != nil {
			panic(fmt.Sprintf("portal: docx close: %v", err))
		}
		return buf.Bytes()
	})
}

// wpara writes one paragraph (jc "" = left; sz in half-points).
func wpara(x *strings.Builder, text, jc string, bold bool, sz int) {
	x.WriteString("<w:p>")
	if jc != "" {
		fmt.Fprintf(x, `<w:pPr><w:jc w:val="%s"/></w:pPr>`, jc)
	}
	if text != "" {
		x.WriteString("<w:r><w:rPr>")
		if bold {
			x.WriteString("<w:b/>")
		}
		fmt.Fprintf(x, `<w:sz w:val="%d"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`, sz, esc(text))
	}
	x.WriteString("</w:p>")
}

// wtable writes a grid of HTML-style cells (colspan/rowspan) as a Word
// table: colspan becomes gridSpan; rowspan becomes a vMerge="restart" cell
// and vMerge continuation cells in the rows below, as Word stores them.
func wtable(x *strings.Builder, grid [][]cell) {
	cols := 0
	for _, c := range grid[0] {
		cols += c.colspan
	}
	type span struct{ left, width int }
	below := make([]span, cols) // rows still covered by a vertical merge from above
	x.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, e := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(x, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, e)
	}
	x.WriteString(`</w:tblBorders></w:tblPr><w:tblGrid>`)
	for i := 0; i < cols; i++ {
		fmt.Fprintf(x, `<w:gridCol w:w="%d"/>`, 8500/cols)
	}
	x.WriteString("</w:tblGrid>")
	tc := func(width int, merge, text string) {
		x.WriteString("<w:tc><w:tcPr>")
		fmt.Fprintf(x, `<w:tcW w:w="%d" w:type="dxa"/>`, width*(8500/cols))
		if width > 1 {
			fmt.Fprintf(x, `<w:gridSpan w:val="%d"/>`, width)
		}
		x.WriteString(merge)
		x.WriteString(`<w:vAlign w:val="center"/></w:tcPr>`)
		wpara(x, text, "center", false, 21)
		x.WriteString("</w:tc>")
	}
	for _, row := range grid {
		x.WriteString("<w:tr>")
		col := 0
		fill := func() { // continuation cells of merges from above at col
			for col < cols && below[col].left > 0 {
				s := below[col]
				tc(s.width, "<w:vMerge/>", "")
				for k := col; k < col+s.width; k++ {
					below[k].left--
				}
				col += s.width
			}
		}
		for _, c := range row {
			fill()
			merge := ""
			if c.rowspan > 1 {
				merge = `<w:vMerge w:val="restart"/>`
				for k := col; k < col+c.colspan && k < cols; k++ {
					below[k] = span{left: c.rowspan - 1, width: c.colspan}
				}
			}
			tc(c.colspan, merge, c.text)
			col += c.colspan
		}
		fill()
		x.WriteString("</w:tr>")
	}
	x.WriteString("</w:tbl>")
}

// blankScan is an image-only PDF: one page holding a grey "scan" with
// smudged lines and no legible text, no font, no text layer — the upload of
// a report scanned too badly for OCR. Only the sample report has a real
// scan (assets/report-scan.pdf).
func blankScan(id string, version int) []byte {
	return cached(fmt.Sprintf("scan|%s|%d", id, version), func() []byte {
		const w, h = 210, 297
		h64 := fnv.New64a()
		fmt.Fprintf(h64, "%s|%d", id, version)
		seed := h64.Sum64()
		px := make([]byte, 0, w*h)
		for y := 0; y < h; y++ {
			line := y >= 30 && y < 270 && (y/6)%2 == 0
			for xx := 0; xx < w; xx++ {
				seed = seed*6364136223846793005 + 1442695040888963407
				v := byte(235 + seed>>59) // paper noise
				if line && xx > 20 && xx < w-20 && (seed>>40)%3 != 0 {
					v = byte(150 + (seed>>50)%40) // a smudged, illegible line
				}
				px = append(px, v)
			}
		}
		var img bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&img, zlib.BestCompression)
		_, _ = zw.Write(px)
		_ = zw.Close()
		content := fmt.Sprintf("q 595 0 0 842 0 0 cm /Im0 Do Q\n%% nianbao-portal %s v%d\n", id, version)
		objs := []string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
			fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", w, h, img.Len(), img.String()),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		}
		var b bytes.Buffer
		b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
		offs := make([]int, len(objs))
		for i, o := range objs {
			offs[i] = b.Len()
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
		}
		xref := b.Len()
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
		for _, o := range offs {
			fmt.Fprintf(&b, "%010d 00000 n \n", o)
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
		return b.Bytes()
	})
}
