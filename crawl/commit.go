package crawl

import (
	"fmt"
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
	done chan error // nil: asynchronous, a failure stops the run
}

const (
	maxBatch = 512
	// queueCap bounds the fetches waiting for the committer: a worker
	// blocks (back-pressure) when the store falls behind.
	queueCap = 512
	// syncBlob: a fetch carrying a larger blob is committed synchronously,
	// so queued bodies stay under queueCap×syncBlob (128 MiB) in memory
	// (attachments of 100 MB+ exist).
	syncBlob = 256 << 10
)

// startCommitter runs the site's committer: workers hand it their fetches;
// it commits whatever has queued up in one transaction, in arrival order
// (so the last version of a document wins, and a page's commit precedes
// those of the links found on it: they are fetched only after it queued).
func (r *siteRun) startCommitter() (stop func()) {
	ch := make(chan *commitReq, queueCap)
	r.commitCh = ch
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		bc, batched := r.st.(batchCommitter)
		for req := range ch {
			batch := []*commitReq{req}
			// Take what is queued; linger briefly only when little is, so
			// concurrent workers share the transaction.
			linger := time.NewTimer(5 * time.Millisecond)
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
					r.commitDone(b, err)
				}
				continue
			}
			for _, b := range batch {
				r.commitDone(b, r.st.CommitFetch(b.f))
			}
		}
	}()
	return func() {
		close(ch)
		<-finished
	}
}

func (r *siteRun) commitDone(b *commitReq, err error) {
	if b.done != nil {
		b.done <- err
		return
	}
	if err != nil {
		r.setFatal(wrapf(err, "commit %s", b.f.Done))
	}
}

// commitWait commits f (batched with other workers' fetches) and returns
// once it is durable in the store.
func (r *siteRun) commitWait(f archive.Fetch) error {
	req := &commitReq{f: f, done: make(chan error, 1)}
	r.commitCh <- req
	return <-req.done
}

// commit queues f for the committer and returns at once (a large blob:
// once committed). Nothing read back from the store depends on it during
// the run: documents come from docCache, known URLs from r.queued. A
// storage failure stops the run.
func (r *siteRun) commit(f archive.Fetch) {
	if len(f.Blob) > syncBlob {
		if err := r.commitWait(f); err != nil {
			r.setFatal(wrapf(err, "commit %s", f.Done))
		}
		return
	}
	r.commitCh <- &commitReq{f: f}
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

// cachedDoc is getDoc limited to this run's documents (ErrNotFound
// otherwise). Callers hold docMu.
func (r *siteRun) cachedDoc(id string) (*archive.Document, error) {
	if d, ok := r.docCache[id]; ok {
		return clone(d), nil
	}
	return nil, fmt.Errorf("document %s: %w", id, archive.ErrNotFound)
}

// cacheDoc records the version about to be committed. d itself is kept,
// not a copy: it is handed to the committer and never changed afterwards
// (getDoc gives out copies; the archive fills in only empty file hashes,
// which the engine never leaves). Callers hold docMu.
func (r *siteRun) cacheDoc(d *archive.Document) {
	r.docCache[d.ID] = d
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
