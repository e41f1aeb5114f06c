package crawl

import (
	"crypto/sha256"
	"io"

	"github.com/nianbao/nianbao/archive"
)

// Store is the part of the archive the engine writes through.
// *archive.Archive implements it; MemStore is the dry-run stand-in.
type Store interface {
	URLState(url string) (*archive.URLState, error)
	FrontierAdd(items ...archive.FrontierItem) (int, error)
	FrontierPending(site string) ([]archive.FrontierItem, error)
	FrontierSeen(site, url string) (bool, error)
	FrontierDone(site, url string) error
	FrontierClear(site string) error
	PutBlobBytes(b []byte) (archive.BlobInfo, bool, error)
	PutBlobAt(r io.ReaderAt, size int64, sum [sha256.Size]byte, mediaType string) (archive.BlobInfo, bool, error)
	ReadBlob(sha string) ([]byte, error)
	CommitFetch(f archive.Fetch) error
	Document(id string) (*archive.Document, error)
	PutDocument(d *archive.Document) error
	UpdateDocument(id string, fn func(d *archive.Document) error) error
	DocumentsByHash(sha string) ([]*archive.Document, error)
	FindDocuments(q archive.Query) ([]*archive.Document, error)
	AddRun(r *archive.Run) error
}

var _ Store = (*archive.Archive)(nil)

var (
	_ frontierCounter = (*archive.Archive)(nil)
	_ frontierCounter = (*MemStore)(nil)
)
