package archive

import (
	"bytes"
	"encoding/binary"
	"os"

	bolt "go.etcd.io/bbolt"
)

// Stats: counts and sizes for `crawler stats` and the service's metrics,
// read in one transaction.

// The JSON keys of Document.LastSeen and Document.Tombstones.
var (
	lastSeenKey   = []byte(`"last_seen":`)
	tombstonesKey = []byte(`"tombstones":[`)
)

// Stats counts records and sizes.
func (a *Archive) Stats() (Stats, error) {
	var s Stats
	err := a.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bMeta).Get([]byte("schema_version")); v != nil {
			s.SchemaVersion = int(binary.BigEndian.Uint32(v))
		}
		if err := tx.Bucket(bBlobs).ForEach(func(k, v []byte) error {
			var r blobRecord
			if err := decode(bBlobs, k, v, &r); err != nil {
				return err
			}
			s.Blobs++
			s.BlobBytes += r.Size
			s.StoredBytes += r.Stored
			return nil
		}); err != nil {
			return err
		}
		s.Captures = tx.Bucket(bCaptures).Stats().KeyN
		s.Documents = tx.Bucket(bDocs).Stats().KeyN
		// A document's tombstones are its record's last field, after
		// last_seen, and no string value holds either key (quotes are
		// escaped): only the records' tails are read, and only documents
		// with tombstones decoded. Metrics call Stats on every scrape.
		if err := tx.Bucket(bDocs).ForEach(func(k, v []byte) error {
			i := bytes.LastIndex(v, lastSeenKey)
			if i < 0 || !bytes.Contains(v[i:], tombstonesKey) {
				return nil
			}
			var d Document
			if err := decode(bDocs, k, v, &d); err != nil {
				return err
			}
			if d.Retracted() {
				s.Retracted++
			}
			return nil
		}); err != nil {
			return err
		}
		s.URLs = tx.Bucket(bURLs).Stats().KeyN
		s.Runs = tx.Bucket(bRuns).Stats().KeyN
		_ = tx.Bucket(bFrontier).ForEachBucket(func(k []byte) error {
			if p := tx.Bucket(bFrontier).Bucket(k).Bucket(fPending); p != nil {
				s.Frontier += p.Stats().KeyN
			}
			return nil
		})
		s.DataBytes = tx.Size()
		s.FileBytes = s.DataBytes
		if fi, err := os.Stat(a.path); err == nil {
			s.FileBytes = fi.Size()
		}
		return nil
	})
	return s, err
}
