package fetch

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// endless is a body that never ends (a hostile chunked response).
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func spoolFiles(t *testing.T) int {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(os.TempDir(), "nianbao-body-*"))
	return len(m)
}

func TestSpoolBody(t *testing.T) {
	before := spoolFiles(t)
	small := bytes.Repeat([]byte("a"), 1000)
	head, sp, err := SpoolBody(bytes.NewReader(small), -1, 1<<20, 4096)
	if err != nil || sp != nil || !bytes.Equal(head, small) {
		t.Fatalf("small body: %d bytes, spool %v, %v", len(head), sp, err)
	}

	large := make([]byte, 300<<10)
	for i := range large {
		large[i] = byte(i * 7)
	}
	head, sp, err = SpoolBody(bytes.NewReader(large), int64(len(large)), 1<<20, 4096)
	if err != nil || sp == nil {
		t.Fatalf("large body: spool %v, %v", sp, err)
	}
	if sp.Size != int64(len(large)) || sp.SHA256 != sha256.Sum256(large) || !bytes.Equal(head, large[:headSize]) {
		t.Errorf("spool: size %d, hash ok %v, head ok %v", sp.Size, sp.SHA256 == sha256.Sum256(large), bytes.Equal(head, large[:headSize]))
	}
	got, err := io.ReadAll(io.NewSectionReader(sp.ReaderAt(), 0, sp.Size))
	if err != nil || !bytes.Equal(got, large) {
		t.Errorf("spooled bytes differ (%v)", err)
	}
	if err := sp.Close(); err != nil {
		t.Error(err)
	}

	// Over the cap: refused, whether the length was announced or not,
	// and nothing is left on disk.
	for _, c := range []struct {
		name string
		r    io.Reader
		cl   int64
	}{
		{"announced", bytes.NewReader(large), int64(len(large))},
		{"endless chunked", endless{}, -1},
	} {
		_, sp, err := SpoolBody(c.r, c.cl, 200<<10, 4096)
		if !errors.Is(err, ErrBodyTooLarge) || sp != nil {
			t.Errorf("%s: err %v spool %v, want ErrBodyTooLarge", c.name, err, sp)
		}
	}
	if n := spoolFiles(t); n != before {
		t.Errorf("%d spool files left behind", n-before)
	}
}
