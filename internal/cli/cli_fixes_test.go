package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/nettest"
)

// A bad or unknown flag is a usage error: exit 2 on every command.
func TestFlagErrorsExit2(t *testing.T) {
	db, _ := queryArchive(t)
	tests := [][]string{
		{"query", "--no-such-flag"},
		{"show", "--bogus", "x"},
		{"stats", "--json=maybe"},
		{"reparse", "--year"}, // flag needs an argument
		{"--nope", "stats"},
		{"export", "-o"},
	}
	for _, args := range tests {
		_, errOut, code := runQ(append([]string{"--archive", db}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
		if !strings.Contains(errOut, "--help") {
			t.Errorf("%v: message should point at --help: %s", args, errOut)
		}
	}
}

func TestShowFindsSpellings(t *testing.T) {
	db, ids := queryArchive(t)
	tests := []struct {
		arg, want string
		code      int
	}{
		{ids["ys22"], ids["ys22"], 0},
		{strings.ToUpper(ids["ys22"]), ids["ys22"], 0},
		{"http://yanshi.gov.cn/ys22.html", ids["ys22"], 0},
		{"http://YANSHI.GOV.CN/ys22.html", ids["ys22"], 0},
		{"http://yanshi.gov.cn/ys22.html#section3", ids["ys22"], 0},
		{"HTTP://Yanshi.Gov.Cn/ys22.html#top", ids["ys22"], 0},
		{"http://www.yanshi.gov.cn/ys21.html", ids["ys21"], 0}, // canonical form
		{"http://yanshi.gov.cn/ys23.html.pdf", ids["ys23"], 0}, // a file URL
		{"http://yanshi.gov.cn/YS22.html", "", 1},              // paths are case-sensitive
		{"0000000000000000", "", 1},
	}
	for _, tc := range tests {
		out, errOut, code := runQ("--archive", db, "show", tc.arg)
		if code != tc.code {
			t.Errorf("show %s: exit %d, want %d: %s", tc.arg, code, tc.code, errOut)
			continue
		}
		if tc.code == 0 && !strings.Contains(out, "id  "+tc.want) && !strings.Contains(out, tc.want) {
			t.Errorf("show %s: output lacks %s", tc.arg, tc.want)
		}
		if tc.code != 0 && !strings.Contains(errOut, "no report") {
			t.Errorf("show %s: %s", tc.arg, errOut)
		}
	}
}

// `show` takes an id's unambiguous prefix; an ambiguous one lists the
// candidates and exits 1, as a report that is not there does.
func TestShowIDPrefix(t *testing.T) {
	db, ids := queryArchive(t)
	a, err := archive.Open(db, archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*archive.Document{
		{ID: "abcdef0000000001", Site: "t", URL: "http://t.gov.cn/1.html", Title: "甲局2023年报告", Year: 2023},
		{ID: "abcdef0000000002", Site: "t", URL: "http://t.gov.cn/2.html", Body: "乙局"},
	} {
		if err := a.PutDocument(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := runQ("--archive", db, "show", ids["ys22"][:6])
	if code != 0 || !strings.Contains(out, ids["ys22"]) {
		t.Errorf("show %s: exit %d, want 0 and the report %s: %s%s", ids["ys22"][:6], code, ids["ys22"], out, errOut)
	}
	out, errOut, code = runQ("--archive", db, "show", "ABCDEF")
	if code != 1 || out != "" {
		t.Errorf("show ABCDEF: exit %d, stdout %q; want 1 and nothing", code, out)
	}
	for _, want := range []string{"ambiguous", "abcdef0000000001  2023  甲局2023年报告", "abcdef0000000002        乙局"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("show ABCDEF: stderr lacks %q:\n%s", want, errOut)
		}
	}
	if _, errOut, code := runQ("--archive", db, "show", "abcde"); code != 1 || !strings.Contains(errOut, "no report") {
		t.Errorf("show abcde (shorter than a prefix may be): exit %d: %s", code, errOut)
	}
	// retract names a report the same way, and an ambiguous prefix
	// retracts nothing (exit 2, as for an id that is not there).
	if _, errOut, code := runQ("--archive", db, "retract", "abcdef", "--reason", "test"); code != 2 || !strings.Contains(errOut, "abcdef0000000002") {
		t.Errorf("retract abcdef: exit %d, want 2 and the candidates: %s", code, errOut)
	}
	if out, _, _ := runQ("--archive", db, "show", "abcdef0000000001"); strings.Contains(out, "RETRACTED") {
		t.Errorf("an ambiguous retract retracted a candidate:\n%s", out)
	}
}

func TestStatsFileSize(t *testing.T) {
	db, _ := queryArchive(t)
	fi, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runQ("--archive", db, "stats")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var fileLine string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "file size") {
			fileLine = l
		}
	}
	if !strings.Contains(fileLine, humanBytes(fi.Size())) || !strings.Contains(fileLine, "on disk") {
		t.Errorf("file size line %q, want %s on disk", fileLine, humanBytes(fi.Size()))
	}
	if !strings.Contains(out, "data size") {
		t.Errorf("stats lacks the data size line:\n%s", out)
	}
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	db, _ := queryArchive(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(existing, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		intact bool // notes.txt keeps its bytes
	}{
		{"new file", []string{filepath.Join(dir, "b1.db")}, 0, true},
		{"existing file", []string{existing}, 2, true},
		{"directory", []string{dir}, 2, true},
		{"existing file with --force", []string{"--force", existing}, 0, false},
	}
	for _, tc := range tests {
		_, errOut, code := runQ(append([]string{"--archive", db, "backup"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d: %s", tc.name, code, tc.code, errOut)
		}
		b, _ := os.ReadFile(existing)
		if (string(b) == "precious") != tc.intact {
			t.Errorf("%s: notes.txt intact=%v, want %v", tc.name, string(b) == "precious", tc.intact)
		}
		if tc.code == 2 && !strings.Contains(errOut, "backup target") {
			t.Errorf("%s: %s", tc.name, errOut)
		}
	}
	if a, err := archive.Open(existing, archive.Options{ReadOnly: true}); err != nil {
		t.Errorf("forced backup is not an archive: %v", err)
	} else {
		a.Close()
	}
}

// demo deletes only a file an earlier demo made, unless --force; the
// checks run before any portal starts, so refusals are quick.
func TestDemoTargetCheck(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not an archive"), 0o644)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	real, _ := queryArchive(t)
	demo := filepath.Join(dir, "demo.db")
	a, err := archive.Open(demo, archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetMeta(demoMetaKey, "crawler demo test"); err != nil {
		t.Fatal(err)
	}
	a.Close()
	tests := []struct {
		name    string
		path    string
		force   bool
		wantErr string // "" = may be deleted
	}{
		{"missing", filepath.Join(dir, "new.db"), false, ""},
		{"previous demo", demo, false, ""},
		{"text file", text, false, "not a nianbao archive"},
		{"empty file", empty, false, "empty file"},
		{"real archive", real, false, "did not make"},
		{"real archive forced", real, true, ""},
		{"directory", dir, true, "directory"},
	}
	for _, tc := range tests {
		err := checkDemoTarget(tc.path, tc.force, 0)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.wantErr)
		}
	}
	// Through the CLI: refused with exit 2 and the file untouched, also
	// when named by the global --archive.
	for _, args := range [][]string{{"demo", "--db", real}, {"--archive", real, "demo"}, {"--archive", text, "demo"}} {
		before, _ := os.ReadFile(args[len(args)-1])
		if args[0] == "--archive" {
			before, _ = os.ReadFile(args[1])
		}
		_, errOut, code := runQ(append([]string{"--config", filepath.Join(dir, "none.yaml")}, args...)...)
		if code != 2 || !strings.Contains(errOut, "refusing to delete") || !strings.Contains(errOut, "--force") {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
		after, _ := os.ReadFile(args[len(args)-1])
		if args[0] == "--archive" {
			after, _ = os.ReadFile(args[1])
		}
		if string(before) != string(after) {
			t.Errorf("%v: file changed", args)
		}
	}
	if _, errOut, code := runQ("--archive", real, "demo", "--db", demo); code != 2 || !strings.Contains(errOut, "different files") {
		t.Errorf("--archive and --db disagree: exit %d: %s", code, errOut)
	}
}

// A site whose host refuses connections failed entirely: exit 3, with
// the network failure named in one line.
func TestSitesCheckFailedSiteExit3(t *testing.T) {
	addr := nettest.RefusedAddr(t) // every connection refused
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("crawl: {max_attempts: 1, delay: 0s}\nsites:\n  - name: dead\n    region: 测试\n    start: [\"http://"+addr+"/\"]\n"), 0o644)
	out, errOut, code := runQ("--config", cfg, "sites", "check", "dead", "--max-pages", "5")
	if code != 3 || !strings.Contains(errOut, "failed at the network level (refused=1)") {
		t.Errorf("exit %d, want 3:\n%s\n%s", code, out, errOut)
	}
	if strings.Count(errOut, "giving up") > 1 {
		t.Errorf("nested retry messages:\n%s", errOut)
	}
}

func TestNoMatchMessages(t *testing.T) {
	db, _ := queryArchive(t)
	dir := t.TempDir()
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"export", "--body", "公安局", "-o", filepath.Join(dir, "x.zip")}, 1, []string{"no reports match (--body 公安局)", "not written"}},
		{[]string{"series", "--body", "工信局", "--years", "2030-2031"}, 1, []string{"no reports match (--body 工信局 --years 2030-2031)"}},
		{[]string{"series", "--body", "工信局", "--region", "北京市"}, 1, []string{"--region 北京市"}},
		{[]string{"series", "--body", "工信局", "--years", "2024-2019"}, 2, []string{`bad --years "2024-2019"`}},
		{[]string{"series", "--body", "工信局", "--years", "x"}, 2, []string{`--years "x"`}},
	}
	for _, tc := range tests {
		_, errOut, code := runQ(append([]string{"--archive", db}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, code, tc.code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: %q lacks %q", tc.args, errOut, w)
			}
		}
		if strings.Contains(errOut, "--year \"") {
			t.Errorf("%v: names --year: %s", tc.args, errOut)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 reports"}, {1, "1 report"}, {2, "2 reports"}} {
		if got := plural(tc.n, "report", "reports"); got != tc.want {
			t.Errorf("plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
