package archive

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// CommitFetches applies several fetches in one transaction, all or none:
// the crawl engine's group commit (one write transaction, one fsync, per
// batch instead of per URL). Blobs are hashed and compressed before the
// write transaction starts, so the single writer holds the lock briefly.
func (a *Archive) CommitFetches(fs []Fetch) error {
	inline := make([]*pendingBlob, len(fs))
	for i := range fs {
		f := &fs[i]
		if f.Blob == nil {
			continue
		}
		if f.Capture == nil {
			return fmt.Errorf("commit fetch: a blob without a capture")
		}
		if len(f.Blob) > chunksPerTx*ChunkSize {
			info, _, err := a.PutBlobBytes(f.Blob)
			if err != nil {
				return err
			}
			fillBlob(f, info)
		} else {
			inline[i] = a.prepareBlob(f.Blob)
			fillBlob(f, inline[i].info)
		}
	}
	return a.db.Update(func(tx *bolt.Tx) error {
		for i := range fs {
			f := &fs[i]
			if inline[i] != nil {
				if err := inline[i].write(tx); err != nil {
					return err
				}
			}
			if f.Capture != nil {
				if err := addCapture(tx, f.Capture); err != nil {
					return err
				}
			}
			if f.State != nil {
				if err := putJSON(tx.Bucket(bURLs), []byte(f.State.URL), f.State); err != nil {
					return err
				}
			}
			if _, err := frontierAdd(tx, f.New); err != nil {
				return err
			}
			if f.Done != "" {
				if err := frontierDone(tx, f.Site, f.Done); err != nil {
					return err
				}
			}
			if f.Doc != nil {
				if err := putDoc(tx, f.Doc); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
