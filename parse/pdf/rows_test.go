package pdf

import (
	"reflect"
	"testing"
)

// rowTexts is the cells' text of rebuilt rows.
func rowTexts(rows []TableRow) [][]string {
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		var cs []string
		for _, c := range r.Cells {
			cs = append(cs, c.Text)
		}
		out = append(out, cs)
	}
	return out
}

// vals lays out numbers in value columns from x = 300 on, 40 apart.
func vals(y float64, vs ...string) []Char {
	var cs []Char
	for i, v := range vs {
		cs = append(cs, text(v, 300+40*float64(i), y)...)
	}
	return cs
}

func TestRebuildRows(t *testing.T) {
	tests := []struct {
		name  string
		chars []Char
		want  [][]string
	}{
		{"a label of two lines with the values between them",
			join(text("一、本年新收", 50, 700), vals(693, "1", "2", "3"), text("申请数量", 50, 686),
				text("二、上年结转", 50, 650), vals(650, "4", "5", "6")),
			[][]string{{"一、本年新收申请数量", "1", "2", "3"}, {"二、上年结转", "4", "5", "6"}}},
		{"a label of three lines with the values on the middle one",
			join(text("5.要求行政机关", 50, 700), text("确认或重新出具", 50, 686), vals(686, "4", "0", "6"), text("已获取信息", 50, 672),
				text("（六）其他处理", 50, 640), vals(640, "1", "1", "3")),
			[][]string{{"5.要求行政机关确认或重新出具已获取信息", "4", "0", "6"}, {"（六）其他处理", "1", "1", "3"}}},
		{"rows set without space between them are cut where each part is centred on its values",
			join(text("1.本机关不掌握", 120, 700), vals(693, "2", "0", "2"), text("相关政府信息", 120, 686),
				text("2.没有现成信息", 120, 672), vals(665, "4", "1", "5"), text("需要另行制作", 120, 658)),
			[][]string{{"1.本机关不掌握相关政府信息", "2", "0", "2"}, {"2.没有现成信息需要另行制作", "4", "1", "5"}}},
		{"a row group's label beside two rows keeps its place",
			join(text("1.属于国家秘密", 120, 700), vals(700, "0", "1", "1"), text("（三）不予公开", 40, 690),
				text("2.其他", 120, 680), vals(680, "2", "2", "4")),
			[][]string{{"1.属于国家秘密", "0", "1", "1"}, {"（三）不予公开"}, {"2.其他", "2", "2", "4"}}},
		{"a label sharing a line with values stays with them when its other lines are centred elsewhere",
			join(text("行政许可", 50, 700), vals(700, "1243"), text("第二十条第（六）项", 50, 686), vals(672, "86")),
			[][]string{{"行政许可", "1243"}, {"第二十条第（六）项"}, {"86"}}},
		{"a header line bounds the rows: its text is never a row's label",
			join(text("信息内容", 50, 714), text("本年制发件数", 300, 714), text("规章", 50, 700), vals(700, "1", "0", "3")),
			[][]string{{"信息内容", "本年制发件数"}, {"规章", "1", "0", "3"}}},
		{"numbers alone are left as they are",
			join(vals(700, "1", "2"), vals(680, "3", "4")),
			[][]string{{"1", "2"}, {"3", "4"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rowTexts(rebuildRows(BuildLines(tt.chars)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("rows:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestRebuildRowsKeepsText: rebuilding moves text between rows, never
// drops or duplicates it.
func TestRebuildRowsKeepsText(t *testing.T) {
	chars := join(text("三、", 40, 720), text("5.要求行政机关", 120, 700), text("确认或重新出具", 120, 686), vals(686, "4", "0", "6"),
		text("已获取信息", 120, 672), text("本年", 40, 700), text("（六）其他处理", 120, 640), vals(640, "1", "1", "3"), text("果", 40, 650))
	count := func(rows [][]string) map[rune]int {
		m := map[rune]int{}
		for _, r := range rows {
			for _, c := range r {
				for _, ch := range c {
					if ch != ' ' {
						m[ch]++
					}
				}
			}
		}
		return m
	}
	lines := BuildLines(chars)
	if got, want := count(rowTexts(rebuildRows(lines))), count(cellTexts(lines)); !reflect.DeepEqual(got, want) {
		t.Errorf("characters changed: got %v, want %v", got, want)
	}
}

// FuzzRebuildRows lays out table-like pages from the input — labels and
// numbers on a grid of columns, on lines and half lines — and requires
// the rebuilt rows to keep every character exactly once, and every row
// built around values to hold a number.
func FuzzRebuildRows(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("\x00\x10\x21\x02\x13\x24\x05\x16\x27\x08"))
	words := []string{"一、本年新收", "申请数量", "（三）不予公开", "1.属于国家秘密", "已获取信息", "规章", "第二十条", "3", "12", "0", "减4", "/"}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 400 {
			return
		}
		var cs []Char
		for i := 0; i+1 < len(data); i += 2 {
			w := words[int(data[i])%len(words)]
			col := float64(data[i+1] % 6)
			half := float64(data[i+1]/6%40) * 7 // lines 14 apart, and half lines
			cs = append(cs, text(w, 40+col*60, 800-half)...)
		}
		lines := BuildLines(cs)
		rows := rebuildRows(lines)
		count := func(rows [][]string) map[rune]int {
			m := map[rune]int{}
			for _, r := range rows {
				for _, c := range r {
					for _, ch := range c {
						if ch != ' ' {
							m[ch]++
						}
					}
				}
			}
			return m
		}
		if got, want := count(rowTexts(rows)), count(cellTexts(lines)); !reflect.DeepEqual(got, want) {
			t.Fatalf("characters changed: got %v, want %v", got, want)
		}
		for _, r := range rows {
			if !r.Values {
				continue
			}
			has := false
			for _, c := range r.Cells {
				has = has || isNumberCell(c.Text)
			}
			if !has {
				t.Fatalf("a row built around values holds none: %q", rowTexts([]TableRow{r}))
			}
		}
	})
}
