package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Documents: one record per logical report (a page and its attachments),
// keyed by DocID(site, canonical URL), so crawling the same report again
// replaces its record instead of adding one. Invariants: a document is
// written only through commitTx.writeDoc (batch.go; the schema migration
// only reseals records), which removes the stored version's index entries
// before writing the new one's, so the indexes always describe the stored
// record exactly; a replaced document keeps its stored tombstones (only
// Retract and Restore change them); FirstSeen defaults to now, LastSeen
// to FirstSeen. Indexes (docIndexKeys): ix_doc_year year \0 id,
// ix_doc_site site \0 id, ix_doc_body body \0 year \0 id, ix_doc_region
// region \0 id, ix_doc_url url \0 id for the page, every sighting and
// every file URL, ix_doc_hash sha \0 id for every file; years are four
// digits (yearKey).

// DocID is a document's stable id: the first 16 hex digits of
// SHA-256(site \0 canonical URL). Imported files use site "import" and the
// blob hash as URL.
func DocID(site, canonicalURL string) string {
	s := sha256.Sum256([]byte(site + "\x00" + canonicalURL))
	return hex.EncodeToString(s[:8])
}

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

// DocumentIDs returns the ids that start with prefix, in order, at most
// limit of them (limit ≤ 0: all). It reads keys only, so a reader can
// resolve an abbreviated id without decoding every document.
func (a *Archive) DocumentIDs(prefix string, limit int) ([]string, error) {
	var out []string
	err := a.view(func(tx *bolt.Tx) error {
		return forEachPrefix(tx.Bucket(bDocs), []byte(prefix), func(k, _ []byte) error {
			if limit > 0 && len(out) == limit {
				return errStopIDs
			}
			out = append(out, string(k))
			return nil
		})
	})
	if errors.Is(err, errStopIDs) {
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("document ids %q: %w", prefix, err)
	}
	return out, nil
}

// errStopIDs ends DocumentIDs' walk once it holds limit ids.
var errStopIDs = errors.New("enough ids")

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
	SortDocuments(out)
	return out, err
}

// SortDocuments puts documents in the archive's listing order: data year,
// then body, then id — the order FindDocuments returns and readers that
// filter their own copy of the list (the server's) keep.
func SortDocuments(docs []*Document) {
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].Year != docs[j].Year {
			return docs[i].Year < docs[j].Year
		}
		if docs[i].Body != docs[j].Body {
			return docs[i].Body < docs[j].Body
		}
		return docs[i].ID < docs[j].ID
	})
}
