package crawl

import (
	"fmt"
	"sync"
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
	// A batch is committed when it holds maxBatch fetches or maxBatchBytes
	// of blobs, when a worker waits for it, or commitEvery after its first
	// fetch. Large groups matter: bbolt rewrites every page a transaction
	// touches, and the crawl's keys (URLs, document ids, hashes) are spread
	// over the whole tree, so per-fetch cost falls steeply with group size
	// (10,000 generated pages: groups of ~110 fetches at 5 ms cost 1.5–2×
	// the commit CPU of ~1,000 at 250 ms). A kill loses at most the last
	// group, which the resumed run fetches again.
	maxBatch      = 4096
	maxBatchBytes = 32 << 20
	commitEvery   = 250 * time.Millisecond
	// queueCap bounds the fetches waiting for the committer, maxQueued
	// their blob bytes (the group being gathered included): a worker
	// blocks (back-pressure) when the store falls behind. The queue must
	// hold what the workers fetch while a large group commits, or both
	// cores wait on the committer.
	queueCap  = 4096
	maxQueued = 96 << 20
	// syncBlob: a fetch carrying a larger blob is committed synchronously
	// (attachments of 100 MB+ exist).
	syncBlob = 256 << 10
)

// startCommitter runs the site's committer: workers hand it their fetches;
// it commits them in groups, one transaction each, in arrival order (so
// the last version of a document wins, and a page's commit precedes those
// of the links found on it: they are fetched only after it queued).
func (r *siteRun) startCommitter() (stop func()) {
	ch := make(chan *commitReq, queueCap)
	r.commitCh = ch
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		every := r.e.opts.commitEvery
		if every <= 0 {
			every = commitEvery
		}
		for req := range ch {
			batch := gather(ch, req, every)
			r.commitBatch(batch)
			n := 0
			for _, b := range batch {
				n += len(b.f.Blob)
			}
			r.queuedBytes(-n)
		}
	}()
	return func() {
		close(ch)
		<-finished
	}
}

// gather collects a group starting with first: until the group is full,
// every has passed, ch is closed, or a worker waits for its fetch (then
// only what is already queued joins).
func gather(ch <-chan *commitReq, first *commitReq, every time.Duration) []*commitReq {
	batch := []*commitReq{first}
	size := len(first.f.Blob)
	waiting := first.done != nil
	timer := time.NewTimer(every)
	defer timer.Stop()
	for len(batch) < maxBatch && size < maxBatchBytes {
		var x *commitReq
		var ok bool
		if waiting {
			select {
			case x, ok = <-ch:
			default:
				return batch
			}
		} else {
			select {
			case x, ok = <-ch:
			case <-timer.C:
				return batch
			}
		}
		if !ok {
			return batch
		}
		batch = append(batch, x)
		size += len(x.f.Blob)
		waiting = waiting || x.done != nil
	}
	return batch
}

// commitBatch commits a group in one transaction when the store can, and
// tells each fetch's worker (or the run, for asynchronous ones).
func (r *siteRun) commitBatch(batch []*commitReq) {
	if bc, ok := r.st.(batchCommitter); ok && len(batch) > 1 {
		fs := make([]archive.Fetch, len(batch))
		for i, b := range batch {
			fs[i] = b.f
		}
		err := bc.CommitFetches(fs)
		for _, b := range batch {
			r.commitDone(b, err)
		}
		return
	}
	for _, b := range batch {
		r.commitDone(b, r.st.CommitFetch(b.f))
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
	r.queuedBytes(len(f.Blob))
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
	r.queuedBytes(len(f.Blob))
	r.commitCh <- &commitReq{f: f}
}

// queuedBytes adds n blob bytes to those waiting for the committer,
// first waiting (n > 0) until they fit under maxQueued; one fetch alone
// always fits.
func (r *siteRun) queuedBytes(n int) {
	r.qmu.Lock()
	defer r.qmu.Unlock()
	if r.qcond == nil {
		r.qcond = sync.NewCond(&r.qmu)
	}
	for n > 0 && r.qbytes > 0 && r.qbytes+n > maxQueued {
		r.qcond.Wait()
	}
	r.qbytes += n
	if n < 0 {
		r.qcond.Broadcast()
	}
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
