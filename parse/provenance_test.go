package parse

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/nianbao/nianbao/parse/report"
)

// TestProvenance checks, for every value of every corpus report, that the
// report says where it stands and that the original holds it there: the
// cell at that table, row and column of the HTML page or DOCX (read here
// with a plain walk of the markup, not the extractor), the line of the
// text, the box the generator drew it in on a PDF page.
func TestProvenance(t *testing.T) {
	for _, c := range loadCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			got := c.parse(t)
			vals := tableCells(got)
			prov, _ := got["provenance"].(map[string]any)
			data, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			ext := filepath.Ext(c.file)
			var cellText func(table, row, col int) (string, bool)
			switch ext {
			case ".html":
				cellText = htmlCells(t, data)
			case ".docx":
				cellText = docxCells(t, data)
			}
			lines := strings.Split(string(data), "\n")
			for path, v := range vals {
				if v == nil || strings.HasPrefix(path, "active.extra") {
					continue
				}
				key := provKey(path)
				pv, ok := prov[key].(map[string]any)
				if !ok {
					t.Errorf("%s: no provenance", key)
					continue
				}
				// a sign may be printed as 减 or 增
				num := strconv.FormatFloat(math.Abs(v.(float64)), 'f', -1, 64)
				switch ext {
				case ".html", ".docx":
					s, ok := cellText(intOf(pv["table"]), intOf(pv["row"]), intOf(pv["col"]))
					if !ok || !holds(s, num) {
						t.Errorf("%s = %s: table %v row %v col %v holds %q", key, num, pv["table"], pv["row"], pv["col"], s)
					}
				case ".txt":
					l := intOf(pv["line"])
					if l < 1 || l > len(lines) || !holds(lines[l-1], num) {
						t.Errorf("%s = %s: line %d is not where it stands", key, num, l)
					}
				case ".pdf":
					page := intOf(pv["page"])
					box, _ := pv["box"].([]any)
					if page < 1 || len(box) != 4 {
						t.Errorf("%s: provenance %v is no page and box", key, pv)
						continue
					}
					drawn, _ := c.exp["provenance"].(map[string]any)
					if drawn == nil {
						// a sample made elsewhere: the box is on the page
						b := [4]float64{}
						for i := range b {
							b[i], _ = box[i].(float64)
						}
						if b[0] < 0 || b[1] < 0 || b[0] >= b[2] || b[1] >= b[3] || b[2] > 842 || b[3] > 842 {
							t.Errorf("%s: box %v is not on an A4 page", key, b)
						}
						continue
					}
					if want, ok := drawn[key].(map[string]any); !ok {
						t.Errorf("%s: the generator drew no such value", key)
					} else if !sameBox(pv, want) {
						t.Errorf("%s = %s: page %v box %v, drawn on page %v in %v", key, num, pv["page"], box, want["page"], want["box"])
					}
				default:
					if len(pv) == 0 {
						t.Errorf("%s: empty provenance", key)
					}
				}
			}
			// a value left null has no provenance
			for key := range prov {
				if vals[cellPath(key)] == nil {
					t.Errorf("%s: provenance for a value the report does not hold", key)
				}
			}
		})
	}
}

// provKey turns a cell path of tableCells ("requests.granted.6",
// "active.licensing.decisions") into a provenance key.
func provKey(path string) string {
	if strings.HasPrefix(path, "requests.") {
		i := strings.LastIndex(path, ".")
		return path[:i] + "[" + path[i+1:] + "]"
	}
	return path
}

// cellPath is provKey's inverse.
func cellPath(key string) string {
	if i := strings.Index(key, "["); i > 0 {
		return key[:i] + "." + strings.TrimSuffix(key[i+1:], "]")
	}
	return key
}

func intOf(v any) int {
	f, ok := v.(float64)
	if !ok {
		return -1
	}
	return int(f)
}

// holds: s prints the number num as one of its numbers, or inside a run
// of digits (cells that ran together).
func holds(s, num string) bool {
	for _, f := range strings.Fields(digitsOnly(s)) {
		if strings.Contains(f, num) {
			return true
		}
	}
	return false
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	return " " + strings.Join(strings.Fields(b.String()), " ") + " "
}

func sameBox(got, want map[string]any) bool {
	if intOf(got["page"]) != intOf(want["page"]) {
		return false
	}
	g, w := got["box"].([]any), want["box"].([]any)
	for i := range 4 {
		if math.Abs(g[i].(float64)-w[i].(float64)) > 0.05 {
			return false
		}
	}
	return true
}

// htmlCells reads a page's tables in document order, their <tr> rows and
// <td>/<th> cells as the markup has them.
func htmlCells(t *testing.T, data []byte) func(table, row, col int) (string, bool) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var tables []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Table {
			tables = append(tables, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	rowsOf := func(tb *html.Node) []*html.Node {
		var rows []*html.Node
		for c := tb.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Tr:
				rows = append(rows, c)
			case atom.Tbody, atom.Thead, atom.Tfoot:
				for r := c.FirstChild; r != nil; r = r.NextSibling {
					if r.DataAtom == atom.Tr {
						rows = append(rows, r)
					}
				}
			}
		}
		return rows
	}
	var text func(n *html.Node, b *strings.Builder)
	text = func(n *html.Node, b *strings.Builder) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			text(c, b)
		}
	}
	return func(table, row, col int) (string, bool) {
		if table < 0 || table >= len(tables) {
			return "", false
		}
		rows := rowsOf(tables[table])
		if row < 0 || row >= len(rows) {
			return "", false
		}
		k := 0
		for c := rows[row].FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom != atom.Td && c.DataAtom != atom.Th {
				continue
			}
			if k == col {
				var b strings.Builder
				text(c, &b)
				return b.String(), true
			}
			k++
		}
		return "", false
	}
}

// docxCells reads word/document.xml's tables (w:tbl, nested ones too) in
// document order, their w:tr rows and w:tc cells.
func docxCells(t *testing.T, data []byte) func(table, row, col int) (string, bool) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	cells := map[string]string{}
	type tbl struct{ index, row, col int }
	var stack []*tbl
	n := 0
	var cur *strings.Builder
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "tbl":
				stack = append(stack, &tbl{index: n, row: -1})
				n++
			case "tr":
				if len(stack) > 0 {
					top := stack[len(stack)-1]
					top.row++
					top.col = -1
				}
			case "tc":
				if len(stack) > 0 {
					stack[len(stack)-1].col++
					cur = &strings.Builder{}
				}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(e)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "tbl":
				stack = stack[:len(stack)-1]
			case "tc":
				if len(stack) > 0 && cur != nil {
					top := stack[len(stack)-1]
					cells[fmt.Sprint(top.index, top.row, top.col)] = cur.String()
					cur = nil
				}
			}
		}
	}
	return func(table, row, col int) (string, bool) {
		s, ok := cells[fmt.Sprint(table, row, col)]
		return s, ok
	}
}

// TestProvenanceSameInDOC: the DOC and WPS samples were converted from the
// DOCX sample with its tables unchanged, so every value stands at the same
// table, row and cell in all three (the DOCX ones are checked against the
// markup by TestProvenance).
func TestProvenanceSameInDOC(t *testing.T) {
	prov := func(f string) string {
		r := parseFile(t, filepath.Join(corpusDir, f), report.Meta{})
		if len(r.Provenance) == 0 {
			t.Fatalf("%s: no provenance", f)
		}
		b, err := json.Marshal(r.Provenance)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := prov("sample-docx.docx")
	for _, f := range []string{"sample-doc.doc", "sample-wps.wps"} {
		if got := prov(f); got != want {
			t.Errorf("%s: provenance\n got %s\nwant %s", f, got, want)
		}
	}
}
