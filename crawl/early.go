package crawl

import (
	"context"
	"runtime"
	"sync"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/ingest"
)

// Early parsing: a document is parsed as soon as it is complete (its page
// and every queued attachment or continuation page fetched and committed)
// while the crawl goes on, instead of all of a site's documents after its
// last fetch. A thousand sites of a fleet end at about the same time; had
// they all waited, the run's last seconds would be parsing alone.
//
// It is only a head start: the end-of-site pass (parseDocs) still parses
// every document whose status is empty in the store, so a dropped job, a
// document changed after its parse, or a kill loses nothing.

// ripening is a site run's early-parse bookkeeping. docWait counts the
// queued items that add files to a document (attachments, continuation
// pages): at 0 the document is complete. docStored is each document's
// last write. Guarded by the siteRun's mu, but parsing, which jobs join.
type ripening struct {
	docWait   map[string]int
	docStored map[string]<-chan struct{}
	parsing   sync.WaitGroup // early parses of this site under way
}

// storedDoc is a document a fetch wrote and when the write is durable.
type storedDoc struct {
	id     string
	stored <-chan struct{}
}

// parseJob asks the run's early parsers to parse one document.
type parseJob struct {
	r      *siteRun
	id     string
	stored <-chan struct{}
}

// commitDoc commits a fetch; one that wrote a document records the
// document on the item for docDoneLocked.
func (r *siteRun) commitDoc(it *item, f archive.Fetch) {
	if f.Doc == nil || r.f.parseQ == nil {
		r.commit(f)
		return
	}
	it.stored = &storedDoc{id: f.Doc.ID, stored: r.f.commits.commitStored(f, r.setFatal)}
}

// docDoneLocked does the bookkeeping after it was fetched (its new items
// queued first): a document with nothing left queued for it goes to the
// early parsers. Callers hold r.mu.
func (r *siteRun) docDoneLocked(it *item) {
	if r.f.parseQ == nil {
		return
	}
	var ready []string
	if s := it.stored; s != nil {
		r.docStored[s.id] = s.stored
		if r.docWait[s.id] <= 0 {
			ready = append(ready, s.id)
		}
	}
	if d := it.Extra["doc"]; d != "" && it.Kind != kindSighting {
		if r.docWait[d]--; r.docWait[d] <= 0 {
			delete(r.docWait, d)
			if it.stored == nil || it.stored.id != d {
				ready = append(ready, d)
			}
		}
	}
	for _, id := range ready {
		ch, ok := r.docStored[id]
		if !ok {
			continue // not written this run
		}
		delete(r.docStored, id)
		r.parsing.Add(1)
		select {
		case r.f.parseQ <- parseJob{r: r, id: id, stored: ch}:
		default:
			r.parsing.Done() // queue full: the end-of-site pass parses it
		}
	}
}

// startParsers runs the early parsers until ctx ends or the queue closes.
// Half the cores at most: fetching must keep its pace.
func (f *fleet) startParsers(ctx context.Context) {
	for range max(1, runtime.GOMAXPROCS(0)/2) {
		go func() {
			for job := range f.parseQ {
				f.earlyParse(ctx, job)
				job.r.parsing.Done()
			}
		}()
	}
}

func (f *fleet) earlyParse(ctx context.Context, job parseJob) {
	select {
	case <-job.stored:
	case <-ctx.Done():
		return
	}
	r := job.r
	r.docs.mu.Lock()
	d, err := r.docs.get(job.id)
	r.docs.mu.Unlock()
	if err != nil || d.ParseStatus != "" || len(d.Files) == 0 {
		return
	}
	select {
	case f.parse <- struct{}{}:
	case <-ctx.Done():
		return
	}
	out, ok, err := ingest.Best(ctx, r.st, d, f.e.opts.Parser)
	<-f.parse
	if err != nil || !ok {
		return // the end-of-site pass tries again and reports
	}
	r.docs.mu.Lock()
	defer r.docs.mu.Unlock()
	cur, err := r.docs.get(job.id)
	if err != nil || cur.ParseStatus != "" || !sameFiles(cur, d) {
		return // changed meanwhile: parsed again at the end
	}
	ingest.Record(cur, out)
	r.docs.putParsed(cur, r.f.commits.commitStored(archive.Fetch{Site: r.site.Name, Doc: cur}, r.setFatal))
}

// sameFiles: a and b hold the same files (URL and bytes).
func sameFiles(a, b *archive.Document) bool {
	if len(a.Files) != len(b.Files) {
		return false
	}
	for i := range a.Files {
		if a.Files[i].URL != b.Files[i].URL || a.Files[i].SHA256 != b.Files[i].SHA256 {
			return false
		}
	}
	return true
}
