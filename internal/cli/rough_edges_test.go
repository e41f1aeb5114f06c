package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A bad number in a flag says what is wrong with the flag, not which
// strconv function failed.
func TestImportBadYear(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	for _, tc := range []struct{ year, want string }{
		{"abc", `bad --year "abc": want a year such as 2023`},
		{"2023.5", `bad --year "2023.5": want a year such as 2023`},
		{"99999999999999999999", `bad --year "99999999999999999999": out of range`},
		{"20233", `bad --year 20233: want a year such as 2023`},
	} {
		_, errOut, code := runQ("--archive", db, "import", "--year", tc.year, "../../testdata/samples/report.docx")
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "strconv") {
			t.Errorf("--year %s: exit %d: %s", tc.year, code, errOut)
		}
	}
	_, errOut, code := runQ("--archive", db, "reparse", "--dry-run", "--no-such")
	if code != 2 || !strings.Contains(errOut, "unknown flag") {
		t.Errorf("unknown flag: exit %d: %s", code, errOut)
	}
	_, errOut, code = runQ("--archive", db, "stats", "--json=maybe")
	if code != 2 || !strings.Contains(errOut, `bad --json "maybe": want true or false`) {
		t.Errorf("bool flag: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused import created the archive")
	}
}

// An unknown family in config.yaml is refused by every command, naming
// the line and the known families.
func TestConfigUnknownFamily(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("archive: "+filepath.Join(dir, "a.db")+"\nsites:\n  - name: blog\n    region: 河南省\n"+
		"    start: [\"http://blog.gov.cn/\"]\n    family: wordpress\n"), 0o644)
	for _, args := range [][]string{{"sites", "list"}, {"stats"}, {"crawl"}} {
		_, errOut, code := runQ(append([]string{"--config", cfg}, args...)...)
		if code == 0 {
			t.Errorf("%v: exit 0", args)
		}
		for _, w := range []string{cfg, "line 6:", `unknown family "wordpress"`, "known: ", "generic", "trs", "hanweb"} {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: %q lacks %q", args, errOut, w)
			}
		}
	}
}

// A bad cron spec or duration under serve: is caught when the config is
// read, with its line, before serve creates the archive.
func TestServeBadConfigBeforeArchive(t *testing.T) {
	noServeCrawler(t)
	for _, tc := range []struct{ yaml, want string }{
		{"serve:\n  schedule: \"every night\"\n", `line 3: serve.schedule "every night"`},
		{"serve:\n  alerts:\n    deadline_grace: 3 days\n", `line 4: invalid duration "3 days"`},
		{"serve:\n  backup: {schedule: \"0 4 * * 8\", dir: /tmp}\n", `line 3: serve.backup.schedule "0 4 * * 8"`},
		{"serve:\n  webhooks: [{url: \"http://127.0.0.1:9/h\", events: [new_reprot]}]\n", `unknown event "new_reprot"`},
	} {
		dir := t.TempDir()
		db := filepath.Join(dir, "a.db")
		cfg := filepath.Join(dir, "config.yaml")
		os.WriteFile(cfg, []byte("archive: "+db+"\n"+tc.yaml), 0o644)
		_, errOut, code := runQ("--config", cfg, "serve", "--addr", "127.0.0.1:0")
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d: %s", tc.yaml, code, errOut)
		}
		if _, err := os.Stat(db); err == nil {
			t.Errorf("%q: serve created the archive before refusing its config", tc.yaml)
		}
	}
}

// rawControl finds a control character or bidi override that reached the
// output unescaped.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

// Control characters in a local file name or an import URL are shown
// escaped by parse, import and show, never sent to the terminal; show
// prints each warning once.
func TestControlCharactersEscaped(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../testdata/reports/html-2019-dash.html")
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "dash\x1b[2J\u202eevil.html")
	if err := os.WriteFile(name, src, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runQ("parse", name)
	if code != 0 || rawControl.MatchString(out+errOut) || !strings.Contains(out, `dash\x1b[2J\u202eevil.html`) {
		t.Errorf("parse: exit %d: %q %q", code, out, errOut)
	}
	_, errOut, code = runQ("parse", name+"\x07missing")
	if code != 2 || rawControl.MatchString(errOut) || !strings.Contains(errOut, `\x07missing`) {
		t.Errorf("parse of a missing file: exit %d: %q", code, errOut)
	}

	db := filepath.Join(dir, "a.db")
	u := "http://yanshi.gov.cn/a\x1b]0;owned\x07.html"
	out, errOut, code = runQ("--archive", db, "import", "--url", u, name)
	if code != 0 || rawControl.MatchString(out+errOut) {
		t.Fatalf("import: exit %d: %q %q", code, out, errOut)
	}
	id := regexp.MustCompile(`document ([0-9a-f]{16})`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("import printed no id: %s", out)
	}
	out, errOut, code = runQ("--archive", db, "show", id[1])
	if code != 0 || rawControl.MatchString(out+errOut) {
		t.Fatalf("show: exit %d: %q %q", code, out, errOut)
	}
	for _, w := range []string{`a\x1b]0;owned\x07.html`, `dash\x1b[2J\u202eevil.html`} {
		if !strings.Contains(out, w) {
			t.Errorf("show lacks %q:\n%s", w, out)
		}
	}
	// Each of the parser's warnings once.
	warnings := regexp.MustCompile(`(?m)^  ([a-z_]+): `).FindAllStringSubmatch(out, -1)
	if len(warnings) == 0 {
		t.Fatalf("show printed no warnings:\n%s", out)
	}
	seen := map[string]int{}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "  ") && strings.Contains(l, ": ") {
			seen[strings.TrimSpace(l)]++
		}
	}
	for l, n := range seen {
		if n > 1 && !strings.Contains(l, "capture") {
			t.Errorf("printed %d times: %q", n, l)
		}
	}
	if strings.Contains(out, "document warnings") {
		t.Errorf("the parser's warnings repeated as document warnings:\n%s", out)
	}
	_, errOut, code = runQ("--archive", db, "show", "nope\x1b[31m")
	if code != 1 || rawControl.MatchString(errOut) {
		t.Errorf("show of an unknown id: exit %d: %q", code, errOut)
	}
}

// An empty CSV result still has its header row; an empty selection is
// worded the same by every command.
func TestEmptyResults(t *testing.T) {
	db, _ := queryArchive(t)
	out, errOut, code := runQ("--archive", db, "query", "--body", "公安局", "--output", "csv")
	if code != 0 || out != "\ufeffid,site,body,region,year,title,url,published_at,format,parse_status,failed_checks,first_seen,last_seen,files,region_code,region_path,region_level\n" {
		t.Errorf("empty csv: exit %d: %q %s", code, out, errOut)
	}
	out, _, code = runQ("--archive", db, "query", "--missing", "--body", "公安局", "--output", "csv")
	if code != 0 || !strings.HasPrefix(out, "\ufeffbody,region,site,last_year,missing_year") || strings.Count(out, "\n") != 1 {
		t.Errorf("empty --missing csv: exit %d: %q", code, out)
	}
	out, _, _ = runQ("--archive", db, "query", "--body", "公安局", "--output", "json")
	if out != "[]\n" {
		t.Errorf("empty json: %q", out)
	}
	for _, args := range [][]string{
		{"export", "--body", "公安局", "-o", filepath.Join(t.TempDir(), "x.csv")},
		{"series", "--body", "公安局"},
	} {
		_, errOut, code := runQ(append([]string{"--archive", db}, args...)...)
		if code != 1 || !strings.Contains(errOut, "crawler: no reports match (--body 公安局)") {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
	}
}
