package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query/querytest"
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
	if code != 1 || rawControl.MatchString(errOut) || !strings.Contains(errOut, `\x07missing`) { // missing, not a usage error
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

// series names a single column once, in its heading, instead of after
// every row label ("（七）总计 总计"); several columns read "row · column".
func TestSeriesLabelsNameTheColumnOnce(t *testing.T) {
	db, _ := queryArchive(t)
	out, errOut, code := runQ("--archive", db, "series", "--body", "偃师区工信局", "--years", "2021-2023")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	heading, _, _ := strings.Cut(out, "\n")
	if !strings.HasSuffix(heading, "三、收到和处理政府信息公开申请情况 — 总计") {
		t.Errorf("heading %q does not name the column", heading)
	}
	if strings.Contains(out, "总计 总计") || !regexp.MustCompile(`(?m)^（七）总计 +total\.total `).MatchString(out) {
		t.Errorf("row labels repeat the column:\n%s", out)
	}
	out, _, _ = runQ("--archive", db, "series", "--body", "偃师区工信局", "--years", "2021-2023", "--column", "all")
	for _, want := range []string{"（七）总计 · 自然人", "（七）总计 · 总计", "一、本年新收政府信息公开申请数量 · 商业企业"} {
		if !strings.Contains(out, want) {
			t.Errorf("--column all lacks %q:\n%s", want, out)
		}
	}
}

// show decodes a Content-Disposition for the reader — raw GBK bytes as
// GB18030, an RFC 5987 filename*= to the name it gives — while the
// archive, and show --output json, keep the bytes the server sent.
func TestShowDecodesContentDisposition(t *testing.T) {
	gbkName, err := simplifiedchinese.GBK.NewEncoder().String("偃师区卫生健康委员会2022年年度报告.docx")
	if err != nil {
		t.Fatal(err)
	}
	rawGBK := `attachment; filename="` + gbkName + `"`
	ext := `attachment; filename*=utf-8''%E5%81%83%E5%B8%88%E5%8C%BA%E5%B9%B4%E6%8A%A5.docx`
	db := filepath.Join(t.TempDir(), "cd.db")
	a, err := archive.Open(db, archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	const u = "http://wsj.yanshi.gov.cn/a.html"
	id, err := querytest.AddDoc(a, querytest.Doc{Site: "yanshi", URL: u, Title: "年度报告", Body: "偃师区卫生健康委员会", Year: 2022,
		Format: "2021", ParseStatus: "ok",
		Files: []querytest.File{
			{URL: u, Role: "page", Data: querytest.HTML("年度报告")},
			{URL: u + ".docx", Data: querytest.PDF("gbk"), Headers: archive.Headers{"Content-Disposition": rawGBK}},
			{URL: u + ".2.docx", Data: querytest.PDF("ext"), Headers: archive.Headers{"Content-Disposition": ext}},
		},
		Parsed: querytest.Report{Title: "年度报告", Body: "偃师区卫生健康委员会", Year: 2022}.JSON()})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runQ("--archive", db, "show", id)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`Content-Disposition: attachment; filename="偃师区卫生健康委员会2022年年度报告.docx"  (GBK bytes as sent, decoded for display)`,
		`Content-Disposition: ` + ext + `  (file name: 偃师区年报.docx)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `\x`) {
		t.Errorf("show prints GBK bytes as escapes:\n%s", out)
	}
	out, _, _ = runQ("--archive", db, "show", "--output", "json", id)
	var js struct{ Captures map[string][]archive.Capture }
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, cs := range js.Captures {
		for _, c := range cs {
			if c.Headers["Content-Disposition"] == rawGBK {
				kept++
			}
		}
	}
	if kept != 1 {
		t.Errorf("show --output json: the raw GBK header is not kept byte for byte (%d captures have it)", kept)
	}
}

// sites check prints what a site's pages say — titles, URLs, file names —
// with their control characters escaped.
func TestSitesCheckEscapesPageText(t *testing.T) {
	const title = "\x1b[2J\u202e偃师区某局2023年政府信息公开工作年度报告"
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			fmt.Fprintf(w, `<html><head><title>政府信息公开年报</title></head><body><ul><li><a href="/nb/a.html">%s</a> <span>2024-01-20</span></li></ul></body></html>`, title)
		case "/nb/a.html":
			fmt.Fprintf(w, "<html><head><title>%s</title></head><body><h1>%s</h1><p>一、总体情况</p><table><tr><td>行政许可</td><td>3</td></tr></table></body></html>", title, title)
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("crawl: {max_attempts: 1, delay: 0s, robots: false}\nsites:\n  - name: evil\n    region: 河南省\n    start: [\""+srv.URL+"/\"]\n"), 0o644)
	out, errOut, code := runQ("--config", cfg, "sites", "check", "evil", "--max-pages", "10")
	if rawControl.MatchString(out + errOut) {
		t.Errorf("exit %d: raw control characters:\n%q\n%q", code, out, errOut)
	}
	if !strings.Contains(out, `\x1b[2J\u202e偃师区某局2023年`) {
		t.Errorf("exit %d: the title is not shown escaped:\n%s\n%s", code, out, errOut)
	}
}
