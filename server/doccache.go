package server

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

// docCache keeps every document of the archive without its parsed JSON
// (check summaries are read as rows are shown), as of one archive
// generation: the lists, facets and sorting of the web page and the API
// then cost a filter over memory instead of decoding every record
// (10,000 reports: ~250 ms → a few ms). Any committed write moves the
// generation; the next reader refreshes the documents whose record
// changed (archive.ForEachDocumentChanged) before it answers, so a page
// never shows a state older than its request.
type docCache struct {
	mu     sync.Mutex
	gen    uint64
	ok     bool
	byID   map[string]*archive.Document // Parsed dropped
	stamps map[string]archive.RecordStamp
	docs   []*archive.Document // byID in id order
	checks map[string]string   // id → checkState, filled as rows are shown
}

// cachedDocs returns the archive's documents (without Parsed), refreshed
// when the archive changed.
func (s *Server) cachedDocs(ctx context.Context) ([]*archive.Document, error) {
	gen, err := s.arc.Generation()
	if err != nil {
		return nil, err
	}
	c := &s.docs
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.gen == gen {
		return c.docs, nil
	}
	if c.byID == nil {
		c.byID, c.checks = map[string]*archive.Document{}, map[string]string{}
	}
	changed := 0
	stamps, err := s.arc.ForEachDocumentChanged(c.stamps, func(d *archive.Document, _ archive.RecordStamp) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		d.Parsed = nil
		c.byID[d.ID] = d
		delete(c.checks, d.ID)
		if d.FailedChecks > 0 {
			c.checks[d.ID] = "fail" // the rest is read when a row is shown
		}
		changed++
		return nil
	})
	if err != nil {
		c.ok = false // a half-applied refresh: start over next time
		c.byID, c.stamps, c.checks = nil, nil, nil
		return nil, fmt.Errorf("read documents: %w", err)
	}
	if changed > 0 || len(stamps) != len(c.docs) {
		for id := range c.byID {
			if _, ok := stamps[id]; !ok {
				delete(c.byID, id)
				delete(c.checks, id)
			}
		}
		docs := make([]*archive.Document, 0, len(c.byID))
		for _, d := range c.byID {
			docs = append(docs, d)
		}
		sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
		c.docs = docs
	}
	c.gen, c.ok, c.stamps = gen, true, stamps
	return c.docs, nil
}

// cachedQuery is the default Querier: query's filter over the cached
// documents, less look-alikes, ordered as query orders (year, body, id).
// The documents carry no parsed JSON: callers that need it load the
// document (fullDocs).
func (s *Server) cachedQuery(ctx context.Context, _ *archive.Archive, f query.Filter) ([]*archive.Document, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	all, err := s.cachedDocs(ctx)
	if err != nil {
		return nil, err
	}
	// Body matching folds and tokenizes names (short forms): done once
	// per distinct name, not once per document — an archive has many
	// reports per body. It reads only the body and the title (the title
	// stands in for a body not yet parsed), so a document holding those
	// two is asked in place of each; everything else is matched on the
	// document itself.
	rest := f
	rest.Body = ""
	byBody := query.Filter{Body: f.Body}
	memo := map[[2]string]bool{}
	var out []*archive.Document
	for _, d := range all {
		if d.ParseStatus == "not_report" || !rest.Match(d) {
			continue
		}
		if byBody.Body != "" {
			k := [2]string{d.Body, d.Title}
			ok, seen := memo[k]
			if !seen {
				ok = byBody.Match(&archive.Document{Body: d.Body, Title: d.Title})
				memo[k] = ok
			}
			if !ok {
				continue
			}
		}
		out = append(out, d)
	}
	archive.SortDocuments(out) // the order archive.FindDocuments gives
	return out, nil
}

// fullDocs loads docs again whole (with their parsed JSON).
func (s *Server) fullDocs(ctx context.Context, docs []*archive.Document) ([]*archive.Document, error) {
	out := make([]*archive.Document, 0, len(docs))
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		full, err := s.arc.Document(d.ID)
		if err != nil {
			return nil, fmt.Errorf("load document %s: %w", d.ID, err)
		}
		out = append(out, full)
	}
	return out, nil
}

// checkStateOf is d's check summary, from the cache when d came from it.
func (s *Server) checkStateOf(d *archive.Document) string {
	if d.Parsed != nil {
		return checkState(d)
	}
	s.docs.mu.Lock()
	st, ok := s.docs.checks[d.ID]
	s.docs.mu.Unlock()
	if ok {
		return st
	}
	full, err := s.arc.Document(d.ID)
	if err != nil {
		return checkState(d)
	}
	st = checkState(full)
	s.docs.mu.Lock()
	if s.docs.checks != nil {
		s.docs.checks[d.ID] = st
	}
	s.docs.mu.Unlock()
	return st
}
