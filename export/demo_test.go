package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc/v3"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/internal/cli"
	"github.com/nianbao/nianbao/query"
)

// TestExportDemoArchive exports a real crawled archive — the imitation
// portal's, crawled by `crawler demo` into a temporary archive, or the one
// NIANBAO_DEMO_ARCHIVE names — and checks every original and every WARC
// payload against the archive's hashes. The unit tests above cover the
// same code on fixtures; this one catches what real crawled documents bring.
func TestExportDemoArchive(t *testing.T) {
	path := os.Getenv("NIANBAO_DEMO_ARCHIVE")
	if path == "" {
		if testing.Short() {
			t.Skip("-short: skipping the crawl of the imitation portal")
		}
		path = filepath.Join(t.TempDir(), "demo.db")
		var out, errb bytes.Buffer
		if code := cli.Main(context.Background(), []string{"demo", "--db", path}, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("crawler demo: exit %d\n%s\n%s", code, out.String(), errb.String())
		}
	}
	a, err := archive.Open(path, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	refs, err := query.Select(ctx, a, query.Filter{})
	if err != nil || len(refs) == 0 {
		t.Fatalf("select: %d reports, %v", len(refs), err)
	}
	var buf bytes.Buffer
	st, err := export.Export(ctx, a, refs, &buf, export.Options{Format: export.FormatZip, TmpDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string][]byte{}
	for _, f := range zr.File {
		checkSafePath(t, f.Name)
		rc, _ := f.Open()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		entries[f.Name] = b
	}
	man, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(entries["manifest.csv"], []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range man[1:] {
		if b, ok := entries[row[7]]; !ok || sha(b) != row[13] {
			t.Errorf("manifest row %v: copy missing or hash differs", row[:8])
		}
	}
	t.Logf("%d reports, %d files, %d warnings", st.Reports, st.Files, st.WarningCount)

	buf.Reset()
	if _, err := export.Export(ctx, a, refs, &buf, export.Options{Format: export.FormatWARC, TmpDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	r, _ := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(buf.Bytes()), 0)
	n := 0
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatal(err)
		}
		if blk, ok := rec.WarcRecord.Block().(gowarc.HttpResponseBlock); ok {
			pr, _ := blk.PayloadBytes()
			body, _ := io.ReadAll(pr)
			if "sha256:"+sha(body) != rec.WarcRecord.WarcHeader().Get(gowarc.WarcPayloadDigest) {
				t.Errorf("%s: payload hash differs", rec.WarcRecord.WarcHeader().Get(gowarc.WarcTargetURI))
			}
			n++
		}
		rec.Close()
	}
	t.Logf("%d responses verified", n)
}
