package archive

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Schema 3: documents carry their region resolved against the division
// table (region_code, region_path, region_level; package divisions
// resolves them outside the archive, which stores what it is given). The
// records need no rewriting — the fields are optional — but the version
// moves so that an older binary, which would drop the fields whenever it
// rewrites a document, refuses the file instead. The migration marks a
// file that already holds documents: their regions are not resolved until
// `crawler reregion` (or `crawler reparse`) runs, which clears the mark.

// MetaRegionsPending marks an archive whose documents predate resolved
// regions (schema 3).
const MetaRegionsPending = "regions_pending"

func regionFields() migrateStep {
	return func(tx *bolt.Tx) (bool, error) {
		if k, _ := tx.Bucket(bDocs).Cursor().First(); k == nil {
			return false, nil
		}
		if err := tx.Bucket(bMeta).Put([]byte(MetaRegionsPending), []byte("1")); err != nil {
			return false, fmt.Errorf("mark regions pending: %w", err)
		}
		return false, nil
	}
}

// DeleteMeta removes key from the meta bucket (a key never set is no
// error). The archive's own keys cannot be removed.
func (a *Archive) DeleteMeta(key string) error {
	if reservedMeta[key] {
		return fmt.Errorf("delete meta %q: reserved key", key)
	}
	if err := a.dbUpdate(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Delete([]byte(key))
	}); err != nil {
		return fmt.Errorf("delete meta %q: %w", key, err)
	}
	return nil
}

// PutDocuments inserts or replaces every document of ds and their index
// entries in one transaction (a rewrite of many documents, such as
// `crawler reregion`, without a commit per document).
func (a *Archive) PutDocuments(ds []*Document) error {
	return a.update(func(c *commitTx) error {
		for _, d := range ds {
			if err := c.putDoc(d); err != nil {
				return fmt.Errorf("document %s: %w", d.ID, err)
			}
		}
		return nil
	})
}
