package crawl

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/sniff"
)

// MemStore is an in-memory Store for dry runs (`crawler sites check`):
// the crawl logic runs unchanged and nothing touches the disk.
type MemStore struct {
	mu       sync.Mutex
	blobs    map[string][]byte
	states   map[string]archive.URLState
	pending  map[string]map[string]archive.FrontierItem
	done     map[string]map[string]bool
	docs     map[string]*archive.Document
	Captures []archive.Capture
	Runs     []archive.Run
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{
		blobs: map[string][]byte{}, states: map[string]archive.URLState{},
		pending: map[string]map[string]archive.FrontierItem{}, done: map[string]map[string]bool{},
		docs: map[string]*archive.Document{},
	}
}

func clone[T any](v *T) *T {
	b, _ := json.Marshal(v)
	var out T
	_ = json.Unmarshal(b, &out)
	return &out
}

func (m *MemStore) URLState(url string) (*archive.URLState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.states[url]; ok {
		return &s, nil
	}
	return nil, nil
}

func (m *MemStore) frontierAdd(items []archive.FrontierItem) int {
	n := 0
	for _, it := range items {
		if m.pending[it.Site] == nil {
			m.pending[it.Site] = map[string]archive.FrontierItem{}
			m.done[it.Site] = map[string]bool{}
		}
		if _, ok := m.pending[it.Site][it.URL]; ok || m.done[it.Site][it.URL] {
			continue
		}
		m.pending[it.Site][it.URL] = it
		n++
	}
	return n
}

func (m *MemStore) FrontierAdd(items ...archive.FrontierItem) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.frontierAdd(items), nil
}

func (m *MemStore) FrontierPending(site string) ([]archive.FrontierItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []archive.FrontierItem
	for _, it := range m.pending[site] {
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out, nil
}

func (m *MemStore) FrontierSeen(site, url string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, p := m.pending[site][url]
	return p || m.done[site][url], nil
}

func (m *MemStore) frontierDone(site, url string) {
	if m.done[site] == nil {
		m.done[site] = map[string]bool{}
	}
	delete(m.pending[site], url)
	m.done[site][url] = true
}

// FrontierLen counts a site's pending and done URLs.
func (m *MemStore) FrontierLen(site string) (pending, done int, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.pending[site]), len(m.done[site]), nil
}

func (m *MemStore) FrontierDone(site, url string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.frontierDone(site, url)
	return nil
}

func (m *MemStore) FrontierClear(site string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pending, site)
	delete(m.done, site)
	return nil
}

func (m *MemStore) PutBlobBytes(b []byte) (archive.BlobInfo, bool, error) {
	sum := sha256.Sum256(b)
	sha := hex.EncodeToString(sum[:])
	m.mu.Lock()
	defer m.mu.Unlock()
	_, had := m.blobs[sha]
	if !had {
		m.blobs[sha] = append([]byte(nil), b...)
	}
	return archive.BlobInfo{SHA256: sha, Size: int64(len(b)), Stored: int64(len(b)), Chunks: 1, MediaType: sniff.Detect(b)}, !had, nil
}

// PutBlobAt reads the bytes into memory: the dry run keeps everything
// there (its page budget is small).
func (m *MemStore) PutBlobAt(r io.ReaderAt, size int64, _ [sha256.Size]byte, _ string) (archive.BlobInfo, bool, error) {
	b := make([]byte, size)
	if _, err := r.ReadAt(b, 0); err != nil && err != io.EOF {
		return archive.BlobInfo{}, false, err
	}
	return m.PutBlobBytes(b)
}

func (m *MemStore) ReadBlob(sha string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.blobs[sha]
	if !ok {
		return nil, fmt.Errorf("blob %s: %w", sha, archive.ErrNotFound)
	}
	return b, nil
}

func (m *MemStore) CommitFetch(f archive.Fetch) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f.Blob != nil {
		sum := sha256.Sum256(f.Blob)
		if sha := hex.EncodeToString(sum[:]); m.blobs[sha] == nil {
			m.blobs[sha] = append([]byte(nil), f.Blob...)
		}
	}
	if f.Capture != nil {
		f.Capture.ID = uint64(len(m.Captures) + 1)
		m.Captures = append(m.Captures, *f.Capture)
	}
	if f.State != nil {
		m.states[f.State.URL] = *f.State
	}
	m.frontierAdd(f.New)
	if f.Done != "" {
		m.frontierDone(f.Site, f.Done)
	}
	if f.Doc != nil {
		m.docs[f.Doc.ID] = clone(f.Doc)
	}
	return nil
}

func (m *MemStore) Document(id string) (*archive.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[id]
	if !ok {
		return nil, fmt.Errorf("document %s: %w", id, archive.ErrNotFound)
	}
	return clone(d), nil
}

func (m *MemStore) PutDocument(d *archive.Document) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.docs[d.ID] = clone(d)
	return nil
}

func (m *MemStore) UpdateDocument(id string, fn func(d *archive.Document) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[id]
	if !ok {
		return fmt.Errorf("document %s: %w", id, archive.ErrNotFound)
	}
	c := clone(d)
	if err := fn(c); err != nil {
		return err
	}
	m.docs[id] = c
	return nil
}

func (m *MemStore) DocumentsByHash(sha string) ([]*archive.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*archive.Document
	for _, d := range m.docs {
		for _, f := range d.Files {
			if f.SHA256 == sha {
				out = append(out, clone(d))
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *MemStore) FindDocuments(q archive.Query) ([]*archive.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*archive.Document
	for _, d := range m.docs {
		if q.Site != "" && d.Site != q.Site {
			continue
		}
		out = append(out, clone(d))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *MemStore) AddRun(r *archive.Run) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.ID = uint64(len(m.Runs) + 1)
	m.Runs = append(m.Runs, *r)
	return nil
}

// Documents returns every stored document, by id.
func (m *MemStore) Documents() []*archive.Document {
	out, _ := m.FindDocuments(archive.Query{})
	return out
}
