package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/parse"
)

// Import makes one document per distinct bytes, parsed with the
// importer's hints; the same bytes again join that document as an import
// capture, once per place they came from.
func TestImport(t *testing.T) {
	data, arc, p := importFixture(t)
	ctx := context.Background()

	first, err := p.Import(ctx, arc, ImportFile{Data: data, Name: "r.html", Title: "导入的报告",
		Hints: Hints{Body: "某某局", Year: 2021}})
	if err != nil {
		t.Fatal(err)
	}
	d := first.Doc
	if first.Existing || !first.NewBlob || first.Capture == nil || first.Source != "file:///r.html" {
		t.Fatalf("first import: %+v", first)
	}
	if d.ID != archive.DocID(SourceImport, first.Blob.SHA256) || d.Source != SourceImport || d.URL != "" || d.Title != "导入的报告" {
		t.Errorf("document: id %s source %q url %q title %q", d.ID, d.Source, d.URL, d.Title)
	}
	if d.Body != "某某局" || d.Year != 2021 || d.HintBody != "某某局" || d.HintYear != 2021 {
		t.Errorf("hints not applied and kept: body %q year %d (hints %q %d)", d.Body, d.Year, d.HintBody, d.HintYear)
	}
	if d.ParseStatus != parse.StatusOK || d.FailedChecks == 0 || len(d.Files) != 1 || d.Files[0].Filename != "r.html" {
		t.Errorf("parse: status %q, %d failed checks, files %+v", d.ParseStatus, d.FailedChecks, d.Files)
	}
	stored, err := arc.Document(d.ID)
	if err != nil || stored.ParseStatus != d.ParseStatus {
		t.Fatalf("not committed: %v", err)
	}

	again, err := p.Import(ctx, arc, ImportFile{Data: data, Name: "copy.html", URL: "http://mirror.example/r.html",
		Hints: Hints{Body: "别的局"}})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Existing || again.NewBlob || again.Doc.ID != d.ID || again.Capture == nil || again.Capture.DocID != d.ID {
		t.Errorf("same bytes from elsewhere: %+v", again)
	}
	if again.Doc.Body != "某某局" {
		t.Errorf("the existing document took the new hints: body %q", again.Doc.Body)
	}
	dup, err := p.Import(ctx, arc, ImportFile{Data: data, Name: "copy.html", URL: "http://mirror.example/r.html"})
	if err != nil {
		t.Fatal(err)
	}
	if !dup.Existing || dup.Capture != nil {
		t.Errorf("same bytes from the same place: %+v", dup)
	}
	caps, err := arc.CapturesByHash(first.Blob.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := arc.Stats()
	if len(caps) != 2 || st.Documents != 1 {
		t.Errorf("%d captures, %d documents; want 2 and 1", len(caps), st.Documents)
	}
}

// Reparse redoes what another parser version read, writes back a changed
// reading (or the same reading under the new version), and with dryRun
// writes nothing; a second run changes nothing.
func TestReparse(t *testing.T) {
	data, arc, p := importFixture(t)
	ctx := context.Background()
	imp, err := p.Import(ctx, arc, ImportFile{Data: data, Name: "r.html", Hints: Hints{Year: 2021}})
	if err != nil {
		t.Fatal(err)
	}
	id, failed := imp.Doc.ID, imp.Doc.FailedChecks
	stored := func() *archive.Document {
		t.Helper()
		d, err := arc.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// An older parser's reading: other failed checks.
	old := stored()
	old.ParserVer, old.FailedChecks = "report-0.9", failed+7
	if err := arc.PutDocument(old); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		name            string
		force, dryRun   bool
		redone, changed bool
		wantFailed      int
		wantVer         string
	}{
		{"dry run", false, true, true, true, failed + 7, "report-0.9"},
		{"older version", false, false, true, true, failed, parse.Version},
		{"same version", false, false, false, false, failed, parse.Version},
		{"forced, same reading", true, false, true, false, failed, parse.Version},
	} {
		d := stored()
		res, err := p.Reparse(ctx, arc, d, step.force, step.dryRun)
		if err != nil || res.Redone != step.redone || res.Changed != step.changed {
			t.Errorf("%s: redone %v changed %v (%v), want %v %v", step.name, res.Redone, res.Changed, err, step.redone, step.changed)
		}
		if after := stored(); after.FailedChecks != step.wantFailed || after.ParserVer != step.wantVer || after.HintYear != 2021 {
			t.Errorf("%s: stored %d failed checks, parser %q, hint year %d; want %d, %q, 2021",
				step.name, after.FailedChecks, after.ParserVer, after.HintYear, step.wantFailed, step.wantVer)
		}
	}
}

// importFixture: a report's bytes, an empty archive and a parser, closed
// when the test ends.
func importFixture(t *testing.T) ([]byte, *archive.Archive, *Parser) {
	t.Helper()
	data, err := os.ReadFile("../testdata/reports/html-2021-bad-sums.html")
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arc.Close() })
	p := NewParser(config.Default(), Options{})
	t.Cleanup(func() { p.Close() })
	return data, arc, p
}
