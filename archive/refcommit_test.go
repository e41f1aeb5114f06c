package archive

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// This file keeps the commit path as it was before the hand-written
// encoders and write batching (commit c8c25ee), straight from json.Marshal
// and one Put per index key, as the reference that
// TestCommitFetchesMatchesReference compares every bucket against. Do not
// "optimise" it: its only job is to be obviously what the format was.

func refCommitFetches(a *Archive, fs []Fetch) error {
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
			return fmt.Errorf("reference: large blobs are not covered")
		}
		inline[i] = a.prepareBlob(f.Blob)
		fillBlob(f, inline[i].info)
	}
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
				if err := refBlobWrite(tx, inline[i]); err != nil {
					return err
				}
			}
			if f.Capture != nil {
				if err := refAddCapture(tx, f.Capture); err != nil {
					return err
				}
			}
			if f.State != nil {
				if err := refPutJSON(tx.Bucket(bURLs), []byte(f.State.URL), f.State); err != nil {
					return err
				}
			}
			if err := refFrontierAddUnlessDone(tx, f.New, doneAt, i); err != nil {
				return err
			}
			if f.Done != "" {
				if err := refFrontierDone(tx, f.Site, f.Done); err != nil {
					return err
				}
			}
			if f.Doc != nil {
				if err := refPutDoc(tx, f.Doc); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// refPutJSON stores json.Marshal(v) sealed as schema 2 stores every
// record: the byte 0x01, the big-endian CRC-32C (Castagnoli) of the key
// followed by the JSON, then the JSON.
func refPutJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, refSeal(k, data))
}

func refSeal(k, data []byte) []byte {
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	h.Write(k)
	h.Write(data)
	return append(binary.BigEndian.AppendUint32([]byte{0x01}, h.Sum32()), data...)
}

// refUnseal returns the JSON of a sealed record (its checksum unchecked).
func refUnseal(v []byte) []byte {
	if len(v) < 5 {
		return nil
	}
	return v[5:]
}

func refKey(parts ...string) []byte { return []byte(strings.Join(parts, "\x00")) }

func refPad(id string) string { return strings.Repeat("0", max(0, 20-len(id))) + id }

func refYearKey(y int) string { return fmt.Sprintf("%04d", max(0, min(y, 9999))) }

func refBlobWrite(tx *bolt.Tx, pb *pendingBlob) error {
	if tx.Bucket(bBlobs).Get([]byte(pb.info.SHA256)) != nil {
		return nil
	}
	cb := tx.Bucket(bChunks)
	for i, v := range pb.chunks {
		if err := cb.Put(chunkKey(pb.sum, i), v); err != nil {
			return err
		}
	}
	return refPutJSON(tx.Bucket(bBlobs), []byte(pb.info.SHA256), blobRecord{Size: pb.info.Size, Stored: pb.info.Stored,
		Chunks: pb.info.Chunks, MediaType: pb.info.MediaType})
}

func refAddCapture(tx *bolt.Tx, c *Capture) error {
	if c.SHA256 == "" {
		return fmt.Errorf("capture of %s: no blob hash", c.URL)
	}
	if tx.Bucket(bBlobs).Get([]byte(c.SHA256)) == nil {
		return fmt.Errorf("capture of %s: blob %s: %w", c.URL, c.SHA256, ErrNotFound)
	}
	b := tx.Bucket(bCaptures)
	b.FillPercent = 1
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	c.ID = id
	if c.Time.IsZero() {
		c.Time = time.Now()
	}
	c.Time = c.Time.UTC()
	if err := refPutJSON(b, u64(id), c); err != nil {
		return err
	}
	ids := strconv.FormatUint(id, 10)
	ix := tx.Bucket(bCapURL)
	if err := ix.Put(refKey(c.URL, refPad(ids)), nil); err != nil {
		return err
	}
	if c.FinalURL != "" && c.FinalURL != c.URL {
		if err := ix.Put(refKey(c.FinalURL, refPad(ids)), nil); err != nil {
			return err
		}
	}
	return tx.Bucket(bCapHash).Put(refKey(c.SHA256, refPad(ids)), nil)
}

func refDocIndexKeys(d *Document) map[string][][]byte {
	m := map[string][][]byte{
		string(bDocYear): {refKey(refYearKey(d.Year), d.ID)},
		string(bDocSite): {refKey(d.Site, d.ID)},
	}
	m[string(bDocBody)] = [][]byte{refKey(d.Body, refYearKey(d.Year), d.ID)}
	m[string(bDocRegion)] = [][]byte{refKey(d.Region, d.ID)}
	urls := map[string]bool{}
	if d.URL != "" {
		urls[d.URL] = true
	}
	for _, s := range d.Sightings {
		if s.URL != "" {
			urls[s.URL] = true
		}
	}
	hashes := map[string]bool{}
	for _, f := range d.Files {
		if f.URL != "" {
			urls[f.URL] = true
		}
		if f.SHA256 != "" {
			hashes[f.SHA256] = true
		}
	}
	for u := range urls {
		m[string(bDocURL)] = append(m[string(bDocURL)], refKey(u, d.ID))
	}
	for h := range hashes {
		m[string(bDocHash)] = append(m[string(bDocHash)], refKey(h, d.ID))
	}
	return m
}

func refPutDoc(tx *bolt.Tx, d *Document) error {
	if d.ID == "" {
		return fmt.Errorf("document without id (url %s)", d.URL)
	}
	if v := tx.Bucket(bDocs).Get([]byte(d.ID)); v != nil {
		var old Document
		if err := json.Unmarshal(refUnseal(v), &old); err == nil {
			for b, keys := range refDocIndexKeys(&old) {
				for _, k := range keys {
					if err := tx.Bucket([]byte(b)).Delete(k); err != nil {
						return err
					}
				}
			}
		}
	}
	now := time.Now().UTC()
	if d.FirstSeen.IsZero() {
		d.FirstSeen = now
	}
	if d.LastSeen.IsZero() {
		d.LastSeen = d.FirstSeen
	}
	if err := refPutJSON(tx.Bucket(bDocs), []byte(d.ID), d); err != nil {
		return err
	}
	for b, keys := range refDocIndexKeys(d) {
		for _, k := range keys {
			if err := tx.Bucket([]byte(b)).Put(k, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func refSiteFrontier(tx *bolt.Tx, site string) (pending, done *bolt.Bucket, err error) {
	root := tx.Bucket(bFrontier)
	sb := root.Bucket([]byte(site))
	if sb == nil {
		if sb, err = root.CreateBucket([]byte(site)); err != nil {
			return nil, nil, err
		}
	}
	if pending = sb.Bucket(fPending); pending == nil {
		if pending, err = sb.CreateBucket(fPending); err != nil {
			return nil, nil, err
		}
	}
	if done = sb.Bucket(fDone); done == nil {
		if done, err = sb.CreateBucket(fDone); err != nil {
			return nil, nil, err
		}
	}
	return pending, done, nil
}

func refFrontierAdd(tx *bolt.Tx, items []FrontierItem) error {
	for _, it := range items {
		pending, done, err := refSiteFrontier(tx, it.Site)
		if err != nil {
			return err
		}
		k := []byte(it.URL)
		if pending.Get(k) != nil || done.Get(k) != nil {
			continue
		}
		if err := refPutJSON(pending, k, it); err != nil {
			return err
		}
	}
	return nil
}

func refFrontierAddUnlessDone(tx *bolt.Tx, items []FrontierItem, doneAt map[string]int, i int) error {
	start := 0
	for j, it := range items {
		if k, ok := doneAt[it.Site+"\x00"+it.URL]; ok && k > i {
			if err := refFrontierAdd(tx, items[start:j]); err != nil {
				return err
			}
			start = j + 1
		}
	}
	return refFrontierAdd(tx, items[start:])
}

func refFrontierDone(tx *bolt.Tx, site, url string) error {
	pending, done, err := refSiteFrontier(tx, site)
	if err != nil {
		return err
	}
	if err := pending.Delete([]byte(url)); err != nil {
		return err
	}
	return done.Put([]byte(url), []byte{})
}

func strconvU(id uint64) string { return strconv.FormatUint(id, 10) }
