package portal

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"html"
	"io"
	"strconv"
	"strings"
	"testing"
)

// docxXML returns a DOCX's word/document.xml and checks every entry has
// the fixed timestamp when fixed is set.
func docxXML(t *testing.T, b []byte, fixed bool) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var doc string
	for _, f := range zr.File {
		if fixed && !f.Modified.Equal(zipTime) {
			t.Errorf("%s: time %v, want %v", f.Name, f.Modified, zipTime)
		}
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			x, _ := io.ReadAll(rc)
			rc.Close()
			doc = string(x)
		}
	}
	if doc == "" {
		t.Fatal("no word/document.xml")
	}
	return doc
}

// wordTable is a table read back from document.xml: per row, the grid
// width each cell covers and its vMerge state ("", "restart", "continue").
type wordTable struct {
	cols int
	rows [][]wordCell
}

type wordCell struct {
	span  int
	merge string
	text  string
}

func readTables(t *testing.T, doc string) (paras []string, tables []wordTable) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	var tab *wordTable
	var c *wordCell
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			val := ""
			for _, a := range e.Attr {
				if a.Name.Local == "val" {
					val = a.Value
				}
			}
			switch e.Name.Local {
			case "tbl":
				tab = &wordTable{}
			case "gridCol":
				tab.cols++
			case "tr":
				tab.rows = append(tab.rows, nil)
			case "tc":
				c = &wordCell{span: 1}
			case "gridSpan":
				n, err := strconv.Atoi(val)
				if err != nil {
					t.Fatalf("gridSpan %q", val)
				}
				c.span = n
			case "vMerge":
				c.merge = "continue"
				if val == "restart" {
					c.merge = "restart"
				}
			case "p":
				text.Reset()
			}
		case xml.CharData:
			text.Write(e)
		case xml.EndElement:
			switch e.Name.Local {
			case "tc":
				c.text = text.String()
				tab.rows[len(tab.rows)-1] = append(tab.rows[len(tab.rows)-1], *c)
				c = nil
			case "tbl":
				tables = append(tables, *tab)
				tab = nil
			case "p":
				if tab == nil && text.Len() > 0 {
					paras = append(paras, text.String())
				}
			}
		}
	}
	return paras, tables
}

// A generated DOCX says what its listing says: the title, the body and
// year in the prose, sections 一–六 and the three tables with the report's
// numbers, every row covering the whole grid (gridSpan + vMerge as Word).
func TestGeneratedDocx(t *testing.T) {
	for _, format := range []string{"2021", "2019"} {
		t.Run(format, func(t *testing.T) {
			r := rep{ID: "docx-test-" + format, Title: "某县某局2022年政府信息公开工作年度报告"}
			d := genData(r.ID, 0, format)
			b := genDocx(r, d, r.ID, 0)
			paras, tables := readTables(t, docxXML(t, b, true))
			if len(paras) == 0 || paras[0] != r.Title {
				t.Fatalf("first paragraph %q, want the title", paras)
			}
			joined := strings.Join(paras, "\n")
			for _, s := range []string{"2022年，某县某局", "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"} {
				if !strings.Contains(joined, s) {
					t.Errorf("no %q in the text", s)
				}
			}
			if len(tables) != 3 {
				t.Fatalf("%d tables, want 3", len(tables))
			}
			wantCols := []int{4, 10, 15}
			for i, tb := range tables {
				if tb.cols != wantCols[i] {
					t.Errorf("table %d: %d grid columns, want %d", i, tb.cols, wantCols[i])
				}
				restarts := 0
				for j, row := range tb.rows {
					w := 0
					for _, c := range row {
						w += c.span
						if c.merge == "restart" {
							restarts++
						}
					}
					if w != tb.cols {
						t.Errorf("table %d row %d covers %d of %d columns", i, j, w, tb.cols)
					}
				}
				if i > 0 && restarts == 0 {
					t.Errorf("table %d: no vertical merge", i)
				}
			}
			// Table 三's 总计 row holds the generated totals.
			var total []string
			for _, row := range tables[1].rows {
				for k, c := range row {
					if c.text == reqLabels["total"] {
						for _, v := range row[k+1:] {
							total = append(total, v.text)
						}
					}
				}
			}
			var want []string
			for _, v := range d.Requests["total"] {
				want = append(want, num(float64(v)))
			}
			if strings.Join(total, ",") != strings.Join(want, ",") {
				t.Errorf("总计 row %v, want %v", total, want)
			}
		})
	}
}

// The sample files (one real report: 工信局 2023) are served only for that
// listing; every other report's DOCX names the report's own title, and no
// body/year is served by most reports.
func TestAttachmentsMatchListing(t *testing.T) {
	p := sharedPortal(t)
	samples := map[string][]byte{}
	for _, n := range []string{"report-lo-wqy.pdf", "report-lo-notocjk.pdf", "report-chromium-cid.pdf", "report-scan.pdf", "report.doc"} {
		samples[n] = asset(n)
	}
	kinds := map[string]int{}
	for _, site := range Names() {
		for _, e := range p.Expected(site) {
			for _, a := range e.Attachments {
				f := get(t, p, a.URL, "Referer", e.DetailURL)
				if f.status != 200 {
					t.Errorf("%s: %s: status %d", e.ID, a.URL, f.status)
					continue
				}
				for n, s := range samples {
					if bytes.HasPrefix(f.body, s) {
						kinds[n]++
						if strings.Join(strings.Fields(e.Title), "") != sampleTitle {
							t.Errorf("%s (%s): serves sample %s", e.ID, e.Title, n)
						}
					}
				}
				if a.MediaType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
					kinds["docx"]++
					title := strings.Join(strings.Fields(e.Title), "")
					if doc := docxXML(t, f.body, false); !strings.Contains(strings.Join(strings.Fields(html.UnescapeString(doc)), ""), ">"+title+"<") {
						t.Errorf("%s: DOCX %s does not carry the title %q", e.ID, a.URL, e.Title)
					}
				}
				if a.Scan {
					kinds["scan"]++
				}
			}
		}
	}
	// Every container is still served somewhere.
	for _, k := range []string{"report-scan.pdf", "report.doc", "docx", "scan"} {
		if kinds[k] == 0 {
			t.Errorf("no attachment served as %s", k)
		}
	}
	if kinds["report-lo-wqy.pdf"]+kinds["report-lo-notocjk.pdf"]+kinds["report-chromium-cid.pdf"] == 0 {
		t.Error("no text PDF served")
	}
	t.Logf("containers: %v", kinds)
}
