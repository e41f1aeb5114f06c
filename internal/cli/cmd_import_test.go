package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// Importing bytes the archive already holds as a document attaches an
// import capture to that document; the same file from the same place twice
// adds nothing.
func TestImportDedupe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	sample := "../../testdata/samples/report.docx"
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	// A crawled document that holds the sample's bytes.
	crawledURL := "http://www.yanshi.gov.cn/P020240115.docx"
	crawledID := archive.DocID("yanshi", crawledURL)
	func() {
		arc, err := archive.Open(db, archive.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer arc.Close()
		now := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
		doc := &archive.Document{ID: crawledID, Site: "yanshi", URL: crawledURL, Source: "crawl", Body: "偃师区工业和信息化局",
			Year: 2023, FirstSeen: now, Files: []archive.FileRef{{URL: crawledURL, Role: "attachment"}}}
		if err := arc.CommitFetch(archive.Fetch{Blob: data, Capture: &archive.Capture{URL: crawledURL, Site: "yanshi",
			Source: "crawl", DocID: crawledID, Time: now}, Doc: doc}); err != nil {
			t.Fatal(err)
		}
	}()
	copyPath := filepath.Join(dir, "r2019.docx")
	if err := os.WriteFile(copyPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		args     []string
		want     []string
		captures int // import captures of the blob after the step
	}{
		{"first import of crawled bytes", []string{copyPath}, []string{"already archived as document " + crawledID, "capture #"}, 1},
		{"same file, same (default) URL", []string{copyPath}, []string{"already archived as document " + crawledID, "nothing added"}, 1},
		{"same bytes from a named URL", []string{"--url", "http://mirror.example/r.docx", "--year", "2023", copyPath},
			[]string{"already archived as document " + crawledID, "were not applied"}, 2},
		{"same named URL again", []string{"--url", "http://mirror.example/r.docx", copyPath}, []string{"nothing added"}, 2},
	}
	for _, st := range steps {
		out, errOut, code := run(t, append([]string{"--archive", db, "import"}, st.args...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s %s", st.name, code, out, errOut)
		}
		for _, w := range st.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q: %s", st.name, w, out)
			}
		}
		arc, err := archive.Open(db, archive.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		st2, _ := arc.Stats()
		docs, _ := arc.DocumentsByHash(shaOf(t, arc, crawledURL))
		caps, _ := arc.CapturesByHash(shaOf(t, arc, crawledURL))
		arc.Close()
		if st2.Documents != 1 || len(docs) != 1 || docs[0].ID != crawledID {
			t.Errorf("%s: %d documents (%d with the bytes), want only the crawled one", st.name, st2.Documents, len(docs))
		}
		imports := 0
		for _, c := range caps {
			if c.Source == "import" {
				imports++
				if c.DocID != crawledID {
					t.Errorf("%s: import capture #%d belongs to %q, want %s", st.name, c.ID, c.DocID, crawledID)
				}
			}
		}
		if imports != st.captures {
			t.Errorf("%s: %d import captures, want %d", st.name, imports, st.captures)
		}
	}
}

func shaOf(t *testing.T, arc *archive.Archive, url string) string {
	t.Helper()
	cs, err := arc.Captures(url)
	if err != nil || len(cs) == 0 {
		t.Fatalf("captures of %s: %v", url, err)
	}
	return cs[0].SHA256
}
