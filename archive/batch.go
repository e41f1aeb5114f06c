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
	// A frontier item that a later fetch of the group marks done is never
	// written as pending: the group commits all or nothing, and the end
	// state (done, not pending) is the same. Within a group a list's
	// details are usually fetched already.
	doneAt := map[string]int{}
	for i := range fs {
		if fs[i].Done != "" {
			doneAt[fs[i].Site+"\x00"+fs[i].Done] = i
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
			if err := frontierAddUnlessDone(tx, f.New, doneAt, i); err != nil {
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

// frontierAddUnlessDone is frontierAdd leaving out the items that fetch
// number i+1 or later of the group marks done.
func frontierAddUnlessDone(tx *bolt.Tx, items []FrontierItem, doneAt map[string]int, i int) error {
	start := 0
	for j, it := range items {
		if k, ok := doneAt[it.Site+"\x00"+it.URL]; ok && k > i {
			if _, err := frontierAdd(tx, items[start:j]); err != nil {
				return err
			}
			start = j + 1
		}
	}
	_, err := frontierAdd(tx, items[start:])
	return err
}
