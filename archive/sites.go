package archive

import (
	"encoding/binary"
	"hash/crc32"

	bolt "go.etcd.io/bbolt"
)

// DocumentSites lists the distinct sites that have documents (imports
// have none), sorted, from the site index: one seek per site, so it stays
// cheap on a large archive.
func (a *Archive) DocumentSites() ([]string, error) {
	var out []string
	err := a.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bDocSite).Cursor()
		for k, _ := c.First(); k != nil; {
			id := lastPart(k)
			site := string(k[:max(0, len(k)-len(id)-1)])
			if site != "" {
				out = append(out, site)
			}
			k, _ = c.Seek(append(key(site), 0x01))
		}
		return nil
	})
	return out, err
}

// Generation identifies the archive's state: it changes with every
// committed write (bbolt's transaction id), so a reader may keep what it
// derived from the archive until the generation moves.
func (a *Archive) Generation() (uint64, error) {
	var gen uint64
	err := a.view(func(tx *bolt.Tx) error {
		gen = uint64(tx.ID())
		return nil
	})
	return gen, err
}

// RecordStamp identifies one stored version of a document record: its
// sealed checksum and length. A changed record gets a new stamp (but for
// a 2^-32 checksum collision of a same-length rewrite).
type RecordStamp struct {
	Sum uint32
	Len int
}

// ForEachDocumentChanged visits, in id order, the documents whose record
// is not the version known[id] names, decoding only those, and returns
// the stamp of every document present. A reader that keeps documents in
// memory refreshes them after a write at the cost of the changed records
// alone (an unchanged record is not decoded).
func (a *Archive) ForEachDocumentChanged(known map[string]RecordStamp, fn func(d *Document, st RecordStamp) error) (map[string]RecordStamp, error) {
	present := make(map[string]RecordStamp, len(known))
	err := a.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bDocs).ForEach(func(k, v []byte) error {
			st := RecordStamp{Len: len(v)}
			if len(v) >= sealLen && v[0] == sealTag {
				st.Sum = binary.BigEndian.Uint32(v[1:])
			} else {
				st.Sum = crc32.ChecksumIEEE(v)
			}
			id := string(k)
			present[id] = st
			if old, ok := known[id]; ok && old == st {
				return nil
			}
			var d Document
			if err := decode(bDocs, k, v, &d); err != nil {
				return err
			}
			return fn(&d, st)
		})
	})
	return present, err
}
