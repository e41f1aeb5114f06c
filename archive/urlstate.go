package archive

import bolt "go.etcd.io/bbolt"

// URL states: the crawl's memory of each canonical URL (validators for
// conditional requests, the next time it is due, what kind of page it
// was), keyed by the URL. One record per URL, overwritten on every fetch;
// unlike captures it is not evidence, only scheduling.

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
