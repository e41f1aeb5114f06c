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
//
// It also holds the memory budget of all instances together: a linear
// memory grows only while the sizes of all live memories stay within
// total, and each within perInstance. A refused growth makes pdfium's
// allocation fail (it gives up on the image, or aborts the call); the
// memory records it (denied) so the engine can fail the document with a
// clear error rather than trust a page read without its images.
type wasmMemory struct {
	mu          sync.Mutex
	freed       [][]byte
	enabled     bool
	peak        atomic.Uint64 // largest linear memory so far, in bytes
	total       uint64        // budget of all live memories together; 0: none
	perInstance uint64        // budget of one memory; 0: the mapping's size
	used        uint64        // sizes of the live memories, under mu
	usedPeak    uint64        // largest used so far, under mu
	latest      *mappedMemory // the memory created last, under mu
	created     uint64        // memories created so far, under mu
}

func newWasmMemory(total, perInstance uint64) *wasmMemory {
	return &wasmMemory{enabled: true, total: total, perInstance: perInstance}
}

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
		m := &mappedMemory{owner: w, buf: b}
		w.mu.Lock()
		w.latest, w.created = m, w.created+1
		w.mu.Unlock()
		return m
	})
}

// generation counts the memories created so far; with newest it tells
// which memory an instance created between two calls got.
func (w *wasmMemory) generation() uint64 {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.created
}

// newest is the memory created last (nil: none, or not mapped).
func (w *wasmMemory) newest() *mappedMemory {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.latest
}

// crowded reports whether the live memories hold over half the total
// budget: then an instance's memory is worth more returned than reused.
func (w *wasmMemory) crowded() bool {
	if w == nil || w.total == 0 {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.used > w.total/2
}

// usedPeakBytes is the most the live memories have held together.
func (w *wasmMemory) usedPeakBytes() uint64 {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.usedPeak
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
	size  uint64 // current size, counted in owner.used; under owner.mu
	// denied records a growth refused by the budget since the last
	// resetDenied; shared: the refusal came from the total (other
	// instances held the rest), not from this memory's own budget.
	denied, shared atomic.Bool
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if m.buf == nil || size > uint64(len(m.buf)) {
		return nil
	}
	w := m.owner
	w.mu.Lock()
	// The first allocation (the module's initial memory) is never
	// refused: wazero cannot instantiate without it.
	if m.size > 0 && size > m.size {
		if w.perInstance > 0 && size > w.perInstance {
			w.mu.Unlock()
			m.denied.Store(true)
			return nil
		}
		if w.total > 0 && w.used-m.size+size > w.total {
			w.mu.Unlock()
			m.denied.Store(true)
			m.shared.Store(true)
			return nil
		}
	}
	if size > m.size {
		w.used += size - m.size
		m.size = size
		w.usedPeak = max(w.usedPeak, w.used)
	}
	w.mu.Unlock()
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
	m.owner.used -= m.size
	m.size = 0
	if m.owner.latest == m {
		m.owner.latest = nil
	}
	m.owner.mu.Unlock()
	m.buf = nil
}

// bytes is the memory's current size.
func (m *mappedMemory) bytes() uint64 {
	if m == nil {
		return 0
	}
	m.owner.mu.Lock()
	defer m.owner.mu.Unlock()
	return m.size
}

// resetDenied clears the refusals recorded before a new document.
func (m *mappedMemory) resetDenied() {
	if m != nil {
		m.denied.Store(false)
		m.shared.Store(false)
	}
}

// deniedGrowth reports whether a growth was refused since resetDenied,
// and whether by the total budget rather than the memory's own.
func (m *mappedMemory) deniedGrowth() (denied, shared bool) {
	if m == nil {
		return false, false
	}
	return m.denied.Load(), m.shared.Load()
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
