package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func openTemp(t *testing.T) *Archive {
	t.Helper()
	a, err := Open(filepath.Join(t.TempDir(), "a.db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func randBytes(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func shaHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestBlobRoundTripSizes(t *testing.T) {
	a := openTemp(t)
	text := bytes.Repeat([]byte("政府信息公开工作年度报告 一、总体情况 "), 200000) // compressible, >1 chunk
	for name, data := range map[string][]byte{
		"empty":         {},
		"small":         []byte("<html>年报</html>"),
		"exact chunk":   randBytes(1, ChunkSize),
		"multi chunk":   randBytes(2, 3*ChunkSize+17),
		"compressible":  text,
		"many tx (70M)": nil, // filled below only when not -short
	} {
		if data == nil {
			if testing.Short() {
				continue
			}
			data = randBytes(3, 70*ChunkSize+5)
		}
		t.Run(name, func(t *testing.T) {
			info, isNew, err := a.PutBlobBytes(data)
			if err != nil {
				t.Fatal(err)
			}
			if !isNew || info.SHA256 != shaHex(data) || info.Size != int64(len(data)) {
				t.Fatalf("info = %+v new=%v", info, isNew)
			}
			if want := (len(data) + ChunkSize - 1) / ChunkSize; info.Chunks != want {
				t.Errorf("chunks = %d, want %d", info.Chunks, want)
			}
			got, err := a.ReadBlob(info.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatal("read back differs")
			}
		})
	}
	info, _ := a.Blob(shaHex(text))
	if info.Stored >= info.Size/4 {
		t.Errorf("compressible blob stored in %d of %d bytes: compression not applied", info.Stored, info.Size)
	}
	rnd, _ := a.Blob(shaHex(randBytes(2, 3*ChunkSize+17)))
	if rnd.Stored != rnd.Size {
		t.Errorf("random blob stored %d bytes for %d: should be kept raw", rnd.Stored, rnd.Size)
	}
}

func TestPutBlobStreamSpools(t *testing.T) {
	old := spoolLimit
	spoolLimit = 2 * ChunkSize
	defer func() { spoolLimit = old }()
	a := openTemp(t)
	data := randBytes(9, 5*ChunkSize+3)
	info, _, err := a.PutBlob(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if info.SHA256 != shaHex(data) {
		t.Fatal("wrong hash for spooled blob")
	}
	got, err := a.ReadBlob(info.SHA256)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("spooled blob read back: %v", err)
	}
}

func capture(a *Archive, t *testing.T, url string, data []byte) *Capture {
	t.Helper()
	info, _, err := a.PutBlobBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	c := &Capture{URL: url, FinalURL: url, Status: 200, SHA256: info.SHA256, Size: info.Size, Site: "s",
		Headers: Headers{"Content-Type": "application/pdf"}}
	if err := a.AddCapture(c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDedupeAcrossURLs(t *testing.T) {
	a := openTemp(t)
	pdf := append([]byte("%PDF-1.7\n"), randBytes(4, 5000)...)
	c1 := capture(a, t, "http://a.gov.cn/P1.pdf", pdf)
	c2 := capture(a, t, "http://b.gov.cn/mirror/P1.pdf", pdf)
	st, err := a.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Blobs != 1 || st.Captures != 2 || st.BlobBytes != int64(len(pdf)) {
		t.Fatalf("stats = %+v, want 1 blob of %d bytes and 2 captures", st, len(pdf))
	}
	cs, err := a.CapturesByHash(c1.SHA256)
	if err != nil || len(cs) != 2 || cs[0].ID != c1.ID || cs[1].ID != c2.ID {
		t.Fatalf("captures by hash = %+v, %v", cs, err)
	}
	info, _ := a.Blob(c1.SHA256)
	if info.MediaType != "application/pdf" {
		t.Errorf("media type = %q", info.MediaType)
	}
}

func TestChangedContentKeepsBothCaptures(t *testing.T) {
	a := openTemp(t)
	url := "http://www.yanshi.gov.cn/zfxxgknb/t20240115_1.html"
	v1 := capture(a, t, url, []byte("<html>version 1</html>"))
	v2 := capture(a, t, url, []byte("<html>version 2, replaced</html>"))
	cs, err := a.Captures(url)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].SHA256 != v1.SHA256 || cs[1].SHA256 != v2.SHA256 {
		t.Fatalf("captures = %+v", cs)
	}
	for _, c := range cs {
		if _, err := a.ReadBlob(c.SHA256); err != nil {
			t.Errorf("version %s lost: %v", c.SHA256, err)
		}
	}
	if cs[0].Time.Location() != time.UTC {
		t.Error("capture time not UTC")
	}
}

func TestCaptureNeedsStoredBlob(t *testing.T) {
	a := openTemp(t)
	err := a.AddCapture(&Capture{URL: "http://x/", SHA256: strings.Repeat("0", 64)})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// flipStoredByte corrupts one byte of a raw chunk inside the closed file.
func flipStoredByte(t *testing.T, path string, needle []byte) {
	t.Helper()
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(file, needle)
	if i < 0 {
		t.Fatal("blob bytes not found in file")
	}
	file[i+len(needle)/2] ^= 0xff
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyCatchesFlippedByte(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	good := randBytes(5, 3000)
	bad := randBytes(6, 3000)
	capture(a, t, "http://x.gov.cn/good.pdf", good)
	c := capture(a, t, "http://x.gov.cn/bad.pdf", bad)
	capture(a, t, "http://mirror.example/bad.pdf", bad)
	res, err := a.Verify(context.Background(), nil)
	if err != nil || len(res.Problems) != 0 {
		t.Fatalf("healthy archive: %v %+v", err, res)
	}
	a.Close()

	flipStoredByte(t, path, bad[100:200])
	a, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.ReadBlob(c.SHA256); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ReadBlob of corrupted blob: err = %v, want ErrCorrupt", err)
	}
	if _, err := a.ReadBlob(shaHex(good)); err != nil {
		t.Fatalf("good blob: %v", err)
	}
	res, err = a.Verify(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 {
		t.Fatalf("problems = %+v", res.Problems)
	}
	p := res.Problems[0]
	if p.Kind != "corrupt_blob" || p.SHA256 != c.SHA256 || len(p.URLs) != 2 ||
		p.URLs[0] != "http://x.gov.cn/bad.pdf" || p.URLs[1] != "http://mirror.example/bad.pdf" {
		t.Fatalf("problem = %+v", p)
	}
}

func TestDocumentsAndIndexes(t *testing.T) {
	a := openTemp(t)
	pdf := capture(a, t, "http://gxj.yanshi.gov.cn/P1.pdf", []byte("%PDF-1.4 a"))
	docs := []*Document{
		{Site: "yanshi", URL: "http://gxj/1", Body: "偃师区工业和信息化局", Region: "河南省洛阳市偃师区", Year: 2023,
			Files: []FileRef{{URL: "http://gxj.yanshi.gov.cn/P1.pdf", SHA256: pdf.SHA256, Role: "attachment"}}},
		{Site: "yanshi", URL: "http://gxj/2", Body: "偃师区工业和信息化局", Region: "河南省洛阳市偃师区", Year: 2022},
		{Site: "yanshi", URL: "http://rsj/1", Body: "偃师区人力资源和社会保障局", Region: "河南省洛阳市偃师区", Year: 2023},
		{Site: "luoyang", URL: "http://ly/1", Body: "洛阳市工业和信息化局", Region: "河南省洛阳市", Year: 2023},
		{Site: "zj", URL: "http://zj/1", Body: "杭州市民政局", Region: "浙江省杭州市", Year: 2021},
	}
	for _, d := range docs {
		d.ID = DocID(d.Site, d.URL)
		if err := a.PutDocument(d); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(ds []*Document) string {
		var s []string
		for _, d := range ds {
			s = append(s, d.URL)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		q    Query
		want string
	}{
		{Query{Body: "偃师区工业和信息化局", YearFrom: 2023, YearTo: 2023}, "http://gxj/1"},
		{Query{Body: "偃师区工业和信息化局"}, "http://gxj/2,http://gxj/1"},
		{Query{Region: "洛阳市", YearFrom: 2023, YearTo: 2023}, "http://rsj/1,http://gxj/1,http://ly/1"},
		{Query{Region: "偃师区"}, "http://gxj/2,http://rsj/1,http://gxj/1"},
		{Query{Site: "zj"}, "http://zj/1"},
		{Query{YearFrom: 2021, YearTo: 2022}, "http://zj/1,http://gxj/2"},
		{Query{}, "http://zj/1,http://gxj/2,http://rsj/1,http://gxj/1,http://ly/1"},
		{Query{Body: "nobody"}, ""},
	}
	for _, tc := range tests {
		got, err := a.FindDocuments(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if ids(got) != tc.want {
			t.Errorf("FindDocuments(%+v) = %s, want %s", tc.q, ids(got), tc.want)
		}
	}
	// Re-indexing on update: the old body/year entries must go.
	id := DocID("yanshi", "http://gxj/1")
	if err := a.UpdateDocument(id, func(d *Document) error { d.Year = 2024; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.FindDocuments(Query{Body: "偃师区工业和信息化局", YearFrom: 2023, YearTo: 2023}); len(got) != 0 {
		t.Errorf("stale index entry after update: %s", ids(got))
	}
	if got, _ := a.DocumentsByHash(pdf.SHA256); len(got) != 1 || got[0].ID != id {
		t.Errorf("by hash = %s", ids(got))
	}
	if d, err := a.DocumentByURL("http://gxj.yanshi.gov.cn/P1.pdf"); err != nil || d.ID != id {
		t.Errorf("by file url = %v %v", d, err)
	}
	if _, err := a.Document("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing doc err = %v", err)
	}
	res, err := a.Verify(context.Background(), nil)
	if err != nil || len(res.Problems) != 0 {
		t.Fatalf("verify after updates: %v %+v", err, res.Problems)
	}
}

func TestFrontierAndCommitFetch(t *testing.T) {
	a := openTemp(t)
	n, err := a.FrontierAdd(FrontierItem{URL: "u1", Site: "s", Score: 1}, FrontierItem{URL: "u2", Site: "s", Score: 5},
		FrontierItem{URL: "u1", Site: "s"}, FrontierItem{URL: "u1", Site: "other"})
	if err != nil || n != 3 {
		t.Fatalf("added %d, %v", n, err)
	}
	p, _ := a.FrontierPending("s")
	if len(p) != 2 || p[0].URL != "u2" {
		t.Fatalf("pending = %+v", p)
	}
	info, _, _ := a.PutBlobBytes([]byte("page u2"))
	err = a.CommitFetch(Fetch{
		Capture: &Capture{URL: "u2", SHA256: info.SHA256, Site: "s"},
		State:   &URLState{URL: "u2", ETag: `"abc"`, Status: 200},
		Site:    "s", Done: "u2",
		New: []FrontierItem{{URL: "u3", Site: "s"}, {URL: "u2", Site: "s"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, _ = a.FrontierPending("s")
	if len(p) != 2 || p[0].URL != "u1" && p[1].URL != "u1" {
		t.Fatalf("pending after commit = %+v", p)
	}
	for _, it := range p {
		if it.URL == "u2" {
			t.Fatal("done URL re-queued")
		}
	}
	st, _ := a.URLState("u2")
	if st == nil || st.ETag != `"abc"` {
		t.Fatalf("state = %+v", st)
	}
	if seen, _ := a.FrontierSeen("s", "u2"); !seen {
		t.Error("u2 not seen")
	}
	if err := a.FrontierClear("s"); err != nil {
		t.Fatal(err)
	}
	if pn, dn, _ := a.FrontierLen("s"); pn != 0 || dn != 0 {
		t.Errorf("after clear: %d pending %d done", pn, dn)
	}
	// A failing commit leaves nothing half-done.
	err = a.CommitFetch(Fetch{Capture: &Capture{URL: "u9", SHA256: strings.Repeat("f", 64)}, Site: "s", Done: "u9",
		New: []FrontierItem{{URL: "u10", Site: "s"}}})
	if err == nil {
		t.Fatal("commit with missing blob succeeded")
	}
	if seen, _ := a.FrontierSeen("s", "u10"); seen {
		t.Error("failed commit still queued its new items")
	}
}

func TestRuns(t *testing.T) {
	a := openTemp(t)
	for i, s := range []string{"a", "b", "a"} {
		if err := a.AddRun(&Run{Site: s, Pages: i}); err != nil {
			t.Fatal(err)
		}
	}
	rs, _ := a.Runs("a", 0)
	if len(rs) != 2 || rs[0].Pages != 2 {
		t.Fatalf("runs = %+v", rs)
	}
	rs, _ = a.Runs("", 1)
	if len(rs) != 1 || rs[0].Site != "a" {
		t.Fatalf("latest = %+v", rs)
	}
}

func TestBackupIsConsistentCopy(t *testing.T) {
	a := openTemp(t)
	c := capture(a, t, "http://x/1.pdf", randBytes(7, 10000))
	dst := filepath.Join(t.TempDir(), "backup.db")
	if _, err := a.BackupFile(dst); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dst, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := b.Verify(context.Background(), nil)
	if err != nil || len(res.Problems) != 0 || res.Blobs != 1 || res.Captures != 1 {
		t.Fatalf("backup verify: %v %+v", err, res)
	}
	if _, err := b.ReadBlob(c.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, err := a.BackupFile(a.Path()); err == nil {
		t.Error("backup onto itself allowed")
	}
}

func TestLockedArchiveFailsFastWithHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	if os.Getenv("NIANBAO_LOCK_CHILD") != "" {
		return
	}
	// Hold the lock from a child process (flock is per open file
	// description, so a second Open in this process would also block, but
	// a separate process is what users hit).
	cmd := exec.Command(os.Args[0], "-test.run=TestHelperHoldLock")
	cmd.Env = append(os.Environ(), "NIANBAO_HOLD_LOCK="+path)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 5)
	if _, err := io.ReadFull(stdout, buf); err != nil || string(buf) != "ready" {
		t.Fatalf("child: %q %v", buf, err)
	}
	start := time.Now()
	_, err := Open(path, Options{LockTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("waited %s", d)
	}
	msg := err.Error()
	for _, want := range []string{path, "crawler serve --test", "pid", "/api/reports", "serve.backup", "lock_timeout"} {
		if !strings.Contains(msg, want) {
			t.Errorf("lock message %q lacks %q", msg, want)
		}
	}
	// backup needs the same lock: the message must not suggest it.
	for _, bad := range []string{"crawler backup", "crawler crawler"} {
		if strings.Contains(msg, bad) {
			t.Errorf("lock message %q suggests %q", msg, bad)
		}
	}
	if _, err := Open(path, Options{ReadOnly: true, LockTimeout: 200 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("read-only open while a writer holds it: %v", err)
	}
}

func TestHelperHoldLock(t *testing.T) {
	path := os.Getenv("NIANBAO_HOLD_LOCK")
	if path == "" {
		t.Skip("helper process for TestLockedArchiveFailsFastWithHolder")
	}
	a, err := Open(path, Options{Command: "crawler serve --test"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	os.Stdout.WriteString("ready")
	time.Sleep(time.Minute)
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.Update(func(tx *boltTx) error {
		return tx.Bucket(bMeta).Put([]byte("schema_version"), u32(SchemaVersion+1))
	}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNewer) {
		t.Fatalf("err = %v, want ErrNewer", err)
	}
}

func TestCommitFetchWithInlineBlob(t *testing.T) {
	a := openTemp(t)
	for _, size := range []int{10, 2*ChunkSize + 1, (chunksPerTx + 1) * ChunkSize} {
		data := randBytes(int64(size), size)
		url := "http://x.gov.cn/" + strconv.Itoa(size)
		d := &Document{ID: DocID("s", url), Site: "s", URL: url, Files: []FileRef{{URL: url, Role: "page"}}}
		c := &Capture{URL: url, Site: "s"}
		if err := a.CommitFetch(Fetch{Blob: data, Capture: c, Doc: d}); err != nil {
			t.Fatal(err)
		}
		if c.SHA256 != shaHex(data) || c.Size != int64(size) {
			t.Fatalf("capture not filled: %+v", c)
		}
		got, err := a.Document(d.ID)
		if err != nil || got.Files[0].SHA256 != c.SHA256 {
			t.Fatalf("doc file not filled: %+v %v", got, err)
		}
		back, err := a.ReadBlob(c.SHA256)
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("blob %d: %v", size, err)
		}
	}
	// The same bytes again: deduplicated, a second capture.
	data := randBytes(10, 10)
	if err := a.CommitFetch(Fetch{Blob: data, Capture: &Capture{URL: "http://other/"}}); err != nil {
		t.Fatal(err)
	}
	if cs, _ := a.CapturesByHash(shaHex(data)); len(cs) != 2 {
		t.Fatalf("captures = %d", len(cs))
	}
	if st, _ := a.Stats(); st.Blobs != 3 {
		t.Fatalf("blobs = %d, want 3", st.Blobs)
	}
}

func TestRawGBKHeaderKeptExactly(t *testing.T) {
	a := openTemp(t)
	info, _, _ := a.PutBlobBytes([]byte("%PDF-1.4 x"))
	// attachment; filename="年报.pdf" in raw GBK bytes, as real portals send it.
	cd := "attachment; filename=\"\xc4\xea\xb1\xa8.pdf\""
	c := &Capture{URL: "http://x.gov.cn/d", SHA256: info.SHA256, Headers: Headers{"Content-Disposition": cd, "Content-Type": "application/pdf"}}
	if err := a.AddCapture(c); err != nil {
		t.Fatal(err)
	}
	got, err := a.Capture(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Headers["Content-Disposition"] != cd || got.Headers["Content-Type"] != "application/pdf" {
		t.Fatalf("headers = %q", got.Headers)
	}
}

// An older file is migrated forward on open, and a migration failing in its
// first transaction leaves the file as it was.
func TestMigrationRunsOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Pretend the file was written by schema SchemaVersion-1.
	if err := a.db.Update(func(tx *boltTx) error {
		return tx.Bucket(bMeta).Put([]byte("schema_version"), u32(SchemaVersion-1))
	}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	old := migrations
	defer func() { migrations = old }()

	migrations = map[int]func() migrateStep{SchemaVersion - 1: func() migrateStep {
		return func(tx *boltTx) (bool, error) { return false, errors.New("disk on fire") }
	}}
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("failing migration: err = %v", err)
	}
	if _, err := Open(path, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "needs migrating") {
		t.Fatalf("read-only open of an old file: err = %v", err)
	}

	ran := false
	migrations = map[int]func() migrateStep{SchemaVersion - 1: func() migrateStep {
		return func(tx *boltTx) (bool, error) {
			ran = true
			_, err := tx.CreateBucketIfNotExists([]byte("migrated"))
			return false, err
		}
	}}
	a, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	v, _ := a.SchemaVersionOf()
	if !ran || v != SchemaVersion {
		t.Fatalf("migration ran=%v, version %d", ran, v)
	}
}

// A group whose later fetch marks done an item an earlier fetch queued
// ends as separate commits would: done, not pending; the rest pending.
func TestCommitFetchesQueuedAndDoneInOneGroup(t *testing.T) {
	group := []Fetch{
		{Site: "s", Done: "list", New: []FrontierItem{{URL: "d1", Site: "s"}, {URL: "d2", Site: "s"}, {URL: "d3", Site: "s"}}},
		{Site: "s", Done: "d2"},
		{Site: "s", Done: "d1", New: []FrontierItem{{URL: "d2", Site: "s"}, {URL: "d4", Site: "s"}}},
	}
	grouped, single := openTemp(t), openTemp(t)
	if err := grouped.CommitFetches(group); err != nil {
		t.Fatal(err)
	}
	for _, f := range group {
		if err := single.CommitFetch(f); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []*Archive{grouped, single} {
		p, _ := a.FrontierPending("s")
		var urls []string
		for _, it := range p {
			urls = append(urls, it.URL)
		}
		if strings.Join(urls, ",") != "d3,d4" && strings.Join(urls, ",") != "d4,d3" {
			t.Errorf("pending = %v, want d3 and d4", urls)
		}
		for _, u := range []string{"list", "d1", "d2"} {
			if seen, _ := a.FrontierSeen("s", u); !seen {
				t.Errorf("%s not seen", u)
			}
		}
		if pn, dn, _ := a.FrontierLen("s"); pn != 2 || dn != 3 {
			t.Errorf("%d pending %d done, want 2 and 3", pn, dn)
		}
	}
}

// DocumentIDs lists the ids under a prefix in order, and stops at limit.
func TestDocumentIDs(t *testing.T) {
	a := openTemp(t)
	for _, id := range []string{"abc1000000000000", "abc2000000000000", "abd0000000000000", "ffff000000000000"} {
		if err := a.PutDocument(&Document{ID: id, Site: "s", URL: "http://x/" + id}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		prefix string
		limit  int
		want   string
	}{
		{"abc", 0, "abc1000000000000,abc2000000000000"},
		{"ab", 0, "abc1000000000000,abc2000000000000,abd0000000000000"},
		{"ab", 2, "abc1000000000000,abc2000000000000"},
		{"abd0000000000000", 0, "abd0000000000000"},
		{"abe", 0, ""},
		{"", 0, "abc1000000000000,abc2000000000000,abd0000000000000,ffff000000000000"},
	} {
		got, err := a.DocumentIDs(tc.prefix, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.Join(got, ","); s != tc.want {
			t.Errorf("DocumentIDs(%q, %d) = %s, want %s", tc.prefix, tc.limit, s, tc.want)
		}
	}
}
