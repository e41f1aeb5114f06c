package crawl

import (
	"slices"
	"strings"

	"github.com/nianbao/nianbao/sites"
)

// blockedIncompleteList counts, in run.Blocked, the lists whose script
// declares more items than their static pages show
// (sites.NoteIncompleteList): the items out of reach make the run
// partial, never complete.
const blockedIncompleteList = "incomplete_list"

// countIncomplete counts the incomplete-list notes among notes that the
// run report does not hold yet (call it before addNotes, under r.mu).
func (r *siteRun) countIncomplete(notes []string) {
	for i, n := range notes {
		if strings.HasPrefix(n, sites.NoteIncompleteList) && !r.noteSeen[n] && !slices.Contains(notes[:i], n) {
			r.run.Blocked[blockedIncompleteList]++
		}
	}
}
