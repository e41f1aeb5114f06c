package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/portal"
	"github.com/nianbao/nianbao/search"
)

// indexState opens db's search index directly: its count and whether it
// needs a repair, without search's own repair on open.
func indexState(t *testing.T, db string) (uint64, bool) {
	t.Helper()
	arc, err := archive.Open(db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	ix, err := search.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	need, err := ix.NeedsReconcile(arc)
	if err != nil {
		t.Fatal(err)
	}
	return n, need
}

func searchIDs(t *testing.T, args ...string) []string {
	t.Helper()
	out := mustRun(t, append(args, "--output", "jsonl")...)
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var r struct {
			ID      string `json:"id"`
			Snippet string `json:"snippet"`
			Year    int    `json:"year"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

func TestSearchCommandKeepsIndexCurrent(t *testing.T) {
	db, id22, id23 := importTwo(t)
	// import keeps the index current: no repair needed.
	if n, need := indexState(t, db); n != 2 || need {
		t.Fatalf("after import: %d indexed, needs repair %v", n, need)
	}
	if ids := searchIDs(t, "--archive", db, "search", "工业和信息化局"); len(ids) != 2 {
		t.Fatalf("search: %v", ids)
	}
	if ids := searchIDs(t, "--archive", db, "search", "工业和信息化局", "--year", "2023"); len(ids) != 1 || ids[0] != id23 {
		t.Fatalf("search --year 2023: %v", ids)
	}
	// short body forms mean what they mean for query
	if ids := searchIDs(t, "--archive", db, "search", "年度报告", "--body", "工信局", "--year", "2022-"); len(ids) != 2 {
		t.Fatalf("search --body 工信局: %v", ids)
	}
	// traditional query, simplified text
	if ids := searchIDs(t, "--archive", db, "search", "工業和資訊化局 OR 工業和信息化局"); len(ids) != 2 {
		t.Fatalf("traditional: %v", ids)
	}

	// snippet markers
	out := mustRun(t, "--archive", db, "search", "工业和信息化局", "--output", "json", "--limit", "1")
	var recs []struct {
		ID, Snippet string
		Score       float64
	}
	if err := json.Unmarshal([]byte(out), &recs); err != nil || len(recs) != 1 {
		t.Fatalf("json: %v %s", err, out)
	}
	if !strings.Contains(recs[0].Snippet, "【工业和信息化局】") {
		t.Errorf("snippet %q", recs[0].Snippet)
	}
	csvOut := mustRun(t, "--archive", db, "search", "工业和信息化局", "--output", "csv")
	if !strings.Contains(strings.SplitN(csvOut, "\n", 2)[0], "snippet") {
		t.Errorf("csv header: %q", csvOut)
	}

	// retract: the index drops it at once; search never lists it.
	mustRun(t, "--archive", db, "retract", id22, "--reason", "test")
	if n, need := indexState(t, db); n != 1 || need {
		t.Fatalf("after retract: %d indexed, needs repair %v", n, need)
	}
	if ids := searchIDs(t, "--archive", db, "search", "工业和信息化局"); len(ids) != 1 || ids[0] != id23 {
		t.Fatalf("after retract: %v", ids)
	}
	mustRun(t, "--archive", db, "retract", id22, "--undo")
	if n, _ := indexState(t, db); n != 2 {
		t.Fatalf("after undo: %d indexed", n)
	}

	// reparse keeps it current too
	mustRun(t, "--archive", db, "reparse", "--force")
	if n, need := indexState(t, db); n != 2 || need {
		t.Fatalf("after reparse: %d indexed, needs repair %v", n, need)
	}

	// reindex round trip: a deleted index is rebuilt with the same answers.
	before := searchIDs(t, "--archive", db, "search", "工业和信息化局")
	if err := os.RemoveAll(search.Path(db)); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, "--archive", db, "reindex"); !strings.Contains(out, "2 reports indexed") {
		t.Errorf("reindex: %q", out)
	}
	if after := searchIDs(t, "--archive", db, "search", "工业和信息化局"); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("before %v after %v", before, after)
	}
	// a missing index is rebuilt by search itself
	os.RemoveAll(search.Path(db))
	_, errOut, code := run(t, "--archive", db, "search", "工业和信息化局", "--output", "jsonl")
	if code != 0 || !strings.Contains(errOut, "search index brought up to date (2 indexed") {
		t.Errorf("repair on open: exit %d, %q", code, errOut)
	}
}

func TestSearchBadQueriesExit2(t *testing.T) {
	db, _, _ := importTwo(t)
	for _, q := range []string{``, `"行政复议`, `行政 OR`, `(行政`, strings.Repeat("行", 10*1024)} {
		_, errOut, code := run(t, "--archive", db, "search", q)
		if code != 2 || !strings.Contains(errOut, "bad search query") {
			t.Errorf("%.20q: exit %d, %q", q, code, errOut)
		}
	}
	if _, _, code := run(t, "--archive", db, "search", "行政", "--year", "abc"); code != 2 {
		t.Errorf("bad --year: exit %d", code)
	}
	if _, _, code := run(t, "--archive", db, "search", "行政", "--output", "xml"); code != 2 {
		t.Errorf("bad --output: exit %d", code)
	}
}

func TestCrawlKeepsSearchIndexCurrent(t *testing.T) {
	p := portal.New(portal.Options{Sites: []string{"yanshi"}})
	p.Start()
	defer p.Close()
	db := filepath.Join(t.TempDir(), "a.db")
	cfg := portalConfig(t, p, db)
	if out, errs, code := runCrawlCLI("--config", cfg, "crawl", "--site", "yanshi"); code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	n, need := indexState(t, db)
	if need || int(n) == 0 {
		t.Fatalf("after crawl: %d indexed, needs repair %v", n, need)
	}
	ids := searchIDs(t, "--config", cfg, "search", "政府信息公开", "--limit", "0")
	if len(ids) == 0 {
		t.Fatal("crawled reports not found")
	}
}
