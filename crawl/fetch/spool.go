package fetch

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
)

// Spool is a response body kept in a temporary file instead of memory:
// attachments of hundreds of megabytes exist, and a crawl fetching many
// at once must not hold them. Its hash is computed while it is written.
// Close removes the file.
type Spool struct {
	file   *os.File
	Size   int64
	SHA256 [sha256.Size]byte
}

// ReaderAt reads the spooled bytes.
func (s *Spool) ReaderAt() io.ReaderAt { return s.file }

// Bytes reads the whole body into memory (for a body that turns out to be
// a page to analyse).
func (s *Spool) Bytes() ([]byte, error) {
	b := make([]byte, s.Size)
	if _, err := s.file.ReadAt(b, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("fetch: read spooled body: %w", err)
	}
	return b, nil
}

// Close removes the temporary file.
func (s *Spool) Close() error {
	name := s.file.Name()
	err := s.file.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}

// headSize is how much of a spooled body stays in memory: enough to
// sniff its type and judge it (an HTML error page served in place of a
// file is small).
const headSize = 64 << 10

// SpoolBody reads r to the end like ReadBody, but a body longer than
// above bytes is written to a temporary file as it arrives: memory holds
// at most above bytes whatever the body's size. It returns the whole body
// (sp nil), or its first headSize bytes and the spool. Over max bytes it
// fails with ErrBodyTooLarge, without keeping what came.
func SpoolBody(r io.Reader, contentLength, max, above int64) (head []byte, sp *Spool, err error) {
	if max <= 0 {
		max = DefaultMaxBody
	}
	if contentLength > max {
		return nil, nil, fmt.Errorf("%w: Content-Length %d > %d", ErrBodyTooLarge, contentLength, max)
	}
	if above <= 0 || above >= max {
		b, err := ReadBody(r, contentLength, max)
		return b, nil, err
	}
	var buf bytes.Buffer
	if contentLength > 0 {
		buf.Grow(int(min(contentLength, above+1)) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, above+1))
	if err != nil {
		return nil, nil, fmt.Errorf("fetch: read body after %d bytes: %w", n, err)
	}
	if n <= above {
		return buf.Bytes(), nil, nil
	}
	f, err := os.CreateTemp("", "nianbao-body-*")
	if err != nil {
		return nil, nil, fmt.Errorf("fetch: spool body: %w", err)
	}
	sp = &Spool{file: f}
	h := sha256.New()
	w := io.MultiWriter(f, h)
	size, err := io.Copy(w, io.MultiReader(&buf, io.LimitReader(r, max+1-n)))
	if err == nil && size > max {
		err = fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, max)
	}
	if err != nil {
		_ = sp.Close()
		return nil, nil, fmt.Errorf("fetch: spool body after %d bytes: %w", size, err)
	}
	sp.Size = size
	h.Sum(sp.SHA256[:0])
	head = make([]byte, min(size, headSize))
	if _, err := f.ReadAt(head, 0); err != nil && err != io.EOF {
		_ = sp.Close()
		return nil, nil, fmt.Errorf("fetch: read spooled body: %w", err)
	}
	return head, sp, nil
}
