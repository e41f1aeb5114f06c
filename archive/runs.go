package archive

import bolt "go.etcd.io/bbolt"

// Runs: one report per site per crawl run, under an id from the bucket's
// sequence; append-only, listed newest first.

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
