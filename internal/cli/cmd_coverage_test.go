package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/query"
)

// demoArchive crawls the imitation portal into a temporary archive.
func demoArchive(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.db")
	if out, errOut, code := run(t, "demo", "--db", db); code != 0 {
		t.Fatalf("crawler demo: exit %d\n%s\n%s", code, out, errOut)
	}
	return db
}

// Every report of the imitation portal gets a resolved region; --region
// finds a county's bodies by the county's code and by its city's name.
func TestDemoRegionsResolvedAndQueried(t *testing.T) {
	db := demoArchive(t)
	out, errOut, code := run(t, "--archive", db, "query", "--output", "jsonl")
	if code != 0 {
		t.Fatalf("query: %d %s", code, errOut)
	}
	total, resolved := 0, 0
	byCode := map[string]int{}
	oldName := "" // the report that calls the district by its former name
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r query.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		total++
		if r.Body == "偃师市" {
			oldName = r.ID
		}
		if r.RegionCode != "" {
			resolved++
			byCode[r.RegionCode]++
			if len(r.RegionPath) == 0 || r.RegionLevel == "" {
				t.Errorf("%s: code %s without path or level", r.ID, r.RegionCode)
			}
		}
	}
	t.Logf("%d of %d reports resolved", resolved, total)
	if oldName == "" {
		t.Fatal("the portal has no report of 偃师市 (renamed 偃师区 in 2021)")
	}
	if out, _, _ := run(t, "--archive", db, "show", oldName); !strings.Contains(out, "河南省 › 洛阳市 › 偃师区 (410307, county)") {
		t.Errorf("show of the 偃师市 report:\n%s", out)
	}
	if total < 200 || resolved != total {
		t.Errorf("%d of %d reports resolved; every portal site has a region", resolved, total)
	}
	count := func(args ...string) int {
		out, errOut, code := run(t, append([]string{"--archive", db, "query", "--output", "jsonl"}, args...)...)
		if code != 0 {
			t.Fatalf("query %v: %d %s", args, code, errOut)
		}
		return strings.Count(out, "\n")
	}
	yanshi := byCode["410307"] + byCode["410307004"] // the district and its street
	if yanshi == 0 || count("--region", "410307") != yanshi {
		t.Errorf("--region 410307: %d, want %d", count("--region", "410307"), yanshi)
	}
	if n := count("--region", "偃师市"); n != yanshi {
		t.Errorf("--region 偃师市 (the former name): %d, want %d", n, yanshi)
	}
	city := count("--region", "洛阳市")
	if city <= yanshi || city != count("--region", "4103") {
		t.Errorf("--region 洛阳市 %d, 4103 %d, 偃师区 %d: the city holds the district and more", city, count("--region", "4103"), yanshi)
	}
	if n := count("--region", "410307004"); n != byCode["410307004"] || n == 0 {
		t.Errorf("--region of a street: %d, want %d", n, byCode["410307004"])
	}
}

// Coverage of 偃师区 on the imitation portal: 城关街道 has no 2022 report
// (the portal's known gap), the district's 2023 government report came
// after 3月31日, and the city's grid lists every county's government.
func TestCoverageOnImitationPortal(t *testing.T) {
	db := demoArchive(t)
	out, errOut, code := run(t, "--archive", db, "coverage", "--region", "偃师区", "--years", "2019-2024", "--output", "json")
	if code != 0 {
		t.Fatalf("coverage: %d %s", code, errOut)
	}
	var cov query.Coverage
	if err := json.Unmarshal([]byte(out), &cov); err != nil {
		t.Fatal(err)
	}
	if cov.RegionCode != "410307" || strings.Join(cov.RegionPath, "›") != "河南省›洛阳市›偃师区" {
		t.Fatalf("region %s %v", cov.RegionCode, cov.RegionPath)
	}
	cell := func(body string, year int) query.YearCov {
		for _, b := range cov.Bodies {
			if b.Body == body {
				for _, y := range b.Years {
					if y.Year == year {
						return y
					}
				}
			}
		}
		t.Fatalf("no cell %s %d in %s", body, year, out)
		return query.YearCov{}
	}
	if c := cell("偃师区城关街道办事处", 2022); c.Status != query.CovMissing {
		t.Errorf("城关街道 2022: %+v, want missing", c)
	}
	if c := cell("偃师区城关街道办事处", 2021); c.Status != query.CovPublished || c.ID == "" {
		t.Errorf("城关街道 2021: %+v, want published", c)
	}
	gov := cell("洛阳市偃师区人民政府", 2023)
	if gov.Status != query.CovLate || gov.Deadline != "2024-03-31" || gov.DaysLate <= 0 || gov.PublishedAt <= "2024-03-31" {
		t.Errorf("the district government's 2023 report: %+v, want late after 2024-03-31", gov)
	}
	// 2019年偃师市…: the report of the former 偃师市 is the same government's
	if c := cell("洛阳市偃师区人民政府", 2019); c.Status == query.CovMissing {
		t.Errorf("the 2019 report of 偃师市 did not count for today's 偃师区: %+v", c)
	}
	for _, b := range cov.Bodies {
		if b.Body == "偃师区工业和信息化局" && (b.Kind != query.KindDepartment || b.Years[0].Deadline != "2020-01-31") {
			t.Errorf("a department: %+v", b)
		}
	}

	out, _, code = run(t, "--archive", db, "coverage", "--region", "洛阳市", "--years", "2022-2023", "--output", "csv")
	if code != 0 || !strings.HasPrefix(out, "\ufeffregion_code,region_path,body,kind,listed,year,status") {
		t.Fatalf("csv: %d %q", code, out[:min(len(out), 200)])
	}
	for _, want := range []string{"410325,河南省 › 洛阳市 › 嵩县,嵩县人民政府,government,true,2022,missing", "410307,河南省 › 洛阳市 › 偃师区,偃师区城关街道办事处,township,false,2022,missing"} {
		if !strings.Contains(out, want) {
			t.Errorf("csv lacks %q", want)
		}
	}
	out, _, code = run(t, "--archive", db, "coverage", "--region", "洛阳市", "--years", "2023-2023", "--output", "table")
	if code != 0 || !strings.Contains(out, "伊川县人民政府") || !strings.Contains(out, "overdue") {
		t.Errorf("table: %d\n%s", code, out)
	}
	for _, bad := range [][]string{{"coverage", "--region", "新华区", "--years", "2020-2021"}, {"coverage", "--region", "洛阳市"}, {"coverage", "--region", "洛阳市", "--years", "2020-"}} {
		if _, errOut, code := run(t, append([]string{"--archive", db}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d %s, want 2", bad, code, errOut)
		}
	}
}
