package fetch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrBodyTooLarge is returned (wrapped) when a body exceeds the cap. The
// body is never silently truncated.
var ErrBodyTooLarge = errors.New("fetch: body exceeds size limit")

// preallocCap bounds the buffer preallocated from a Content-Length header,
// which a server may get wrong.
const preallocCap = 64 << 20

// ReadBody reads r to the end, keeping the bytes exactly. It fails with
// ErrBodyTooLarge as soon as more than max bytes arrive (max <= 0 means
// DefaultMaxBody); contentLength (-1 if unknown) lets it fail before
// reading and preallocate.
func ReadBody(r io.Reader, contentLength, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxBody
	}
	if contentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d > %d", ErrBodyTooLarge, contentLength, max)
	}
	var buf bytes.Buffer
	if contentLength > 0 {
		buf.Grow(int(min(contentLength, preallocCap)) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("fetch: read body after %d bytes: %w", n, err)
	}
	if n > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, max)
	}
	return buf.Bytes(), nil
}

// readTruncated reads at most max bytes and reports whether more followed.
// Only for auxiliary fetches such as robots.txt, where RFC 9309 allows a
// parse limit; never for archived bodies.
func readTruncated(r io.Reader, max int64) ([]byte, bool, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if err != nil {
		return nil, false, fmt.Errorf("fetch: read body after %d bytes: %w", n, err)
	}
	if n > max {
		return buf.Bytes()[:max], true, nil
	}
	return buf.Bytes(), false, nil
}
