package export

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

// Export formats, named by the output file's extension.
const (
	FormatZip   = "zip"
	FormatCSV   = "csv"
	FormatXLSX  = "xlsx"
	FormatJSONL = "jsonl"
	FormatWARC  = "warc.gz"
)

// Formats lists every export format.
var Formats = []string{FormatZip, FormatCSV, FormatXLSX, FormatJSONL, FormatWARC}

// FormatFromPath picks the format from -o's extension.
func FormatFromPath(p string) (string, error) {
	l := strings.ToLower(filepath.Base(p))
	for _, f := range Formats {
		if strings.HasSuffix(l, "."+f) {
			return f, nil
		}
	}
	return "", fmt.Errorf("cannot tell the export format of %q: name it .zip (bundle), .csv, .xlsx, .jsonl or .warc.gz", p)
}

// TextFunc returns the extracted text of a report for the bundle; the
// default (ReportText) renders it from the stored parsed JSON.
type TextFunc func(ctx context.Context, d *archive.Document) (string, error)

// Options tune an export.
type Options struct {
	Format string // one of Formats (required)
	// Query describes the selection (the command line) for README.txt.
	Query string
	// Now is the export time (README, warcinfo); zero means time.Now().
	Now time.Time
	// Text overrides how a report's text is produced.
	Text TextFunc
	// Progress, if set, is called after each report.
	Progress func(done, total int)
	// TmpDir holds spool files (default os.TempDir()).
	TmpDir string
}

// Stats summarise an export.
type Stats struct {
	Reports  int   `json:"reports"`
	Files    int   `json:"files"`    // original files written
	Bytes    int64 `json:"bytes"`    // original bytes written
	Captures int   `json:"captures"` // WARC: captures written
	Rows     int   `json:"rows"`     // tidy data rows
	// Warnings name reports exported without some part (unreadable parse,
	// missing blob); at most 100 are kept, WarningCount counts all.
	Warnings     []string `json:"warnings,omitempty"`
	WarningCount int      `json:"warning_count"`
}

// Export writes the reports refs (from query.Select) to w in opts.Format.
func Export(ctx context.Context, a *archive.Archive, refs []query.Ref, w io.Writer, opts Options) (Stats, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Now = opts.Now.UTC()
	switch opts.Format {
	case FormatZip:
		return exportZip(ctx, a, refs, w, opts)
	case FormatCSV:
		return exportCSV(ctx, a, refs, w, opts)
	case FormatXLSX:
		return exportXLSX(ctx, a, refs, w, opts)
	case FormatJSONL:
		return exportJSONL(ctx, a, refs, w, opts)
	case FormatWARC:
		return exportWARC(ctx, a, refs, w, opts)
	}
	return Stats{}, fmt.Errorf("unknown export format %q: want one of %s", opts.Format, strings.Join(Formats, ", "))
}

func (o Options) progress(done, total int) {
	if o.Progress != nil {
		o.Progress(done, total)
	}
}

// fileCapture finds the capture that proves where and when a file's bytes
// were fetched: the earliest capture of that blob from the file's URL
// (requested or final), else the earliest capture of the blob at all.
// nil when the file has no capture (should not happen).
func fileCapture(a *archive.Archive, f archive.FileRef) (*archive.Capture, error) {
	if f.SHA256 == "" {
		return nil, nil
	}
	cs, err := a.CapturesByHash(f.SHA256)
	if err != nil {
		return nil, fmt.Errorf("captures of %s: %w", f.SHA256, err)
	}
	if len(cs) == 0 {
		return nil, nil
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	for i := range cs {
		if cs[i].URL == f.URL || cs[i].FinalURL == f.URL {
			return &cs[i], nil
		}
	}
	return &cs[0], nil
}
