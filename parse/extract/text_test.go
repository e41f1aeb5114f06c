package extract

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestTextSeed(t *testing.T) {
	d, err := Text(readFixture(t, "../seed/000_7cb87bf4f3082eb5.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Container != "text" {
		t.Errorf("container %q", d.Container)
	}
	var texts []string
	for _, b := range d.Blocks {
		if b.IsTable() {
			t.Fatalf("seed has no bar-separated rows, got a table %q", b.Rows)
		}
		texts = append(texts, b.Text)
	}
	for _, want := range []string{
		"一、本年新收政府信息公开申请数量 0 1 0 0 0 0 1",
		"（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）",
		"0 0 0 0 0 0\n0",
		"行政规范性文件 0 0 0",
	} {
		found := false
		for _, s := range texts {
			if s == want {
				found = true
			}
		}
		if !found {
			t.Errorf("block %q not found", want)
		}
	}
}

func TestTextPipeTables(t *testing.T) {
	in := "二、主动公开政府信息情况\n" +
		"第二十条第(一)项 | ||| 信息内容 |\n" +
		"规章 | 1 | 0 | 3 |\n" +
		"｜行政规范性文件｜5｜2｜27｜\n" +
		"\n" +
		"| 信息内容 | 本年处理决定数量 |\n" +
		"|---|:---:|\n" +
		"| 行政许可 | 1243 |\n" +
		"正文里有一个 | 竖线\n" +
		"a|b\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []struct {
		name string
		data []byte
	}{{"utf-8", []byte(in)}, {"gb18030", []byte(gbk)}, {"utf-8 BOM crlf", []byte("\ufeff" + strings.ReplaceAll(in, "\n", "\r\n"))}} {
		t.Run(enc.name, func(t *testing.T) {
			d, err := Text(enc.data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// positions: each row's line (the rule line 7 is no row)
			want := []Block{
				{Text: "二、主动公开政府信息情况", Line: 1},
				{Rows: [][]string{{"第二十条第(一)项", "", "", "", "信息内容"}, {"规章", "1", "0", "3"}, {"行政规范性文件", "5", "2", "27"}},
					Pos: [][]Pos{linesAt(2, 2, 2, 2, 2), linesAt(3, 3, 3, 3), linesAt(4, 4, 4, 4)}},
				{Rows: [][]string{{"信息内容", "本年处理决定数量"}, {"行政许可", "1243"}}, Pos: [][]Pos{linesAt(6, 6), linesAt(8, 8)}},
				{Text: "正文里有一个 | 竖线\na|b", Line: 9},
			}
			if !reflect.DeepEqual(d.Blocks, want) {
				t.Errorf("blocks\n got %+v\nwant %+v", d.Blocks, want)
			}
		})
	}
}

func BenchmarkText(b *testing.B) {
	data := readFixture(b, "../seed/000_7cb87bf4f3082eb5.txt")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Text(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// A table printed one cell per line with bar lines between cells is one
// row of its cells; two bars in a row hold a blank cell; the line before
// the first bar is the first cell; a line after a cell without a bar
// between ends the table.
func TestTextCellPerLine(t *testing.T) {
	in := "二、主动公开政府信息情况\n" +
		"规章\n|\n0\n|\n|\n3\n|\n行政许可\n| |\n\n|\n1243\n" +
		"下一段正文。\n"
	d, err := Text([]byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// each cell at its own line, a blank cell at the bar line that holds it
	want := []Block{
		{Text: "二、主动公开政府信息情况", Line: 1},
		{Rows: [][]string{{"规章", "0", "", "3", "行政许可", "", "", "1243"}}, Pos: [][]Pos{linesAt(2, 4, 6, 7, 9, 10, 12, 13)}},
		{Text: "下一段正文。", Line: 14},
	}
	if !reflect.DeepEqual(d.Blocks, want) {
		t.Errorf("blocks\n got %+v\nwant %+v", d.Blocks, want)
	}
	if d.LastLineCut {
		t.Error("a text ending in a line break is not cut")
	}
}

func TestTextLastLineCut(t *testing.T) {
	for _, tt := range []struct {
		in  string
		cut bool
	}{
		{"规章 0 0 3\n", false},
		{"规章 0 0 3", true},
		{"| 规章 | 0 | 0 | 3 |", false},
		{"| 规章 | 0 | 0 | 3", true},
		{"规章 0 0 3\n  \n", false},
	} {
		d, err := Text([]byte(tt.in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.LastLineCut != tt.cut {
			t.Errorf("%q: LastLineCut = %v, want %v", tt.in, d.LastLineCut, tt.cut)
		}
	}
}

// linesAt is the positions of cells at the given lines.
func linesAt(lines ...int32) []Pos {
	out := make([]Pos, len(lines))
	for i, l := range lines {
		out[i] = Pos{Kind: PosLine, Line: l}
	}
	return out
}
