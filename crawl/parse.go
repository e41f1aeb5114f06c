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
// Parsers of all sites share the run's bound (one per core), and their
// results go through the run's committer like the fetches.
func (r *siteRun) parseDocs(ctx context.Context) error {
	if r.e.opts.Parser == nil {
		return nil
	}
	docs, err := r.st.FindDocuments(archive.Query{Site: r.site.Name})
	if err != nil {
		return fmt.Errorf("list documents of %s: %w", r.site.Name, err)
	}
	// Only the ids are kept while waiting for a parser: a thousand sites
	// ending together must not each hold all their documents.
	var ids []string
	for _, d := range docs {
		if d.ParseStatus == "" && len(d.Files) > 0 {
			ids = append(ids, d.ID)
		}
	}
	docs = nil
	for _, id := range ids {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		select {
		case r.f.parse <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		d, err := r.st.Document(id)
		if err != nil {
			<-r.f.parse
			return fmt.Errorf("parse %s: %w", id, err)
		}
		out, ok, err := ingest.Best(ctx, r.st, d, r.e.opts.Parser)
		<-r.f.parse
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		// d is this site's own fresh copy, and the site's crawl has ended:
		// nothing else changes it meanwhile.
		ingest.Record(d, out)
		r.commit(archive.Fetch{Site: r.site.Name, Doc: d})
	}
	if err := r.f.commits.flush(); err != nil {
		return fmt.Errorf("store parses of %s: %w", r.site.Name, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fatal != nil {
		return fmt.Errorf("store parses of %s: %w", r.site.Name, r.fatal)
	}
	return nil
}
