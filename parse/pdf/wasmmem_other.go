//go:build !linux

package pdf

import "github.com/tetratelabs/wazero/experimental"

// wasmMemory: elsewhere, wazero's default memory (see wasmmem_linux.go).
type wasmMemory struct{}

func newWasmMemory() *wasmMemory { return nil }

func (w *wasmMemory) allocator() experimental.MemoryAllocator { return nil }

func (w *wasmMemory) sweep() {}

func (w *wasmMemory) peakBytes() uint64 { return 0 }

func (w *wasmMemory) pending() int { return 0 }
