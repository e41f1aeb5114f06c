//go:build linux

package pdf

import (
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// wasmMemory backs each pdfium instance's linear memory with its own
// anonymous mapping of the instance's maximum size, outside the Go heap.
// wazero's default grows memory by copying it into a larger Go slice: an
// instance growing to its 768 MiB limit left copies of 384, 192, ... MiB
// behind for the garbage collector, and the process's peak was about
// three times the limit. A mapping never moves and costs only the pages
// the instance touches.
//
// A region is not unmapped when wazero frees it: an instance killed on a
// timeout is closed while its call may still be running on another
// goroutine. Its pages are returned to the system at once (MADV_DONTNEED:
// a late access reads zeros, never faults), and the mapping itself is
// removed by sweep, which the engine calls when no instance is in use.
type wasmMemory struct {
	mu      sync.Mutex
	freed   [][]byte
	enabled bool
	peak    atomic.Uint64 // largest linear memory so far, in bytes
}

func newWasmMemory() *wasmMemory { return &wasmMemory{enabled: true} }

// allocator returns the wazero hook, or nil to keep wazero's default.
func (w *wasmMemory) allocator() experimental.MemoryAllocator {
	if w == nil || !w.enabled {
		return nil
	}
	return experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
		if max == 0 || max > 4<<30 {
			return &sliceMemory{}
		}
		b, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
		if err != nil {
			return &sliceMemory{}
		}
		return &mappedMemory{owner: w, buf: b}
	})
}

// peakBytes is the largest linear memory an instance has had.
func (w *wasmMemory) peakBytes() uint64 {
	if w == nil {
		return 0
	}
	return w.peak.Load()
}

// sweep unmaps the regions freed so far. Call it only when no instance
// is running.
func (w *wasmMemory) sweep() {
	if w == nil {
		return
	}
	w.mu.Lock()
	freed := w.freed
	w.freed = nil
	w.mu.Unlock()
	for _, b := range freed {
		_ = syscall.Munmap(b)
	}
}

// pending is how many freed regions are still mapped.
func (w *wasmMemory) pending() int {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.freed)
}

type mappedMemory struct {
	owner *wasmMemory
	buf   []byte
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if m.buf == nil || size > uint64(len(m.buf)) {
		return nil
	}
	for p := m.owner.peak.Load(); size > p && !m.owner.peak.CompareAndSwap(p, size); p = m.owner.peak.Load() {
	}
	return m.buf[:size:size]
}

func (m *mappedMemory) Free() {
	if m.buf == nil {
		return
	}
	_ = syscall.Madvise(m.buf, syscall.MADV_DONTNEED)
	m.owner.mu.Lock()
	m.owner.freed = append(m.owner.freed, m.buf)
	m.owner.mu.Unlock()
	m.buf = nil
}

// sliceMemory is wazero's own way, for when no mapping could be made.
type sliceMemory struct{ buf []byte }

func (m *sliceMemory) Reallocate(size uint64) []byte {
	if n := uint64(len(m.buf)); size > n {
		m.buf = append(m.buf, make([]byte, size-n)...)
	}
	return m.buf[:size]
}

func (m *sliceMemory) Free() { m.buf = nil }
