package archive

import (
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Captures: one record per fetch of a URL or import of a file, under an id
// from the bucket's sequence (ids only grow, so captures list oldest
// first). Invariants: captures are append-only — never changed or deleted
// (the schema migration only reseals them); a URL whose content changes
// gets a new capture and both stay; every capture names a blob already
// stored (addCapture refuses one that does not); its Time is stored in
// UTC. Indexes: ix_cap_url holds url \0 pad(id) for the requested URL and,
// when it differs, the final URL after redirects; ix_cap_hash holds sha \0
// pad(id).

// AddCapture appends c, assigning c.ID and defaulting Time to now (UTC).
func (a *Archive) AddCapture(c *Capture) error {
	return a.update(func(ct *commitTx) error { return ct.addCapture(c, false) })
}

func getCapture(tx *bolt.Tx, id uint64) (*Capture, error) {
	k := u64(id)
	v := tx.Bucket(bCaptures).Get(k)
	if v == nil {
		return nil, fmt.Errorf("capture %d: %w", id, ErrNotFound)
	}
	var c Capture
	if err := decode(bCaptures, k, v, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Capture returns one capture by id.
func (a *Archive) Capture(id uint64) (*Capture, error) {
	var c *Capture
	err := a.view(func(tx *bolt.Tx) error {
		var err error
		c, err = getCapture(tx, id)
		return err
	})
	return c, err
}

func (a *Archive) capturesBy(bucket []byte, k string) ([]Capture, error) {
	var out []Capture
	err := a.view(func(tx *bolt.Tx) error {
		return forEachPrefix(tx.Bucket(bucket), key(k, ""), func(ik, _ []byte) error {
			id, err := strconv.ParseUint(lastPart(ik), 10, 64)
			if err != nil {
				return fmt.Errorf("bad index key %q", ik)
			}
			c, err := getCapture(tx, id)
			if err != nil {
				return err
			}
			out = append(out, *c)
			return nil
		})
	})
	return out, err
}

// Captures returns every capture whose requested or final URL is url, oldest first.
func (a *Archive) Captures(url string) ([]Capture, error) { return a.capturesBy(bCapURL, url) }

// CapturesByHash returns every capture that yielded blob sha.
func (a *Archive) CapturesByHash(sha string) ([]Capture, error) { return a.capturesBy(bCapHash, sha) }

// ForEachCapture visits all captures in id order.
func (a *Archive) ForEachCapture(fn func(*Capture) error) error {
	return a.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bCaptures).ForEach(func(k, v []byte) error {
			var c Capture
			if err := decode(bCaptures, k, v, &c); err != nil {
				return err
			}
			return fn(&c)
		})
	})
}
