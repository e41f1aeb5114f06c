package crawl

import (
	"context"
	"fmt"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/ingest"
)

// parseDocs parses every document of the site whose content is new or
// changed (ParseStatus ""). It runs at the end of each completed run, so a
// run killed before it leaves the documents for the next run to parse.
func (r *siteRun) parseDocs(ctx context.Context) error {
	if r.e.opts.Parser == nil {
		return nil
	}
	docs, err := r.st.FindDocuments(archive.Query{Site: r.site.Name})
	if err != nil {
		return fmt.Errorf("list documents of %s: %w", r.site.Name, err)
	}
	for _, d := range docs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.ParseStatus != "" || len(d.Files) == 0 {
			continue
		}
		out, ok, err := ingest.Best(ctx, r.st, d, r.e.opts.Parser)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		err = r.st.UpdateDocument(d.ID, func(d *archive.Document) error {
			ingest.Record(d, out)
			return nil
		})
		if err != nil {
			return fmt.Errorf("store parse of %s: %w", d.ID, err)
		}
	}
	return nil
}
