package crawl

import (
	"container/heap"

	"github.com/nianbao/nianbao/archive"
)

// Frontier kinds beyond the sites link kinds.
const (
	kindSighting = "sighting" // record that a list showed a report; done after every fetch
	kindRun      = "run"      // the run marker: carries the run's start time
)

const (
	runMarkerURL  = "run:marker"
	scoreSighting = -1e6
	scoreRun      = -1e9
)

// item is a frontier entry in memory.
type item struct {
	archive.FrontierItem
	seq int
	// stored: the document this item's fetch wrote, and when that write
	// is durable (set by the fetch, read by its worker: see docDone).
	stored *storedDoc
}

func (it *item) fetchURL() string {
	if u := it.Extra["url"]; u != "" {
		return u
	}
	return it.URL
}

func (it *item) fetchable() bool { return it.Kind != kindSighting && it.Kind != kindRun }

// itemHeap orders best score first, then first come first served, so a
// crawl's order is deterministic for a given frontier.
type itemHeap []*item

func (h itemHeap) Len() int { return len(h) }
func (h itemHeap) Less(i, j int) bool {
	if h[i].Score != h[j].Score {
		return h[i].Score > h[j].Score
	}
	return h[i].seq < h[j].seq
}
func (h itemHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *itemHeap) Push(x any)   { *h = append(*h, x.(*item)) }
func (h *itemHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

func (h *itemHeap) push(it *item) { heap.Push(h, it) }
func (h *itemHeap) pop() *item    { return heap.Pop(h).(*item) }
func (h itemHeap) peek() *item {
	if len(h) == 0 {
		return nil
	}
	return h[0]
}
