package archive

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version written into every archive file.
// Open migrates older files forward and refuses newer ones.
//
//	1  records as bare JSON
//	2  every record sealed with a CRC-32C of its key and JSON (seal.go)
//	3  documents carry their resolved region (region.go)
const SchemaVersion = 3

var (
	ErrNotFound = errors.New("not found")
	ErrCorrupt  = errors.New("archive corrupt: hash mismatch")
	ErrLocked   = errors.New("archive is locked by another process")
	ErrNewer    = errors.New("archive was written by a newer nianbao")
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// Bucket names. Index keys are composite: parts joined by 0x00.
var (
	bMeta      = []byte("meta")
	bBlobs     = []byte("blobs")       // sha → blobRecord JSON
	bChunks    = []byte("chunks")      // sha(32 raw bytes) + uint32 index → flag byte + data
	bCaptures  = []byte("captures")    // uint64 id → Capture JSON
	bCapURL    = []byte("ix_cap_url")  // url \0 id
	bCapHash   = []byte("ix_cap_hash") // sha \0 id
	bDocs      = []byte("docs")        // id → Document JSON
	bDocBody   = []byte("ix_doc_body") // body \0 year(4) \0 id
	bDocYear   = []byte("ix_doc_year") // year(4) \0 id
	bDocRegion = []byte("ix_doc_region")
	bDocSite   = []byte("ix_doc_site")
	bDocURL    = []byte("ix_doc_url")  // url \0 id (page and file URLs)
	bDocHash   = []byte("ix_doc_hash") // sha \0 id
	bURLs      = []byte("urls")        // url → URLState JSON
	bFrontier  = []byte("frontier")    // nested: site → {pending: url → item, done: url → ""}
	bRuns      = []byte("runs")        // uint64 id → Run JSON

	allBuckets = [][]byte{bMeta, bBlobs, bChunks, bCaptures, bCapURL, bCapHash, bDocs, bDocBody,
		bDocYear, bDocRegion, bDocSite, bDocURL, bDocHash, bURLs, bFrontier, bRuns}
)

// Options configure Open.
type Options struct {
	// ReadOnly opens with a shared lock; writers are refused.
	ReadOnly bool
	// LockTimeout is how long to wait for another process's lock (default 5s).
	LockTimeout time.Duration
	// NoSync skips fsync (benchmarks and tests only).
	NoSync bool
	// Command is recorded in the lock-info file so a blocked process can
	// name the holder ("crawler serve").
	Command string
}

// Archive is an open archive file. Safe for concurrent use by goroutines.
type Archive struct {
	db       *bolt.DB
	path     string
	readOnly bool
	lockInfo string
	enc      *compressor
	borrowed bool // a Borrow handle: Close leaves the file open
}

// Borrow returns another handle on the same open archive whose Close does
// nothing: a command run inside the process that holds the archive
// (`crawler serve` running a reader's command) uses it and must not close
// the holder's file.
func (a *Archive) Borrow() *Archive {
	b := *a
	b.borrowed, b.lockInfo = true, ""
	return &b
}

// LockedError says who holds the archive.
type LockedError struct {
	Path   string
	Holder string // from the lock-info file, may be ""
	Waited time.Duration
}

func (e *LockedError) Error() string {
	h := e.Holder
	if h == "" {
		h = "another process"
	}
	// `crawler backup` needs the same lock, so it cannot help here; the
	// service's own scheduled backups (serve.backup) can.
	return fmt.Sprintf("archive %s is in use by %s (waited %s). bbolt allows one writer: "+
		"wait for it to finish or stop it; while `crawler serve` runs, use its HTTP API "+
		"(GET /api/reports) or point --archive at a copy from the service's scheduled backups (serve.backup); "+
		"raise lock_timeout in config.yaml to wait longer",
		e.Path, h, e.Waited)
}

func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Open opens or creates the archive at path.
func Open(path string, opts Options) (*Archive, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = 5 * time.Second
	}
	// Look at the file before bbolt maps it: a file cut short would be
	// read past its end (a fault, not an error).
	if err := checkFile(path, opts.ReadOnly); err != nil {
		if !isNotExist(err) {
			return nil, err
		}
		if opts.ReadOnly {
			return nil, fmt.Errorf("open archive: %w", err)
		}
	}
	if !opts.ReadOnly {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create archive directory: %w", err)
			}
		}
	}
	db, err := openBolt(path, &bolt.Options{
		Timeout:         opts.LockTimeout,
		ReadOnly:        opts.ReadOnly,
		NoSync:          opts.NoSync,
		NoFreelistSync:  true,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: initialMmap(),
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			holder, _ := os.ReadFile(lockInfoPath(path))
			return nil, &LockedError{Path: path, Holder: strings.TrimSpace(string(holder)), Waited: opts.LockTimeout}
		}
		switch {
		case errors.Is(err, ErrDamaged):
			return nil, err
		case errors.Is(err, berrors.ErrChecksum):
			return nil, &DamagedError{path, "a bbolt meta page fails its checksum"}
		case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch):
			return nil, &NotArchiveError{path, "not a bbolt database file"}
		}
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	a := &Archive{db: db, path: path, readOnly: opts.ReadOnly, enc: newCompressor()}
	if !opts.ReadOnly {
		cmd := opts.Command
		if cmd == "" {
			cmd = strings.Join(os.Args, " ")
		}
		a.lockInfo = lockInfoPath(path)
		info := fmt.Sprintf("pid %d (%s), since %s", os.Getpid(), cmd, time.Now().UTC().Format(time.RFC3339))
		_ = os.WriteFile(a.lockInfo, []byte(info+"\n"), 0o644)
		if err := a.init(); err != nil {
			db.Close()
			return nil, err
		}
	} else if err := a.checkVersion(); err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// initialMmap maps 1 GiB of address space from the start (the file itself
// grows only as data is written): bbolt otherwise remaps at every doubling
// of the file, and each remap waits for all readers — the crawl's workers
// read URL states while the committer writes — and copies every node the
// write transaction holds onto the heap. Windows would grow the file to
// the mapped size, and 32-bit address space is scarce: there bbolt's
// default stays.
func initialMmap() int {
	if runtime.GOOS == "windows" || strconv.IntSize < 64 {
		return 0
	}
	return 1 << 30
}

func lockInfoPath(path string) string { return path + ".lock-info" }

// Path returns the file path.
func (a *Archive) Path() string { return a.path }

// Close releases the file lock.
func (a *Archive) Close() error {
	if a.borrowed {
		return nil
	}
	if a.lockInfo != "" {
		_ = os.Remove(a.lockInfo)
	}
	return a.db.Close()
}

// DB exposes the bbolt handle for maintenance tools in this module.
func (a *Archive) DB() *bolt.DB { return a.db }

func (a *Archive) init() error {
	var have int
	resume := false
	err := a.dbUpdate(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta) == nil {
			// A new file has no buckets at all; any other bbolt file is
			// someone else's, never to be turned into an archive.
			foreign := false
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { foreign = true; return nil })
			if foreign {
				return &NotArchiveError{a.path, "a bbolt database of something else (no meta bucket)"}
			}
		}
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		m := tx.Bucket(bMeta)
		v := m.Get([]byte("schema_version"))
		if v == nil {
			have = SchemaVersion
			if err := m.Put([]byte("created"), []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
				return err
			}
			return m.Put([]byte("schema_version"), u32(SchemaVersion))
		}
		have = int(binary.BigEndian.Uint32(v))
		if have > SchemaVersion {
			return fmt.Errorf("%w: schema %d, this binary knows %d", ErrNewer, have, SchemaVersion)
		}
		resume = m.Get(metaMigrating) != nil
		return nil
	})
	if err != nil {
		return err
	}
	from := have
	if resume {
		from = have - 1 // the migration to have was interrupted
	}
	return a.migrate(from)
}

// metaMigrating marks a file whose migration to the schema version stored
// beside it has not finished: a migration that rewrites every record works
// in batches of its own transactions.
var metaMigrating = []byte("migrating")

// migrateStep migrates a batch inside tx and reports whether another
// batch remains. It must find its way from the file alone after a crash
// between batches (the records already migrated are recognisable).
type migrateStep func(tx *bolt.Tx) (more bool, err error)

// migrations[v] makes the steps that upgrade a schema-v file to v+1. The
// first batch raises schema_version (so an older binary refuses the
// half-migrated file) and, while batches remain, sets the migrating mark
// (so a reader waits for the rest); the last batch clears it. A migration
// that fails in its first batch leaves the file as it was; one that fails
// later is resumed by the next read-write open.
var migrations = map[int]func() migrateStep{
	1: sealRecords,  // schema 2: a checksum on every record
	2: regionFields, // schema 3: documents carry their resolved region
}

// migrate runs the migrations from schema from to SchemaVersion.
func (a *Archive) migrate(from int) error {
	for ver := from; ver < SchemaVersion; ver++ {
		mk, ok := migrations[ver]
		if !ok {
			return fmt.Errorf("no migration from schema %d", ver)
		}
		step := mk()
		for {
			var more bool
			err := a.dbUpdate(func(tx *bolt.Tx) error {
				var err error
				if more, err = step(tx); err != nil {
					return err
				}
				m := tx.Bucket(bMeta)
				if err := m.Put([]byte("schema_version"), u32(uint32(ver+1))); err != nil {
					return err
				}
				if more {
					return m.Put(metaMigrating, u32(uint32(ver+1)))
				}
				return m.Delete(metaMigrating)
			})
			if err != nil {
				return fmt.Errorf("migrate schema %d→%d: %w", ver, ver+1, err)
			}
			if !more {
				break
			}
		}
	}
	return nil
}

// ErrNeedsMigration: a read-only open found a file of an older schema (or
// one whose migration was interrupted); a read-write open migrates it.
var ErrNeedsMigration = errors.New("archive needs migrating")

func (a *Archive) checkVersion() error {
	return a.view(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil {
			return &NotArchiveError{a.path, "a bbolt database without a meta bucket"}
		}
		v := m.Get([]byte("schema_version"))
		if v == nil {
			return &NotArchiveError{a.path, "no schema version in its meta bucket"}
		}
		have := int(binary.BigEndian.Uint32(v))
		if have > SchemaVersion {
			return fmt.Errorf("%w: schema %d, this binary knows %d", ErrNewer, have, SchemaVersion)
		}
		if m.Get(metaMigrating) != nil {
			return fmt.Errorf("%w: %s: its migration to schema %d did not finish; open it read-write once to finish it",
				ErrNeedsMigration, a.path, have)
		}
		if have != SchemaVersion {
			return fmt.Errorf("%w: %s has schema %d, this binary schema %d; open it read-write once to migrate it",
				ErrNeedsMigration, a.path, have, SchemaVersion)
		}
		return nil
	})
}

// SchemaVersionOf returns the version stored in the file.
func (a *Archive) SchemaVersionOf() (int, error) {
	var v int
	err := a.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bMeta).Get([]byte("schema_version")); b != nil {
			v = int(binary.BigEndian.Uint32(b))
		}
		return nil
	})
	return v, err
}

func u32(v uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, v)
	return b
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func key(parts ...string) []byte {
	return []byte(strings.Join(parts, "\x00"))
}

// lastPart returns what follows the final 0x00 of an index key.
func lastPart(k []byte) string {
	s := string(k)
	if i := strings.LastIndexByte(s, 0); i >= 0 {
		return s[i+1:]
	}
	return s
}

// putJSON stores v as json.Marshal encodes it, sealed
// (see seal.go).
func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := appendSealedRecord(nil, k, v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

// ForEachPrefix calls fn for each key in b starting with prefix.
func forEachPrefix(b *bolt.Bucket, prefix []byte, fn func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func hasPrefix(k, p []byte) bool {
	return len(k) >= len(p) && string(k[:len(p)]) == string(p)
}
