package crawl

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/portal"
)

// The page budget is per run, not per process: a run interrupted after
// some fetches and resumed spends only what is left of it.
func TestBudgetContinuesAfterResume(t *testing.T) {
	const budget = 60
	for _, stopAfter := range []int{1, 20, 45} {
		h := newHarness(t, portal.Generated(400))
		var mu sync.Mutex
		fetched := 0 // fetches that finished (an outcome), over both processes

		ctx, cancel := context.WithCancel(context.Background())
		e := h.engine(t)
		e.opts.MaxPages = budget
		e.opts.Progress = func(ev Event) {
			mu.Lock()
			defer mu.Unlock()
			if ev.Outcome != "" {
				fetched++
			}
			if fetched == stopAfter {
				cancel()
			}
		}
		run, err := e.CrawlSite(ctx, &h.sites[0])
		if err == nil || run.Status != "interrupted" {
			t.Fatalf("stop after %d: first run %q, %v; want interrupted", stopAfter, run.Status, err)
		}
		first := fetched

		e = h.engine(t)
		e.opts.MaxPages = budget
		e.opts.Progress = func(ev Event) {
			mu.Lock()
			defer mu.Unlock()
			if ev.Outcome != "" {
				fetched++
			}
		}
		run, err = e.CrawlSite(context.Background(), &h.sites[0])
		if err != nil {
			t.Fatalf("stop after %d: resumed run: %v", stopAfter, err)
		}
		if fetched != budget {
			t.Errorf("stop after %d: %d fetches before the interruption, %d in all; want the budget of %d in all", stopAfter, first, fetched, budget)
		}
		if run.Status != "partial" || !hasNoteContaining(run.Notes, "page budget of 60 spent") {
			t.Errorf("stop after %d: resumed run %q %v; want partial with the budget spent", stopAfter, run.Status, run.Notes)
		}
	}
}

func hasNoteContaining(notes []string, s string) bool {
	for _, n := range notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
