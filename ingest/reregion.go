package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/nianbao/nianbao/archive"
)

// ReregionOptions tune Reregion.
type ReregionOptions struct {
	// SiteRegions are the configured sites' regions by site name: a
	// document of a configured site takes its site's current region as
	// its hint (a corrected config reaches old documents).
	SiteRegions map[string]string
	DryRun      bool
	// Changed is called for each document whose region changed, with the
	// values before.
	Changed func(d *archive.Document, beforeCode string, beforePath []string)
}

// ReregionStats counts what Reregion did.
type ReregionStats struct {
	Documents, Changed, Resolved, Unresolved int
}

// reregionBatch is how many rewritten documents go into one transaction.
const reregionBatch = 500

// Reregion resolves the region of every archived document again from its
// stored fields and its stored parse (no file is parsed), and writes the
// documents whose region changed. Retracted documents are included: their
// region is a fact about them like any other. Unless DryRun, a complete
// run clears the archive's "regions pending" mark (schema 3).
func Reregion(ctx context.Context, arc *archive.Archive, o ReregionOptions) (ReregionStats, error) {
	var st ReregionStats
	var ids []string
	err := arc.ForEachDocument(func(d *archive.Document) error {
		ids = append(ids, d.ID)
		return ctx.Err()
	})
	if err != nil {
		return st, fmt.Errorf("list documents: %w", err)
	}
	var batch []*archive.Document
	flush := func() error {
		if len(batch) == 0 || o.DryRun {
			batch = batch[:0]
			return nil
		}
		if err := arc.PutDocuments(batch); err != nil {
			return fmt.Errorf("write documents: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		d, err := arc.Document(id)
		if errors.Is(err, archive.ErrNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return st, fmt.Errorf("load document %s: %w", id, err)
		}
		st.Documents++
		before := *d
		if r, ok := o.SiteRegions[d.Site]; ok && d.Site != "" && r != "" {
			d.HintRegion = r
		}
		ResolveRegion(d, StoredOverview(d))
		if d.RegionCode != "" {
			st.Resolved++
		} else {
			st.Unresolved++
		}
		if before.RegionCode == d.RegionCode && slices.Equal(before.RegionPath, d.RegionPath) &&
			before.RegionLevel == d.RegionLevel && slices.Equal(before.Warnings, d.Warnings) && before.HintRegion == d.HintRegion {
			continue
		}
		st.Changed++
		if o.Changed != nil && before.RegionCode != d.RegionCode {
			o.Changed(d, before.RegionCode, before.RegionPath)
		}
		batch = append(batch, d)
		if len(batch) >= reregionBatch {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	if err := flush(); err != nil {
		return st, err
	}
	if !o.DryRun {
		if err := arc.DeleteMeta(archive.MetaRegionsPending); err != nil {
			return st, err
		}
	}
	return st, nil
}
