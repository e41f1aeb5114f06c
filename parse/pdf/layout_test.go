package pdf

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/parse/extract"
)

// text lays out s as characters of a 10-point font starting at (x, y):
// Han characters 10 wide, others 5, a box 12 high (loose box).
func text(s string, x, y float64) []Char {
	var cs []Char
	for _, r := range s {
		w := 5.0
		if isHan(r) || isCJKPunct(r) {
			w = 10
		}
		cs = append(cs, Char{R: r, Left: x, Right: x + w, Bottom: y - 3, Top: y + 9})
		x += w
	}
	return cs
}

func join(parts ...[]Char) []Char {
	var out []Char
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func cellTexts(lines []Line) [][]string {
	var out [][]string
	for _, l := range lines {
		var row []string
		for _, c := range l.Cells {
			row = append(row, c.Text)
		}
		out = append(out, row)
	}
	return out
}

func TestBuildLines(t *testing.T) {
	tests := []struct {
		name  string
		chars []Char
		want  [][]string
	}{
		{"cells split on wide gaps",
			join(text("规章", 50, 700), text("1", 200, 700), text("0", 260, 700), text("3", 320, 700)),
			[][]string{{"规章", "1", "0", "3"}}},
		{"lines ordered top to bottom, characters by x whatever the input order",
			join(text("3", 320, 680), text("行政许可", 50, 700), text("1243", 200, 700), text("第二行", 50, 680)),
			[][]string{{"行政许可", "1243"}, {"第二行", "3"}}},
		{"small vertical jitter stays on one line",
			join(text("规章", 50, 700), text("12", 200, 702), text("7", 260, 698.5)),
			[][]string{{"规章", "12", "7"}}},
		{"number centred between two label lines is its own line",
			join(text("（二）部分公开", 50, 706), text("2", 200, 700), text("情形）", 50, 694)),
			[][]string{{"（二）部分公开"}, {"2"}, {"情形）"}}},
		{"no space between digits and Han (autospace gap)",
			join(text("2023", 50, 700), text("年", 72, 700)),
			[][]string{{"2023年"}}},
		{"space char between Latin words kept as one space",
			join(text("Word", 50, 700), text(" ", 70, 700), text("2019", 75, 700)),
			[][]string{{"Word 2019"}}},
		{"whitespace-only line dropped, NaN boxes ignored",
			join(text("   ", 50, 600), []Char{{R: 'x', Left: nan(), Right: 1, Bottom: 1, Top: 2}}),
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cellTexts(BuildLines(tt.chars))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func nan() float64 { var z float64; return z / z }

// page builds lines from rows of (text, x, y) runs.
func page(runs ...[]Char) []Line { return BuildLines(join(runs...)) }

func TestPageBlocks(t *testing.T) {
	const full = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十" // 40 Han = 400 wide
	lines := page(
		text("一、总体情况", 70, 760),
		text("（一）"+full[:3*36], 70, 740), // indented first line, reaches the margin
		text(full, 50, 725),
		text("尾句。", 50, 710),
		text("二、主动公开政府信息情况", 70, 690),
		text("信息内容", 50, 670), text("本年制发件数", 200, 670),
		text("规章", 50, 655), text("1", 220, 655), text("0", 300, 655),
		text("第二十条第（五）项", 50, 640), // short line inside the table
		text("行政许可", 50, 625), text("1243", 220, 625),
		text("3", 300, 40), // page number at the foot
	)
	got := PageBlocks(lines, 800)
	want := []extract.Block{
		{Text: "一、总体情况"},
		{Text: "（一）" + full[:3*36] + full + "尾句。"},
		{Text: "二、主动公开政府信息情况"},
		{Rows: [][]string{{"信息内容", "本年制发件数"}, {"规章", "1", "0"}, {"第二十条第（五）项"}, {"行政许可", "1243"}},
			// boxes in points from the page's top-left corner
			Pos: [][]extract.Pos{{box(50, 121, 90, 133), box(200, 121, 260, 133)}, {box(50, 136, 70, 148), box(220, 136, 225, 148), box(300, 136, 305, 148)},
				{box(50, 151, 140, 163)}, {box(50, 166, 90, 178), box(220, 166, 240, 178)}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestPageNumbersDropped(t *testing.T) {
	for _, pn := range []string{"3", "- 3 -", "第3页", "第 3 页 共 5 页", "3/5"} {
		lines := page(text(pn, 290, 790), text("正文第一行。", 50, 700), text(pn, 290, 30))
		got := PageBlocks(lines, 842)
		if len(got) != 1 || got[0].Text != "正文第一行。" {
			t.Errorf("%q: got %+v", pn, got)
		}
	}
	// A number in the middle of the page is content.
	got := PageBlocks(page(text("正文。", 50, 700), text("37", 50, 400)), 842)
	if len(got) != 2 || !got[1].IsTable() {
		t.Errorf("mid-page number: got %+v", got)
	}
}

func TestMergeAcrossPages(t *testing.T) {
	in := []extract.Block{
		{Text: "前文"},
		{Rows: [][]string{{"a", "1"}}},
		{Text: pageBreakMark},
		{Rows: [][]string{{"b", "2"}}},
		{Text: pageBreakMark},
		{Text: "后文"},
	}
	want := []extract.Block{
		{Text: "前文"},
		{Rows: [][]string{{"a", "1"}, {"b", "2"}}},
		{Text: "后文"},
	}
	if got := mergeAcrossPages(in); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
}

func TestOCRBlocks(t *testing.T) {
	in := "2023 年 ， 我 局 在 区 委 的 领 导 下\n" +
		"行 政 许 可 1243\n" +
		"| 1. 属 于 国 家 秘 密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n" +
		"3 1 0 1 5\n\f\n" +
		"五 、 存 在 的 主 要 问 题\n"
	want := []extract.Block{
		{Text: "2023 年，我局在区委的领导下"},
		{Rows: [][]string{{"行政许可", "1243"}, {"1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"}, {"3", "1", "0", "1", "5"}}},
		{Text: "五、存在的主要问题"},
	}
	if got := OCRBlocks(in); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestIsNumberCell(t *testing.T) {
	for s, want := range map[string]bool{"0": true, "1243": true, "12.5": true, "1,234": true, "３": true,
		"-2": true, "1.": false, "1.2.3": false, "": false, "1.属于": false, "2023年": false, "/": false, "—": false} {
		if got := isNumberCell(s); got != want {
			t.Errorf("isNumberCell(%q) = %v", s, got)
		}
	}
}

func FuzzLayout(f *testing.F) {
	f.Add([]byte("规章 1 0 3\n行政许可 1243"), uint8(3))
	f.Add([]byte{0, 0, 0, 0, 255, 255}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, jitter uint8) {
		// Characters from the input, positioned by their bytes: any
		// geometry, including overlaps and zero-size boxes.
		var cs []Char
		rs := []rune(string(data))
		for i, r := range rs {
			b := float64(data[i%len(data)])
			cs = append(cs, Char{R: r, Left: b * 3, Right: b*3 + float64(i%7),
				Bottom: float64(i%13) * float64(jitter), Top: float64(i%13)*float64(jitter) + b/10})
		}
		lines := BuildLines(cs)
		for _, l := range lines {
			for _, c := range l.Cells {
				if strings.TrimSpace(c.Text) == "" {
					t.Fatalf("empty cell in %+v", l)
				}
			}
		}
		_ = PageBlocks(lines, 842)
		_ = OCRBlocks(string(data))
	})
}

// box is the position of a cell on an unnamed page (PageBlocks).
func box(x0, y0, x1, y1 float32) extract.Pos {
	return extract.Pos{Kind: extract.PosPDF, Box: [4]float32{x0, y0, x1, y1}}
}
