package query

import "testing"

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"偃师区工信局 2023.pdf", "偃师区工信局 2023.pdf"},
		{"", ""},
		{"a\x1b[2Jb", `a\x1b[2Jb`},
		{"line\nnext\r\ttab", `line\nnext\r\ttab`},
		{"x\x7fy\u0085z", `x\x7fy\u0085z`},
		{"evil\u202egpj.exe", `evil\u202egpj.exe`},
		{"gbk \xc4\xea", `gbk \xc4\xea`},
		{"年报\x00.pdf", `年报\x00.pdf`},
	} {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
