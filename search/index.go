package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/nianbao/nianbao/archive"
)

// Field names in the index.
const (
	fieldText = "text"
	fieldYear = "year"
	fieldFP   = "fp"
)

// dirtyFile marks an index being written; found on open, it means a
// process was killed mid-indexing and the index must be reconciled.
const dirtyFile = "nianbao-dirty"

// BatchSize is how many documents go into one index batch: indexing memory
// stays flat in the number of reports.
var BatchSize = 256

// LockTimeout is how long Open waits for another process holding the index.
var LockTimeout = 10 * time.Second

// ErrBusy is an index held by another process.
var ErrBusy = errors.New("index busy")

// Path is where the index of the archive at archivePath lives.
func Path(archivePath string) string { return archivePath + ".index" }

// Index is an open full-text index. Handles are shared within a process
// (the service and relayed commands use the same one); Close releases one.
type Index struct {
	path string
	idx  bleve.Index
	refs int
	mu   sync.Mutex // serializes Reconcile
}

var (
	openMu sync.Mutex
	opened = map[string]*Index{}
)

type indexDoc struct {
	Text string  `json:"text"`
	Year float64 `json:"year"`
	FP   string  `json:"fp"`
}

func newMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	dm := bleve.NewDocumentStaticMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer = cjk.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = true
	text.IncludeInAll = false
	dm.AddFieldMappingsAt(fieldText, text)
	year := bleve.NewNumericFieldMapping()
	year.Store = false
	year.IncludeInAll = false
	dm.AddFieldMappingsAt(fieldYear, year)
	fp := bleve.NewKeywordFieldMapping()
	fp.Store = true
	fp.Index = false
	fp.IncludeInAll = false
	fp.DocValues = false
	dm.AddFieldMappingsAt(fieldFP, fp)
	m.DefaultMapping = dm
	m.DefaultAnalyzer = cjk.AnalyzerName
	return m
}

// Open opens (or creates) the index of the archive at archivePath. An
// index that cannot be opened (damaged, or of another layout) is removed
// and created empty: it is derived data, and NeedsReconcile then says so.
func Open(archivePath string) (*Index, error) {
	p, err := filepath.Abs(Path(archivePath))
	if err != nil {
		return nil, err
	}
	openMu.Lock()
	defer openMu.Unlock()
	if ix := opened[p]; ix != nil {
		ix.refs++
		return ix, nil
	}
	var idx bleve.Index
	if _, statErr := os.Stat(p); statErr == nil {
		idx, err = bleve.OpenUsing(p, map[string]any{"bolt_timeout": LockTimeout.String()})
		if err != nil && strings.Contains(err.Error(), "timeout") {
			return nil, fmt.Errorf("search index %s is in use by another process (waited %s): %w", p, LockTimeout, ErrBusy)
		}
		if err != nil {
			if rmErr := os.RemoveAll(p); rmErr != nil {
				return nil, fmt.Errorf("search index %s: %v; remove it: %w", p, err, rmErr)
			}
			idx = nil
		}
	}
	if idx == nil {
		idx, err = bleve.New(p, newMapping())
		if err != nil {
			return nil, fmt.Errorf("create search index %s: %w", p, err)
		}
		// A new index is empty: mark it so the first reconcile fills it
		// even when the archive holds nothing to compare counts with.
		_ = os.WriteFile(filepath.Join(p, dirtyFile), nil, 0o644)
	}
	ix := &Index{path: p, idx: idx, refs: 1}
	opened[p] = ix
	return ix, nil
}

// Close releases the handle; the last one closes the index.
func (ix *Index) Close() error {
	openMu.Lock()
	defer openMu.Unlock()
	if ix.refs <= 0 {
		return nil
	}
	ix.refs--
	if ix.refs > 0 {
		return nil
	}
	delete(opened, ix.path)
	return ix.idx.Close()
}

// Dir is the index directory.
func (ix *Index) Dir() string { return ix.path }

// Count is the number of indexed documents.
func (ix *Index) Count() (uint64, error) { return ix.idx.DocCount() }

func (ix *Index) dirty() bool {
	_, err := os.Stat(filepath.Join(ix.path, dirtyFile))
	return err == nil
}

// NeedsReconcile reports whether the index may differ from the archive:
// an indexing run was cut short, or the number of indexed documents is not
// the number of listed (not retracted) documents in the archive.
func (ix *Index) NeedsReconcile(a *archive.Archive) (bool, error) {
	if ix.dirty() {
		return true, nil
	}
	st, err := a.Stats()
	if err != nil {
		return false, err
	}
	n, err := ix.idx.DocCount()
	if err != nil {
		return true, nil
	}
	return n != uint64(st.Documents-st.Retracted), nil
}

// Changes counts what a Reconcile did.
type Changes struct {
	Indexed, Deleted, Unchanged int
}

// Reconcile makes the index reflect the archive: documents new or changed
// since they were indexed (their fingerprint differs) are indexed,
// documents gone or retracted deleted. Work goes in batches of BatchSize.
// A process killed meanwhile leaves the dirty mark, and the next open
// reconciles again.
func (ix *Index) Reconcile(ctx context.Context, a *archive.Archive) (Changes, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var ch Changes
	mark := filepath.Join(ix.path, dirtyFile)
	if err := os.WriteFile(mark, nil, 0o644); err != nil {
		return ch, fmt.Errorf("search index: %w", err)
	}
	b := ix.idx.NewBatch()
	flush := func(force bool) error {
		if b.Size() == 0 || (!force && b.Size() < BatchSize) {
			return nil
		}
		if err := ix.idx.Batch(b); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		b.Reset()
		return nil
	}
	listed := uint64(0)
	err := a.ForEachDocument(func(d *archive.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		old, err := ix.storedFingerprint(d.ID)
		if err != nil {
			return err
		}
		if d.Retracted() {
			if old != "" {
				b.Delete(d.ID)
				ch.Deleted++
			}
			return flush(false)
		}
		listed++
		fp := Fingerprint(d)
		if old == fp {
			ch.Unchanged++
			return nil
		}
		if err := b.Index(d.ID, indexDoc{Text: Fold(Text(d)), Year: float64(d.Year), FP: fp}); err != nil {
			return err
		}
		ch.Indexed++
		return flush(false)
	})
	if err != nil {
		return ch, err
	}
	if err := flush(true); err != nil {
		return ch, err
	}
	// Documents the archive no longer holds at all (rare: the archive
	// keeps retracted ones) show as a count above the listed ones; only
	// then is every indexed id listed.
	if n, err := ix.idx.DocCount(); err != nil {
		return ch, fmt.Errorf("search index: %w", err)
	} else if n > listed {
		have, err := ix.fingerprints(ctx)
		if err != nil {
			return ch, err
		}
		for id := range have {
			if _, err := a.Document(id); errors.Is(err, archive.ErrNotFound) {
				b.Delete(id)
				ch.Deleted++
				if err := flush(false); err != nil {
					return ch, err
				}
			} else if err != nil {
				return ch, err
			}
		}
	}
	if err := flush(true); err != nil {
		return ch, err
	}
	if err := os.Remove(mark); err != nil && !errors.Is(err, os.ErrNotExist) {
		return ch, err
	}
	return ch, nil
}

// storedFingerprint is the fingerprint indexed for id, "" when id is not
// indexed.
func (ix *Index) storedFingerprint(id string) (string, error) {
	doc, err := ix.idx.Document(id)
	if err != nil {
		return "", fmt.Errorf("search index: %w", err)
	}
	if doc == nil {
		return "", nil
	}
	fp := ""
	doc.VisitFields(func(f index.Field) {
		if f.Name() == fieldFP {
			fp = string(f.Value())
		}
	})
	return fp, nil
}

// fingerprints lists every indexed id with its fingerprint.
func (ix *Index) fingerprints(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	const page = 2000
	var after []string
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, 0, false)
		req.Fields = []string{fieldFP}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		res, err := ix.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search index: %w", err)
		}
		for _, h := range res.Hits {
			fp, _ := h.Fields[fieldFP].(string)
			out[h.ID] = fp
		}
		if len(res.Hits) < page {
			return out, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// Rebuild empties the index and indexes the whole archive.
func (ix *Index) Rebuild(ctx context.Context, a *archive.Archive) (Changes, error) {
	ix.mu.Lock()
	have, err := ix.fingerprints(ctx)
	if err == nil {
		b := ix.idx.NewBatch()
		for id := range have {
			b.Delete(id)
			if b.Size() >= BatchSize {
				if err = ix.idx.Batch(b); err != nil {
					break
				}
				b.Reset()
			}
		}
		if err == nil && b.Size() > 0 {
			err = ix.idx.Batch(b)
		}
	}
	ix.mu.Unlock()
	if err != nil {
		return Changes{}, fmt.Errorf("search index: %w", err)
	}
	return ix.Reconcile(ctx, a)
}

// bleveQuery turns a parsed query into a bleve query on the text field.
func bleveQuery(n *Node) query.Query {
	switch n.Op {
	case "term":
		if rs := []rune(n.Text); len(rs) == 1 && unicode.Is(unicode.Han, rs[0]) {
			// One Chinese character: the index holds it inside character
			// pairs (and alone only where it stands alone).
			pre := bleve.NewPrefixQuery(n.Text)
			pre.SetField(fieldText)
			suf := bleve.NewWildcardQuery("?" + n.Text)
			suf.SetField(fieldText)
			return bleve.NewDisjunctionQuery(pre, suf)
		}
		if !n.Phrase {
			// A word: every one of its tokens (character pairs, numbers,
			// Latin words), found without reading positions.
			q := bleve.NewMatchQuery(n.Text)
			q.SetField(fieldText)
			q.Analyzer = cjk.AnalyzerName
			q.SetOperator(query.MatchQueryOperatorAnd)
			return q
		}
		q := bleve.NewMatchPhraseQuery(n.Text)
		q.SetField(fieldText)
		q.Analyzer = cjk.AnalyzerName
		return q
	case "not":
		b := bleve.NewBooleanQuery()
		b.AddMust(bleve.NewMatchAllQuery())
		b.AddMustNot(bleveQuery(n.Kids[0]))
		return b
	case "or":
		var qs []query.Query
		for _, k := range n.Kids {
			qs = append(qs, bleveQuery(k))
		}
		return bleve.NewDisjunctionQuery(qs...)
	default: // and
		b := bleve.NewBooleanQuery()
		var must []query.Query
		for _, k := range n.Kids {
			if k.Op == "not" {
				b.AddMustNot(bleveQuery(k.Kids[0]))
			} else {
				must = append(must, bleveQuery(k))
			}
		}
		b.AddMust(must...)
		return b
	}
}

// Hit is one ranked match.
type Hit struct {
	ID    string
	Score float64
}

// Search returns the ids matching n, best first, within the year bounds
// (0 = open), from offset, at most size.
func (ix *Index) Search(ctx context.Context, n *Node, yearFrom, yearTo, offset, size int) ([]Hit, uint64, error) {
	q := bleveQuery(n)
	if yearFrom != 0 || yearTo != 0 {
		var lo, hi *float64
		if yearFrom != 0 {
			v := float64(yearFrom)
			lo = &v
		}
		if yearTo != 0 {
			v := float64(yearTo)
			hi = &v
		}
		t := true
		yr := bleve.NewNumericRangeInclusiveQuery(lo, hi, &t, &t)
		yr.SetField(fieldYear)
		q = bleve.NewConjunctionQuery(q, yr)
	}
	req := bleve.NewSearchRequestOptions(q, size, offset, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("search index: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, Hit{ID: h.ID, Score: h.Score})
	}
	return hits, res.Total, nil
}

// Snippet is a short passage of text around the first match of terms,
// every match marked 【…】. text is folded like the terms.
func Snippet(text string, terms []string, width int) string {
	rs := []rune(text)
	type span struct{ s, e int }
	var spans []span
	for _, t := range terms {
		tr := []rune(strings.TrimSpace(t))
		if len(tr) == 0 {
			continue
		}
		for i := 0; i+len(tr) <= len(rs); i++ {
			if rs[i] == tr[0] && slices.Equal(rs[i:i+len(tr)], tr) {
				spans = append(spans, span{i, i + len(tr)})
				i += len(tr) - 1
			}
		}
	}
	if len(spans) == 0 {
		if len(rs) > width {
			return strings.ReplaceAll(string(rs[:width]), "\n", " ") + "…"
		}
		return strings.ReplaceAll(text, "\n", " ")
	}
	first := spans[0]
	for _, s := range spans {
		if s.s < first.s {
			first = s
		}
	}
	start := max(first.s-width/3, 0)
	end := min(start+width, len(rs))
	covered := make([]bool, len(rs))
	for _, s := range spans {
		for i := s.s; i < s.e; i++ {
			covered[i] = true
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	in := false
	for i := start; i < end; i++ {
		if covered[i] && !in {
			b.WriteString("【")
			in = true
		} else if !covered[i] && in {
			b.WriteString("】")
			in = false
		}
		r := rs[i]
		if r == '\n' {
			r = ' '
		}
		b.WriteRune(r)
	}
	if in {
		b.WriteString("】")
	}
	if end < len(rs) {
		b.WriteString("…")
	}
	return b.String()
}
