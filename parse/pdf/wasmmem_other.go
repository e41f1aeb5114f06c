//go:build !linux

package pdf

import "github.com/tetratelabs/wazero/experimental"

// wasmMemory: elsewhere, wazero's default memory (see wasmmem_linux.go).
type wasmMemory struct{}

func newWasmMemory(total, perInstance uint64) *wasmMemory { return nil }

// mappedMemory: no memory of an instance is known (and none budgeted).
type mappedMemory struct{}

func (w *wasmMemory) generation() uint64 { return 0 }

func (w *wasmMemory) newest() *mappedMemory { return nil }

func (w *wasmMemory) usedPeakBytes() uint64 { return 0 }

func (w *wasmMemory) crowded() bool { return false }

func (m *mappedMemory) bytes() uint64 { return 0 }

func (m *mappedMemory) resetDenied() {}

func (m *mappedMemory) deniedGrowth() (denied, shared bool) { return false, false }

func (w *wasmMemory) allocator() experimental.MemoryAllocator { return nil }

func (w *wasmMemory) sweep() {}

func (w *wasmMemory) peakBytes() uint64 { return 0 }

func (w *wasmMemory) pending() int { return 0 }
