package archive

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged marks an archive file that cannot be read safely: cut short,
// or its bbolt meta pages unreadable. bbolt maps the file into memory and
// would fault (SIGBUS, a crash with no message) reading past its end, so
// Open checks the file before mapping it and every read is guarded.
var ErrDamaged = errors.New("archive damaged")

// ErrNotArchive marks a file that is not a nianbao archive at all.
var ErrNotArchive = errors.New("not a nianbao archive")

// DamagedError says what is wrong with an archive file.
type DamagedError struct {
	Path string
	What string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("archive damaged: %s: %s (run `crawler verify`, restore from backup)", e.Path, e.What)
}

func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// NotArchiveError says why a file is not a nianbao archive.
type NotArchiveError struct {
	Path string
	Why  string
}

func (e *NotArchiveError) Error() string {
	return fmt.Sprintf("%s is not a nianbao archive: %s", e.Path, e.Why)
}

func (e *NotArchiveError) Is(target error) bool { return target == ErrNotArchive }

// bbolt's file layout (go.etcd.io/bbolt/internal/common, format version
// 2): every page starts with a 16-byte header; pages 0 and 1 hold a meta
// record each, written alternately, the newer valid one in force. The
// fields are in the machine's byte order (bbolt files are not portable
// across byte orders).
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16
	metaSize       = 64 // magic, version, page size, flags, root{pgid, seq}, freelist, pgid, txid, checksum
	metaSumOffset  = 56 // the checksum covers the bytes before it
	noFreelist     = ^uint64(0)
)

// boltMeta is one decoded meta page.
type boltMeta struct {
	magic, version, pageSize uint32
	root, freelist, pgid     uint64
	txid                     uint64
	sumOK                    bool
}

func decodeMeta(b []byte) boltMeta {
	o := binary.NativeEndian
	m := boltMeta{
		magic:    o.Uint32(b[0:]),
		version:  o.Uint32(b[4:]),
		pageSize: o.Uint32(b[8:]),
		root:     o.Uint64(b[16:]),
		freelist: o.Uint64(b[32:]),
		pgid:     o.Uint64(b[40:]),
		txid:     o.Uint64(b[48:]),
	}
	h := fnv.New64a()
	h.Write(b[:metaSumOffset])
	m.sumOK = h.Sum64() == o.Uint64(b[metaSumOffset:])
	return m
}

func (m boltMeta) valid() bool { return m.magic == boltMagic && m.version == boltVersion && m.sumOK }

// checkFile looks at path before bbolt maps it. A missing file is
// returned as is (fs.ErrNotExist), for the caller to create or refuse; an
// empty file is refused when readOnly (bbolt would try to write its first
// pages); a file that is no bbolt file at all is a NotArchiveError; one
// whose meta pages are both unreadable, or whose last commit reaches past
// the end of the file, is a DamagedError.
func checkFile(path string, readOnly bool) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return &NotArchiveError{path, "it is a directory (name the archive file)"}
	}
	if !fi.Mode().IsRegular() {
		return &NotArchiveError{path, "it is not a regular file"}
	}
	size := fi.Size()
	if size == 0 {
		if readOnly {
			return &NotArchiveError{path, "the file is empty"}
		}
		return nil // bbolt writes a new archive into it
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open archive: %w", err)
	}
	defer f.Close()
	readMeta := func(off int64) (boltMeta, bool) {
		var buf [pageHeaderSize + metaSize]byte
		if _, err := f.ReadAt(buf[:], off); err != nil {
			return boltMeta{}, false
		}
		return decodeMeta(buf[pageHeaderSize:]), true
	}
	m0, _ := readMeta(0)
	var m1 boltMeta
	pageSize := int64(0)
	if m0.magic == boltMagic && m0.sumOK {
		pageSize = int64(m0.pageSize)
		m1, _ = readMeta(pageSize)
	} else {
		// Page 0 unreadable: find page 1 as bbolt does, trying each page
		// size from 1 KiB to 16 MiB.
		for i := 0; i <= 14; i++ {
			off := int64(1024) << i
			if off >= size {
				break
			}
			if m, ok := readMeta(off); ok && m.magic == boltMagic && m.sumOK && int64(m.pageSize) == off {
				m1, pageSize = m, off
				break
			}
		}
	}
	if m0.magic != boltMagic && m1.magic != boltMagic {
		if size < 2*1024 {
			return &NotArchiveError{path, fmt.Sprintf("%d bytes, too short for an archive and no bbolt header", size)}
		}
		return &NotArchiveError{path, "it has no bbolt database header"}
	}
	var cur boltMeta
	switch {
	case m0.valid() && m1.valid():
		cur = m0
		if m1.txid > m0.txid {
			cur = m1
		}
	case m0.valid():
		cur = m0
	case m1.valid():
		cur = m1
	case m0.magic == boltMagic && m0.version != boltVersion:
		return &NotArchiveError{path, fmt.Sprintf("a bbolt file of format version %d, not %d", m0.version, boltVersion)}
	default:
		return &DamagedError{path, "both bbolt meta pages fail their checksums"}
	}
	if pageSize == 0 || int64(cur.pageSize) != pageSize {
		pageSize = int64(cur.pageSize)
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return &DamagedError{path, fmt.Sprintf("meta page records an impossible page size %d", pageSize)}
	}
	if cur.pgid < 2 || cur.pgid > uint64(1<<62)/uint64(pageSize) {
		return &DamagedError{path, fmt.Sprintf("meta page records an impossible page count %d", cur.pgid)}
	}
	need := int64(cur.pgid) * pageSize
	if size < need {
		return &DamagedError{path, fmt.Sprintf("the file is %d bytes but its last commit (transaction %d) uses %d pages of %d bytes, %d bytes: it was cut short",
			size, cur.txid, cur.pgid, pageSize, need)}
	}
	if cur.root < 2 || cur.root >= cur.pgid {
		return &DamagedError{path, fmt.Sprintf("meta page points its root at page %d, outside the %d pages in use", cur.root, cur.pgid)}
	}
	if cur.freelist != noFreelist && (cur.freelist < 2 || cur.freelist >= cur.pgid) {
		return &DamagedError{path, fmt.Sprintf("meta page points its free list at page %d, outside the %d pages in use", cur.freelist, cur.pgid)}
	}
	return nil
}

// faultAddr is the runtime error a memory fault becomes under
// debug.SetPanicOnFault.
type faultAddr interface{ Addr() uintptr }

// guard turns a memory fault in the current goroutine — bbolt reading a
// mapped page past the end of a file that shrank while open — and bbolt's
// own panics on impossible page references into a DamagedError in *err.
// Deferred by every transaction the archive runs: without it the process
// dies with a fault trace.
func (a *Archive) guard(err *error, old bool) {
	debug.SetPanicOnFault(old)
	r := recover()
	if r == nil {
		return
	}
	*err = damagedByPanic(a.path, r)
}

func damagedByPanic(path string, r any) error {
	if _, ok := r.(faultAddr); ok {
		what := "a read past the end of the file"
		if fi, err := os.Stat(path); err == nil {
			what += fmt.Sprintf(" (the file is now %d bytes: did it shrink while open?)", fi.Size())
		}
		return &DamagedError{path, what}
	}
	if s, ok := r.(string); ok && isBoltPanic(s) {
		return &DamagedError{path, s}
	}
	panic(r)
}

// isBoltPanic recognises the messages bbolt panics with on a page it
// cannot believe (an id past the end, a page of the wrong kind).
func isBoltPanic(s string) bool {
	for _, p := range []string{"pgid (", "pgId (", "root bucket pgid", "freelist pgid", "invalid page type",
		"assertion failed", "freepages:", "misplaced bucket header", "unexpected bucket header", "inline bucket",
		"check fail", "bolt.DB.meta()"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// view runs fn in a read transaction, guarded against faults.
func (a *Archive) view(fn func(tx *bolt.Tx) error) (err error) {
	defer a.guard(&err, debug.SetPanicOnFault(true))
	return a.db.View(fn)
}

// dbUpdate runs fn in a write transaction, guarded against faults.
func (a *Archive) dbUpdate(fn func(tx *bolt.Tx) error) (err error) {
	defer a.guard(&err, debug.SetPanicOnFault(true))
	return a.db.Update(fn)
}

// View runs fn in a read transaction on the archive's bbolt file, with the
// same protection against a damaged file as the archive's own reads.
func (a *Archive) View(fn func(tx *bolt.Tx) error) error { return a.view(fn) }

// openBolt is bolt.Open with the same protection: with NoFreelistSync,
// bbolt walks every page of the file while opening it.
func openBolt(path string, opts *bolt.Options) (db *bolt.DB, err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			db, err = nil, damagedByPanic(path, r)
		}
	}()
	return bolt.Open(path, 0o644, opts)
}

// isNotExist reports a missing archive file.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
