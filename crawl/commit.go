package crawl

import (
	"time"

	"github.com/nianbao/nianbao/archive"
)

// batchCommitter is implemented by stores that can apply several fetches
// in one transaction (*archive.Archive): the group commit that keeps one
// write transaction per URL from bounding the crawl.
type batchCommitter interface {
	CommitFetches(fs []archive.Fetch) error
}

type commitReq struct {
	f    archive.Fetch
	done chan error
}

const maxBatch = 128

// startCommitter runs the site's committer: workers hand it their fetches
// and wait; it commits whatever has queued up in one transaction, in
// arrival order (so the last version of a document wins).
func (r *siteRun) startCommitter() (stop func()) {
	ch := make(chan *commitReq, maxBatch)
	r.commitCh = ch
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		bc, batched := r.st.(batchCommitter)
		for req := range ch {
			batch := []*commitReq{req}
			// Linger briefly so concurrent workers share the transaction.
			linger := time.NewTimer(time.Millisecond)
		drain:
			for len(batch) < maxBatch {
				select {
				case x, ok := <-ch:
					if !ok {
						break drain
					}
					batch = append(batch, x)
				case <-linger.C:
					break drain
				}
			}
			linger.Stop()
			if batched && len(batch) > 1 {
				fs := make([]archive.Fetch, len(batch))
				for i, b := range batch {
					fs[i] = b.f
				}
				err := bc.CommitFetches(fs)
				for _, b := range batch {
					b.done <- err
				}
				continue
			}
			for _, b := range batch {
				b.done <- r.st.CommitFetch(b.f)
			}
		}
	}()
	return func() {
		close(ch)
		<-finished
	}
}

// commitWait commits f (batched with other workers' fetches) and returns
// once it is durable in the store.
func (r *siteRun) commitWait(f archive.Fetch) error {
	req := &commitReq{f: f, done: make(chan error, 1)}
	r.commitCh <- req
	return <-req.done
}

// getDoc returns the latest version of a document: one written this run
// (perhaps still in a pending batch) or the stored one. Callers hold docMu.
func (r *siteRun) getDoc(id string) (*archive.Document, error) {
	if d, ok := r.docCache[id]; ok {
		return clone(d), nil
	}
	d, err := r.st.Document(id)
	if err != nil {
		return nil, err
	}
	r.docCache[id] = clone(d)
	return d, nil
}

// cacheDoc records the version about to be committed. Callers hold docMu.
func (r *siteRun) cacheDoc(d *archive.Document) {
	r.docCache[d.ID] = clone(d)
	for _, f := range d.Files {
		r.docHash[f.SHA256] = d.ID
	}
}

// docOfHash finds another document of this site holding a file with these
// bytes (a twin under another URL). Callers hold docMu.
func (r *siteRun) docOfHash(sha, except string) *archive.Document {
	if id, ok := r.docHash[sha]; ok && id != except {
		if d, err := r.getDoc(id); err == nil && d.Site == r.site.Name {
			return d
		}
	}
	ds, err := r.st.DocumentsByHash(sha)
	if err != nil {
		return nil
	}
	for _, o := range ds {
		if o.Site == r.site.Name && o.ID != except {
			d, err := r.getDoc(o.ID)
			if err == nil {
				return d
			}
		}
	}
	return nil
}
