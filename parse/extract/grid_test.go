package extract

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func tablesOf(t *testing.T, body string) []Block {
	t.Helper()
	d, err := HTML([]byte("<html><body><div class=\"TRS_Editor\">"+body+"</div></body></html>"), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []Block
	for _, b := range d.Blocks {
		if b.IsTable() {
			out = append(out, b)
		}
	}
	return out
}

func TestHTMLGridExpansion(t *testing.T) {
	T, F := true, false
	cases := []struct {
		name    string
		html    string
		rows    [][]string
		spanned [][]bool
	}{
		{
			name:    "plain",
			html:    `<table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>`,
			rows:    [][]string{{"a", "b"}, {"1", "2"}},
			spanned: [][]bool{{F, F}, {F, F}},
		},
		{
			name:    "colspan and rowspan together",
			html:    `<table><tr><td colspan="2" rowspan="2">X</td><td>c</td></tr><tr><td>d</td></tr><tr><td>e</td><td>f</td><td>g</td></tr></table>`,
			rows:    [][]string{{"X", "X", "c"}, {"X", "X", "d"}, {"e", "f", "g"}},
			spanned: [][]bool{{F, T, F}, {T, T, F}, {F, F, F}},
		},
		{
			name: "table 三 layout: note colspan3 rowspan3, group rowspans",
			html: `<table>
<tr><td colspan=3 rowspan=3>note</td><td colspan=2>申请人情况</td></tr>
<tr><td rowspan=2>自然人</td><td>法人</td></tr>
<tr><td>商业</td></tr>
<tr><td rowspan=3>三</td><td colspan=2>（一）予以公开</td><td>1</td><td>2</td></tr>
<tr><td rowspan=2>（三）不予公开</td><td>1.国家秘密</td><td>3</td><td>4</td></tr>
<tr><td>2.禁止公开</td><td>5</td><td>6</td></tr>
</table>`,
			rows: [][]string{
				{"note", "note", "note", "申请人情况", "申请人情况"},
				{"note", "note", "note", "自然人", "法人"},
				{"note", "note", "note", "自然人", "商业"},
				{"三", "（一）予以公开", "（一）予以公开", "1", "2"},
				{"三", "（三）不予公开", "1.国家秘密", "3", "4"},
				{"三", "（三）不予公开", "2.禁止公开", "5", "6"},
			},
			spanned: [][]bool{{F, T, T, F, T}, {T, T, T, F, F}, {T, T, T, T, F}, {F, F, T, F, F}, {T, F, F, F, F}, {T, T, F, F, F}},
		},
		{
			name: "inconsistent colspans (S14): header and data rows disagree",
			html: `<table><tr><td>信息内容</td><td>本年新制作</td><td colspan="2">本年新公开</td><td>总数</td></tr>
<tr><td colspan="2">规章</td><td>1</td><td>2</td><td>3</td></tr></table>`,
			rows:    [][]string{{"信息内容", "本年新制作", "本年新公开", "本年新公开", "总数"}, {"规章", "规章", "1", "2", "3"}},
			spanned: [][]bool{{F, F, F, T, F}, {F, T, F, F, F}},
		},
		{
			name:    "short rows padded with blanks, blank cells stay blank",
			html:    `<table><tr><td>a</td><td>&nbsp;</td><td>c</td></tr><tr><td>　</td></tr><tr><td></td><td><p>&nbsp;</p></td></tr></table>`,
			rows:    [][]string{{"a", "", "c"}, {"", "", ""}, {"", "", ""}},
			spanned: [][]bool{{F, F, F}, {F, F, F}, {F, F, F}},
		},
		{
			name: "Word paste: MsoNormalTable, o:p, nested spans, br in header",
			html: `<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>
<tr style='mso-yfti-irow:0'><td width=80 nowrap style='width:60pt'><p class=MsoNormal align=center><span style='font-family:仿宋_GB2312'>本年新<br/>制作<span lang=EN-US>数量</span></span><o:p></o:p></p></td>
<td><p class=MsoNormal><span style='font-family:仿宋_GB2312'><span lang=EN-US>1</span><span lang=EN-US>2</span></span><o:p>&nbsp;</o:p></p></td></tr>
<tr style='mso-yfti-irow:1;mso-yfti-lastrow:yes'><td><p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p></td><td><p class=MsoNormal>第一段</p><p class=MsoNormal>第二段</p></td></tr></table>`,
			rows:    [][]string{{"本年新 制作数量", "12"}, {"", "第一段 第二段"}},
			spanned: [][]bool{{F, F}, {F, F}},
		},
		{
			name:    "rowspan=0 reaches the last row; rowspan past the end is clipped",
			html:    `<table><tr><td rowspan="0">L</td><td>1</td></tr><tr><td>2</td></tr><tr><td rowspan="99">3</td></tr></table>`,
			rows:    [][]string{{"L", "1"}, {"L", "2"}, {"L", "3"}},
			spanned: [][]bool{{F, F}, {T, F}, {T, F}},
		},
		{
			name:    "junk span attributes fall back to 1; 2px counts as 2",
			html:    `<table><tr><td colspan="x">a</td><td colspan="-3">b</td><td colspan="2px">c</td></tr></table>`,
			rows:    [][]string{{"a", "b", "c", "c"}},
			spanned: [][]bool{{F, F, F, T}},
		},
		{
			name:    "th cells and thead/tbody/tfoot sections",
			html:    `<table><thead><tr><th>h1</th><th>h2</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody><tfoot><tr><td>f</td><td>g</td></tr></tfoot></table>`,
			rows:    [][]string{{"h1", "h2"}, {"1", "2"}, {"f", "g"}},
			spanned: [][]bool{{F, F}, {F, F}, {F, F}},
		},
		{
			name:    "hidden cell content is not text",
			html:    `<table><tr><td>a<span style="display: none">HIDDEN</span></td><td>b<script>x()</script></td></tr></table>`,
			rows:    [][]string{{"a", "b"}},
			spanned: [][]bool{{F, F}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tabs := tablesOf(t, c.html)
			if len(tabs) != 1 {
				t.Fatalf("%d tables, want 1", len(tabs))
			}
			if !reflect.DeepEqual(tabs[0].Rows, c.rows) {
				t.Errorf("rows\n got %q\nwant %q", tabs[0].Rows, c.rows)
			}
			if !reflect.DeepEqual(tabs[0].Spanned, c.spanned) {
				t.Errorf("spanned\n got %v\nwant %v", tabs[0].Spanned, c.spanned)
			}
		})
	}
}

func TestHTMLNestedAndSplitTables(t *testing.T) {
	html := `<p>before</p>
<table><tr><td><p>intro</p>
  <table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>
  <p>middle</p>
  <table><tr><td>c</td><td>d</td></tr></table>
</td></tr></table>
<table><tr><td>e</td><td>f</td></tr></table><table><tr><td>g</td><td>h</td></tr></table>
<table><tr><td>only one column</td></tr><tr><td>second line</td></tr></table>`
	d, err := HTML([]byte("<body><div id=zoom>"+html+"</div></body>"), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range d.Blocks {
		if b.IsTable() {
			var rows []string
			for _, r := range b.Rows {
				rows = append(rows, strings.Join(r, ","))
			}
			got = append(got, "T["+strings.Join(rows, ";")+"]")
		} else {
			got = append(got, b.Text)
		}
	}
	want := []string{"before", "intro", "T[a,b;1,2]", "middle", "T[c,d]", "T[e,f]", "T[g,h]", "only one column", "second line"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks\n got %q\nwant %q", got, want)
	}
}

func TestHTMLSpanBombIsBounded(t *testing.T) {
	bomb := func(rows int) []byte {
		var b strings.Builder
		b.WriteString("<body><div id=zoom><table>")
		for i := 0; i < rows; i++ {
			b.WriteString(`<tr><td colspan="100000" rowspan="65534">x</td></tr>`)
		}
		b.WriteString("</table></div></body>")
		return []byte(b.String())
	}
	// Small: colspan capped at 1000, rowspan clipped to the table's rows.
	d, err := HTML(bomb(3), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Blocks) != 1 || len(d.Blocks[0].Rows) != 3 || len(d.Blocks[0].Rows[0]) != 3*maxSpan {
		t.Fatalf("unexpected grid shape")
	}
	// Large: 50 staggered 1000-wide cells would need 1.3M cells: refused.
	if _, err := HTML(bomb(50), "", Options{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestHTMLParagraphsAndTitle(t *testing.T) {
	page := `<html><head><title>某局2023年政府信息公开工作年度报告_某市人民政府</title></head><body>
<div class="nav">首页 | 政务公开</div>
<div class="article-content"><p>　　第一段<br>第二行</p><div>第二段 <b>加粗</b>&nbsp;文字</div><h2>三、标题</h2></div>
<div class="footer">版权所有</div></body></html>`
	d, err := HTML([]byte(page), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "某局2023年政府信息公开工作年度报告" {
		t.Errorf("title %q", d.Title)
	}
	var got []string
	for _, b := range d.Blocks {
		got = append(got, b.Text)
	}
	want := []string{"第一段\n第二行", "第二段 加粗 文字", "三、标题"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestHTMLStubPageWarns(t *testing.T) {
	d, err := HTML([]byte(`<html><body><div class="nav">首页</div><div class="TRS_Editor"><p>&nbsp;</p></div></body></html>`), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Blocks) != 0 || len(d.Warnings) != 1 || d.Warnings[0].Code != "no_text" {
		t.Errorf("blocks %+v warnings %+v; want none and a no_text warning", d.Blocks, d.Warnings)
	}
}

// TestHTMLPositions: a cell's position is its table's index among all the
// page's tables in document order (a layout table, a table in a nav bar
// that is not read, nested tables all count), its <tr> and its <td> as the
// markup has them (hidden rows and cells count, spans do not expand).
func TestHTMLPositions(t *testing.T) {
	page := `<body><nav><table><tr><td>菜单</td><td>首页</td></tr></table></nav>
<div id=zoom><table><tr><td><p>说明</p>
  <table><tr><td rowspan=2>规章</td><td>1</td><td>2</td></tr>
    <tr style="display:none"><td>x</td><td>y</td></tr>
    <tr><td style="display:none">z</td><td>3</td><td>4</td></tr></table>
</td></tr></table></div></body>`
	d, err := HTML([]byte(page), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var grid *Block
	for i := range d.Blocks {
		if d.Blocks[i].IsTable() {
			grid = &d.Blocks[i]
		}
	}
	if grid == nil {
		t.Fatalf("no table in %+v", d.Blocks)
	}
	// tables: 0 in the nav, 1 the layout table, 2 the data table
	want := [][]Pos{{cellAt(2, 0, 0), cellAt(2, 0, 1), cellAt(2, 0, 2)}, {cellAt(2, 0, 0), cellAt(2, 2, 1), cellAt(2, 2, 2)}}
	if !reflect.DeepEqual(grid.Rows, [][]string{{"规章", "1", "2"}, {"规章", "3", "4"}}) {
		t.Fatalf("rows %q", grid.Rows)
	}
	if !reflect.DeepEqual(grid.Pos, want) {
		t.Errorf("positions\n got %+v\nwant %+v", grid.Pos, want)
	}
}
