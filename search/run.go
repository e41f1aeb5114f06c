package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

// Result is one search hit: the document (checked against the archive),
// its score and a snippet with the matches marked 【…】.
type Result struct {
	Doc     *archive.Document
	Score   float64
	Snippet string
}

// Record is a result as search prints it: the query fields, then score
// and snippet.
type Record struct {
	query.Record
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"`
}

// CSVHeader and the rest make Record a query.Row.
func (Record) CSVHeader() []string {
	return append(query.Record{}.CSVHeader(), "score", "snippet")
}

// CSV is the row's cells.
func (r Record) CSV() []string {
	return append(r.Record.CSV(), fmt.Sprintf("%.4f", r.Score), r.Snippet)
}

// TableHeader is the table's header, worded as query's (the same
// columns carry the same names in both listings).
func (Record) TableHeader() []string {
	h := query.Record{}.TableHeader()
	return []string{h[0], h[1], h[2], h[8], "摘录 snippet"}
}

// TableMaxWidth caps wide columns.
func (Record) TableMaxWidth() map[int]int { return map[int]int{2: 24, 3: 30, 4: 60} }

// Table is the row's cells in the table.
func (r Record) Table() []string {
	y := ""
	if r.Year != nil {
		y = fmt.Sprint(*r.Year)
	}
	return []string{r.ID, y, r.Body, r.Title, r.Snippet}
}

// NewRecord is r's printed form.
func NewRecord(r Result) Record {
	return Record{Record: query.NewRecord(r.Doc), Score: r.Score, Snippet: r.Snippet}
}

// SnippetWidth is a snippet's length in characters.
const SnippetWidth = 80

// Run answers q with filter f: the index's ranked hits, each checked
// against the archive (a document the archive lacks, or retracted, is
// dropped), filtered like `crawler query`, at most limit (0: all).
func Run(ctx context.Context, a *archive.Archive, ix *Index, n *Node, f query.Filter, limit int) ([]Result, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	f.Retracted = false
	terms := n.Terms()
	var out []Result
	page := 100
	if limit > 0 && limit*2 > page {
		page = limit * 2
	}
	for offset := 0; ; offset += page {
		hits, _, err := ix.Search(ctx, n, f.YearFrom, f.YearTo, offset, page)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			d, err := a.Document(h.ID)
			if errors.Is(err, archive.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("load document %s: %w", h.ID, err)
			}
			if d == nil || !f.Match(d) {
				continue
			}
			out = append(out, Result{Doc: d, Score: h.Score, Snippet: Snippet(Fold(Text(d)), terms, SnippetWidth)})
			if limit > 0 && len(out) >= limit {
				return out, nil
			}
		}
		if len(hits) < page {
			return out, nil
		}
	}
}
