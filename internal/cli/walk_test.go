package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Flag mistakes a new reader makes are answered in the terms of the flag
// typed: --format is the reports' table format (the output's is --output),
// and series and coverage name their own flag, --years.
func TestFlagMistakesNameTheFlag(t *testing.T) {
	db, _ := queryArchive(t)
	out := filepath.Join(t.TempDir(), "x.csv")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"query", "--format", "table"}, `bad --format "table": --format picks the reports' table format (2019, 2021, legacy, unknown); the output's is --output`},
		{[]string{"export", "--format", "csv", "-o", out}, `bad --format "csv": --format picks the reports' table format`},
		{[]string{"query", "--format", "2020"}, `bad --format "2020": want one of 2019, 2021, legacy, unknown`},
		{[]string{"coverage", "--region", "洛阳市", "--years", "20x"}, `bad year "20x" in --years "20x"`},
		{[]string{"series", "--body", "教育局", "--years", "20x"}, `bad year "20x" in --years "20x"`},
		// coverage writes jsonl too (its JSON on one line): the error lists it.
		{[]string{"coverage", "--region", "洛阳市", "--years", "2022-2023", "--output", "xml"}, `bad --output "xml": want table, json, jsonl or csv`},
	} {
		_, errOut, code := runQ(append([]string{"--archive", db}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// Every command that filters by region says a division code works too,
// as it does (410300 is 洛阳市).
func TestRegionHelpNamesCodes(t *testing.T) {
	db, _ := queryArchive(t)
	for _, c := range []string{"query", "export", "search", "reparse", "series", "coverage", "import"} {
		out, _, code := runQ(c, "--help")
		if code != 0 || !strings.Contains(out, "410307") {
			t.Errorf("%s --help: exit %d, --region does not mention codes:\n%s", c, code, out)
		}
	}
	byName, _, _ := runQ("--archive", db, "query", "--region", "洛阳市")
	byCode, _, _ := runQ("--archive", db, "query", "--region", "410300")
	if byName == "" || byName != byCode {
		t.Errorf("--region 410300 and 洛阳市 differ:\n%s\n%s", byCode, byName)
	}
}

// sites list says when no site is configured, and why, instead of
// printing the families alone as if nothing were wrong; crawl refuses
// with the same reason.
func TestSitesListSaysWhenNoneConfigured(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, []byte("crawl:\n  delay: 2s\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		// The package's folder has no config.yaml, the default.
		{[]string{"sites", "list"}, "no sites configured (no config file: ./config.yaml is read by default, --config names another)\n"},
		{[]string{"--config", empty, "sites", "list"}, "no sites configured (" + empty + " has no sites:)\n"},
	} {
		out, errOut, code := runQ(tc.args...)
		if code != 0 || !strings.HasPrefix(out, "families: ") || errOut != tc.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want stderr %q", tc.args, code, out, errOut, tc.want)
		}
		// crawl refuses with the same reason, before opening any archive.
		db := filepath.Join(dir, "never.db")
		crawlArgs := append([]string{"--archive", db, "crawl"}, tc.args[:len(tc.args)-2]...)
		_, errOut, code = runQ(crawlArgs...)
		want := "crawler: " + strings.TrimSuffix(tc.want, "\n") + ": add a sites: entry (name, region, start)\n"
		if code != 2 || errOut != want {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", crawlArgs, code, errOut, want)
		}
		if _, err := os.Stat(db); err == nil {
			t.Errorf("%v created the archive", crawlArgs)
		}
	}
}

// search's table names its columns as query's does: a reader moving from
// one listing to the other meets the same headers.
func TestSearchTableHeaderMatchesQuery(t *testing.T) {
	db, _ := queryArchive(t)
	q, _, code := runTerm(200, "--archive", db, "query")
	if code != 0 {
		t.Fatalf("query: exit %d", code)
	}
	s, errOut, code := runTerm(200, "--archive", db, "search", "偃师")
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errOut)
	}
	qh := strings.Fields(strings.SplitN(q, "\n", 2)[0])
	sh := strings.Fields(strings.SplitN(s, "\n", 2)[0])
	for _, name := range []string{"ID", "年份", "机关", "body", "标题", "title"} {
		if !slices.Contains(qh, name) || !slices.Contains(sh, name) {
			t.Errorf("header %q: query %v, search %v", name, qh, sh)
		}
	}
	if !slices.Contains(sh, "摘录") || !slices.Contains(sh, "snippet") {
		t.Errorf("search header %v lacks 摘录 snippet", sh)
	}
}

// A selection whose --region names no division says so after its count:
// a misspelt place otherwise reads as a place without reports, and part
// of a name as the division it resembles.
func TestSelectionSaysRegionNamesNoDivision(t *testing.T) {
	db, _ := queryArchive(t)
	hint := `; no division is called "不存在市", so it was matched as text in the reports' region names`
	_, errOut, code := runTerm(120, "--archive", db, "query", "--region", "不存在市")
	if code != 0 || errOut != "no reports match (--region 不存在市)"+hint+"\n" {
		t.Errorf("query: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = runTerm(120, "--archive", db, "query", "--region", "洛阳市", "--year", "1990")
	if code != 0 || errOut != "no reports match (--year 1990 --region 洛阳市)\n" {
		t.Errorf("query, a real division: exit %d, stderr %q", code, errOut)
	}
	// Text that names no division but matches some region names: the
	// count says how it was matched.
	_, errOut, code = runTerm(120, "--archive", db, "query", "--region", "偃师")
	if code != 0 || !strings.HasSuffix(errOut, ` reports; no division is called "偃师", so it was matched as text in the reports' region names`+"\n") {
		t.Errorf("query --region 偃师: exit %d, stderr %q", code, errOut)
	}
	out := filepath.Join(t.TempDir(), "x.csv")
	_, errOut, code = runQ("--archive", db, "export", "--region", "不存在市", "-o", out)
	if code != 1 || !strings.Contains(errOut, hint+": nothing exported") {
		t.Errorf("export: exit %d, stderr %q", code, errOut)
	}
}

// Each flag's help names its default once: cobra appends it, so a usage
// text that states its own "default:" reads twice.
func TestHelpStatesEachDefaultOnce(t *testing.T) {
	for _, c := range []string{"demo", "query", "export", "search", "series", "coverage", "show", "parse", "import", "reparse", "reregion", "retract", "stats", "verify", "crawl", "serve", "backup", "reindex"} {
		out, _, code := runQ(c, "--help")
		if code != 0 {
			t.Fatalf("%s --help: exit %d", c, code)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "default:") && strings.Contains(l, "(default ") {
				t.Errorf("%s --help names a default twice: %q", c, strings.TrimSpace(l))
			}
		}
	}
}
