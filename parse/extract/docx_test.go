package extract

import (
	"archive/zip"
	"reflect"
	"testing"

	"github.com/nianbao/nianbao/internal/htmltree"
)

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml"`

func docxOf(t *testing.T, body string) []byte {
	t.Helper()
	return zipOf(t, map[string][]byte{
		"[Content_Types].xml": []byte(`<Types/>`),
		"_rels/.rels":         []byte(`<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`),
		"word/document.xml":   []byte(`<?xml version="1.0"?><w:document ` + wNS + `><w:body>` + body + `<w:sectPr/></w:body></w:document>`),
		"docProps/core.xml":   []byte(`<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>某局2023年政府信息公开工作年度报告</dc:title></cp:coreProperties>`),
	}, zip.Deflate)
}

func p(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
func tc(props, content string) string {
	return `<w:tc><w:tcPr>` + props + `</w:tcPr>` + content + `</w:tc>`
}

func TestDOCXStructures(t *testing.T) {
	T, F := true, false
	body := `<w:p><w:r><w:t>一、</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>总体</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:del><w:r><w:delText>删掉</w:delText></w:r></w:del><w:ins><w:r><w:t>情况</w:t></w:r></w:ins></w:p>` +
		`<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t><w:tab/><w:t>尾</w:t></w:r>` +
		`<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>` + p("文本框") + `</w:txbxContent></wps:txbx></w:drawing></mc:Choice>` +
		`<mc:Fallback><w:pict><v:textbox><w:txbxContent>` + p("文本框") + `</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
		`<w:sdt><w:sdtContent>` + p("内容控件") + `</w:sdtContent></w:sdt>` +
		`<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>` +
		`<w:tr>` + tc(`<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>`, p("合并")) + tc(``, p("a")) + `</w:tr>` +
		`<w:tr>` + tc(`<w:gridSpan w:val="2"/><w:vMerge/>`, `<w:p/>`) + tc(``, p("b")) + `</w:tr>` +
		`<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>` + tc(``, p("x")) + tc(``, p("&#160;")) + `</w:tr>` +
		`</w:tbl>` +
		// A layout table wrapping a data table.
		`<w:tbl><w:tr>` + tc(``, p("外层说明")+`<w:tbl><w:tr>`+tc(``, p("1"))+tc(``, p("2"))+`</w:tr></w:tbl>`) + `</w:tr></w:tbl>`
	d, err := DOCX(docxOf(t, body), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "某局2023年政府信息公开工作年度报告" {
		t.Errorf("title %q", d.Title)
	}
	want := []Block{
		{Text: "一、总体情况"},
		{Text: "第一行\n第二行 尾"},
		{Text: "文本框"},
		{Text: "内容控件"},
		{Rows: [][]string{{"合并", "合并", "a"}, {"合并", "合并", "b"}, {"", "x", ""}},
			Spanned: [][]bool{{F, T, F}, {T, T, F}, {F, F, F}},
			// merged copies point at the cell as written; gridBefore is no cell
			Pos: [][]Pos{{cellAt(0, 0, 0), cellAt(0, 0, 0), cellAt(0, 0, 1)}, {cellAt(0, 0, 0), cellAt(0, 0, 0), cellAt(0, 1, 1)},
				{{}, cellAt(0, 2, 0), cellAt(0, 2, 1)}}},
		{Text: "外层说明"},
		// the layout table around it is table 1
		{Rows: [][]string{{"1", "2"}}, Spanned: [][]bool{{F, F}}, Pos: [][]Pos{{cellAt(2, 0, 0), cellAt(2, 0, 1)}}},
	}
	if !reflect.DeepEqual(d.Blocks, want) {
		t.Errorf("blocks\n got %+v\nwant %+v", d.Blocks, want)
	}
}

func BenchmarkDOCX(b *testing.B) {
	data := readFixture(b, "../samples/report.docx")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DOCX(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDOC(b *testing.B) {
	data := readFixture(b, "../samples/report.doc")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DOC(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	// TestMain's comparison with html.Parse is not what is timed
	defer htmltree.SetCheck(htmltree.SetCheck(nil))
	data := readFixture(b, "report-trs-gbk.html")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := HTML(data, "text/html", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// cellAt is the position of a markup cell.
func cellAt(table, row, col int32) Pos {
	return Pos{Kind: PosCell, Table: table, Row: row, Col: col}
}
