package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/query/querytest"
	"github.com/nianbao/nianbao/server"
)

// noServeCrawler makes `serve` tests independent of the crawl engine.
func noServeCrawler(t *testing.T) {
	old := newServeCrawler
	newServeCrawler = func(*App, *config.Config, *archive.Archive) (server.Crawler, func(), error) {
		return nil, func() {}, nil
	}
	t.Cleanup(func() { newServeCrawler = old })
}

// readCommands are every command that only reads the archive, each with
// arguments that would succeed on a healthy one.
func readCommands(dir, id string) [][]string {
	return [][]string{
		{"stats"},
		{"stats", "--json"},
		{"verify"},
		{"query", "--output", "jsonl"},
		{"show", id},
		{"series", "--body", "工信局"},
		{"export", "-o", filepath.Join(dir, "out.zip")},
		{"backup", filepath.Join(dir, "copy.db")},
	}
}

// A truncated archive: every command that opens it fails with "archive
// damaged: PATH: …", exit 2, and no fault trace.
func TestTruncatedArchiveCommands(t *testing.T) {
	noServeCrawler(t)
	db, ids := queryArchive(t)
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := a.Stats()
	a.Close()
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.db")
	if err := os.WriteFile(cut, data[:st.DataBytes/2], 0o644); err != nil {
		t.Fatal(err)
	}
	cmds := append(readCommands(dir, ids["ys22"]),
		[]string{"import", "../../testdata/samples/report.docx"},
		[]string{"reparse"},
		[]string{"serve", "--addr", "127.0.0.1:0"},
	)
	for _, args := range cmds {
		out, errOut, code := runQ(append([]string{"--archive", cut}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s %s", args, code, out, errOut)
		}
		if !strings.Contains(errOut, "archive damaged: "+cut+": ") || !strings.Contains(errOut, "cut short") ||
			!strings.Contains(errOut, "(run `crawler verify`, restore from backup)") {
			t.Errorf("%v: stderr %q", args, errOut)
		}
		if strings.Contains(errOut+out, "goroutine") {
			t.Errorf("%v: a trace: %s", args, errOut)
		}
	}
	if fi, _ := os.Stat(cut); fi.Size() != st.DataBytes/2 {
		t.Errorf("the damaged file was changed: %d bytes", fi.Size())
	}
}

// bitFlipArchive writes an archive of three imported-looking documents
// whose titles appear nowhere but in their records, and returns its path
// and ids.
func bitFlipArchive(t *testing.T) (string, []string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "f.db")
	a, err := archive.Open(db, archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range []string{"一", "二", "三"} {
		u := "http://yanshi.gov.cn/" + n + ".pdf"
		id, err := querytest.AddDoc(a, querytest.Doc{Site: "yanshi", URL: u, Title: "偃师区第" + n + "局2023年度报告",
			Body: "偃师区第" + n + "局", Year: 2023, Files: []querytest.File{{URL: u, Data: querytest.PDF(n)}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return db, ids
}

// flipAll flips one bit of every copy of needle in the file (free pages
// may hold stale copies of a record's page).
func flipAll(t *testing.T, path, needle string, at int) {
	t.Helper()
	data, _ := os.ReadFile(path)
	n := 0
	for i := bytes.Index(data, []byte(needle)); i >= 0; i = bytes.Index(data, []byte(needle)) {
		data[i+at] ^= 0x01
		n++
	}
	if n == 0 {
		t.Fatalf("%q not in the file", needle)
	}
	os.WriteFile(path, data, 0o644)
}

// A flipped bit in a stored record (a title, not a blob) no longer goes
// unnoticed: verify names every bad record and exits 2; reading the
// record is an error naming it.
func TestBitFlippedRecordCommands(t *testing.T) {
	db, ids := bitFlipArchive(t)
	out, errOut, code := runQ("--archive", db, "verify")
	if code != 0 {
		t.Fatalf("healthy: exit %d: %s %s", code, out, errOut)
	}
	// 年 is e5 b9 b4: flipping the last bit of its last byte gives 幵.
	flipAll(t, db, "第一局2023年度", len("第一局2023年")-1)
	flipAll(t, db, "第三局2023年度", len("第三局2023年")-1)

	out, errOut, code = runQ("--archive", db, "verify")
	if code != 2 {
		t.Errorf("verify: exit %d, want 2: %s %s", code, out, errOut)
	}
	for _, id := range []string{ids[0], ids[2]} {
		if !strings.Contains(out, "PROBLEM bad_record: document "+id+": checksum mismatch") {
			t.Errorf("verify does not name document %s:\n%s", id, out)
		}
	}
	if strings.Contains(out, ids[1]) || strings.Contains(out, "OK") {
		t.Errorf("verify:\n%s", out)
	}
	if !strings.Contains(errOut, "2 problems found") {
		t.Errorf("verify stderr: %s", errOut)
	}
	_, errOut, code = runQ("--archive", db, "show", ids[0])
	if code != 2 || !strings.Contains(errOut, "document "+ids[0]+": record damaged: checksum mismatch") {
		t.Errorf("show: exit %d: %s", code, errOut)
	}
	out, errOut, code = runQ("--archive", db, "show", ids[1])
	if code != 0 || !strings.Contains(out, "偃师区第二局2023年度报告") {
		t.Errorf("show an intact report: exit %d: %s", code, errOut)
	}
	_, errOut, code = runQ("--archive", db, "query")
	if code != 2 || !strings.Contains(errOut, "record damaged") {
		t.Errorf("query: exit %d: %s", code, errOut)
	}
}

// Read commands never create an archive: a missing path is an error
// naming it and where it came from, exit 2.
func TestReadCommandsNeverCreate(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "sub", "none.db")
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("# test\narchive: "+missing+"\n"), 0o644)
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, []byte("crawl: {delay: 1s}\n"), 0o644)
	for _, args := range readCommands(dir, "0123456789abcdef") {
		for _, tc := range []struct {
			flags []string
			from  string
		}{
			{[]string{"--archive", missing}, "from --archive"},
			{[]string{"--config", cfg}, "from archive: on line 2 of " + cfg},
			{[]string{"--config", empty}, "the default path: no --archive, and " + empty + " sets no archive:"},
		} {
			_, errOut, code := runQ(append(tc.flags, args...)...)
			want := missing
			if tc.flags[0] == "--config" && tc.flags[1] == empty {
				want = config.Default().Archive
			}
			if code != 2 || !strings.Contains(errOut, "archive "+want+" does not exist ("+tc.from+")") {
				t.Errorf("%v %v: exit %d: %s", tc.flags, args, code, errOut)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "sub")); err == nil {
		t.Error("a read command created the archive's directory")
	}
	if _, err := os.Stat("data"); err == nil {
		t.Error("a read command created ./data")
	}
	// No config file at all.
	_, errOut, code := runQ("stats")
	if code != 2 || !strings.Contains(errOut, "the default path: no --archive, and no config file ./config.yaml") {
		t.Errorf("stats without config: exit %d: %s", code, errOut)
	}
}

// A file that is not an archive says so, whatever command opens it.
func TestNotAnArchiveCommands(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte(strings.Repeat("minutes of the meeting\n", 500)), 0o644)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	for _, path := range []string{text, empty, dir} {
		for _, args := range append(readCommands(t.TempDir(), "0123456789abcdef"), []string{"import", "../../testdata/samples/report.docx"}) {
			if path == empty && args[0] == "import" {
				continue // an empty file opened for writing becomes an archive
			}
			_, errOut, code := runQ(append([]string{"--archive", path}, args...)...)
			if code != 2 || !strings.Contains(errOut, path+" is not a nianbao archive") || !strings.Contains(errOut, "from --archive") ||
				strings.Contains(errOut, "bad file descriptor") {
				t.Errorf("%s %v: exit %d: %s", path, args, code, errOut)
			}
		}
	}
	if b, _ := os.ReadFile(text); !bytes.HasPrefix(b, []byte("minutes")) {
		t.Error("the text file was changed")
	}
}

// A schema-1 archive (records without checksums) is migrated the first
// time a read command opens it, saying so, and then reads as before.
func TestReadCommandMigratesOldArchive(t *testing.T) {
	db, ids := queryArchive(t)
	// Schema 1 stored every record as bare JSON: strip the seals (tag
	// byte and CRC-32C) and the version.
	bdb, err := bolt.Open(db, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"blobs", "captures", "docs", "urls", "runs"} {
			b := tx.Bucket([]byte(name))
			var keys, vals [][]byte
			b.ForEach(func(k, v []byte) error {
				keys, vals = append(keys, bytes.Clone(k)), append(vals, bytes.Clone(v[5:]))
				return nil
			})
			for i := range keys {
				if err := b.Put(keys[i], vals[i]); err != nil {
					return err
				}
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 1})
	})
	bdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runQ("--archive", db, "show", ids["ys22"])
	if code != 0 || !strings.Contains(errOut, "migrating "+db+" to archive schema") || !strings.Contains(out, ids["ys22"]) {
		t.Fatalf("show of a schema-1 archive: exit %d: %s", code, errOut)
	}
	out, errOut, code = runQ("--archive", db, "verify")
	if code != 0 || strings.Contains(errOut, "migrating") || !strings.Contains(out, "OK") {
		t.Fatalf("verify after the migration: exit %d: %s %s", code, out, errOut)
	}
}
