package export

import (
	"path"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkSafePath fails t unless p is a relative path that cannot escape
// the extraction directory and is a legal name on Windows.
func checkSafePath(t *testing.T, p string) {
	t.Helper()
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || path.Clean(p) != p || strings.HasPrefix(path.Clean(p), "..") {
		t.Errorf("unsafe path %q", p)
	}
	for _, c := range strings.Split(p, "/") {
		checkSafeComponent(t, c)
	}
}

func checkSafeComponent(t *testing.T, c string) {
	t.Helper()
	if c == "" || c == "." || c == ".." || strings.HasSuffix(c, ".") || strings.HasSuffix(c, " ") || strings.HasPrefix(c, " ") {
		t.Errorf("bad component %q", c)
	}
	if strings.ContainsAny(c, `/\:*?"<>|`) {
		t.Errorf("component %q has a forbidden character", c)
	}
	for _, r := range c {
		if r < 0x20 || r == 0x7f || r == 0x202e {
			t.Errorf("component %q has control character %U", c, r)
		}
	}
	stem := strings.ToUpper(c)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	if windowsReserved[strings.TrimSpace(stem)] {
		t.Errorf("component %q is a reserved Windows name", c)
	}
	if n := utf8.RuneCountInString(c); n > MaxComponentRunes+10 { // + extension
		t.Errorf("component %q is %d runes", c, n)
	}
	if len(c) > MaxComponentBytes+10 {
		t.Errorf("component %q is %d bytes", c, len(c))
	}
	if !utf8.ValidString(c) {
		t.Errorf("component %q is not UTF-8", c)
	}
}

func TestSafeComponent(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"偃师区工业和信息化局2023年政府信息公开工作年度报告", "偃师区工业和信息化局2023年政府信息公开工作年度报告"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{"..", "fb"},
		{".", "fb"},
		{"", "fb"},
		{"   ", "fb"},
		{"CON", "_CON"},
		{"con", "_con"},
		{"NUL.txt", "_NUL.txt"},
		{"COM1", "_COM1"},
		{"lpt9.pdf", "_lpt9.pdf"},
		{"CONSOLE", "CONSOLE"},
		{"a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"},
		{"name. ", "name"},
		{"tab\there\nnewline", "tab here newline"},
		{"nul\x00byte", "nulbyte"},
		{"\u202egnp.exe", "gnp.exe"},
		{"ＣＯＮ", "ＣＯＮ"}, // full-width letters are not a device name
	}
	for _, c := range cases {
		if got := SafeComponent(c.in, "fb"); got != c.want {
			t.Errorf("SafeComponent(%q) = %q, want %q", c.in, got, c.want)
		}
		checkSafeComponent(t, SafeComponent(c.in, "fb"))
	}
	long := strings.Repeat("政", 300)
	got := SafeComponent(long, "fb")
	if utf8.RuneCountInString(got) != MaxComponentRunes || len(got) > MaxComponentBytes {
		t.Errorf("300-char title → %d runes, %d bytes", utf8.RuneCountInString(got), len(got))
	}
	ascii := SafeComponent(strings.Repeat("a", 300), "fb")
	if len(ascii) != MaxComponentRunes {
		t.Errorf("300 ASCII chars → %d", len(ascii))
	}
	mixed := SafeComponent(strings.Repeat("ab政", 100), "fb")
	if !utf8.ValidString(mixed) || len(mixed) > MaxComponentBytes {
		t.Errorf("mixed cut badly: %q", mixed)
	}
}

func TestNamerHostile(t *testing.T) {
	n := NewNamer()
	n.Reserve("manifest.csv")
	long := strings.Repeat("偃师区工业和信息化局年度报告", 30) // 420 characters
	inputs := []struct {
		dirs      []string
		stem, ext string
	}{
		{[]string{"2023", "偃师区工业和信息化局"}, "../../etc/passwd.pdf", ".pdf"},
		{[]string{"2023", "../.."}, "x", ".pdf"},
		{[]string{"2023", "CON"}, "NUL", ".pdf"},
		{[]string{"2023", "aux"}, "com1", ".docx"},
		{[]string{"2023", "b"}, long, ".pdf"},
		{[]string{"2023", "b"}, long, ".pdf"},
		{[]string{"2023", "b"}, long + "x", ".pdf"},
		{[]string{"2023", "b"}, "报告", ".pdf"},
		{[]string{"2023", "b"}, "报告", ".pdf"},
		{[]string{"2023", "b"}, "报告", ".PDF"},
		{[]string{"2023", "B"}, "报告", ".pdf"}, // case-insensitive duplicate
		{[]string{"2023", "b"}, "报告.pdf", ".pdf"},
		{nil, "manifest", ".csv"},
		{[]string{"2023", "b"}, "", ".pdf"},
		{[]string{"2023", "b"}, "x", "../../evil"},
		{[]string{"2023", "b"}, "x", ".pd/f"},
	}
	seen := map[string]bool{}
	for _, in := range inputs {
		p := n.Path(in.dirs, in.stem, in.ext)
		checkSafePath(t, p)
		k := strings.ToLower(p)
		if seen[k] {
			t.Errorf("duplicate path %q", p)
		}
		seen[k] = true
	}
	if seen["manifest.csv"] {
		t.Error("reserved name handed out")
	}
	if !seen["2023/b/报告.pdf"] || !seen["2023/b/报告 (2).pdf"] || !seen["2023/b/报告 (3).pdf"] {
		t.Errorf("numbering: %v", seen)
	}
}

// Whatever a portal puts in a title, the name is safe.
func FuzzSafeComponent(f *testing.F) {
	for _, s := range []string{"../../etc/passwd.pdf", "CON", "nul.txt", "a/b\\c", " . ", strings.Repeat("报", 300), "\u202e\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := SafeComponent(s, "fb")
		checkSafeComponent(t, c)
		n := NewNamer()
		checkSafePath(t, n.Path([]string{s, s}, s, ".pdf"))
	})
}
