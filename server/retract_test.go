package server

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

// A retracted report is left out of the API's listing, the web page's
// list and the export; its detail, page and files answer 410; restoring
// it brings everything back.
func TestRetractedHidden(t *testing.T) {
	f := newFixture(t)
	_, ts := f.start(t, nil)
	if _, err := f.arc.Retract(f.good, "alice", "posted by mistake", time.Now()); err != nil {
		t.Fatal(err)
	}
	ids := func(q string) []string {
		t.Helper()
		resp, b := get(t, ts.URL+"/api/reports"+q)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		var list ReportList
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range list.Reports {
			out = append(out, r.ID)
		}
		return out
	}
	for _, q := range []string{"", "?year=2023", "?format=2021", "?site=yanshi"} {
		for _, id := range ids(q) {
			if id == f.good {
				t.Errorf("/api/reports%s lists the retracted report", q)
			}
		}
	}
	if got := ids(""); len(got) != 2 {
		t.Errorf("/api/reports: %v, want the 2 others", got)
	}
	title := "偃师区工业和信息化局2023年政府信息公开工作年度报告"
	for _, path := range []string{"/", "/?year=2023", "/?region=" + "%E5%81%83%E5%B8%88%E5%8C%BA"} {
		resp, b := get(t, ts.URL+path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if strings.Contains(string(b), title) || strings.Contains(string(b), f.good) {
			t.Errorf("web list %s shows the retracted report", path)
		}
	}
	for _, path := range []string{"/api/reports/" + f.good, "/reports/" + f.good, "/raw/" + f.pdfSHA} {
		resp, b := get(t, ts.URL+path)
		if resp.StatusCode != 410 {
			t.Errorf("%s: %d, want 410 Gone: %s", path, resp.StatusCode, b)
		}
		if strings.Contains(string(b), "posted by mistake") {
			t.Errorf("%s tells the reason to the public", path)
		}
	}
	resp, b := get(t, ts.URL+"/api/export")
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	entries := 0
	for _, zf := range zr.File {
		if strings.Contains(zf.Name, f.pdfSHA) {
			t.Errorf("the export holds the retracted report's file %s", zf.Name)
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte(f.good)) {
			t.Errorf("export entry %s names the retracted report", zf.Name)
		}
		entries++
	}
	if entries < 2 {
		t.Errorf("export has %d entries", entries)
	}

	if _, b := get(t, ts.URL+"/metrics"); !strings.Contains(string(b), "nianbao_archive_retracted_documents 1") ||
		!strings.Contains(string(b), "nianbao_archive_documents 4") {
		t.Error("metrics do not count the retracted report")
	}

	if _, err := f.arc.Restore(f.good, "bob", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := ids(""); len(got) != 3 {
		t.Errorf("after restore: %v", got)
	}
	for _, path := range []string{"/api/reports/" + f.good, "/reports/" + f.good, "/raw/" + f.pdfSHA} {
		if resp, _ := get(t, ts.URL+path); resp.StatusCode != 200 {
			t.Errorf("after restore %s: %d", path, resp.StatusCode)
		}
	}
}
