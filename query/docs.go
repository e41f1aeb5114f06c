package query

import (
	"context"
	"fmt"
	"sort"

	"github.com/nianbao/nianbao/archive"
)

// SelectDocuments returns the documents matching f, whole, in the order
// of Select (year, body, id), reading each once. It is Select for callers
// that show every match at once (the web page's lists, facets and
// sorting), where loading the documents a second time through Each would
// double the cost; its memory grows with the selection.
func SelectDocuments(ctx context.Context, a *archive.Archive, f Filter) ([]*archive.Document, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var docs []*archive.Document
	err := a.ForEachDocument(func(d *archive.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.Match(d) {
			docs = append(docs, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("select documents: %w", err)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].Year != docs[j].Year {
			return docs[i].Year < docs[j].Year
		}
		if docs[i].Body != docs[j].Body {
			return docs[i].Body < docs[j].Body
		}
		return docs[i].ID < docs[j].ID
	})
	return docs, nil
}

// StatusRank orders parse statuses from best parsed (ok) to worst, as
// series does when a body has several reports for one year.
func StatusRank(status string) int { return statusRank(status) }
