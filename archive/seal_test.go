package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// sealFixture writes a closed archive with records of every kind and
// returns its path and one document id.
func sealFixture(t *testing.T) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.db")
	a, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i := range 30 {
		u := fmt.Sprintf("http://x.gov.cn/%d.html", i)
		d := &Document{ID: DocID("s", u), Site: "s", URL: u, Title: fmt.Sprintf("偃师区第%02d局2023年政府信息公开工作年度报告", i),
			Body: fmt.Sprintf("偃师区第%02d局", i), Year: 2023, Files: []FileRef{{URL: u, Role: "page"}}}
		if first == "" {
			first = d.ID
		}
		err := a.CommitFetch(Fetch{Blob: randBytes(int64(i), 2000), Capture: &Capture{URL: u, Site: "s"}, Doc: d,
			State: &URLState{URL: u, Status: 200}, Site: "s", New: []FrontierItem{{URL: u + "?next", Site: "s", Score: 1}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := a.AddRun(&Run{Site: "s", Status: "ok"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return path, first
}

// flipInFile flips one bit of needle at offset at in the file, as disk rot
// would: in every copy, since free pages may hold stale ones.
func flipInFile(t *testing.T, path string, needle []byte, at int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := bytes.Index(data, needle); i >= 0; i = bytes.Index(data, needle) {
		data[i+at] ^= 0x02
		n++
	}
	if n == 0 {
		t.Fatalf("%q not found in the file", needle)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A flipped bit in a stored record — not a blob — is an error naming the
// record when it is read, and verify reports every such record.
func TestRecordChecksumCatchesFlippedBit(t *testing.T) {
	path, id := sealFixture(t)
	// The title of document 00 ("第00局" → "第02局" after one bit) and
	// the run's status.
	flipInFile(t, path, []byte("第00局2023年"), len("第0"))
	flipInFile(t, path, []byte(`"status":"ok"`), len(`"status":"`))
	a, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, err = a.Document(id)
	if !errors.Is(err, ErrBadRecord) || !strings.Contains(err.Error(), "document "+id) || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("reading the damaged document: err = %v", err)
	}
	if _, err := a.FindDocuments(Query{Body: "偃师区第00局"}); !errors.Is(err, ErrBadRecord) {
		t.Errorf("a query reaching the damaged document: err = %v", err)
	}
	if err := a.ForEachDocument(func(*Document) error { return nil }); !errors.Is(err, ErrBadRecord) {
		t.Errorf("a scan over the damaged document: err = %v", err)
	}
	if _, err := a.Runs("", 0); !errors.Is(err, ErrBadRecord) || !strings.Contains(err.Error(), "run 1") {
		t.Errorf("runs: err = %v", err)
	}
	// The other documents still read.
	other := DocID("s", "http://x.gov.cn/5.html")
	if d, err := a.Document(other); err != nil || !strings.Contains(d.Title, "第05局") {
		t.Errorf("an intact document: %v", err)
	}
	res, err := a.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, p := range res.Problems {
		if p.Kind != "bad_record" {
			t.Errorf("unexpected problem %s", p)
			continue
		}
		bad = append(bad, p.Detail)
	}
	if len(bad) != 2 || !strings.Contains(bad[0]+bad[1], "document "+id) || !strings.Contains(bad[0]+bad[1], "run 1") {
		t.Errorf("verify found %q, want the document and the run", bad)
	}
	// 30 blobs, captures, documents, URL states and frontier items, 1 run.
	if res.Records != 5*30+1 {
		t.Errorf("verify checked %d records, want %d", res.Records, 5*30+1)
	}
}

// The checksum covers the key: a record moved under another key (a
// flipped bit in the key) does not pass.
func TestRecordChecksumCoversKey(t *testing.T) {
	k := []byte("17f9c961f40a7276")
	v := seal(k, []byte(`{"id":"17f9c961f40a7276"}`))
	if _, err := unseal(bDocs, k, v); err != nil {
		t.Fatal(err)
	}
	k2 := bytes.Clone(k)
	k2[3] ^= 1
	if _, err := unseal(bDocs, k2, v); !errors.Is(err, ErrBadRecord) {
		t.Fatalf("err = %v", err)
	}
	if _, err := unseal(bDocs, k, []byte(`{"id":"x"}`)); err == nil || !strings.Contains(err.Error(), "not a sealed record") {
		t.Fatalf("bare JSON: err = %v", err)
	}
}

// unsealAll turns an archive back into what schema 1 wrote: every record
// its bare JSON.
func unsealAll(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		if err := forEachRecordBucket(tx, func(name []byte, b *bolt.Bucket) error {
			type kv struct{ k, v []byte }
			var all []kv
			if err := b.ForEach(func(k, v []byte) error {
				if v != nil {
					all = append(all, kv{bytes.Clone(k), bytes.Clone(v[sealLen:])})
				}
				return nil
			}); err != nil {
				return err
			}
			for _, r := range all {
				if err := b.Put(r.k, r.v); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put([]byte("schema_version"), u32(1))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A schema-1 archive is sealed in batches on its first read-write open;
// one whose migration stopped half-way is refused by readers and finished
// by the next read-write open.
func TestMigrationSealsRecords(t *testing.T) {
	path, id := sealFixture(t)
	unsealAll(t, path)
	defer func(b, r int) { sealBatchBytes, sealBatchRecords = b, r }(sealBatchBytes, sealBatchRecords)
	sealBatchRecords = 7

	if _, err := Open(path, Options{ReadOnly: true}); !errors.Is(err, ErrNeedsMigration) {
		t.Fatalf("read-only open of a schema-1 file: err = %v", err)
	}
	// Stop after the third batch, as a crash would.
	orig := migrations[1]
	batches := 0
	migrations[1] = func() migrateStep {
		step := orig()
		return func(tx *bolt.Tx) (bool, error) {
			if batches++; batches > 3 {
				return false, errors.New("power cut")
			}
			return step(tx)
		}
	}
	_, err := Open(path, Options{})
	migrations[1] = orig
	if err == nil || !strings.Contains(err.Error(), "power cut") {
		t.Fatalf("interrupted migration: err = %v", err)
	}
	_, err = Open(path, Options{ReadOnly: true})
	if !errors.Is(err, ErrNeedsMigration) || !strings.Contains(err.Error(), "did not finish") {
		t.Fatalf("read-only open half-way: err = %v", err)
	}
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("resumed migration: %v", err)
	}
	a.Close()
	a, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if v, _ := a.SchemaVersionOf(); v != SchemaVersion {
		t.Fatalf("schema %d after migrating", v)
	}
	if _, err := a.Meta(string(metaMigrating)); !isNotFound(err) {
		t.Errorf("the migrating mark stayed: %v", err)
	}
	if d, err := a.Document(id); err != nil || !strings.Contains(d.Title, "第00局") {
		t.Fatalf("document after migrating: %v", err)
	}
	res, err := a.Verify(t.Context(), nil)
	if err != nil || len(res.Problems) > 0 || res.Records != 5*30+1 {
		t.Fatalf("verify after migrating: %v %v, %d records", err, res.Problems, res.Records)
	}
	// Every record sealed exactly once.
	_ = a.view(func(tx *bolt.Tx) error {
		return forEachRecordBucket(tx, func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				if v != nil && (v[0] != sealTag || v[sealLen] != '{' || binary.BigEndian.Uint32(v[1:]) != recordSum(k, v[sealLen:])) {
					t.Errorf("%s: %q", recordName(name, k), v)
				}
				return nil
			})
		})
	})
}
