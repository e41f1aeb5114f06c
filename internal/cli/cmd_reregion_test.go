package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/nianbao/nianbao/archive"
)

// An archive from before resolved regions (schema 2, documents without
// region codes) is migrated, and reregion fills every document's region
// without parsing, once: a second run changes nothing.
func TestReregionFillsAnOldArchive(t *testing.T) {
	db := demoArchive(t)
	ds := oldArchive(t, db)
	out, errOut, code := run(t, "--archive", db, "query", "--region", "410307", "--output", "jsonl")
	if code != 0 || strings.Count(out, "\n") == 0 {
		// before reregion, a code still finds the reports by their region text
		t.Errorf("query by code before reregion: exit %d, %d lines", code, strings.Count(out, "\n"))
	}
	if !strings.Contains(errOut, "migrating") || !strings.Contains(errOut, "run `crawler reregion`") {
		t.Errorf("the reader's migration did not point to reregion: %s", errOut)
	}
	if out, _, _ := run(t, "--archive", db, "stats"); !strings.Contains(out, "run crawler reregion") {
		t.Errorf("stats before reregion:\n%s", out)
	}
	out, errOut, code = run(t, "--archive", db, "reregion")
	if code != 0 {
		t.Fatalf("reregion: exit %d %s", code, errOut)
	}
	n := len(ds)
	if !strings.Contains(out, plural(n, "document", "documents")+": "+strconv.Itoa(n)+" resolved, 0 unresolved") || !strings.Contains(out, "updated "+strconv.Itoa(n)) ||
		!strings.Contains(out, "region - → 河南省›洛阳市›偃师区 (410307)") {
		t.Errorf("reregion output:\n%s", out)
	}
	a, err := archive.Open(db, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := a.SchemaVersionOf(); v != archive.SchemaVersion {
		t.Errorf("schema %d", v)
	}
	if _, err := a.Meta(archive.MetaRegionsPending); err == nil {
		t.Error("the pending mark stayed after reregion")
	}
	a.Close()
	out, _, code = run(t, "--archive", db, "reregion")
	if code != 0 || !strings.Contains(out, "updated 0") {
		t.Errorf("second reregion: exit %d\n%s", code, out)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if _, errOut, code := run(t, "--archive", missing, "reregion"); code != 2 || !strings.Contains(errOut, "does not exist") {
		t.Errorf("reregion of a missing archive: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("reregion created an archive")
	}
}

// oldArchive turns db into what a schema-2 binary left: documents without
// resolved regions.
func oldArchive(t *testing.T, db string) []*archive.Document {
	t.Helper()
	a, err := archive.Open(db, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ds []*archive.Document
	if err := a.ForEachDocument(func(d *archive.Document) error {
		d.RegionCode, d.RegionPath, d.RegionLevel = "", nil, ""
		var kept []string
		for _, w := range d.Warnings {
			if !strings.HasPrefix(w, "region_") {
				kept = append(kept, w)
			}
		}
		d.Warnings = kept
		ds = append(ds, d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.PutDocuments(ds); err != nil {
		t.Fatal(err)
	}
	a.Close()
	bdb, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 2})
	}); err != nil {
		t.Fatal(err)
	}
	bdb.Close()

	return ds
}

// reparse resolves the regions of up-to-date documents from an old
// archive too, without parsing them again.
func TestReparseFillsRegions(t *testing.T) {
	db := demoArchive(t)
	ds := oldArchive(t, db)
	out, errOut, code := run(t, "--archive", db, "reparse")
	if code != 0 || !strings.Contains(out, strconv.Itoa(len(ds))+" regions resolved") || !strings.Contains(out, " 0 re-parsed") {
		t.Fatalf("reparse: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, _ = run(t, "--archive", db, "query", "--output", "jsonl")
	if n := strings.Count(out, `"region_code":""`); n != 0 {
		t.Errorf("%d reports without a region after reparse", n)
	}
}
