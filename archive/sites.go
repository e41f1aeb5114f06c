package archive

import (
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
