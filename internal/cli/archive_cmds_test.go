package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
)

func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestImportStatsVerify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, []byte{0, 1, 2, 3, 4, 0xff}, 0o644)
	out, errOut, code := run(t, "--config", filepath.Join(dir, "none.yaml"), "--archive", db, "import",
		"../../testdata/samples/report.docx", junk)
	if code == 0 {
		t.Fatalf("a missing --config file must be an error; got %q", out)
	}
	out, errOut, code = run(t, "--archive", db, "import", "../../testdata/samples/report.docx", junk)
	if code != 0 {
		t.Fatalf("import exit %d: %s %s", code, out, errOut)
	}
	if !strings.Contains(out, "report.docx: stored") || !strings.Contains(out, "parse ok") {
		t.Errorf("docx import output: %s", out)
	}
	if !strings.Contains(out, "junk.bin: stored") || !strings.Contains(out, "parse failed") {
		t.Errorf("junk import should be kept with a failed parse: %s", out)
	}
	// Importing the same file again: already stored, still one blob.
	out, _, code = run(t, "--archive", db, "import", "--url", "http://www.yanshi.gov.cn/a.docx", "--body", "偃师区测试局",
		"--year", "2023", "../../testdata/samples/report.docx")
	if code != 0 || !strings.Contains(out, "already archived as document") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	out, _, code = run(t, "--archive", db, "stats", "--json")
	if code != 0 || !strings.Contains(out, `"blobs": 2`) || !strings.Contains(out, `"captures": 3`) {
		t.Fatalf("stats: %d %s", code, out)
	}
	out, _, code = run(t, "--archive", db, "verify")
	if code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify healthy: %d %s", code, out)
	}
	// Flip one byte of the stored DOCX (kept raw: DOCX is already compressed).
	raw, _ := os.ReadFile("../../testdata/samples/report.docx")
	file, _ := os.ReadFile(db)
	i := bytes.Index(file, raw[1000:1100])
	if i < 0 {
		t.Fatal("docx bytes not found raw in the archive file")
	}
	file[i+50] ^= 0x01
	os.WriteFile(db, file, 0o644)
	out, _, code = run(t, "--archive", db, "verify")
	if code == 0 {
		t.Fatalf("verify of corrupted archive exited 0: %s", out)
	}
	if !strings.Contains(out, "corrupt_blob") || !strings.Contains(out, "http://www.yanshi.gov.cn/a.docx") ||
		!strings.Contains(out, "file:///report.docx") {
		t.Errorf("verify output should name the blob and its URLs: %s", out)
	}
	bk := filepath.Join(dir, "backup.db")
	if out, errOut, code := run(t, "--archive", db, "backup", bk); code != 0 {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	if _, err := os.Stat(bk); err != nil {
		t.Fatal(err)
	}
}

func TestReparseIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	if out, errOut, code := run(t, "--archive", db, "import", "../../testdata/samples/report.docx"); code != 0 {
		t.Fatalf("import: %s %s", out, errOut)
	}
	out, _, code := run(t, "--archive", db, "reparse")
	if code != 0 || !strings.Contains(out, "1 document matched (all reports), 0 re-parsed") {
		t.Fatalf("reparse of fresh archive should skip current-version docs: %s", out)
	}
	out, _, code = run(t, "--archive", db, "reparse", "--force")
	if code != 0 || !strings.Contains(out, "1 re-parsed, updated 0") {
		t.Fatalf("forced reparse with the same parser must change nothing: %s", out)
	}
	// Simulate an old parser's output: the next reparse redoes and reports it.
	var code2 int
	func() {
		arc, err := archive.Open(db, archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer arc.Close()
		ds, _ := arc.FindDocuments(archive.Query{})
		d := ds[0]
		d.ParserVer, d.ParseStatus, d.Parsed = "old", "partial", nil
		if err := arc.PutDocument(d); err != nil {
			t.Fatal(err)
		}
	}()
	out, _, code2 = run(t, "--archive", db, "reparse")
	if code2 != 0 || !strings.Contains(out, "status partial→ok") || !strings.Contains(out, "updated 1") {
		t.Fatalf("reparse after parser change: %s", out)
	}
	out, _, _ = run(t, "--archive", db, "reparse")
	if !strings.Contains(out, "0 re-parsed") {
		t.Fatalf("second reparse not idempotent: %s", out)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	for _, args := range [][]string{{"show"}, {"show", "a", "b"}, {"sites", "check"}, {"backup"}, {"nosuchcmd"}, {"stats", "extra"}} {
		_, errOut, code := run(t, append([]string{"--archive", db}, args...)...)
		if code != 2 {
			t.Errorf("crawler %v: exit %d, want 2 (%s)", args, code, errOut)
		}
	}
}
