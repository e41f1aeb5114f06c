package crawl

import (
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

// commitReq is one fetch (or a barrier) waiting for the committer.
type commitReq struct {
	f       archive.Fetch
	barrier bool       // commits nothing: done once everything before it is
	done    chan error // nil: asynchronous, failures go to onErr
	onErr   func(error)
	stored  chan struct{} // closed once committed (or failed), when set
}

const (
	// A batch is committed when it holds maxBatch fetches or maxBatchBytes
	// of blobs and documents (weight), when a worker waits for it, or commitEvery after its first
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

// committer is a run's one writer: bbolt has a single writer, so every
// site of a run hands its fetches to one committer, which applies them
// in groups, one transaction each, in arrival order (so the last version
// of a document wins, and a page's commit precedes those of the links
// found on it: they are fetched only after it queued).
//
// Invariant: a request is answered (done, or onErr for a failed
// asynchronous one) only after its group's transaction ended; a barrier
// is answered after every request queued before it.
type committer struct {
	st       Store
	every    time.Duration
	ch       chan *commitReq
	finished chan struct{}

	mu     sync.Mutex
	cond   *sync.Cond
	queued int // blob bytes queued (maxQueued)
}

func newCommitter(st Store, every time.Duration) *committer {
	if every <= 0 {
		every = commitEvery
	}
	c := &committer{st: st, every: every, ch: make(chan *commitReq, queueCap), finished: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	go c.loop()
	return c
}

func (c *committer) loop() {
	defer close(c.finished)
	for req := range c.ch {
		batch := gather(c.ch, req, c.every)
		c.commitBatch(batch)
		n := 0
		for _, b := range batch {
			n += len(b.f.Blob)
		}
		c.queuedBytes(-n)
	}
}

// close commits what is queued and stops the committer. Nothing may be
// queued after it.
func (c *committer) close() {
	close(c.ch)
	<-c.finished
}

// gather collects a group starting with first: until the group is full,
// every has passed, ch is closed, or a worker waits for its fetch (then
// only what is already queued joins).
func gather(ch <-chan *commitReq, first *commitReq, every time.Duration) []*commitReq {
	batch := []*commitReq{first}
	size := weight(first.f)
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
		size += weight(x.f)
		waiting = waiting || x.done != nil
	}
	return batch
}

// weight is about what a fetch costs a transaction in memory: its blob,
// and a document's parsed JSON (a run's parse results are committed in
// groups of thousands at the end of each site).
func weight(f archive.Fetch) int {
	n := len(f.Blob)
	if f.Doc != nil {
		n += len(f.Doc.Parsed) + 512
	}
	return n
}

// commitBatch commits a group in one transaction when the store can, and
// answers each request.
func (c *committer) commitBatch(batch []*commitReq) {
	fs := make([]archive.Fetch, 0, len(batch))
	for _, b := range batch {
		if !b.barrier {
			fs = append(fs, b.f)
		}
	}
	if bc, ok := c.st.(batchCommitter); ok && len(fs) > 1 {
		err := bc.CommitFetches(fs)
		for _, b := range batch {
			answer(b, err)
		}
		return
	}
	for _, b := range batch {
		var err error
		if !b.barrier {
			err = c.st.CommitFetch(b.f)
		}
		answer(b, err)
	}
}

func answer(b *commitReq, err error) {
	if b.stored != nil {
		close(b.stored)
	}
	switch {
	case b.done != nil:
		b.done <- err
	case err != nil && b.onErr != nil:
		b.onErr(wrapf(err, "commit %s", b.f.Done))
	}
}

// wait commits f (batched with other workers' fetches) and returns once
// it is durable in the store.
func (c *committer) wait(f archive.Fetch) error {
	req := &commitReq{f: f, done: make(chan error, 1)}
	c.queuedBytes(len(f.Blob))
	c.ch <- req
	return <-req.done
}

// flush returns once every request queued before it is committed.
func (c *committer) flush() error {
	req := &commitReq{barrier: true, done: make(chan error, 1)}
	c.ch <- req
	return <-req.done
}

// commit queues f and returns at once (a large blob: once committed). A
// failure is handed to onErr (the site's run stops).
func (c *committer) commit(f archive.Fetch, onErr func(error)) {
	if len(f.Blob) > syncBlob {
		if err := c.wait(f); err != nil {
			onErr(wrapf(err, "commit %s", f.Done))
		}
		return
	}
	c.queuedBytes(len(f.Blob))
	c.ch <- &commitReq{f: f, onErr: onErr}
}

// commitStored is commit, returning a channel closed once f's group
// transaction ended (a parser waits for a document's files there).
func (c *committer) commitStored(f archive.Fetch, onErr func(error)) <-chan struct{} {
	if len(f.Blob) > syncBlob {
		if err := c.wait(f); err != nil {
			onErr(wrapf(err, "commit %s", f.Done))
		}
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	c.queuedBytes(len(f.Blob))
	req := &commitReq{f: f, onErr: onErr, stored: make(chan struct{})}
	c.ch <- req
	return req.stored
}

// queuedBytes adds n blob bytes to those waiting for the committer,
// first waiting (n > 0) until they fit under maxQueued; one fetch alone
// always fits.
func (c *committer) queuedBytes(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for n > 0 && c.queued > 0 && c.queued+n > maxQueued {
		c.cond.Wait()
	}
	c.queued += n
	if n < 0 {
		c.cond.Broadcast()
	}
}
