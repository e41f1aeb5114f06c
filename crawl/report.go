package crawl

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/sites"
)

// tally is a site run's accounting: the run report being written, the
// pages that answered, the families seen, the documents touched.
//
// Guarded by the siteRun's mu.
type tally struct {
	run      archive.Run
	okPages  int
	families map[string]int
	// listFamilies tallies the families of list pages only: lists are
	// where families differ (details look alike), so they name the site's.
	listFamilies map[string]int
	noteSeen     map[string]bool // rule notes already in the run report
	docsSeen     map[string]bool
}

// finishReport sets the status and family of the run report.
func (r *siteRun) finishReport() {
	if r.rule != nil {
		r.run.Family = r.rule.Name()
	} else {
		r.run.Family = siteFamily(r.listFamilies, r.families)
	}
	if r.run.Status != "" {
		return
	}
	defer r.flagOnlyBlocks()
	errs := 0
	for _, n := range r.run.Errors {
		errs += n
	}
	for _, n := range r.run.Blocked {
		errs += n
	}
	switch {
	case r.okPages == 0 && (r.run.Pages > 0 || errs > 0):
		r.run.Status = "failed"
	case errs > 0:
		r.run.Status = "partial"
	default:
		r.run.Status = "ok"
	}
}

// blockedNeedsBrowser counts, in run.Blocked, the report lists only a
// browser can render (sites.NoteNeedsBrowser): "a list we cannot read" is
// not "no reports".
const blockedNeedsBrowser = "needs_browser"

// siteFamily names the site's family: the most frequent non-generic
// family of its list pages, else the most frequent family of all pages.
func siteFamily(lists, all map[string]int) string {
	best := func(m map[string]int, skipGeneric bool) string {
		b, n := "", 0
		for f, c := range m {
			if skipGeneric && f == "generic" {
				continue
			}
			if c > n || c == n && f < b {
				b, n = f, c
			}
		}
		return b
	}
	if f := best(lists, true); f != "" {
		return f
	}
	return best(all, false)
}

// runLister is the part of the archive that lists past runs (the dry-run
// MemStore has none: nothing to compare with).
type runLister interface {
	Runs(site string, limit int) ([]archive.Run, error)
}

// flagOnlyBlocks flags a site that served reports in its previous run and
// now answers only with blocks (WAF, robots): the reports did not vanish,
// the crawler was shut out.
func (r *siteRun) flagOnlyBlocks() {
	blocked := 0
	for k, n := range r.run.Blocked {
		if k != blockedNeedsBrowser {
			blocked += n
		}
	}
	if r.okPages > 0 || blocked == 0 || r.run.Docs > 0 {
		return
	}
	rl, ok := r.st.(runLister)
	if !ok {
		return
	}
	// The last run that was not itself shut out decides: blocked runs in
	// a row keep the flag.
	prev, err := rl.Runs(r.site.Name, 20)
	if err != nil {
		return
	}
	for _, pr := range prev {
		if hasNotePrefix(pr.Notes, NoteOnlyBlocks) || pr.Status == "interrupted" {
			continue
		}
		if pr.Docs == 0 {
			return
		}
		r.run.Status = "failed"
		r.run.Notes = append(r.run.Notes, fmt.Sprintf("%s: the site served %d reports in the run of %s and only blocked responses now (%s)",
			NoteOnlyBlocks, pr.Docs, pr.Start.Format("2006-01-02"), summarizeCounts(r.run.Blocked)))
		return
	}
}

func hasNotePrefix(notes []string, prefix string) bool {
	for _, n := range notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// NoteOnlyBlocks starts the run-report note of a site that went from
// reports to only blocked responses.
const NoteOnlyBlocks = "blocked: went from reports to only blocks"

func summarizeCounts(ms ...map[string]int) string {
	var parts []string
	for _, m := range ms {
		for k, v := range m {
			parts = append(parts, k+"="+strconv.Itoa(v))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "no response"
	}
	return fmt.Sprint(parts)
}

// count updates the run report under the lock.
func (r *siteRun) count(fn func(run *archive.Run)) {
	r.mu.Lock()
	fn(&r.run)
	r.mu.Unlock()
}

// touch counts a document seen this run (new ones separately).
func (r *siteRun) touch(id string, isNew bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.docsSeen == nil {
		r.docsSeen = map[string]bool{}
	}
	if !r.docsSeen[id] {
		r.docsSeen[id] = true
		r.run.Docs++
	}
	if isNew {
		r.run.NewDocs++
	}
}

// maxNotes bounds the rule notes one run report keeps.
const maxNotes = 40

// addNotes records rule notes in the run report (deduplicated, bounded);
// needs-a-browser notes are also counted. Called under r.mu.
func (r *siteRun) addNotes(notes []string) {
	for _, n := range notes {
		if r.noteSeen[n] {
			continue
		}
		if r.noteSeen == nil {
			r.noteSeen = map[string]bool{}
		}
		r.noteSeen[n] = true
		if strings.HasPrefix(n, sites.NoteNeedsBrowser) {
			r.run.Blocked[blockedNeedsBrowser]++
		}
		if len(r.run.Notes) < maxNotes {
			r.run.Notes = append(r.run.Notes, n)
		}
	}
}
