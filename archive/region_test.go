package archive

import (
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// setSchema rewrites the stored schema version, as a file written by an
// older binary would have it.
func setSchema(t *testing.T, path string, v uint32) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put([]byte("schema_version"), u32(v))
	}); err != nil {
		t.Fatal(err)
	}
}

// Migration 2→3 marks a file holding documents as having regions to
// resolve, and leaves an empty one unmarked; the documents read as before.
func TestMigrationToRegionsMarksPending(t *testing.T) {
	path, id := sealFixture(t)
	setSchema(t, path, 2)
	if _, err := Open(path, Options{ReadOnly: true}); err == nil {
		t.Fatal("a read-only open of a schema-2 file did not ask for the migration")
	}
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if v, _ := a.SchemaVersionOf(); v != 3 {
		t.Fatalf("schema %d", v)
	}
	if v, err := a.Meta(MetaRegionsPending); err != nil || v != "1" {
		t.Fatalf("pending mark = %q, %v", v, err)
	}
	d, err := a.Document(id)
	if err != nil || d.RegionCode != "" || d.Body == "" {
		t.Fatalf("document after the migration: %+v, %v", d, err)
	}
	if err := a.DeleteMeta(MetaRegionsPending); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Meta(MetaRegionsPending); !isNotFound(err) {
		t.Errorf("mark after DeleteMeta: %v", err)
	}
	if err := a.DeleteMeta("schema_version"); err == nil {
		t.Error("DeleteMeta removed the schema version")
	}

	empty := filepath.Join(t.TempDir(), "e.db")
	e, err := Open(empty, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	setSchema(t, empty, 2)
	e, err = Open(empty, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Meta(MetaRegionsPending); !isNotFound(err) {
		t.Errorf("an empty archive was marked: %v", err)
	}
}

func TestDocumentRegionRoundTrip(t *testing.T) {
	a := openTemp(t)
	d := &Document{ID: "00000000000000aa", Site: "s", URL: "http://x/1", Region: "河南省洛阳市", RegionCode: "410307",
		RegionPath: []string{"河南省", "洛阳市", "偃师区"}, RegionLevel: "county", Year: 2023}
	if err := a.PutDocument(d); err != nil {
		t.Fatal(err)
	}
	got, err := a.Document(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RegionCode != "410307" || got.RegionLevel != "county" || !reflect.DeepEqual(got.RegionPath, d.RegionPath) {
		t.Errorf("read back %q %v %q", got.RegionCode, got.RegionPath, got.RegionLevel)
	}
}

func TestPutDocuments(t *testing.T) {
	a := openTemp(t)
	var ds []*Document
	for _, id := range []string{"00000000000000a1", "00000000000000a2"} {
		ds = append(ds, &Document{ID: id, Site: "s", URL: "http://x/" + id, Body: "偃师区财政局", Year: 2023, RegionCode: "410307"})
	}
	if err := a.PutDocuments(ds); err != nil {
		t.Fatal(err)
	}
	got, err := a.FindDocuments(Query{Body: "偃师区财政局"})
	if err != nil || len(got) != 2 || got[1].RegionCode != "410307" {
		t.Fatalf("found %d documents, %v", len(got), err)
	}
}
