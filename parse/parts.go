package parse

import (
	"context"
	"fmt"

	"github.com/nianbao/nianbao/parse/extract"
	"github.com/nianbao/nianbao/parse/report"
	"github.com/nianbao/nianbao/sniff"
)

// ParseParts parses one report published as several pages (a TRS
// multi-page article: t….html, t…_1.html, …). Each part is read by its own
// container reader, so each page's body is picked out of its own chrome,
// and the blocks are joined in order before the report parser runs.
func ParseParts(ctx context.Context, parts [][]byte, meta report.Meta, opts Options) (*report.Report, error) {
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	joined := &extract.Doc{}
	for i, data := range parts {
		mt := sniff.Detect(data)
		if i == 0 && meta.MediaType == "" {
			meta.MediaType = mt
		}
		doc, warn := extractDoc(ctx, data, mt, opts)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("parse %s part %d: %w", meta.File, i+1, err)
		}
		if warn != nil {
			joined.Warnings = append(joined.Warnings, *warn)
		}
		if doc == nil {
			continue
		}
		if joined.Container == "" {
			joined.Container, joined.Title, joined.Publisher = doc.Container, doc.Title, doc.Publisher
		}
		joined.Blocks = append(joined.Blocks, doc.Blocks...)
		joined.Warnings = append(joined.Warnings, doc.Warnings...)
		joined.NeedsOCR = joined.NeedsOCR || doc.NeedsOCR
		joined.Encrypted = joined.Encrypted || doc.Encrypted
		joined.Pages += doc.Pages
	}
	if joined.Container == "" {
		joined.Container = "unknown"
	}
	r := report.Parse(joined, meta)
	gateOCR(r, joined, meta, opts)
	return r, nil
}
