package archive

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Fetch is everything one fetch changes, committed in one transaction so a
// URL counts as done only once its capture (and blob, stored before) are in.
type Fetch struct {
	// Blob, when set, is stored in the same transaction (when it fits in
	// one: up to chunksPerTx chunks; larger blobs are stored first) and its
	// hash, size and media type fill in Capture and any Doc file whose
	// SHA256 is empty and whose URL is the capture's.
	Blob    []byte
	Capture *Capture // nil for 304 / blocked / error
	State   *URLState
	Site    string
	Done    string // frontier URL to mark done
	New     []FrontierItem
	Doc     *Document // optional insert/replace
}

// CommitFetch applies f atomically.
func (a *Archive) CommitFetch(f Fetch) error { return a.CommitFetches([]Fetch{f}) }

func fillBlob(f *Fetch, info BlobInfo) {
	f.Capture.SHA256, f.Capture.Size = info.SHA256, info.Size
	if f.Capture.MediaType == "" {
		f.Capture.MediaType = info.MediaType
	}
	if f.Doc != nil {
		for i := range f.Doc.Files {
			fr := &f.Doc.Files[i]
			if fr.SHA256 == "" && (fr.URL == f.Capture.URL || fr.URL == f.Capture.FinalURL) {
				fr.SHA256, fr.Size = info.SHA256, info.Size
				if fr.MediaType == "" {
					fr.MediaType = info.MediaType
				}
			}
		}
	}
}

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
	doneAt := make(map[siteURL]int, len(fs))
	for i := range fs {
		if fs[i].Done != "" {
			doneAt[siteURL{fs[i].Site, fs[i].Done}] = i
		}
	}
	return a.update(func(c *commitTx) error {
		for i := range fs {
			f := &fs[i]
			blobKnown := false
			if inline[i] != nil {
				if err := c.writeBlob(inline[i]); err != nil {
					return err
				}
				blobKnown = f.Capture.SHA256 == inline[i].info.SHA256
			}
			if f.Capture != nil {
				if err := c.addCapture(f.Capture, blobKnown); err != nil {
					return err
				}
			}
			if f.State != nil {
				if err := c.putURLState(f.State); err != nil {
					return err
				}
			}
			if err := c.frontierAddUnlessDone(f.New, doneAt, i); err != nil {
				return err
			}
			if f.Done != "" {
				if err := c.frontierDone(f.Site, f.Done); err != nil {
					return err
				}
			}
			if f.Doc != nil {
				if err := c.putDoc(f.Doc); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

type siteURL struct{ site, url string }

// update runs fn in a write transaction and applies its deferred writes.
func (a *Archive) update(fn func(c *commitTx) error) error {
	return a.dbUpdate(func(tx *bolt.Tx) error {
		c := newCommitTx(tx)
		if err := fn(c); err != nil {
			return err
		}
		return c.flush()
	})
}

// frontierAddUnlessDone is frontierAdd leaving out the items that fetch
// number i+1 or later of the group marks done.
func (c *commitTx) frontierAddUnlessDone(items []FrontierItem, doneAt map[siteURL]int, i int) error {
	start := 0
	for j := range items {
		if k, ok := doneAt[siteURL{items[j].Site, items[j].URL}]; ok && k > i {
			if _, err := c.frontierAdd(items[start:j]); err != nil {
				return err
			}
			start = j + 1
		}
	}
	_, err := c.frontierAdd(items[start:])
	return err
}

// commitTx writes the archive's records in one write transaction,
// looking each bucket up once. Writes to the buckets it never reads
// (indexes, URL states, chunks) are deferred to flush, which applies them
// sorted by key: bbolt then walks each leaf once, in order, instead of
// jumping across the tree for every key. The content is the same, since
// only the last write of each key counts either way.
type commitTx struct {
	tx                    *bolt.Tx
	blobs, captures, docs *bolt.Bucket
	sites                 map[string]frontierBuckets
	keys                  []ixKey // putDoc's, reused
	later                 [nDeferred]deferred
	seq                   int // orders the deferred writes to one key
	scratch
}

// The buckets written through commitTx.later.
const (
	ixYear = iota // the document indexes first: ixKey.bucket
	ixSite
	ixBody
	ixRegion
	ixURL
	ixHash
	dCapURL
	dCapHash
	dURLs
	dChunks
	nDeferred
)

var deferredBuckets = [nDeferred][]byte{bDocYear, bDocSite, bDocBody, bDocRegion, bDocURL, bDocHash, bCapURL, bCapHash, bURLs, bChunks}

type deferred struct {
	b   *bolt.Bucket
	ops []writeOp
}

// writeOp is a Put, or a Delete when del.
type writeOp struct {
	k, v []byte
	seq  int
	del  bool
}

func (c *commitTx) put(b int, k, v []byte) {
	c.seq++
	c.later[b].ops = append(c.later[b].ops, writeOp{k: k, v: v, seq: c.seq})
}

func (c *commitTx) del(b int, k []byte) {
	c.seq++
	c.later[b].ops = append(c.later[b].ops, writeOp{k: k, seq: c.seq, del: true})
}

// flush applies the deferred writes: per bucket in key order, the last
// write of each key only.
func (c *commitTx) flush() error {
	for i := range c.later {
		d := &c.later[i]
		slices.SortFunc(d.ops, func(a, b writeOp) int {
			if n := bytes.Compare(a.k, b.k); n != 0 {
				return n
			}
			return a.seq - b.seq
		})
		for j, op := range d.ops {
			if j+1 < len(d.ops) && bytes.Equal(op.k, d.ops[j+1].k) {
				continue // overwritten
			}
			var err error
			if op.del {
				err = d.b.Delete(op.k)
			} else {
				err = d.b.Put(op.k, op.v)
			}
			if err != nil {
				return fmt.Errorf("write %s: %w", deferredBuckets[i], err)
			}
		}
		d.ops = nil
	}
	return nil
}

type frontierBuckets struct{ pending, done *bolt.Bucket }

// ixKey is one index entry of a document: key in deferredBuckets[bucket].
type ixKey struct {
	bucket int
	key    []byte
}

// scratch builds keys and values in an arena. bbolt keeps the value
// slices given to Put until the transaction commits (it copies keys, but
// nothing here relies on that), so arena bytes are never reused: a full
// chunk is left to the garbage collector, not overwritten.
type scratch struct {
	arena []byte
	strs  []string
}

// arenaChunk is the arena's allocation unit; what does not fit in the
// rest of a chunk starts a new one (or, if larger, grows a copy of it).
const arenaChunk = 64 << 10

// begin starts a key or value in the arena; end returns it.
func (s *scratch) begin() int {
	if cap(s.arena)-len(s.arena) < 2<<10 {
		s.arena = make([]byte, 0, arenaChunk)
	}
	return len(s.arena)
}

func (s *scratch) end(start int) []byte { return s.arena[start:len(s.arena):len(s.arena)] }

func (s *scratch) bytes(v string) []byte {
	start := s.begin()
	s.arena = append(s.arena, v...)
	return s.end(start)
}

// key2 is key(a, b).
func (s *scratch) key2(a, b string) []byte {
	start := s.begin()
	s.arena = append(s.arena, a...)
	s.arena = append(s.arena, 0)
	s.arena = append(s.arena, b...)
	return s.end(start)
}

// idKey is key(v, pad(id)).
func (s *scratch) idKey(v string, id uint64) []byte {
	start := s.begin()
	s.arena = append(s.arena, v...)
	s.arena = append(s.arena, 0)
	s.arena = appendPadded(s.arena, id)
	return s.end(start)
}

// docIndexKeys appends every index entry d owns to dst. Each URL and hash
// is listed once.
func (s *scratch) docIndexKeys(d *Document, dst []ixKey) []ixKey {
	start := s.begin()
	s.arena = appendYearKey(s.arena, d.Year)
	s.arena = append(s.arena, 0)
	s.arena = append(s.arena, d.ID...)
	dst = append(dst, ixKey{ixYear, s.end(start)})
	dst = append(dst, ixKey{ixSite, s.key2(d.Site, d.ID)})
	start = s.begin()
	s.arena = append(s.arena, d.Body...)
	s.arena = append(s.arena, 0)
	s.arena = appendYearKey(s.arena, d.Year)
	s.arena = append(s.arena, 0)
	s.arena = append(s.arena, d.ID...)
	dst = append(dst, ixKey{ixBody, s.end(start)})
	dst = append(dst, ixKey{ixRegion, s.key2(d.Region, d.ID)})
	urls := s.strs[:0]
	if d.URL != "" {
		urls = append(urls, d.URL)
	}
	for i := range d.Sightings {
		if u := d.Sightings[i].URL; u != "" {
			urls = append(urls, u)
		}
	}
	for i := range d.Files {
		if u := d.Files[i].URL; u != "" {
			urls = append(urls, u)
		}
	}
	slices.Sort(urls)
	for _, u := range slices.Compact(urls) {
		dst = append(dst, ixKey{ixURL, s.key2(u, d.ID)})
	}
	hashes := urls[:0]
	for i := range d.Files {
		if h := d.Files[i].SHA256; h != "" {
			hashes = append(hashes, h)
		}
	}
	slices.Sort(hashes)
	for _, h := range slices.Compact(hashes) {
		dst = append(dst, ixKey{ixHash, s.key2(h, d.ID)})
	}
	clear(hashes[:cap(hashes)]) // drop the document's strings
	s.strs = hashes[:0]
	return dst
}

func newCommitTx(tx *bolt.Tx) *commitTx {
	c := &commitTx{tx: tx, blobs: tx.Bucket(bBlobs), captures: tx.Bucket(bCaptures), docs: tx.Bucket(bDocs)}
	for i, name := range deferredBuckets {
		c.later[i].b = tx.Bucket(name)
	}
	// Ids only grow: fill each page instead of leaving the half of it
	// that a split keeps free for inserts that never come.
	c.captures.FillPercent = 1
	return c
}

// record returns v as json.Marshal encodes it, sealed under key k.
func (c *commitTx) record(k []byte, v any) ([]byte, error) {
	start := c.begin()
	var err error
	if c.arena, err = appendSealedRecord(c.arena, k, v); err != nil {
		return nil, err
	}
	return c.end(start), nil
}

// putRecord stores v under k as json.Marshal encodes it, sealed.
func (c *commitTx) putRecord(b *bolt.Bucket, k []byte, v any) error {
	data, err := c.record(k, v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func (c *commitTx) writeBlob(pb *pendingBlob) error {
	k := c.bytes(pb.info.SHA256)
	if c.blobs.Get(k) != nil {
		return nil // deduplicated
	}
	for i, v := range pb.chunks {
		start := c.begin()
		c.arena = appendChunkKey(c.arena, pb.sum, i)
		c.put(dChunks, c.end(start), v)
	}
	err := c.putRecord(c.blobs, k, blobRecord{Size: pb.info.Size, Stored: pb.info.Stored, Chunks: pb.info.Chunks, MediaType: pb.info.MediaType})
	if err != nil {
		return fmt.Errorf("store blob %s: %w", pb.info.SHA256, err)
	}
	return nil
}

// addCapture appends cp, assigning cp.ID and defaulting Time to now (UTC).
// blobKnown says this transaction has just stored or found cp's blob.
func (c *commitTx) addCapture(cp *Capture, blobKnown bool) error {
	if cp.SHA256 == "" {
		return fmt.Errorf("capture of %s: no blob hash", cp.URL)
	}
	if !blobKnown && c.blobs.Get(c.bytes(cp.SHA256)) == nil {
		return fmt.Errorf("capture of %s: blob %s: %w", cp.URL, cp.SHA256, ErrNotFound)
	}
	id, err := c.captures.NextSequence()
	if err != nil {
		return fmt.Errorf("capture of %s: %w", cp.URL, err)
	}
	cp.ID = id
	if cp.Time.IsZero() {
		cp.Time = time.Now()
	}
	cp.Time = cp.Time.UTC()
	if err := c.putRecord(c.captures, u64(id), cp); err != nil {
		return fmt.Errorf("capture of %s: %w", cp.URL, err)
	}
	c.put(dCapURL, c.idKey(cp.URL, id), nil)
	if cp.FinalURL != "" && cp.FinalURL != cp.URL {
		c.put(dCapURL, c.idKey(cp.FinalURL, id), nil)
	}
	c.put(dCapHash, c.idKey(cp.SHA256, id), nil)
	return nil
}

func (c *commitTx) putURLState(s *URLState) error {
	k := c.bytes(s.URL)
	v, err := c.record(k, s)
	if err != nil {
		return fmt.Errorf("url state of %s: %w", s.URL, err)
	}
	c.put(dURLs, k, v)
	return nil
}

// putDoc inserts or replaces d and its index entries. A replaced
// document keeps its stored tombstones, whatever d holds (a new one is
// stored as given): only
// putDocTombstones (Retract, Restore) changes a document's retraction
// history, so a crawl, import or reparse that writes the document again
// never un-retracts it.
func (c *commitTx) putDoc(d *Document) error { return c.writeDoc(d, false) }

// putDocTombstones is putDoc writing d's own tombstones.
func (c *commitTx) putDocTombstones(d *Document) error { return c.writeDoc(d, true) }

func (c *commitTx) writeDoc(d *Document, ownTombstones bool) error {
	if d.ID == "" {
		return fmt.Errorf("document without id (url %s)", d.URL)
	}
	id := c.bytes(d.ID)
	if v := c.docs.Get(id); v != nil {
		// Replaced: drop the index entries of the stored version. One
		// that fails to decode keeps its entries, as it always did.
		var old Document
		if decode(bDocs, id, v, &old) == nil {
			c.keys = c.docIndexKeys(&old, c.keys[:0])
			for _, ik := range c.keys {
				c.del(ik.bucket, ik.key)
			}
			if !ownTombstones {
				d.Tombstones = old.Tombstones
			}
		}
	}
	if d.FirstSeen.IsZero() {
		d.FirstSeen = time.Now().UTC()
	}
	if d.LastSeen.IsZero() {
		d.LastSeen = d.FirstSeen
	}
	if err := c.putRecord(c.docs, id, d); err != nil {
		return fmt.Errorf("document %s: %w", d.ID, err)
	}
	c.keys = c.docIndexKeys(d, c.keys[:0])
	for _, ik := range c.keys {
		c.put(ik.bucket, ik.key, nil)
	}
	return nil
}

// siteFrontier returns (creating them if needed) site's frontier buckets.
func (c *commitTx) siteFrontier(site string) (frontierBuckets, error) {
	if fb, ok := c.sites[site]; ok {
		return fb, nil
	}
	pending, done, err := siteFrontier(c.tx, site, true)
	if err != nil {
		return frontierBuckets{}, fmt.Errorf("frontier of %s: %w", site, err)
	}
	if c.sites == nil {
		c.sites = map[string]frontierBuckets{}
	}
	fb := frontierBuckets{pending, done}
	c.sites[site] = fb
	return fb, nil
}

// frontierAdd queues the items not already pending or done for their site.
func (c *commitTx) frontierAdd(items []FrontierItem) (int, error) {
	added := 0
	for i := range items {
		it := &items[i]
		fb, err := c.siteFrontier(it.Site)
		if err != nil {
			return added, err
		}
		k := c.bytes(it.URL)
		if fb.pending.Get(k) != nil || fb.done.Get(k) != nil {
			continue
		}
		if err := c.putRecord(fb.pending, k, it); err != nil {
			return added, fmt.Errorf("frontier of %s: %w", it.Site, err)
		}
		added++
	}
	return added, nil
}

// frontierDone moves url from pending to done.
func (c *commitTx) frontierDone(site, url string) error {
	fb, err := c.siteFrontier(site)
	if err != nil {
		return err
	}
	k := c.bytes(url)
	if err := fb.pending.Delete(k); err != nil {
		return fmt.Errorf("frontier of %s: %w", site, err)
	}
	if err := fb.done.Put(k, []byte{}); err != nil {
		return fmt.Errorf("frontier of %s: %w", site, err)
	}
	return nil
}
