package crawl

import (
	"fmt"
	"sync"

	"github.com/nianbao/nianbao/archive"
)

// docCache holds the latest version of every document a site's run
// wrote: the committer applies fetches later, in groups, so a document
// read back from the store could miss this run's last change.
//
// Callers hold mu across a read-modify-write (get, change, put): two
// pages of one report (a detail and its attachment) may be processed at
// once. Versions handed out are copies; a version put is kept as is and
// must not change afterwards (it goes to the committer).
//
// A parsed version (parsed JSON runs to tens of KB per report) is dropped
// once its commit is durable (settle): the store has it then, and a
// thousand sites' parsed reports must not stay in memory for the run.
type docCache struct {
	mu     sync.Mutex
	st     Store
	site   string
	docs   map[string]*archive.Document
	mine   map[string]bool   // written this run (in docs, or durable in the store)
	byHash map[string]string // file SHA-256 → document id
	settle []settling        // parsed versions in commit order
}

// settling is a parsed version that may leave the cache once stored.
type settling struct {
	d      *archive.Document
	stored <-chan struct{}
}

func newDocCache(st Store, site string) *docCache {
	return &docCache{st: st, site: site, docs: map[string]*archive.Document{}, mine: map[string]bool{}, byHash: map[string]string{}}
}

// get returns the latest version of a document: one written this run
// (perhaps still in a pending group) or the stored one.
func (c *docCache) get(id string) (*archive.Document, error) {
	if d, ok := c.docs[id]; ok {
		return clone(d), nil
	}
	d, err := c.st.Document(id)
	if err != nil {
		return nil, err
	}
	c.docs[id] = clone(d)
	return d, nil
}

// cached is get limited to this run's documents (ErrNotFound otherwise).
func (c *docCache) cached(id string) (*archive.Document, error) {
	if d, ok := c.docs[id]; ok {
		return clone(d), nil
	}
	if c.mine[id] {
		return c.get(id) // settled: durable in the store
	}
	return nil, fmt.Errorf("document %s: %w", id, archive.ErrNotFound)
}

// put records the version about to be committed. d itself is kept, not
// a copy: it is handed to the committer and never changed afterwards
// (the archive fills in only empty file hashes, which the engine never
// leaves).
func (c *docCache) put(d *archive.Document) {
	c.docs[d.ID] = d
	c.mine[d.ID] = true
	for _, f := range d.Files {
		c.byHash[f.SHA256] = d.ID
	}
}

// putParsed is put for a parsed version whose commit is durable once
// stored closes; then, unless changed again meanwhile, it leaves the
// cache (see evictSettled).
func (c *docCache) putParsed(d *archive.Document, stored <-chan struct{}) {
	c.put(d)
	c.settle = append(c.settle, settling{d, stored})
	c.evictSettled()
}

// evictSettled drops the parsed versions whose commits are durable.
// Commits end in order, so the first pending one stops the sweep.
func (c *docCache) evictSettled() {
	n := 0
	for _, s := range c.settle {
		select {
		case <-s.stored:
		default:
			c.settle = c.settle[n:]
			return
		}
		if c.docs[s.d.ID] == s.d {
			delete(c.docs, s.d.ID)
		}
		n++
	}
	c.settle = c.settle[:0]
}

// ofHash finds another document of this site holding a file with these
// bytes (a twin under another URL).
func (c *docCache) ofHash(sha, except string) *archive.Document {
	if id, ok := c.byHash[sha]; ok && id != except {
		if d, err := c.get(id); err == nil && d.Site == c.site {
			return d
		}
	}
	ds, err := c.st.DocumentsByHash(sha)
	if err != nil {
		return nil
	}
	for _, o := range ds {
		if o.Site == c.site && o.ID != except {
			d, err := c.get(o.ID)
			if err == nil {
				return d
			}
		}
	}
	return nil
}
