package cli

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/portal"
)

// importTwo archives two reports of one body (2022 and 2023) and returns
// the archive path and their ids.
func importTwo(t *testing.T) (db, id2022, id2023 string) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "a.db")
	for _, imp := range []struct{ file, year string }{{"report.doc", "2022"}, {"report.docx", "2023"}} {
		out, errOut, code := run(t, "--archive", db, "import", "--body", "偃师区工业和信息化局", "--year", imp.year,
			"--region", "河南省洛阳市偃师区", "--url", "http://www.yanshi.gov.cn/"+imp.year+"/"+imp.file, "../../testdata/samples/"+imp.file)
		if code != 0 {
			t.Fatalf("import %s: exit %d: %s %s", imp.file, code, out, errOut)
		}
	}
	arc, err := archive.Open(db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	err = arc.ForEachDocument(func(d *archive.Document) error {
		switch d.Year {
		case 2022:
			id2022 = d.ID
		case 2023:
			id2023 = d.ID
		}
		return nil
	})
	if err != nil || id2022 == "" || id2023 == "" {
		t.Fatalf("imported ids: %q %q (%v)", id2022, id2023, err)
	}
	return db, id2022, id2023
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s %s", args, code, out, errOut)
	}
	return out
}

// unpacked returns every byte of an export file, ZIP entries (the bundle,
// XLSX) and gzip members (WARC) decompressed.
func unpacked(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var all []byte
		for _, f := range zr.File {
			all = append(all, f.Name...)
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			all = append(all, b...)
		}
		return all
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return data
}

func TestRetractRoundTrip(t *testing.T) {
	db, keep, gone := importTwo(t)
	dir := filepath.Dir(db)
	goneURL := "http://www.yanshi.gov.cn/2023/report.docx"
	keepURL := "http://www.yanshi.gov.cn/2022/report.doc"

	// Usage errors: exit 2 before anything is written.
	if _, errOut, code := run(t, "--archive", db, "retract", gone); code != 2 || !strings.Contains(errOut, "--reason is required") {
		t.Errorf("no --reason: exit %d: %s", code, errOut)
	}
	if _, errOut, code := run(t, "--archive", db, "retract", gone, "--reason", "  "); code != 2 || !strings.Contains(errOut, "--reason is required") {
		t.Errorf("blank --reason: exit %d: %s", code, errOut)
	}
	if _, errOut, code := run(t, "--archive", db, "retract", "0123456789abcdef", "--reason", "x"); code != 2 ||
		!strings.Contains(errOut, `no report "0123456789abcdef"`) || !strings.Contains(errOut, "crawler query") {
		t.Errorf("unknown id: exit %d: %s", code, errOut)
	}
	if _, _, code := run(t, "--archive", db, "retract"); code != 2 {
		t.Errorf("no id: exit %d", code)
	}
	none := filepath.Join(dir, "none.db")
	if _, errOut, code := run(t, "--archive", none, "retract", gone, "--reason", "x"); code != 2 || !strings.Contains(errOut, "does not exist") {
		t.Errorf("missing archive: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(none); err == nil {
		t.Error("retract created an archive")
	}

	out := mustRun(t, "--archive", db, "retract", strings.ToUpper(gone), "--reason", "a 解读 page, not the report", "--by", "alice")
	if !strings.Contains(out, "retracted report "+gone) || !strings.Contains(out, "by alice") || !strings.Contains(out, "a 解读 page") {
		t.Errorf("retract output: %s", out)
	}
	if _, errOut, code := run(t, "--archive", db, "retract", gone, "--reason", "again"); code != 1 ||
		!strings.Contains(errOut, "already retracted (by alice") {
		t.Errorf("second retract: exit %d: %s", code, errOut)
	}

	// Hidden from query (every output), export (every format) and series.
	for _, o := range []string{"jsonl", "json", "csv", "table"} {
		out = mustRun(t, "--archive", db, "query", "--output", o)
		if strings.Contains(out, gone) || !strings.Contains(out, keep) {
			t.Errorf("query --output %s: %s", o, out)
		}
	}
	if out = mustRun(t, "--archive", db, "query", "--year", "2023"); strings.TrimSpace(out) != "" {
		t.Errorf("query --year 2023 lists %s", out)
	}
	out = mustRun(t, "--archive", db, "query", "--retracted")
	var rec struct {
		ID         string
		Retraction *archive.Tombstone
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec.ID != gone || rec.Retraction == nil ||
		rec.Retraction.By != "alice" || rec.Retraction.Reason != "a 解读 page, not the report" || rec.Retraction.Action != "retract" {
		t.Errorf("query --retracted: %v %s", err, out)
	}
	if _, _, code := run(t, "--archive", db, "query", "--missing", "--retracted"); code != 2 {
		t.Errorf("--missing --retracted: exit %d, want 2", code)
	}
	for _, ext := range []string{".zip", ".csv", ".xlsx", ".jsonl", ".warc.gz"} {
		path := filepath.Join(dir, "out"+ext)
		mustRun(t, "--archive", db, "export", "-o", path)
		all := unpacked(t, path)
		if bytes.Contains(all, []byte(gone)) || bytes.Contains(all, []byte(goneURL)) {
			t.Errorf("export %s holds the retracted report", ext)
		}
		if !bytes.Contains(all, []byte(keepURL)) && !bytes.Contains(all, []byte(keep)) {
			t.Errorf("export %s lacks the other report", ext)
		}
		if _, errOut, code := run(t, "--archive", db, "export", "--year", "2023", "-o", filepath.Join(dir, "only"+ext)); code != 1 ||
			!strings.Contains(errOut, "no reports match") {
			t.Errorf("export %s of the retracted year: exit %d: %s", ext, code, errOut)
		}
	}
	out = mustRun(t, "--archive", db, "series", "--body", "工信局", "--years", "2022-2023")
	if strings.Contains(out, gone) {
		t.Errorf("series uses the retracted report: %s", out)
	}

	// show still prints it, marked, with the tombstone.
	out = mustRun(t, "--archive", db, "show", gone)
	if !strings.HasPrefix(out, "RETRACTED ") || !strings.Contains(out, "by alice: a 解读 page, not the report") ||
		!strings.Contains(out, "retraction history (1)") || !strings.Contains(out, "files (1)") {
		t.Errorf("show of a retracted report:\n%s", out)
	}
	out = mustRun(t, "--archive", db, "show", "--output", "json", gone)
	if !strings.Contains(out, `"tombstones"`) || !strings.Contains(out, `"by": "alice"`) {
		t.Errorf("show --output json lacks the tombstones: %s", out)
	}
	if out = mustRun(t, "--archive", db, "show", keep); strings.Contains(out, "RETRACTED") || strings.Contains(out, "retraction history") {
		t.Errorf("show of a live report mentions retraction:\n%s", out)
	}

	// stats and verify count it; the document and its bytes stay.
	out = mustRun(t, "--archive", db, "stats", "--json")
	var st archive.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Documents != 2 || st.Retracted != 1 || st.Blobs != 2 {
		t.Errorf("stats --json: %v %s", err, out)
	}
	if out = mustRun(t, "--archive", db, "stats"); !strings.Contains(out, "retracted") {
		t.Errorf("stats: %s", out)
	}
	if out = mustRun(t, "--archive", db, "verify"); !strings.Contains(out, "2 documents") || !strings.Contains(out, "1 report of the documents retracted") ||
		!strings.Contains(out, "OK") {
		t.Errorf("verify: %s", out)
	}

	// --undo lists it again; the history keeps both decisions.
	out = mustRun(t, "--archive", db, "retract", gone, "--undo")
	if !strings.Contains(out, "restored report "+gone) {
		t.Errorf("undo output: %s", out)
	}
	if _, errOut, code := run(t, "--archive", db, "retract", gone, "--undo"); code != 1 || !strings.Contains(errOut, "is not retracted") {
		t.Errorf("second undo: exit %d: %s", code, errOut)
	}
	if out = mustRun(t, "--archive", db, "query"); !strings.Contains(out, gone) || !strings.Contains(out, keep) || strings.Contains(out, "retraction") {
		t.Errorf("query after undo: %s", out)
	}
	if out = mustRun(t, "--archive", db, "query", "--retracted"); strings.TrimSpace(out) != "" {
		t.Errorf("query --retracted after undo: %s", out)
	}
	out = mustRun(t, "--archive", db, "show", gone)
	if strings.Contains(out, "RETRACTED") || !strings.Contains(out, "retraction history (2)") || !strings.Contains(out, "restored by ") {
		t.Errorf("show after undo:\n%s", out)
	}
	if out = mustRun(t, "--archive", db, "retract", "--by", "bob", goneURL, "--reason", "by URL"); !strings.Contains(out, "retracted report "+gone) {
		t.Errorf("retract by URL: %s", out)
	}
}

// Retracting writes: while another writer (crawler serve) holds the
// archive it waits lock_timeout, then names the holder, as import does.
func TestRetractWaitsForWriter(t *testing.T) {
	db, _, gone := importTwo(t)
	cfg := filepath.Join(filepath.Dir(db), "config.yaml")
	if err := os.WriteFile(cfg, []byte("lock_timeout: 200ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(db, archive.Options{Command: "crawler serve", LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code := run(t, "--config", cfg, "--archive", db, "retract", gone, "--reason", "x")
	_, importErr, _ := run(t, "--config", cfg, "--archive", db, "import", "../../testdata/samples/report.wps")
	arc.Close()
	if code == 0 || !strings.Contains(errOut, "(crawler serve)") || !strings.Contains(errOut, "lock_timeout") {
		t.Errorf("retract beside a writer: exit %d: %s", code, errOut)
	}
	strip := func(s string) string { _, rest, _ := strings.Cut(s, "is in use by"); return rest }
	if strip(errOut) != strip(importErr) {
		t.Errorf("retract's lock message differs from import's:\n%s\n%s", errOut, importErr)
	}
	out := mustRun(t, "--config", cfg, "--archive", db, "retract", gone, "--reason", "x")
	if !strings.Contains(out, "retracted report") {
		t.Errorf("after the writer left: %s", out)
	}
}

// A report retracted between two crawls stays retracted when the second
// crawl fetches it again and commits the document anew.
func TestRetractSurvivesRecrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the imitation portal twice")
	}
	p := portal.New(portal.Options{Sites: []string{"yanshi"}})
	p.Start()
	defer p.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	cfg := portalConfig(t, p, db)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Re-fetch every archived page on the second run.
	data = bytes.Replace(data, []byte("crawl:\n"), []byte("crawl:\n  recheck: 1ns\n  stop_paging_when_known: false\n"), 1)
	if err := os.WriteFile(cfg, data, 0o644); err != nil {
		t.Fatal(err)
	}
	crawl := func() {
		t.Helper()
		if out, errs, code := runCrawlCLI("--config", cfg, "crawl"); code != 0 {
			t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
		}
	}
	crawl()
	// Retract every report (the first through the command), then crawl
	// again: the crawl commits the ones it fetches again as new documents.
	before := map[string]time.Time{}
	func() {
		arc, err := archive.Open(db, archive.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer arc.Close()
		_ = arc.ForEachDocument(func(d *archive.Document) error {
			before[d.ID] = d.LastSeen
			return nil
		})
	}()
	if len(before) == 0 {
		t.Fatal("the crawl archived no report")
	}
	first := true
	for id := range before {
		if first {
			mustRun(t, "--config", cfg, "retract", id, "--reason", "test", "--by", "alice")
			first = false
			continue
		}
		arc, err := archive.Open(db, archive.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = arc.Retract(id, "alice", "test", time.Now())
		arc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Corrected re-uploads: the second crawl finds new bytes at the same
	// URLs and commits those documents again.
	for _, e := range p.Expected("yanshi") {
		if err := p.ReplaceReport(e.ID); err != nil {
			t.Fatal(err)
		}
	}
	crawl()
	arc, err := archive.Open(db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	updated := 0
	err = arc.ForEachDocument(func(d *archive.Document) error {
		if d.LastSeen.After(before[d.ID]) {
			updated++
		}
		if !d.Retracted() || len(d.Tombstones) != 1 || d.Tombstones[0].By != "alice" {
			t.Errorf("%s after the second crawl: retracted %v, tombstones %+v", d.ID, d.Retracted(), d.Tombstones)
		}
		return nil
	})
	arc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if updated == 0 {
		t.Fatalf("the second crawl updated none of the %d documents", len(before))
	}
	t.Logf("%d of %d retracted documents updated by the second crawl", updated, len(before))
	if out := mustRun(t, "--config", cfg, "query", "--output", "jsonl"); strings.TrimSpace(out) != "" {
		t.Errorf("query lists retracted reports after a recrawl: %s", out)
	}
}
