package crawl

import (
	"fmt"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/internal/urlcanon"
	"github.com/nianbao/nianbao/sites"
)

// frontier is a site run's queue of URLs, best first. The archive holds
// it (FrontierAdd with each fetch's commit, done-marks): a killed run
// resumes from there. In memory it keeps the items still to fetch and
// every key queued this run, so a URL is queued once.
//
// Guarded by the siteRun's mu.
type frontier struct {
	q      itemHeap
	queued map[string]bool // frontier keys known this run (pending or done)
	seq    int

	runStart time.Time
	resumed  bool // a persisted frontier was resumed
	fetches  int  // fetches this run, resumptions included (budget)
}

// loadFrontier resumes a persisted frontier or starts a new run.
func (r *siteRun) loadFrontier() error {
	pending, err := r.st.FrontierPending(r.site.Name)
	if err != nil {
		return wrapf(err, "load frontier of %s", r.site.Name)
	}
	var marker *archive.FrontierItem
	for i := range pending {
		if pending[i].Kind == kindRun {
			marker = &pending[i]
		}
	}
	if marker != nil {
		r.resumed = true
		if t, err := time.Parse(time.RFC3339Nano, marker.Extra["start"]); err == nil {
			r.runStart = t
		}
		// The budget continues: every fetch of the run marks its URL done
		// in the same transaction as its results, so the done-marks count
		// the fetches the killed processes completed.
		if fc, ok := r.st.(frontierCounter); ok {
			_, done, err := fc.FrontierLen(r.site.Name)
			if err != nil {
				return wrapf(err, "count frontier of %s", r.site.Name)
			}
			r.fetches = done
		}
		r.run.Notes = append(r.run.Notes, fmt.Sprintf("resumed a run started %s with %d URLs pending and %d of the page budget spent",
			r.runStart.Format(time.RFC3339), len(pending)-1, r.fetches))
	} else {
		// A new run. Stale done-marks of a run that finished without
		// clearing (killed after its report) must not hide URLs.
		if err := r.st.FrontierClear(r.site.Name); err != nil {
			return wrapf(err, "reset frontier of %s", r.site.Name)
		}
		r.runStart = r.e.now()
		items := []archive.FrontierItem{{
			URL: runMarkerURL, Site: r.site.Name, Kind: kindRun, Score: scoreRun,
			Extra: map[string]string{"start": r.runStart.Format(time.RFC3339Nano)},
		}}
		for i, s := range r.site.Start {
			items = append(items, archive.FrontierItem{
				URL: urlcanon.Key(s), Site: r.site.Name, Kind: sites.KindStart,
				Score: 1000 - float64(i), Extra: map[string]string{"url": s},
			})
		}
		if _, err := r.st.FrontierAdd(items...); err != nil {
			return wrapf(err, "seed frontier of %s", r.site.Name)
		}
		pending, err = r.st.FrontierPending(r.site.Name)
		if err != nil {
			return wrapf(err, "load frontier of %s", r.site.Name)
		}
	}
	for _, fi := range pending {
		if !r.queued[fi.URL] {
			r.queued[fi.URL] = true
			r.pushLocked(fi)
		}
	}
	return nil
}

// frontierCounter counts a site's pending and done frontier URLs
// (*archive.Archive, MemStore).
type frontierCounter interface {
	FrontierLen(site string) (pending, done int, err error)
}

// pushLocked queues an item already marked in r.queued (see claim).
func (r *siteRun) pushLocked(fi archive.FrontierItem) {
	r.seq++
	r.q.push(&item{FrontierItem: fi, seq: r.seq})
	if d := fi.Extra["doc"]; d != "" && fi.Kind != kindSighting {
		r.docWait[d]++
	}
}

// sighting is the frontier item that records that list page pageURL
// (parent's) showed the report at key, linked as linkURL.
func (r *siteRun) sighting(parent *item, key, linkURL, pageURL string) *archive.FrontierItem {
	return &archive.FrontierItem{
		URL: "sighting:" + key + "\x00" + parent.URL, Site: r.site.Name, Kind: kindSighting, Score: scoreSighting,
		Extra: map[string]string{"doc": archive.DocID(r.site.Name, key), "url": linkURL, "from": pageURL},
	}
}

// claim marks items queued for this run, in one step with the check: two
// pages analysed at once may both have found an unqueued URL. The page
// that claims it second keeps no item for it; if it listed the report
// (which the item would have recorded as its first sighting) it gets a
// sighting item instead, so that every list that showed a report is
// recorded whatever the timing.
func (r *siteRun) claim(parent *item, items []archive.FrontierItem) []archive.FrontierItem {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := items[:0]
	for _, fi := range items {
		if r.queued[fi.URL] {
			if fi.Kind != kindSighting && fi.Extra["sight"] == "1" {
				if s := r.sighting(parent, fi.URL, fi.Extra["url"], fi.Extra["from"]); !r.queued[s.URL] {
					r.queued[s.URL] = true
					out = append(out, *s)
				}
			}
			continue
		}
		r.queued[fi.URL] = true
		out = append(out, fi)
	}
	return out
}
