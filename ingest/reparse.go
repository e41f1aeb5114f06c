package ingest

import (
	"bytes"
	"context"
	"fmt"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse"
)

// Reparsed says what Reparse did with one document.
type Reparsed struct {
	// Redone: the parser ran (the document was read by another parser
	// version, or never, or force was given).
	Redone bool
	// Changed: its derived fields (status, format, year, body, failed
	// checks, parsed values) differ from Before.
	Changed bool
	// Region: the document was up to date but archived before regions
	// were resolved (schema 3); its region was resolved from what is
	// stored, as reregion does.
	Region bool
	Before archive.Document // as it was
}

// Reparse re-runs the parser over d's stored originals, which it never
// touches: the document's stored hints (import flags, site metadata) still
// apply, the rest is recomputed on d. Documents this parser version read
// already are left alone unless force. A changed reading is written to the
// archive, and so is an unchanged one made by another parser version (so
// the next run skips it) — except with dryRun, which writes nothing.
// Running it twice changes nothing the second time.
func (p *Parser) Reparse(ctx context.Context, arc *archive.Archive, d *archive.Document, force, dryRun bool) (Reparsed, error) {
	res := Reparsed{Before: *d}
	if !force && d.ParserVer == parse.Version {
		if !RegionPending(d) {
			return res, nil
		}
		ResolveRegion(d, StoredOverview(d))
		res.Region = true
		if dryRun {
			return res, nil
		}
		if err := arc.PutDocument(d); err != nil {
			return res, fmt.Errorf("document %s: %w", d.ID, err)
		}
		return res, nil
	}
	res.Redone = true
	p.Apply(ctx, arc, d, Hints{})
	if err := ctx.Err(); err != nil {
		return res, err
	}
	res.Changed = !sameParse(&res.Before, d)
	if dryRun || !res.Changed && res.Before.ParserVer == d.ParserVer {
		return res, nil
	}
	if err := arc.PutDocument(d); err != nil {
		return res, fmt.Errorf("document %s: %w", d.ID, err)
	}
	return res, nil
}

// sameParse: the two readings agree on every derived field.
func sameParse(a, b *archive.Document) bool {
	return a.ParseStatus == b.ParseStatus && a.Format == b.Format && a.Year == b.Year && a.Body == b.Body &&
		a.FailedChecks == b.FailedChecks && bytes.Equal(a.Parsed, b.Parsed) && a.RegionCode == b.RegionCode
}
