package extract

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// Errors callers can test with errors.Is.
var (
	// ErrEncrypted: the container is password-protected (Doc.Encrypted is set).
	ErrEncrypted = errors.New("extract: document is encrypted")
	// ErrTooLarge: the input or its decompressed form exceeds a bound in Options.
	ErrTooLarge = errors.New("extract: document exceeds size limit")
	// ErrFormat: the bytes are not a valid container of the requested kind.
	ErrFormat = errors.New("extract: malformed or unsupported document")
	// ErrTimeout: extraction ran past Options.Timeout or the context ended.
	ErrTimeout = errors.New("extract: time limit exceeded")
)

// Defaults applied by Options for zero fields.
const (
	DefaultMaxBytes        = 64 << 20  // one downloaded file
	DefaultMaxUncompressed = 256 << 20 // all zip entries read, together
	DefaultTimeout         = 30 * time.Second
	// maxCells bounds one table grid after span expansion; a real report
	// table has a few hundred cells, and rowspan/colspan can multiply a tiny
	// input into gigabytes.
	maxCells = 1 << 20
	// maxDepth bounds nesting of tables/elements we recurse into.
	maxDepth = 64
)

// Options bounds the work of one extraction. The zero value is usable.
type Options struct {
	// MaxBytes rejects inputs larger than this (default DefaultMaxBytes).
	MaxBytes int64
	// MaxUncompressed bounds the bytes decompressed from a DOCX
	// (default DefaultMaxUncompressed); the compression ratio and entry
	// count are bounded as well.
	MaxUncompressed int64
	// Timeout bounds wall time (default DefaultTimeout).
	Timeout time.Duration
	// Context, when set, cancels extraction early. Optional.
	Context context.Context
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxUncompressed <= 0 {
		o.MaxUncompressed = DefaultMaxUncompressed
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// guard carries the bounds of one extraction; checked in loops so that a
// hostile input cannot spin for long.
type guard struct {
	opts     Options
	deadline time.Time
	ctx      context.Context
	n        int
	err      error
	// tables counts the document's tables in document order, for Pos.Table
	tables int32
}

// nextTable numbers a table: call it where the table starts, before its
// cells (nested tables come after the table holding them).
func (g *guard) nextTable() int32 {
	g.tables++
	return g.tables - 1
}

func newGuard(o Options) *guard {
	o = o.withDefaults()
	return &guard{opts: o, deadline: time.Now().Add(o.Timeout), ctx: o.Context}
}

// tick is cheap; it looks at the clock every 256 calls. It returns a
// sticky error once the time is up.
func (g *guard) tick() error {
	if g.err != nil {
		return g.err
	}
	g.n++
	if g.n&255 != 0 {
		return nil
	}
	return g.check()
}

func (g *guard) check() error {
	if g.err != nil {
		return g.err
	}
	if g.ctx != nil {
		if err := g.ctx.Err(); err != nil {
			g.err = fmt.Errorf("%w: %w", ErrTimeout, err)
			return g.err
		}
	}
	if time.Now().After(g.deadline) {
		g.err = fmt.Errorf("%w after %s", ErrTimeout, g.opts.Timeout)
	}
	return g.err
}

func (g *guard) checkSize(n int) error {
	if n == 0 {
		return fmt.Errorf("%w: empty file", ErrFormat)
	}
	if int64(n) > g.opts.MaxBytes {
		return fmt.Errorf("%w: %d bytes > MaxBytes %d", ErrTooLarge, n, g.opts.MaxBytes)
	}
	return nil
}

// recoverPanics is switched off by the fuzz tests so that a panic is found
// rather than hidden.
var recoverPanics = true

// protect is the last-resort guard at the top of every exported extractor:
// a bug must surface as an error for that one document, not a crashed crawl.
func protect(kind string, doc **Doc, err *error) {
	if !recoverPanics {
		return
	}
	if r := recover(); r != nil {
		slog.Error("extract: panic recovered", "container", kind, "panic", r, "stack", string(debug.Stack()))
		*doc = nil
		*err = fmt.Errorf("%w: %s reader failed internally: %v", ErrFormat, kind, r)
	}
}

// finish adds the warnings every container shares.
func finish(d *Doc) *Doc {
	if d != nil && len(d.Blocks) == 0 && !d.Encrypted {
		d.Warnings = append(d.Warnings, Warning{Code: "no_text", Message: d.Container + ": no text found in the document body"})
	}
	return d
}
