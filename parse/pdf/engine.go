package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Defaults for Config and Options fields left zero.
const (
	DefaultTimeout  = 2 * time.Minute
	DefaultMaxPages = 500
	DefaultMaxBytes = 200 << 20
	// DefaultTotalMemoryMB bounds the linear memories of all pdfium
	// instances together (on Linux): with the Go heap of two workers
	// OCRing 40-megapixel pages, the process stays under 1 GB whatever a
	// file asks pdfium for. Real reports need 20–60 MiB an instance.
	DefaultTotalMemoryMB = 512
	// reuseBelow: an instance whose memory grew past this is not handed
	// back for reuse (WebAssembly memory never shrinks) but discarded,
	// which returns its memory to the budget.
	reuseBelow = 96 << 20
	// limitSlack: wazero's own per-instance limit lies this far above
	// ours, so the allocator sees, and records, the growth it refuses.
	limitSlack            = 64 << 20
	DefaultOCRPageTimeout = 90 * time.Second
	// cacheSubdir is where, under Config.CacheDir, the compiled pdfium
	// module lives (≈21 MB); deleting it only costs one slow start.
	cacheSubdir = "wazero-pdfium"
)

// Config sets up an Engine. The zero value works (no disk cache, one
// worker per CPU).
type Config struct {
	// CacheDir is the project's cache root (config.Config.CacheDir()). The
	// compiled WebAssembly module is kept in a subfolder so later processes
	// start in ~0.1 s instead of ~3 s. Empty: compile in memory every start.
	CacheDir string
	// Workers is how many documents may be read at once (one wasm
	// instance each). 0: runtime.NumCPU().
	Workers int
	// TotalMemoryMB bounds the linear memories of all wasm instances
	// together (Linux; elsewhere each instance is bounded by
	// MemoryLimitMB only). 0: DefaultTotalMemoryMB.
	TotalMemoryMB int
	// MemoryLimitMB bounds each wasm instance's linear memory; at most
	// TotalMemoryMB. 0: TotalMemoryMB.
	MemoryLimitMB int
	// MaxBytes rejects larger inputs before they reach pdfium. 0: 200 MiB.
	MaxBytes int
	// Logger receives debug output; nil: slog.Default().
	Logger *slog.Logger
}

// Engine owns the pdfium WebAssembly runtime and its worker pool. Create
// one per process (start-up compiles or loads a ~20 MB module) and share
// it; it is safe for concurrent use.
type Engine struct {
	cfg   Config
	pool  pdfium.Pool
	cache wazero.CompilationCache
	log   *slog.Logger
	sem   chan struct{}
	// fastSem bounds concurrent fast-path reads (Workers of them): each
	// may hold up to the fast path's 96 MiB of decompressed streams.
	fastSem chan struct{}
	// mem backs the instances' linear memories (wasmmem_linux.go).
	mem *wasmMemory

	// getMu serialises borrowing, so a memory created while an instance
	// is borrowed is that instance's (mems).
	getMu sync.Mutex
	// exclusive is held shared by every document read with pdfium, and
	// alone by a document read again after the shared budget refused it
	// memory that other documents held.
	exclusive sync.RWMutex

	mu     sync.Mutex
	closed bool
	active int                   // instances borrowed (or being borrowed) right now
	mems   map[any]*mappedMemory // instance implementation → its memory
}

// NewEngine compiles (or loads from the cache) the pdfium module and
// prepares the pool. ctx bounds start-up and is the parent of the runtime:
// cancelling it later stops all workers, so pass a long-lived context.
func NewEngine(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.TotalMemoryMB <= 0 {
		cfg.TotalMemoryMB = DefaultTotalMemoryMB
	}
	if cfg.MemoryLimitMB <= 0 || cfg.MemoryLimitMB > cfg.TotalMemoryMB {
		cfg.MemoryLimitMB = cfg.TotalMemoryMB
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	e := &Engine{cfg: cfg, log: log, sem: make(chan struct{}, cfg.Workers), fastSem: make(chan struct{}, cfg.Workers),
		mems: map[any]*mappedMemory{}}
	poolCtx := ctx
	limitPages := uint32(cfg.MemoryLimitMB) * 16 // 64 KiB pages
	if useMappedMemory {
		e.mem = newWasmMemory(uint64(cfg.TotalMemoryMB)<<20, uint64(cfg.MemoryLimitMB)<<20)
		if a := e.mem.allocator(); a != nil {
			poolCtx = experimental.WithMemoryAllocator(ctx, a)
			limitPages += limitSlack >> 16
		}
	}

	rc := wazero.NewRuntimeConfig().
		// pdfium's setjmp/longjmp is lowered to wasm exception handling.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		// Lets Kill (on timeout) interrupt a call that is stuck in pdfium.
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(limitPages)
	if cfg.CacheDir != "" {
		dir := filepath.Join(cfg.CacheDir, cacheSubdir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Warn("pdf: no compilation cache, start-up will be slow", "dir", dir, "err", err)
		} else if c, err := wazero.NewCompilationCacheWithDir(dir); err != nil {
			log.Warn("pdf: no compilation cache, start-up will be slow", "dir", dir, "err", err)
		} else {
			e.cache = c
			rc = rc.WithCompilationCache(c)
		}
	}

	start := time.Now()
	pool, err := webassembly.Init(webassembly.Config{
		Context:  poolCtx,
		MinIdle:  0,
		MaxIdle:  cfg.Workers,
		MaxTotal: cfg.Workers,
		// Never mount the host filesystem: documents are handed over as bytes.
		FSConfig:      wazero.NewFSConfig(),
		RuntimeConfig: rc,
		// pdfium's own chatter must never reach the CLI's stdout (JSON lines).
		Stdout:       logWriter{log, "stdout"},
		Stderr:       logWriter{log, "stderr"},
		ReuseWorkers: true,
	})
	if err != nil {
		if e.cache != nil {
			_ = e.cache.Close(context.Background())
		}
		return nil, fmt.Errorf("pdf: start pdfium webassembly: %w", err)
	}
	e.pool = pool
	log.Debug("pdf: engine ready", "took", time.Since(start), "workers", cfg.Workers)
	return e, nil
}

// Close stops the workers and releases the runtime.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	err := e.pool.Close()
	if e.active == 0 {
		e.mem.sweep()
	}
	if e.cache != nil {
		if cerr := e.cache.Close(context.Background()); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("pdf: close engine: %w", err)
	}
	return nil
}

// instance borrows a pdfium instance for one document. The returned
// release function must be called exactly once. When ctx ends while the
// instance is in use, the instance is killed, which makes the running call
// return an error instead of hanging.
func (e *Engine) instance(ctx context.Context) (pdfium.Pdfium, func(), error) {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, nil, errors.New("pdf: engine is closed")
	}
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("pdf: waiting for a worker: %w", ctx.Err())
	}
	e.mu.Lock()
	e.active++
	e.mu.Unlock()
	e.getMu.Lock()
	gen := e.mem.generation()
	inst, err := e.pool.GetInstanceWithContext(ctx)
	var mem *mappedMemory
	if err == nil {
		// A new instance creates its memory while it is borrowed; a
		// reused one keeps the memory it was created with.
		impl := inst.GetImplementation()
		e.mu.Lock()
		if e.mem.generation() != gen {
			// Instances the pool discarded itself (a failed health
			// check) leave freed memories behind.
			for k, m := range e.mems {
				if m.bytes() == 0 {
					delete(e.mems, k)
				}
			}
			e.mems[impl] = e.mem.newest()
		}
		mem = e.mems[impl]
		e.mu.Unlock()
	}
	e.getMu.Unlock()
	if err != nil {
		e.idle()
		<-e.sem
		return nil, nil, fmt.Errorf("pdf: get pdfium instance: %w", err)
	}
	mem.resetDenied()
	kill := func() {
		e.mu.Lock()
		delete(e.mems, inst.GetImplementation())
		e.mu.Unlock()
		if kerr := inst.Kill(); kerr != nil {
			e.log.Debug("pdf: kill instance", "err", kerr)
		}
	}
	stop := context.AfterFunc(ctx, kill)
	release := func() {
		if stop() { // not killed on a timeout
			if mem.bytes() > reuseBelow || e.mem.crowded() {
				// Its memory never shrinks: discard it, freeing its
				// share of the budget for the other documents (an
				// idle instance would hold it, even from a document
				// read again alone).
				kill()
			} else if cerr := inst.Close(); cerr != nil { // hand it back for reuse
				e.log.Debug("pdf: close instance", "err", cerr)
			}
		}
		e.idle()
		<-e.sem
	}
	return inst, release, nil
}

// memOf is the memory of a borrowed instance (nil: not known).
func (e *Engine) memOf(inst pdfium.Pdfium) *mappedMemory {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.mems[inst.GetImplementation()]
}

// idle ends one instance's use; when none is in use, the memory of
// instances closed meanwhile (killed ones) is unmapped.
func (e *Engine) idle() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.active--; e.active == 0 {
		e.mem.sweep()
	}
}

// useMappedMemory: back wasm memories with mappings (wasmMemory); tests
// turn it off to measure wazero's default.
var useMappedMemory = true

// logWriter turns output of the sandboxed module into debug log lines.
type logWriter struct {
	log    *slog.Logger
	stream string
}

func (w logWriter) Write(p []byte) (int, error) {
	if msg := bytes.TrimSpace(p); len(msg) > 0 {
		w.log.Debug("pdf: pdfium output", "stream", w.stream, "msg", string(msg))
	}
	return len(p), nil
}

var _ io.Writer = logWriter{}

// The package-level default engine serves callers (the CLI, the crawl's
// parser glue) that need one shared engine per process.
var (
	defaultMu     sync.Mutex
	defaultCfg    Config
	defaultEngine *Engine
)

// SetDefaultConfig sets the Config the default engine will be created
// with. It has no effect once the default engine exists.
func SetDefaultConfig(cfg Config) {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	defaultCfg = cfg
}

// DefaultEngine returns the process-wide engine, creating it on first use.
// A failed start is not cached: the next call tries again.
func DefaultEngine() (*Engine, error) {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if defaultEngine != nil {
		return defaultEngine, nil
	}
	e, err := NewEngine(context.Background(), defaultCfg)
	if err != nil {
		return nil, err
	}
	defaultEngine = e
	return e, nil
}

// CloseDefault closes the default engine if it was started.
func CloseDefault() error {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if defaultEngine == nil {
		return nil
	}
	err := defaultEngine.Close()
	defaultEngine = nil
	return err
}
