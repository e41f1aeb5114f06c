package archive

import (
	"errors"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// The frontier: each site's URLs waiting in the current run, persisted so
// an interrupted crawl resumes. Layout: frontier/site/pending holds
// url → FrontierItem, frontier/site/done holds url → "" . Invariants: a URL
// is in at most one of the two; FrontierAdd skips URLs already in either,
// so a run fetches each URL once; FrontierDone moves it from pending to
// done (in the same transaction as the fetch's capture when committed
// through CommitFetches); FrontierClear forgets the site after a
// completed run, so the next run starts afresh.

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
