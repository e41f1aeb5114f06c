package server

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/search"
)

// searchIndex is the service's handle on the archive's full-text index,
// opened on first use and repaired then when it differs from the archive.
type searchIndex struct {
	mu      sync.Mutex
	ix      *search.Index
	checked bool // reconciled since opened
}

// index opens the index (once) and repairs it when needed.
func (s *Server) index(ctx context.Context) (*search.Index, error) {
	return s.indexReconciled(ctx, false)
}

// indexReconciled opens the index (once) and reconciles it with the
// archive: always with force, else only when it may differ.
func (s *Server) indexReconciled(ctx context.Context, force bool) (*search.Index, error) {
	s.search.mu.Lock()
	defer s.search.mu.Unlock()
	if s.search.ix == nil {
		ix, err := search.Open(s.arc.Path())
		if err != nil {
			return nil, err
		}
		s.search.ix = ix
	}
	// While the service holds the archive only its own crawls change it,
	// and each reconciles at its end: the check on open is enough.
	need, err := force, error(nil)
	if !force && !s.search.checked {
		need, err = s.search.ix.NeedsReconcile(s.arc)
	}
	if err == nil && need {
		var ch search.Changes
		ch, err = s.search.ix.Reconcile(ctx, s.arc)
		if err == nil && ch.Indexed+ch.Deleted > 0 {
			s.log.Info("search index brought up to date", "indexed", ch.Indexed, "deleted", ch.Deleted)
		}
	}
	if err == nil {
		s.search.checked = true
	}
	return s.search.ix, err
}

// updateIndex reconciles the index with the archive after a crawl.
func (s *Server) updateIndex() {
	if _, err := s.indexReconciled(context.Background(), true); err != nil {
		s.log.Error("search index not updated", "err", err)
	}
}

// closeIndex releases the index at shutdown.
func (s *Server) closeIndex() {
	s.search.mu.Lock()
	defer s.search.mu.Unlock()
	if s.search.ix != nil {
		_ = s.search.ix.Close()
		s.search.ix = nil
		s.search.checked = false
	}
}

// SearchHit is one result of GET /api/search: the report as in
// GET /api/reports, its score and a snippet marking matches 【…】.
type SearchHit struct {
	ReportSummary
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"`
}

// SearchList is the GET /api/search response. More says whether results
// go on after this page.
type SearchList struct {
	Query   string      `json:"q"`
	Offset  int         `json:"offset"`
	Limit   int         `json:"limit"`
	More    bool        `json:"more"`
	Filter  FilterJSON  `json:"filter"`
	Results []SearchHit `json:"results"`
}

// runSearch answers q with f; it returns the hits from offset, at most
// limit, and whether there are more.
func (s *Server) runSearch(ctx context.Context, q string, f query.Filter, offset, limit int) ([]search.Result, bool, error) {
	n, err := search.Parse(q)
	if err != nil {
		return nil, false, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, false, err
	}
	res, err := search.Run(ctx, s.arc, ix, n, f, offset+limit+1)
	if err != nil {
		return nil, false, err
	}
	more := len(res) > offset+limit
	if offset >= len(res) {
		return nil, false, nil
	}
	return res[offset:min(len(res), offset+limit)], more, nil
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, err := queryValues(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	f, err := ParseFilter(q, "q", "limit", "offset")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit, offset, err := pageParams(q)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, more, err := s.runSearch(r.Context(), q.Get("q"), f, offset, limit)
	if errors.Is(err, search.ErrBadQuery) {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err != nil {
		s.internal(w, "search", err)
		return
	}
	out := SearchList{Query: q.Get("q"), Offset: offset, Limit: limit, More: more, Filter: filterJSON(f), Results: []SearchHit{}}
	for _, h := range res {
		out.Results = append(out.Results, SearchHit{ReportSummary: summary(h.Doc), Score: h.Score, Snippet: h.Snippet})
	}
	writeJSON(w, http.StatusOK, out)
}
