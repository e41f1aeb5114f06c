package crawl

import (
	"context"
	"errors"
	"net"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/crawl/fetch"
	"github.com/nianbao/nianbao/sites"
	"github.com/nianbao/nianbao/sniff"
)

// fetchOne fetches one frontier item, commits what it yields and returns
// the new frontier items (already persisted) for the in-memory queue.
func (r *siteRun) fetchOne(ctx context.Context, it *item) []archive.FrontierItem {
	raw := it.fetchURL()
	now := r.e.now()
	ev := Event{URL: raw, Kind: it.Kind}
	defer func() { r.progress(ev) }()
	u, err := url.Parse(raw)
	if err != nil || !r.hosts.allowed(u) {
		ev.Outcome = "skipped"
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	}
	if r.robots != nil && !r.robots.Allowed(ctx, raw) {
		if ctx.Err() != nil {
			return nil
		}
		ev.Outcome = "blocked:robots"
		r.count(func(run *archive.Run) { run.Blocked["robots"]++ })
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	}
	st, err := r.st.URLState(it.URL)
	if err != nil {
		r.setFatal(wrapf(err, "url state of %s", it.URL))
		return nil
	}
	res := get(r.col, raw, conditionalHeaders(st, it.Referer))
	if ctx.Err() != nil {
		// Not marked done: the resumed run fetches it again.
		return nil
	}
	ev.Status, ev.Bytes = res.status, len(res.body)
	r.count(func(run *archive.Run) {
		run.Pages++
		run.Bytes += int64(len(res.body))
	})
	if res.err != nil {
		kind := errKind(res.err)
		ev.Outcome = "error:" + kind
		r.e.log.Debug("fetch failed", "site", r.site.Name, "url", raw, "err", res.err)
		r.count(func(run *archive.Run) { run.Errors[kind]++ })
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	}
	v := classify(res.status, res.header, res.body, res.finalURL, it.Kind == sites.KindAttachment)
	switch v.Outcome {
	case outNotModified:
		ev.Outcome = "not_modified"
		r.count(func(*archive.Run) { r.okPages++ })
		if st == nil {
			r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
			return nil
		}
		ns := *st
		ns.Status, ns.LastSeen, ns.NextCheck = res.status, now, r.nextCheck(it.Kind, now)
		var items []archive.FrontierItem
		if isPageKind(it.Kind) && st.SHA256 != "" {
			// An unchanged list still leads to sub-columns that may have
			// changed: analyse the archived copy.
			if body, err := r.st.ReadBlob(st.SHA256); err == nil && sniff.Detect(body) == sniff.HTML {
				items = r.followPage(it, raw, body, st.ETag, "", false)
			}
		}
		r.commit(archive.Fetch{State: &ns, Site: r.site.Name, Done: it.URL, New: items})
		return items
	case outShell:
		// A JS/meta-refresh shell: followed once (never from a shell), not archived.
		ev.Outcome = "shell"
		r.count(func(*archive.Run) { r.okPages++ })
		var items []archive.FrontierItem
		if v.Target != "" && it.Extra["shell"] == "" {
			items = r.links(it, res.finalURL, sites.Analysis{Links: []sites.Link{{URL: v.Target, Kind: it.Kind, Title: it.Extra["title"], Score: it.Score, Why: "redirect shell"}}}, it.Extra["doc"], nil)
		}
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL, New: items})
		return items
	case outBlocked:
		ev.Outcome = "blocked:" + v.Reason
		r.count(func(run *archive.Run) { run.Blocked[v.Reason]++ })
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	case outError:
		ev.Outcome = "error:" + v.Reason
		r.count(func(run *archive.Run) { run.Errors[v.Reason]++ })
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	}
	ev.Outcome = "ok"
	r.count(func(*archive.Run) { r.okPages++ })
	return r.storeOK(it, raw, res, st, now)
}

func (r *siteRun) setFatal(err error) {
	r.mu.Lock()
	if r.fatal == nil {
		r.fatal = err
	}
	r.cond.Broadcast()
	r.mu.Unlock()
}

// commit writes one fetch's changes; a storage failure stops the run.
func (r *siteRun) commit(f archive.Fetch) {
	if err := r.st.CommitFetch(f); err != nil {
		r.setFatal(wrapf(err, "commit %s", f.Done))
	}
}

func isPageKind(k string) bool {
	switch k {
	case sites.KindStart, sites.KindNav, sites.KindList, sites.KindDetail, sites.KindPart:
		return true
	}
	return false
}

func (r *siteRun) nextCheck(kind string, now time.Time) time.Time {
	switch kind {
	case sites.KindDetail, sites.KindPart, sites.KindAttachment:
		return now.Add(r.recheck)
	}
	return now // lists and navigation are re-checked every run
}

func errKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, fetch.ErrBodyTooLarge):
		return "too_large"
	case errors.Is(err, fetch.ErrNonLoopback):
		return "non_loopback"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(err.Error(), "redirect"):
		return "redirect"
	case strings.Contains(err.Error(), "tls") || strings.Contains(err.Error(), "x509"):
		return "tls"
	}
	return "network"
}

// storeOK archives a 200 response and acts on what it is.
func (r *siteRun) storeOK(it *item, raw string, res *fetched, st *archive.URLState, now time.Time) []archive.FrontierItem {
	info, _, err := r.st.PutBlobBytes(res.body)
	if err != nil {
		r.setFatal(wrapf(err, "store blob of %s", raw))
		return nil
	}
	changed := st == nil || st.SHA256 != info.SHA256
	var capture *archive.Capture
	if changed {
		capture = &archive.Capture{
			URL: raw, FinalURL: res.finalURL, Time: now, Status: res.status,
			Headers: fetch.KeepHeaders(res.header), Referer: it.Referer,
			ParentURL: it.Extra["from"], AnchorText: it.AnchorText, Site: r.site.Name,
			SHA256: info.SHA256, Size: info.Size, MediaType: info.MediaType,
			Filename: r.filename(it, res), Source: "crawl",
		}
	}
	state := &archive.URLState{
		URL: it.URL, ETag: res.header.Get("ETag"), LastModified: res.header.Get("Last-Modified"),
		SHA256: info.SHA256, Status: res.status, Kind: it.Kind, LastSeen: now, NextCheck: r.nextCheck(it.Kind, now),
	}
	f := archive.Fetch{Capture: capture, State: state, Site: r.site.Name, Done: it.URL}

	isHTML := info.MediaType == sniff.HTML
	switch {
	case isPageKind(it.Kind) && isHTML:
		docID := ""
		page, a, ok := r.analyze(it, res.finalURL, res.body, res.header.Get("Content-Type"))
		if ok && it.Kind == sites.KindPart {
			docID = it.Extra["doc"]
			r.docMu.Lock()
			defer r.docMu.Unlock()
			if d, err := r.st.Document(docID); err == nil {
				if upsertFile(d, archive.FileRef{URL: raw, SHA256: info.SHA256, MediaType: info.MediaType, Size: info.Size, Role: "page"}) {
					resetParse(d)
				}
				d.LastSeen = now
				f.Doc = d
				if capture != nil {
					capture.DocID = d.ID
				}
			}
		} else if ok && a.Report != nil && !a.IsList {
			// A report reached as a list (a tree's year link) is re-checked like a detail.
			state.Kind, state.NextCheck = sites.KindDetail, r.nextCheck(sites.KindDetail, now)
			r.docMu.Lock()
			defer r.docMu.Unlock()
			d, twin := r.reportPage(it, raw, page, a, info, now)
			if d != nil {
				f.Doc = d
				if capture != nil {
					capture.DocID = d.ID
				}
				if !twin {
					docID = d.ID
				}
			}
		}
		var items []archive.FrontierItem
		if ok {
			items = r.links(it, res.finalURL, a, docID, res.body)
		}
		f.New = items
		if err := r.st.CommitFetch(f); err != nil {
			r.setFatal(wrapf(err, "commit %s", raw))
			return nil
		}
		return items
	case it.Kind == sites.KindAttachment || it.Kind == sites.KindDetail && sniff.IsDocument(info.MediaType):
		r.docMu.Lock()
		defer r.docMu.Unlock()
		if d := r.attachment(it, raw, res, info, now); d != nil {
			f.Doc = d
			if capture != nil {
				capture.DocID = d.ID
			}
		}
	}
	r.commit(f)
	return nil
}

func (r *siteRun) filename(it *item, res *fetched) string {
	name := fetch.Filename(res.header.Get("Content-Disposition"), res.finalURL)
	if it.Kind != sites.KindAttachment {
		return name
	}
	// VSB download.jsp: no extension in the URL, the name is the link text.
	if path.Ext(name) == "" {
		if t := strings.TrimSpace(it.AnchorText); t != "" && path.Ext(t) != "" && !strings.ContainsAny(t, "/\\") {
			return t
		}
	}
	return name
}

// analyze decodes a page (a private copy) and asks the site's rule (or the
// detected family) what it is.
func (r *siteRun) analyze(it *item, finalURL string, body []byte, contentType string) (*sites.Page, sites.Analysis, bool) {
	html := charset.DecodeHTML(body, contentType)
	kind := it.Kind
	if kind == sites.KindStart && it.Extra["kind"] != "" {
		kind = it.Extra["kind"]
	}
	page, err := sites.NewPage(finalURL, html, kind, it.Extra["title"])
	if err != nil {
		r.count(func(run *archive.Run) { run.Errors["bad_html"]++ })
		return nil, sites.Analysis{}, false
	}
	rule := r.rule
	var dets []sites.Detection
	if rule == nil {
		rule, dets = sites.Detect(page)
	}
	r.count(func(*archive.Run) { r.families[rule.Name()]++ })
	a := rule.Analyze(page)
	if r.e.opts.Explain != nil {
		r.e.opts.Explain(Explanation{Site: r.site.Name, URL: finalURL, Kind: it.Kind, Family: rule.Name(), Detections: dets, Analysis: a})
	}
	return page, a, true
}

// followPage re-analyses an archived page (after a 304) for its links.
func (r *siteRun) followPage(it *item, raw string, body []byte, _ string, contentType string, _ bool) []archive.FrontierItem {
	_, a, ok := r.analyze(it, raw, body, contentType)
	if !ok {
		return nil
	}
	docID := ""
	if it.Kind != sites.KindPart && a.Report != nil && !a.IsList {
		id := archive.DocID(r.site.Name, it.URL)
		if _, err := r.st.Document(id); err == nil {
			docID = id
		}
	}
	if it.Kind == sites.KindPart {
		docID = it.Extra["doc"]
	}
	return r.links(it, raw, a, docID, body)
}

// links turns a page's links into frontier items: allowed hosts only,
// deduped by canonical URL, details and attachments only when due, the
// next page of a list only when this page showed something new.
func (r *siteRun) links(parent *item, pageURL string, a sites.Analysis, docID string, _ []byte) []archive.FrontierItem {
	now := r.e.now()
	var out, next []archive.FrontierItem
	reportLinks, anyNew := 0, false
	listish := parent.Kind == sites.KindList || parent.Kind == sites.KindNav || parent.Kind == sites.KindStart
	links := a.Links
	seen := map[string]bool{}
	for _, l := range links {
		lu, err := url.Parse(l.URL)
		if err != nil || !r.hosts.allowed(lu) {
			continue
		}
		key := fetch.CanonicalURL(l.URL)
		if key == parent.URL || seen[key] {
			continue
		}
		seen[key] = true
		kind, depth := l.Kind, parent.Depth
		report := kind == sites.KindDetail
		switch kind {
		case sites.KindNav:
			if depth+1 > r.maxDepth {
				continue
			}
			depth++
		case sites.KindAttachment, sites.KindPart:
			if docID == "" {
				if kind == sites.KindPart || !sites.ClassifyTitle(l.Title).IsReport {
					continue // files of pages that are not reports are not ours
				}
				report = true
			}
		}
		st, err := r.st.URLState(key)
		if err != nil {
			r.setFatal(wrapf(err, "url state of %s", key))
			return nil
		}
		if report {
			reportLinks++
			if st == nil || !st.LastSeen.Before(r.runStart) {
				anyNew = true
			}
			if listish {
				out = append(out, archive.FrontierItem{
					URL: "sighting:" + key + "\x00" + parent.URL, Site: r.site.Name, Kind: kindSighting, Score: scoreSighting,
					Extra: map[string]string{"doc": archive.DocID(r.site.Name, key), "url": l.URL, "from": pageURL},
				})
			}
		}
		if (kind == sites.KindDetail || kind == sites.KindPart || kind == sites.KindAttachment) &&
			st != nil && st.SHA256 != "" && st.NextCheck.After(now) {
			continue // archived and not yet due for a re-check
		}
		r.mu.Lock()
		q := r.queued[key]
		r.mu.Unlock()
		if q {
			continue
		}
		if seen, err := r.st.FrontierSeen(r.site.Name, key); err == nil && seen {
			continue
		}
		extra := map[string]string{"url": l.URL, "from": pageURL}
		if l.Title != "" {
			extra["title"] = l.Title
		}
		if l.Date != "" {
			extra["date"] = l.Date
		}
		if docID != "" && (kind == sites.KindAttachment || kind == sites.KindPart || l.Why == "redirect shell") {
			extra["doc"] = docID
		}
		if l.Why == "redirect shell" {
			extra["shell"] = "1"
		}
		fi := archive.FrontierItem{
			URL: key, Site: r.site.Name, Kind: kind, Referer: pageURL, AnchorText: l.Title,
			Depth: depth, Score: l.Score - 2*float64(depth), Extra: extra,
		}
		if l.Next {
			next = append(next, fi)
		} else {
			out = append(out, fi)
		}
	}
	if !r.stopPaging || reportLinks == 0 || anyNew {
		out = append(out, next...)
	}
	return out
}

// reportPage creates or updates the document of a report page. A page
// whose bytes already belong to another document of the site (a twin under
// another URL) only adds a sighting there; twin is then true.
func (r *siteRun) reportPage(it *item, raw string, page *sites.Page, a sites.Analysis, info archive.BlobInfo, now time.Time) (d *archive.Document, twin bool) {
	id := archive.DocID(r.site.Name, it.URL)
	file := archive.FileRef{URL: raw, SHA256: info.SHA256, MediaType: info.MediaType, Size: info.Size, Role: "page"}
	d, err := r.st.Document(id)
	if err == nil {
		if upsertFile(d, file) {
			resetParse(d)
		}
		d.LastSeen = now
		r.touch(d.ID, false)
		return d, false
	}
	if !isNotFound(err) {
		r.setFatal(wrapf(err, "document %s", id))
		return nil, false
	}
	if ds, err := r.st.DocumentsByHash(info.SHA256); err == nil {
		for _, o := range ds {
			if o.Site == r.site.Name && o.ID != id {
				addSighting(o, archive.Sighting{URL: raw, From: it.Extra["from"], Site: r.site.Name, Time: now})
				o.LastSeen = now
				r.touch(o.ID, false)
				return o, true
			}
		}
	}
	// The page's own title and date first: they do not depend on which
	// list happened to link the page first (runs stay reproducible).
	title, ti := a.Title, sites.ClassifyTitle(a.Title)
	if !ti.IsReport {
		title, ti = it.Extra["title"], sites.ClassifyTitle(it.Extra["title"])
	}
	if !ti.IsReport {
		title, ti = a.Report.Title, *a.Report
	}
	d = r.newDoc(id, raw, title, ti, firstNonEmpty(a.Date, it.Extra["date"]), now)
	d.Files = []archive.FileRef{file}
	r.touch(d.ID, true)
	return d, false
}

func (r *siteRun) newDoc(id, raw, title string, ti sites.TitleInfo, date string, now time.Time) *archive.Document {
	body := ti.Body
	if body == "" {
		body = r.site.Body
	}
	return &archive.Document{
		ID: id, Site: r.site.Name, URL: raw, Title: strings.TrimSpace(title), PublishedAt: date,
		Body: body, Region: r.site.Region, Year: ti.Year, Source: "crawl",
		FirstSeen: now, LastSeen: now,
	}
}

// attachment adds a fetched file to its document, or makes a report
// linked directly as a file into a document of its own.
func (r *siteRun) attachment(it *item, raw string, res *fetched, info archive.BlobInfo, now time.Time) *archive.Document {
	file := archive.FileRef{URL: raw, SHA256: info.SHA256, MediaType: info.MediaType, Size: info.Size, Filename: r.filename(it, res), Role: "attachment"}
	if id := it.Extra["doc"]; id != "" {
		d, err := r.st.Document(id)
		if err != nil {
			return nil
		}
		if upsertFile(d, file) {
			resetParse(d)
		}
		d.LastSeen = now
		return d
	}
	id := archive.DocID(r.site.Name, it.URL)
	if d, err := r.st.Document(id); err == nil {
		if upsertFile(d, file) {
			resetParse(d)
		}
		d.LastSeen = now
		r.touch(d.ID, false)
		return d
	}
	if ds, err := r.st.DocumentsByHash(info.SHA256); err == nil {
		for _, o := range ds {
			if o.Site == r.site.Name {
				addSighting(o, archive.Sighting{URL: raw, From: it.Extra["from"], Site: r.site.Name, Time: now})
				r.touch(o.ID, false)
				return o
			}
		}
	}
	title := firstNonEmpty(it.Extra["title"], it.AnchorText)
	ti := sites.ClassifyTitle(title)
	if !ti.IsReport {
		return nil
	}
	d := r.newDoc(id, raw, title, ti, it.Extra["date"], now)
	d.Files = []archive.FileRef{file}
	r.touch(d.ID, true)
	return d
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

// recordSighting notes that a list showed a report, once the report's
// document exists (sightings run after every fetch of the run).
func (r *siteRun) recordSighting(it *item) {
	now := r.e.now()
	r.docMu.Lock()
	err := r.st.UpdateDocument(it.Extra["doc"], func(d *archive.Document) error {
		addSighting(d, archive.Sighting{URL: it.Extra["url"], From: it.Extra["from"], Site: r.site.Name, Time: now})
		return nil
	})
	r.docMu.Unlock()
	if err == nil {
		r.touch(it.Extra["doc"], false)
	} else if !isNotFound(err) {
		r.setFatal(wrapf(err, "record sighting %s", it.URL))
		return
	}
	if err := r.st.FrontierDone(r.site.Name, it.URL); err != nil {
		r.setFatal(wrapf(err, "frontier done %s", it.URL))
	}
}

// upsertFile replaces the file with the same canonical URL or appends it;
// it reports whether the document's content changed.
func upsertFile(d *archive.Document, f archive.FileRef) bool {
	key := fetch.CanonicalURL(f.URL)
	for i, o := range d.Files {
		if fetch.CanonicalURL(o.URL) == key {
			if o.SHA256 == f.SHA256 {
				if f.Filename != "" && o.Filename == "" {
					d.Files[i].Filename = f.Filename
				}
				return false
			}
			d.Files[i] = f
			return true
		}
	}
	d.Files = append(d.Files, f)
	return true
}

func resetParse(d *archive.Document) {
	d.ParseStatus, d.Format, d.FailedChecks, d.Warnings, d.Parsed, d.ParserVer = "", "", 0, nil, nil, ""
}

func addSighting(d *archive.Document, s archive.Sighting) {
	for _, o := range d.Sightings {
		if o.From == s.From && fetch.CanonicalURL(o.URL) == fetch.CanonicalURL(s.URL) {
			return
		}
	}
	d.Sightings = append(d.Sightings, s)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
