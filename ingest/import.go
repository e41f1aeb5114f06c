package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// SourceImport marks captures and documents of files obtained elsewhere
// (`crawler import`), as "crawl" marks the crawler's.
const SourceImport = "import"

// ImportFile is one file obtained elsewhere and what its importer says
// about it.
type ImportFile struct {
	Data []byte
	Name string // the file's base name, kept as its name
	URL  string // where it came from, if known ("": file:///Name)
	// Title, and the hints, are the importer's facts: they override what
	// the parser finds, and are remembered for a later reparse.
	Title string
	Hints Hints
}

// Imported says what Import did with one file.
type Imported struct {
	// Doc is the new document, or the existing one that already holds
	// the same bytes (crawled or imported before).
	Doc      *archive.Document
	Existing bool
	Blob     archive.BlobInfo
	NewBlob  bool   // the bytes were not in the archive before
	Source   string // the capture's URL: URL, or file:///Name
	// Capture is the import capture added; nil when the same bytes were
	// imported from the same place before and nothing was added.
	Capture *archive.Capture
}

// Import archives f byte for byte with an import capture. Bytes the
// archive already holds as a document join that document (an import
// capture records where this copy came from, never a second document for
// the same report; its fields and the importer's hints are left alone);
// the same bytes from the same place again add nothing. Otherwise a new
// document is made, parsed with the hints, and committed with its capture.
// A file that does not parse is kept with its parse status and warnings.
func (p *Parser) Import(ctx context.Context, arc *archive.Archive, f ImportFile) (Imported, error) {
	info, isNew, err := arc.PutBlobBytes(f.Data)
	if err != nil {
		return Imported{}, fmt.Errorf("store: %w", err)
	}
	res := Imported{Blob: info, NewBlob: isNew, Source: f.URL}
	if res.Source == "" {
		res.Source = "file:///" + f.Name
	}
	now := time.Now().UTC()
	capt := &archive.Capture{URL: res.Source, FinalURL: res.Source, Time: now, SHA256: info.SHA256, Size: info.Size,
		MediaType: info.MediaType, Filename: f.Name, Source: SourceImport}
	existing, err := archivedAs(arc, info.SHA256)
	if err != nil {
		return Imported{}, err
	}
	if existing != nil {
		res.Doc, res.Existing = existing, true
		dup, err := hasImportCapture(arc, info.SHA256, res.Source)
		if err != nil || dup {
			return res, err
		}
		capt.DocID = existing.ID
		if err := arc.CommitFetch(archive.Fetch{Capture: capt}); err != nil {
			return Imported{}, fmt.Errorf("commit: %w", err)
		}
		res.Capture = capt
		return res, nil
	}
	id := archive.DocID(SourceImport, info.SHA256)
	capt.DocID = id
	doc := &archive.Document{ID: id, Source: SourceImport, URL: f.URL, Title: f.Title, FirstSeen: now, LastSeen: now,
		Files: []archive.FileRef{{URL: res.Source, SHA256: info.SHA256, MediaType: info.MediaType,
			Size: info.Size, Filename: f.Name, Role: "attachment"}}}
	p.Apply(ctx, arc, doc, f.Hints)
	if err := arc.CommitFetch(archive.Fetch{Capture: capt, Doc: doc}); err != nil {
		return Imported{}, fmt.Errorf("commit: %w", err)
	}
	res.Doc, res.Capture = doc, capt
	return res, nil
}

// archivedAs returns the document that already holds blob sha (the
// earliest seen when several do), or nil.
func archivedAs(arc *archive.Archive, sha string) (*archive.Document, error) {
	docs, err := arc.DocumentsByHash(sha)
	if err != nil {
		return nil, fmt.Errorf("documents with %s: %w", sha[:12], err)
	}
	var best *archive.Document
	for _, d := range docs {
		if best == nil || d.FirstSeen.Before(best.FirstSeen) {
			best = d
		}
	}
	return best, nil
}

// hasImportCapture reports whether an import capture of blob sha from src
// exists: importing the same file from the same place twice adds nothing.
func hasImportCapture(arc *archive.Archive, sha, src string) (bool, error) {
	caps, err := arc.CapturesByHash(sha)
	if err != nil {
		return false, fmt.Errorf("captures of %s: %w", sha[:12], err)
	}
	for _, c := range caps {
		if c.Source == SourceImport && c.URL == src {
			return true, nil
		}
	}
	return false, nil
}
