package cli

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query/querytest"
)

func runQ(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// queryArchive writes a closed fixture archive (commands open it read-only)
// and returns its path and the ids by label.
func queryArchive(t *testing.T) (string, map[string]string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "q.db")
	a, err := archive.Open(db, archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	add := func(label, site, body, region string, year int, failed int, over, fwd []*float64) {
		u := "http://" + site + ".gov.cn/" + label + ".html"
		title := body + "年度报告"
		id, err := querytest.AddDoc(a, querytest.Doc{Site: site, URL: u, Title: title, Body: body, Region: region, Year: year,
			Format: "2021", ParseStatus: "ok", FailedChecks: failed,
			Files:  []querytest.File{{URL: u, Role: "page", Data: querytest.HTML(title)}, {URL: u + ".pdf", Data: querytest.PDF(label)}},
			Parsed: querytest.Report{Title: title, Body: body, Region: region, Year: year, FailedChecks: failed, CarriedOver: over, CarriedForward: fwd}.JSON()})
		if err != nil {
			t.Fatal(err)
		}
		ids[label] = id
	}
	add("ys21", "yanshi", "偃师区工信局", "河南省洛阳市偃师区", 2021, 0, nil, querytest.Seven(1, 0, 0, 0, 0, 0, 1))
	add("ys22", "yanshi", "偃师区工业和信息化局", "河南省洛阳市偃师区", 2022, 2, querytest.Seven(1, 0, 0, 0, 0, 0, 2), nil)
	add("ys23", "yanshi", "偃师区工业和信息化局", "河南省洛阳市偃师区", 2023, 0, nil, nil)
	add("rs22", "luoyang", "洛阳市人社局", "河南省洛阳市", 2022, 0, nil, nil)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return db, ids
}

func TestQueryCommand(t *testing.T) {
	db, ids := queryArchive(t)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--body", "工信局"}, []string{"ys21", "ys22", "ys23"}},
		{[]string{"--body", "人力资源和社会保障局"}, []string{"rs22"}},
		{[]string{"--year", "2022"}, []string{"ys22", "rs22"}},
		{[]string{"--year", "2022-2023", "--region", "偃师区"}, []string{"ys22", "ys23"}},
		// series and coverage spell it --years: query takes that too
		{[]string{"--years", "2022-2023", "--region", "偃师区"}, []string{"ys22", "ys23"}},
		{[]string{"--failed-checks"}, []string{"ys22"}},
		{[]string{"--site", "luoyang", "--format", "2021"}, []string{"rs22"}},
		{[]string{"--format", "2019"}, nil},
	}
	for _, c := range cases {
		out, errOut, code := runQ(append([]string{"--archive", db, "query", "--output", "jsonl"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errOut)
		}
		var got []string
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%v: %v", c.args, err)
			}
			got = append(got, m["id"].(string))
		}
		want := map[string]bool{}
		for _, l := range c.want {
			want[ids[l]] = true
		}
		if len(got) != len(want) {
			t.Errorf("%v: got %d reports, want %v", c.args, len(got), c.want)
		}
		for _, id := range got {
			if !want[id] {
				t.Errorf("%v: unexpected %s", c.args, id)
			}
		}
	}
	// Default output off a terminal is jsonl; csv has a BOM; table prints.
	out, _, _ := runQ("--archive", db, "query", "--year", "2023")
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "{") {
		t.Errorf("default output: %q", out)
	}
	out, _, _ = runQ("--archive", db, "query", "--output", "csv")
	if !strings.HasPrefix(out, "\uFEFF") {
		t.Error("csv without BOM")
	}
	if rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll(); err != nil || len(rows) != 5 {
		t.Errorf("csv: %d rows, %v", len(rows), err)
	}
	out, _, _ = runQ("--archive", db, "query", "--output", "table", "--body", "工信局")
	if !strings.Contains(out, "偃师区工业和信息化局") || strings.Count(out, "\n") != 5 {
		t.Errorf("table:\n%s", out)
	}
	out, errOut, code := runQ("--archive", db, "query", "--missing", "--output", "json")
	var gaps []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &gaps) != nil || len(gaps) != 1 || gaps[0]["body"] != "洛阳市人社局" || gaps[0]["missing_year"] != float64(2023) {
		t.Errorf("--missing: %d %s %s", code, out, errOut)
	}
	for _, bad := range [][]string{{"--year", "20x3"}, {"--format", "2020"}, {"--output", "xml"}, {"--missing", "--failed-checks"}} {
		if _, _, code := runQ(append([]string{"--archive", db, "query"}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

func TestShowCommand(t *testing.T) {
	db, ids := queryArchive(t)
	out, errOut, code := runQ("--archive", db, "show", ids["ys22"])
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{ids["ys22"], "偃师区工业和信息化局年度报告", "http://yanshi.gov.cn/ys22.html.pdf", "capture #",
		"Content-Type: application/pdf", "三、收到和处理政府信息公开申请情况", "（七）总计", "2 failed", "✗ H3"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runQ("--archive", db, "show", "--output", "json", "http://yanshi.gov.cn/ys21.html")
	var js struct {
		Document archive.Document
		Captures map[string][]archive.Capture
	}
	if code != 0 || json.Unmarshal([]byte(out), &js) != nil || js.Document.ID != ids["ys21"] || len(js.Captures) != 2 {
		t.Errorf("show json (%d): %.300s", code, out)
	}
	if _, _, code := runQ("--archive", db, "show", "0000000000000000"); code != 1 {
		t.Errorf("unknown id: exit %d", code)
	}
}

func TestSeriesCommand(t *testing.T) {
	db, ids := queryArchive(t)
	out, errOut, code := runQ("--archive", db, "series", "--body", "偃师区工信局", "--years", "2021-2023")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"2021", "2022", "2023", "carried_over.total", "SR1 2022←2021", "MISMATCH", ids["ys23"]} {
		if !strings.Contains(out, want) {
			t.Errorf("series lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runQ("--archive", db, "series", "--body", "工信局", "--output", "csv", "--column", "all")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if code != 0 || err != nil || !strings.HasPrefix(out, "\uFEFF") || len(rows) != 1+3*25*7 {
		t.Errorf("series csv: exit %d, %d rows, %v", code, len(rows), err)
	}
	out, _, code = runQ("--archive", db, "series", "--body", "工信局", "--output", "json")
	var series []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &series) != nil || len(series) != 1 {
		t.Errorf("series json: %.200s", out)
	}
	// query's spelling, --year, works on series too, with the same result.
	yearOut, _, code := runQ("--archive", db, "series", "--body", "偃师区工信局", "--year", "2021-2023")
	yearsOut, _, code2 := runQ("--archive", db, "series", "--body", "偃师区工信局", "--years", "2021-2023")
	if code != 0 || code2 != 0 || yearOut != yearsOut {
		t.Errorf("series --year (exit %d) and --years (exit %d) differ:\n%s\n---\n%s", code, code2, yearOut, yearsOut)
	}
	if _, _, code := runQ("--archive", db, "series"); code != 2 {
		t.Errorf("no --body: exit %d", code)
	}
	if _, _, code := runQ("--archive", db, "series", "--body", "公安局"); code != 1 {
		t.Errorf("no match: exit %d", code)
	}
}

func TestExportCommand(t *testing.T) {
	db, _ := queryArchive(t)
	dir := t.TempDir()
	for _, name := range []string{"out.zip", "out.csv", "out.xlsx", "out.jsonl", "out.warc.gz"} {
		p := filepath.Join(dir, name)
		_, errOut, code := runQ("--archive", db, "export", "--body", "工信局", "-o", p)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		if !strings.Contains(errOut, "exported 3 reports") {
			t.Errorf("%s: %s", name, errOut)
		}
		fi, err := os.Stat(p)
		if err != nil || fi.Size() == 0 || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v %v", name, fi, err)
		}
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "out.zip"))
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".pdf") {
			files++
		}
	}
	zr.Close()
	if files != 3 {
		t.Errorf("%d PDFs in the bundle, want 3", files)
	}
	for _, bad := range [][]string{{}, {"-o", filepath.Join(dir, "x.txt")}, {"--year", "x", "-o", filepath.Join(dir, "y.zip")}} {
		if _, _, code := runQ(append([]string{"--archive", db, "export"}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	if _, _, code := runQ("--archive", db, "export", "--body", "公安局", "-o", filepath.Join(dir, "none.zip")); code != 1 {
		t.Errorf("no match: exit %d", code)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".part") || e.Name() == "none.zip" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
