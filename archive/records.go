package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// DocID is a document's stable id: the first 16 hex digits of
// SHA-256(site \0 canonical URL). Imported files use site "import" and the
// blob hash as URL.
func DocID(site, canonicalURL string) string {
	s := sha256.Sum256([]byte(site + "\x00" + canonicalURL))
	return hex.EncodeToString(s[:8])
}

// ---- Captures ----

// AddCapture appends c, assigning c.ID and defaulting Time to now (UTC).
func (a *Archive) AddCapture(c *Capture) error {
	return a.update(func(ct *commitTx) error { return ct.addCapture(c, false) })
}

// pad makes decimal ids sort numerically inside index keys.
func pad(id string) string { return strings.Repeat("0", max(0, 20-len(id))) + id }

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

// ---- Documents ----

func yearKey(y int) string { return fmt.Sprintf("%04d", max(0, min(y, 9999))) }

func getDoc(tx *bolt.Tx, id string) (*Document, error) {
	v := tx.Bucket(bDocs).Get([]byte(id))
	if v == nil {
		return nil, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	var d Document
	if err := decode(bDocs, []byte(id), v, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// PutDocument inserts or replaces d and its index entries.
func (a *Archive) PutDocument(d *Document) error {
	return a.update(func(c *commitTx) error { return c.putDoc(d) })
}

// Document returns one document.
func (a *Archive) Document(id string) (*Document, error) {
	var d *Document
	err := a.view(func(tx *bolt.Tx) error {
		var err error
		d, err = getDoc(tx, id)
		return err
	})
	return d, err
}

// UpdateDocument applies fn to the stored document in one transaction.
func (a *Archive) UpdateDocument(id string, fn func(d *Document) error) error {
	return a.update(func(c *commitTx) error {
		d, err := getDoc(c.tx, id)
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
		d.ID = id
		return c.putDoc(d)
	})
}

// ForEachDocument visits all documents in id order.
func (a *Archive) ForEachDocument(fn func(*Document) error) error {
	return a.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bDocs).ForEach(func(k, v []byte) error {
			var d Document
			if err := decode(bDocs, k, v, &d); err != nil {
				return err
			}
			return fn(&d)
		})
	})
}

func (a *Archive) docsByIndex(bucket []byte, prefix []byte) ([]*Document, error) {
	var out []*Document
	err := a.view(func(tx *bolt.Tx) error {
		seen := map[string]bool{}
		return forEachPrefix(tx.Bucket(bucket), prefix, func(k, _ []byte) error {
			id := lastPart(k)
			if seen[id] {
				return nil
			}
			seen[id] = true
			d, err := getDoc(tx, id)
			if err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

// DocumentsByHash returns the documents that include blob sha.
func (a *Archive) DocumentsByHash(sha string) ([]*Document, error) {
	return a.docsByIndex(bDocHash, key(sha, ""))
}

// DocumentByURL returns the document whose page, sighting or file URL is url.
func (a *Archive) DocumentByURL(url string) (*Document, error) {
	ds, err := a.docsByIndex(bDocURL, key(url, ""))
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("document at %s: %w", url, ErrNotFound)
	}
	return ds[0], nil
}

// FindDocuments answers q through the most selective index, then filters.
// Results are ordered by year, body, id.
func (a *Archive) FindDocuments(q Query) ([]*Document, error) {
	var out []*Document
	match := func(d *Document) bool {
		return (q.Site == "" || d.Site == q.Site) &&
			(q.Body == "" || d.Body == q.Body) &&
			(q.Region == "" || strings.Contains(d.Region, q.Region)) &&
			(q.YearFrom == 0 || d.Year >= q.YearFrom) &&
			(q.YearTo == 0 || d.Year <= q.YearTo)
	}
	err := a.view(func(tx *bolt.Tx) error {
		seen := map[string]bool{}
		visit := func(id string) error {
			if seen[id] {
				return nil
			}
			seen[id] = true
			d, err := getDoc(tx, id)
			if err != nil {
				return err
			}
			if match(d) {
				out = append(out, d)
			}
			return nil
		}
		scan := func(bucket, from []byte, until func(k []byte) bool) error {
			c := tx.Bucket(bucket).Cursor()
			for k, _ := c.Seek(from); k != nil && !until(k); k, _ = c.Next() {
				if err := visit(lastPart(k)); err != nil {
					return err
				}
			}
			return nil
		}
		switch {
		case q.Body != "":
			p := key(q.Body, "")
			from := p
			if q.YearFrom > 0 {
				from = key(q.Body, yearKey(q.YearFrom))
			}
			return scan(bDocBody, from, func(k []byte) bool {
				if !hasPrefix(k, p) {
					return true
				}
				return q.YearTo > 0 && string(k[len(p):len(p)+4]) > yearKey(q.YearTo)
			})
		case q.Site != "":
			p := key(q.Site, "")
			return scan(bDocSite, p, func(k []byte) bool { return !hasPrefix(k, p) })
		case q.YearFrom > 0 || q.YearTo > 0:
			from := []byte(yearKey(q.YearFrom))
			to := yearKey(q.YearTo)
			if q.YearTo == 0 {
				to = "9999"
			}
			return scan(bDocYear, from, func(k []byte) bool { return string(k[:4]) > to })
		case q.Region != "":
			// Region matches any level ("洛阳市" inside "河南省洛阳市偃师区"):
			// scan the region index keys, which are few distinct values.
			c := tx.Bucket(bDocRegion).Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				region := string(k[:max(0, len(k)-len(lastPart(k))-1)])
				if strings.Contains(region, q.Region) {
					if err := visit(lastPart(k)); err != nil {
						return err
					}
				}
			}
			return nil
		default:
			return tx.Bucket(bDocs).ForEach(func(k, _ []byte) error { return visit(string(k)) })
		}
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year < out[j].Year
		}
		if out[i].Body != out[j].Body {
			return out[i].Body < out[j].Body
		}
		return out[i].ID < out[j].ID
	})
	return out, err
}

// ---- Crawl state ----

// URLState returns the crawl state of url, or nil if unknown.
func (a *Archive) URLState(url string) (*URLState, error) {
	var s *URLState
	err := a.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bURLs).Get([]byte(url))
		if v == nil {
			return nil
		}
		s = new(URLState)
		return decode(bURLs, []byte(url), v, s)
	})
	return s, err
}

// PutURLState stores s.
func (a *Archive) PutURLState(s *URLState) error {
	return a.dbUpdate(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bURLs), []byte(s.URL), s) })
}

var (
	fPending = []byte("pending")
	fDone    = []byte("done")
)

func siteFrontier(tx *bolt.Tx, site string, create bool) (pending, done *bolt.Bucket, err error) {
	root := tx.Bucket(bFrontier)
	sb := root.Bucket([]byte(site))
	if sb == nil {
		if !create {
			return nil, nil, nil
		}
		if sb, err = root.CreateBucket([]byte(site)); err != nil {
			return nil, nil, err
		}
	}
	if pending, err = bucketIn(sb, fPending, create); err != nil {
		return
	}
	done, err = bucketIn(sb, fDone, create)
	return
}

func bucketIn(parent *bolt.Bucket, name []byte, create bool) (*bolt.Bucket, error) {
	if b := parent.Bucket(name); b != nil || !create {
		return b, nil
	}
	return parent.CreateBucket(name)
}

// FrontierAdd queues items not already pending or done for their site in
// the current run, and returns how many were added.
func (a *Archive) FrontierAdd(items ...FrontierItem) (int, error) {
	var n int
	err := a.update(func(c *commitTx) error {
		var err error
		n, err = c.frontierAdd(items)
		return err
	})
	return n, err
}

// FrontierPending lists a site's pending URLs, highest score first.
func (a *Archive) FrontierPending(site string) ([]FrontierItem, error) {
	var out []FrontierItem
	err := a.view(func(tx *bolt.Tx) error {
		pending, _, err := siteFrontier(tx, site, false)
		if err != nil || pending == nil {
			return err
		}
		name := pendingName(site)
		return pending.ForEach(func(k, v []byte) error {
			var it FrontierItem
			if err := decode(name, k, v, &it); err != nil {
				return err
			}
			out = append(out, it)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out, err
}

// FrontierDone moves url from pending to done.
func (a *Archive) FrontierDone(site, url string) error {
	return a.update(func(c *commitTx) error { return c.frontierDone(site, url) })
}

// FrontierSeen reports whether url is pending or done for site.
func (a *Archive) FrontierSeen(site, url string) (bool, error) {
	var seen bool
	err := a.view(func(tx *bolt.Tx) error {
		pending, done, err := siteFrontier(tx, site, false)
		if err != nil || pending == nil {
			return err
		}
		seen = pending.Get([]byte(url)) != nil || done.Get([]byte(url)) != nil
		return nil
	})
	return seen, err
}

// FrontierLen counts a site's pending and done URLs.
func (a *Archive) FrontierLen(site string) (pending, done int, err error) {
	err = a.view(func(tx *bolt.Tx) error {
		p, d, err := siteFrontier(tx, site, false)
		if err != nil || p == nil {
			return err
		}
		pending, done = p.Stats().KeyN, d.Stats().KeyN
		return nil
	})
	return
}

// FrontierClear forgets a site's frontier (after a completed run).
func (a *Archive) FrontierClear(site string) error {
	return a.dbUpdate(func(tx *bolt.Tx) error {
		err := tx.Bucket(bFrontier).DeleteBucket([]byte(site))
		if err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
			return err
		}
		return nil
	})
}

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

// ---- Runs ----

// AddRun stores r, assigning r.ID.
func (a *Archive) AddRun(r *Run) error {
	return a.dbUpdate(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRuns)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		r.ID = id
		return putJSON(b, u64(id), r)
	})
}

// Runs returns up to limit runs (0 = all), newest first; site "" = every site.
func (a *Archive) Runs(site string, limit int) ([]Run, error) {
	var out []Run
	err := a.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bRuns).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var r Run
			if err := decode(bRuns, k, v, &r); err != nil {
				return err
			}
			if site != "" && r.Site != site {
				continue
			}
			out = append(out, r)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// ---- Stats ----

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
