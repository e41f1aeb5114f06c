package extract

import (
	"encoding/json"
	"github.com/nianbao/nianbao/charset"
	"golang.org/x/net/html"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

const fixtures = "../../testdata/extract"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

type gtRow struct {
	Table string   `json:"table"`
	Label string   `json:"label"`
	Nums  []string `json:"nums"`
}

func loadGT(t testing.TB) []gtRow {
	var gt struct {
		Rows []gtRow `json:"rows"`
	}
	if err := json.Unmarshal(readFixture(t, "../samples/report.gt.json"), &gt); err != nil {
		t.Fatal(err)
	}
	if len(gt.Rows) != 32 {
		t.Fatalf("ground truth has %d rows, want 32", len(gt.Rows))
	}
	return gt.Rows
}

var numRe = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// numericRows lists, for every table row holding numbers, the numeric
// cells as written (copies from merged cells skipped), in order.
func numericRows(d *Doc) [][]string {
	var out [][]string
	for _, b := range d.Blocks {
		for r, row := range b.Rows {
			var nums []string
			for c, cell := range row {
				if b.Spanned != nil && b.Spanned[r][c] {
					continue
				}
				if numRe.MatchString(cell) {
					nums = append(nums, cell)
				}
			}
			if len(nums) > 0 {
				out = append(out, nums)
			}
		}
	}
	return out
}

func checkRectangular(t testing.TB, d *Doc) {
	t.Helper()
	for i, b := range d.Blocks {
		if !b.IsTable() {
			continue
		}
		if len(b.Spanned) != len(b.Rows) {
			t.Fatalf("block %d: %d Spanned rows for %d rows", i, len(b.Spanned), len(b.Rows))
		}
		for r := range b.Rows {
			if len(b.Rows[r]) != len(b.Rows[0]) || len(b.Spanned[r]) != len(b.Rows[r]) {
				t.Fatalf("block %d row %d: ragged grid (%d cells, %d flags, first row %d)", i, r, len(b.Rows[r]), len(b.Spanned[r]), len(b.Rows[0]))
			}
		}
	}
}

// TestSamplesSameRows: the same report in every container yields the 32
// ground-truth table rows, numbers in order.
func TestSamplesSameRows(t *testing.T) {
	gt := loadGT(t)
	cases := []struct {
		file string
		run  func([]byte) (*Doc, error)
		kind string
	}{
		{"../samples/report.docx", func(b []byte) (*Doc, error) { return DOCX(b, Options{}) }, "docx"},
		{"../samples/report.doc", func(b []byte) (*Doc, error) { return DOC(b, Options{}) }, "doc"},
		{"../samples/report.wps", func(b []byte) (*Doc, error) { return DOC(b, Options{}) }, "doc"},
		{"report-trs-gbk.html", func(b []byte) (*Doc, error) { return HTML(b, "text/html; charset=utf-8", Options{}) }, "html"},
		{"report-nested-split.html", func(b []byte) (*Doc, error) { return HTML(b, "", Options{}) }, "html"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			d, err := c.run(readFixture(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if d.Container != c.kind {
				t.Errorf("Container = %q, want %q", d.Container, c.kind)
			}
			checkRectangular(t, d)
			got := numericRows(d)
			if len(got) != len(gt) {
				t.Fatalf("%d numeric rows, want %d: %q", len(got), len(gt), got)
			}
			for i := range gt {
				if !reflect.DeepEqual(got[i], gt[i].Nums) {
					t.Errorf("row %d (%s %s): got %q, want %q", i, gt[i].Table, gt[i].Label, got[i], gt[i].Nums)
				}
			}
			// Every ground-truth label appears as a cell of the table rows.
			var cells strings.Builder
			for _, b := range d.Blocks {
				for _, r := range b.Rows {
					for _, c := range r {
						cells.WriteString(strings.ReplaceAll(c, " ", ""))
						cells.WriteByte('\n')
					}
				}
			}
			for _, r := range gt {
				if r.Label != "" && !strings.Contains(cells.String(), r.Label+"\n") {
					t.Errorf("label %q not found as a cell", r.Label)
				}
			}
			// Headings stay paragraphs, in order, outside the tables.
			var paras []string
			for _, b := range d.Blocks {
				if !b.IsTable() {
					paras = append(paras, b.Text)
				}
			}
			want := []string{"偃师区工业和信息化局2023年政府信息公开工作年度报告", "一、总体情况", "二、主动公开政府信息情况",
				"三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"}
			k := 0
			for _, p := range paras {
				if k < len(want) && p == want[k] {
					k++
				}
			}
			if k != len(want) {
				t.Errorf("headings: found %d of %d in order; missing %q", k, len(want), want[k])
			}
		})
	}
}

// TestDOCMatchesDOCX: the Word-97 conversion of the DOCX gives identical
// grids, merge flags included.
func TestDOCMatchesDOCX(t *testing.T) {
	x, err := DOCX(readFixture(t, "../samples/report.docx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := DOC(readFixture(t, "../samples/report.doc"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var xt, dt []Block
	for _, b := range x.Blocks {
		if b.IsTable() {
			xt = append(xt, b)
		}
	}
	for _, b := range d.Blocks {
		if b.IsTable() {
			dt = append(dt, b)
		}
	}
	if len(xt) != 3 || len(dt) != 3 {
		t.Fatalf("tables: docx %d, doc %d, want 3", len(xt), len(dt))
	}
	for i := range xt {
		if !reflect.DeepEqual(xt[i].Rows, dt[i].Rows) {
			t.Errorf("table %d rows differ:\ndocx %q\ndoc  %q", i, xt[i].Rows, dt[i].Rows)
		}
		if !reflect.DeepEqual(xt[i].Spanned, dt[i].Spanned) {
			t.Errorf("table %d merge flags differ", i)
		}
	}
	if len(x.Blocks) != len(d.Blocks) {
		t.Errorf("blocks: docx %d, doc %d", len(x.Blocks), len(d.Blocks))
	}
}

func TestHTMLPageChrome(t *testing.T) {
	for _, f := range []string{"report-trs-gbk.html", "report-nested-split.html"} {
		d, err := HTML(readFixture(t, f), "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Title != "偃师区工业和信息化局2023年政府信息公开工作年度报告" {
			t.Errorf("%s: title %q", f, d.Title)
		}
		var all strings.Builder
		for _, b := range d.Blocks {
			all.WriteString(b.Text)
		}
		for _, chrome := range []string{"当前位置", "分享到微信", "相关链接", "版权所有", "首页", "发布时间", "currentPage", "line-height"} {
			if strings.Contains(all.String(), chrome) {
				t.Errorf("%s: page chrome %q leaked into the body", f, chrome)
			}
		}
		if !strings.Contains(all.String(), "2023年，我局在区委、区政府的正确领导下") {
			t.Errorf("%s: body paragraph missing", f)
		}
	}
}

// BenchmarkHTMLParseOnly is the floor under BenchmarkHTML: decoding and
// x/net/html.Parse of the same page, without any extraction.
func BenchmarkHTMLParseOnly(b *testing.B) {
	data := readFixture(b, "report-trs-gbk.html")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := html.Parse(strings.NewReader(charset.DecodeHTML(data, ""))); err != nil {
			b.Fatal(err)
		}
	}
}
