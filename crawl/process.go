package crawl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/crawl/fetch"
	"github.com/nianbao/nianbao/internal/urlcanon"
	"github.com/nianbao/nianbao/sites"
	"github.com/nianbao/nianbao/sniff"
)

// fetchOne fetches one frontier item, commits what it yields and returns
// the new frontier items (already persisted) for the in-memory queue.
func (r *siteRun) fetchOne(ctx context.Context, it *item) []archive.FrontierItem {
	raw := it.fetchURL()
	ev := Event{URL: raw, Kind: it.Kind}
	defer func() { r.progress(ev) }()
	u, err := url.Parse(raw)
	if err != nil || !r.hosts.allowed(u) {
		ev.Outcome = "skipped"
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	}
	// Wait for the host's turn here, at the top of the stack, not deep
	// inside colly and net/http (a thousand hosts' waiting workers).
	_ = r.f.limiter.Ready(ctx, fetch.HostKey(u))
	now := r.e.now()
	if r.pol.Robots {
		d, err := r.f.robots.Check(ctx, raw)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil || !d.Allowed {
			// An unreachable robots.txt (no answer, 5xx, 429) disallows
			// the host for a while (RFC 9309), but the site did not block
			// us: an error, not a robots block. A WAF status on robots.txt
			// (521 加速乐, 412 瑞数) is the site shutting us out: a block.
			kind, blocked := "robots", true
			switch {
			case err != nil:
				kind, blocked = "bad_url", false
			case d.Reason == fetch.RobotsError && d.Err != nil:
				// No answer at all: the host or the network is down, which
				// says nothing about robots.txt.
				kind, blocked = errKind(d.Err), false
			case d.Reason == fetch.RobotsError && !wafStatus(d.Status):
				kind, blocked = fetch.RobotsError, false
			}
			if blocked {
				ev.Outcome = "blocked:" + kind
				r.count(func(run *archive.Run) { run.Blocked[kind]++ })
			} else {
				ev.Outcome = "error:" + kind
				r.count(func(run *archive.Run) { run.Errors[kind]++ })
			}
			r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
			return nil
		}
	}
	st, err := r.st.URLState(it.URL)
	if err != nil {
		r.setFatal(wrapf(err, "url state of %s", it.URL))
		return nil
	}
	var res *fetched
	validators := st
	if st != nil && (it.Kind == sites.KindDetail || it.Kind == sites.KindPart || it.Kind == sites.KindAttachment) && !r.hasCopy(it.URL, st) {
		validators = nil // another site's copy: a 304 would leave this site without the file
	}
	switch form := it.Extra["form"]; {
	case form != "":
		res = post(r.col, raw, form, conditionalHeaders(nil, it.Referer)) // no validators on a POST
	case it.Kind == sites.KindAttachment || it.Kind == sites.KindDetail:
		// May be a large file: kept in a temporary file, not in memory.
		res = getFile(r.col, raw, conditionalHeaders(validators, it.Referer))
	default:
		res = get(r.col, raw, conditionalHeaders(validators, it.Referer))
	}
	defer res.close()
	if ctx.Err() != nil {
		// Not marked done: the resumed run fetches it again.
		return nil
	}
	ev.Status, ev.Bytes = res.status, int(res.size)
	r.count(func(run *archive.Run) {
		run.Pages++
		run.Bytes += res.size
	})
	if res.err != nil {
		kind := errKind(res.err)
		ev.Outcome = "error:" + kind
		r.e.log.Debug("fetch failed", "site", r.site.Name, "url", raw, "err", res.err)
		r.count(func(run *archive.Run) { run.Errors[kind]++ })
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	}
	text := ""
	if isPageKind(it.Kind) && analysable(it.Kind, sniff.Detect(res.body)) {
		if err := res.whole(); err != nil { // a large page: analysed whole
			r.setFatal(err)
			return nil
		}
		text = res.text() // decoded once for classification and analysis
	}
	v := classify(res.status, res.header, res.body, text, res.finalURL, it.Kind == sites.KindAttachment)
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
			if body, err := r.st.ReadBlob(st.SHA256); err == nil && analysable(it.Kind, sniff.Detect(body)) {
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
			items = r.links(it, res.finalURL, sites.Analysis{Links: []sites.Link{{URL: v.Target, Kind: it.Kind, Title: it.Extra["title"], Score: it.Score, Why: "redirect shell"}}}, it.Extra["doc"], it.Extra["family"])
		}
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL, New: items})
		return items
	case outBlocked:
		ev.Outcome = "blocked:" + v.Reason
		r.count(func(run *archive.Run) { run.Blocked[v.Reason]++ })
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	case outError:
		if strings.HasPrefix(v.Reason, string(fetch.KindSoft404)) && isPageKind(it.Kind) && r.namesReport(it, res) {
			break // a short report that mentions "404" (e.g. 404 requests) is not an error page
		}
		ev.Outcome = "error:" + v.Reason
		r.count(func(run *archive.Run) { run.Errors[v.Reason]++ })
		r.commit(archive.Fetch{Site: r.site.Name, Done: it.URL})
		return nil
	}
	ev.Outcome = "ok"
	r.count(func(*archive.Run) { r.okPages++ })
	return r.storeOK(it, raw, res, st, now)
}

// hasCopy reports whether this site holds the archived copy a URL state
// describes: its own document of the URL, or one of its documents holding
// those bytes (a twin). URL states are shared by the sites of an archive;
// when several site entries reach one URL (a district's tree and a
// bureau's own entry), another site's fetch must not make this site skip
// the URL as "archived, not yet due": each site keeps its own documents,
// whatever order the sites of a run reach the URL in.
func (r *siteRun) hasCopy(key string, st *archive.URLState) bool {
	r.docs.mu.Lock()
	defer r.docs.mu.Unlock()
	if _, err := r.docs.get(archive.DocID(r.site.Name, key)); err == nil {
		return true
	}
	return st.SHA256 != "" && r.docs.ofHash(st.SHA256, "") != nil
}

// namesReport reports whether a page judged a soft 404 is in fact a report
// page: its own title names a report.
func (r *siteRun) namesReport(it *item, res *fetched) bool {
	page, err := sites.NewPage(res.finalURL, res.text(), it.Kind, "")
	if err != nil {
		return false
	}
	return sites.ClassifyTitle(sites.PageTitle(page)).IsReport
}

func (r *siteRun) setFatal(err error) {
	r.mu.Lock()
	if r.fatal == nil {
		r.fatal = err
	}
	r.cond.Broadcast()
	r.mu.Unlock()
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

// errKind names a failed fetch in the run report: the network kinds of
// fetch.NetKind (dns, refused, unreachable, connect_timeout, timeout, …)
// and a few of the crawl's own.
func errKind(err error) string {
	switch {
	case errors.Is(err, fetch.ErrBodyTooLarge):
		return "too_large"
	case errors.Is(err, fetch.ErrNonLoopback):
		return "non_loopback"
	}
	var down *fetch.HostDownError
	if k := fetch.NetKind(err); k != fetch.KindNetwork || errors.As(err, &down) {
		return k
	}
	if strings.Contains(err.Error(), "redirect") {
		return "redirect"
	}
	return fetch.KindNetwork
}

// storeOK archives a 200 response and acts on what it is.
func (r *siteRun) storeOK(it *item, raw string, res *fetched, st *archive.URLState, now time.Time) []archive.FrontierItem {
	var info archive.BlobInfo
	if sp := res.spool; sp != nil {
		info = archive.BlobInfo{SHA256: hex.EncodeToString(sp.SHA256[:]), Size: sp.Size, MediaType: sniff.DetectReaderAt(sp.ReaderAt(), sp.Size)}
	} else {
		sum := sha256.Sum256(res.body)
		info = archive.BlobInfo{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(res.body)), MediaType: sniff.Detect(res.body)}
	}
	changed := st == nil || st.SHA256 != info.SHA256
	var capture *archive.Capture
	var blob []byte
	if changed && res.spool != nil {
		// Stored chunk by chunk from the file, before the capture that
		// names it (a kill in between leaves bytes no record uses, which
		// the next fetch's put finds stored).
		if _, _, err := r.st.PutBlobAt(res.spool.ReaderAt(), res.spool.Size, res.spool.SHA256, info.MediaType); err != nil {
			r.setFatal(wrapf(err, "store %s", raw))
			return nil
		}
	}
	if changed {
		if res.spool == nil {
			blob = res.body // stored in the same transaction as its capture
		}
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
	f := archive.Fetch{Blob: blob, Capture: capture, State: state, Site: r.site.Name, Done: it.URL}

	switch {
	case isPageKind(it.Kind) && analysable(it.Kind, info.MediaType):
		docID := ""
		page, a, family, ok := r.analyze(it, res.finalURL, res.text())
		r.docs.mu.Lock()
		if ok && it.Kind == sites.KindPart {
			docID = it.Extra["doc"]
			if d, err := r.docs.get(docID); err == nil {
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
			d, twin := r.reportPage(it, raw, page, a, info, st != nil, now)
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
		if f.Doc != nil {
			r.docs.put(f.Doc)
		}
		r.docs.mu.Unlock()
		var items []archive.FrontierItem
		if ok {
			items = r.links(it, res.finalURL, a, docID, family)
		}
		f.New = items
		r.commitDoc(it, f)
		return items
	case it.Kind == sites.KindAttachment || it.Kind == sites.KindDetail && sniff.IsDocument(info.MediaType):
		r.docs.mu.Lock()
		if d := r.attachment(it, raw, res, info, now); d != nil {
			f.Doc = d
			if capture != nil {
				capture.DocID = d.ID
			}
			r.docs.put(d)
		}
		r.docs.mu.Unlock()
	}
	r.commitDoc(it, f)
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

// analyze asks the site's rule (or the detected family) what a decoded
// page is.
func (r *siteRun) analyze(it *item, finalURL, html string) (*sites.Page, sites.Analysis, string, bool) {
	kind := it.Kind
	if kind == sites.KindStart && it.Extra["kind"] != "" {
		kind = it.Extra["kind"]
	}
	page, err := sites.NewPage(finalURL, html, kind, it.Extra["title"])
	if err != nil {
		r.count(func(run *archive.Run) { run.Errors["bad_html"]++ })
		return nil, sites.Analysis{}, "", false
	}
	page.Form = it.Extra["form"]
	page.Selectors = r.selectors
	rule := r.rule
	var dets []sites.Detection
	if rule == nil && it.Extra["family"] != "" {
		rule, _ = sites.Lookup(it.Extra["family"]) // the list's family (see links)
	}
	if rule == nil {
		rule, dets = sites.Detect(page)
	}
	a := rule.Analyze(page)
	if note, ok := sites.NeedsBrowser(page, a); ok && !hasPrefixIn(a.Notes, sites.NoteNeedsBrowser) {
		// A report column only a browser can draw, whatever its family.
		a.Notes = append(a.Notes, note)
	}
	r.count(func(*archive.Run) {
		r.families[rule.Name()]++
		if a.IsList {
			r.listFamilies[rule.Name()]++
		}
		r.countIncomplete(a.Notes)
		r.addNotes(a.Notes)
	})
	if r.e.opts.Explain != nil {
		r.e.opts.Explain(Explanation{Site: r.site.Name, URL: finalURL, Kind: it.Kind, Family: rule.Name(), Detections: dets, Analysis: a})
	}
	return page, a, rule.Name(), true
}

// followPage re-analyses an archived page (after a 304) for its links.
func (r *siteRun) followPage(it *item, raw string, body []byte, _ string, contentType string, _ bool) []archive.FrontierItem {
	_, a, family, ok := r.analyze(it, raw, charset.DecodeHTML(body, contentType))
	if !ok {
		return nil
	}
	docID := ""
	if it.Kind != sites.KindPart && a.Report != nil && !a.IsList {
		id := archive.DocID(r.site.Name, it.URL)
		r.docs.mu.Lock()
		if _, err := r.docs.get(id); err == nil {
			docID = id
		}
		r.docs.mu.Unlock()
	}
	if it.Kind == sites.KindPart {
		docID = it.Extra["doc"]
	}
	return r.links(it, raw, a, docID, family)
}

// links turns a page's links into frontier items: allowed hosts only,
// deduped by canonical URL, details and attachments only when due, the
// next page of a list only when this page showed something new.
//
// family is the rule that read the page: a detail or continuation page on
// the same host is read by the same (non-generic) family without running
// every rule's Detect again (see analyze).
func (r *siteRun) links(parent *item, pageURL string, a sites.Analysis, docID string, family string) []archive.FrontierItem {
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
		key := urlcanon.Key(l.URL)
		if l.Form != "" {
			// A POSTed list: each form (page) is its own frontier item.
			key += "\x00POST\x00" + l.Form
		}
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
		// A sighting item records that this list showed the report once
		// its document exists. Not needed when this very list queues the
		// never-fetched report: its document is created with this sighting
		// (firstSighting), and the frontier write is saved.
		var sight *archive.FrontierItem
		if report {
			reportLinks++
			if st == nil || !st.LastSeen.Before(r.runStart) {
				anyNew = true
			}
			if listish {
				sight = r.sighting(parent, key, l.URL, pageURL)
			}
		}
		if (kind == sites.KindDetail || kind == sites.KindPart || kind == sites.KindAttachment) &&
			st != nil && st.SHA256 != "" && st.NextCheck.After(now) && r.hasCopy(key, st) {
			out = appendItem(out, sight)
			continue // archived and not yet due for a re-check
		}
		r.mu.Lock()
		q := r.queued[key]
		r.mu.Unlock()
		if q {
			out = appendItem(out, sight)
			continue
		}
		if r.resumed {
			// Only a resumed run has done-marks that r.queued does not know.
			if seen, err := r.st.FrontierSeen(r.site.Name, key); err == nil && seen {
				out = appendItem(out, sight)
				continue
			}
		}
		if st != nil || l.Next {
			out = appendItem(out, sight)
		}
		// Titles and dates are cut from the page's decoded text: cloned, so
		// a queued item does not keep the whole page alive.
		extra := map[string]string{"url": l.URL, "from": pageURL}
		if l.Title != "" {
			extra["title"] = strings.Clone(l.Title)
		}
		if l.Date != "" {
			extra["date"] = strings.Clone(l.Date)
		}
		if docID != "" && (kind == sites.KindAttachment || kind == sites.KindPart || l.Why == "redirect shell") {
			extra["doc"] = docID
		}
		if l.Why == "redirect shell" {
			extra["shell"] = "1"
		}
		if report && listish {
			extra["sight"] = "1"
		}
		if l.Form != "" {
			extra["form"] = l.Form
		}
		if inheritFamily(family, l, pageURL) {
			extra["family"] = family
		}
		fi := archive.FrontierItem{
			URL: key, Site: r.site.Name, Kind: kind, Referer: pageURL, AnchorText: extra["title"],
			Depth: depth, Score: l.Score - 2*float64(depth), Extra: extra,
		}
		if l.Next {
			next = append(next, fi)
		} else {
			out = append(out, fi)
		}
	}
	if !r.stopPaging || reportLinks == 0 || anyNew {
		out = append(out, r.pageOn(parent, pageURL, a, next)...)
	}
	return r.claim(parent, out)
}

// wafStatus: statuses only anti-bot walls answer with (fetch.Classify
// names them from the body; robots.txt bodies are not kept).
func wafStatus(status int) bool { return status == 521 || status == 412 }

// inheritFamily: a detail or continuation page linked from a page a family
// rule read, on the same host, is that family's too (its list markup named
// it), and so is the next page of a list (the same template: detecting it
// again runs every rule's Detect on each of a long column's pages);
// generic pages and other hosts are detected afresh.
func inheritFamily(family string, l sites.Link, pageURL string) bool {
	if family == "" || family == "generic" {
		return false
	}
	if l.Kind != sites.KindDetail && l.Kind != sites.KindPart && !(l.Kind == sites.KindList && l.Next) {
		return false
	}
	linkURL := l.URL
	pu, err1 := url.Parse(pageURL)
	lu, err2 := url.Parse(linkURL)
	return err1 == nil && err2 == nil && strings.EqualFold(pu.Host, lu.Host)
}

func appendItem(out []archive.FrontierItem, it *archive.FrontierItem) []archive.FrontierItem {
	if it == nil {
		return out
	}
	return append(out, *it)
}

// reportPage creates or updates the document of a report page. A page
// whose bytes already belong to another document of the site (a twin under
// another URL) only adds a sighting there; twin is then true.
//
// known says whether the URL has a stored state: a document named after a
// URL is committed with that URL's state, so without one only this run's
// documents (docCache) can hold it and the store is not asked.
func (r *siteRun) reportPage(it *item, raw string, page *sites.Page, a sites.Analysis, info archive.BlobInfo, known bool, now time.Time) (d *archive.Document, twin bool) {
	id := archive.DocID(r.site.Name, it.URL)
	file := archive.FileRef{URL: raw, SHA256: info.SHA256, MediaType: info.MediaType, Size: info.Size, Role: "page"}
	var err error
	if known {
		d, err = r.docs.get(id)
	} else {
		d, err = r.docs.cached(id)
	}
	if err == nil {
		if upsertFile(d, file) {
			resetParse(d)
		}
		r.nameTwin(d, raw)
		d.LastSeen = now
		r.touch(d.ID, false)
		return d, false
	}
	if !isNotFound(err) {
		r.setFatal(wrapf(err, "document %s", id))
		return nil, false
	}
	if o := r.docs.ofHash(info.SHA256, id); o != nil {
		addSighting(o, archive.Sighting{URL: raw, From: it.Extra["from"], Site: r.site.Name, Time: now})
		o.LastSeen = now
		r.touch(o.ID, false)
		return o, true
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
	r.firstSighting(d, it, now)
	r.touch(d.ID, true)
	return d, false
}

func (r *siteRun) newDoc(id, raw, title string, ti sites.TitleInfo, date string, now time.Time) *archive.Document {
	body := ti.Body
	if body == "" {
		body = r.site.Body
	}
	// Cloned: title, date and body may be cut from a page's decoded text,
	// which the run's document cache must not keep alive.
	return &archive.Document{
		ID: id, Site: r.site.Name, URL: raw, Title: strings.Clone(strings.TrimSpace(title)), PublishedAt: strings.Clone(date),
		Body: strings.Clone(body), Region: r.site.RegionName(), Year: ti.Year, Source: "crawl",
		// The site's config is knowledge from outside the files: the
		// parser's reading never overrides it (package ingest).
		HintBody: r.site.Body, HintRegion: r.site.RegionName(),
		FirstSeen: now, LastSeen: now,
	}
}

// attachment adds a fetched file to its document, or makes a report
// linked directly as a file into a document of its own.
func (r *siteRun) attachment(it *item, raw string, res *fetched, info archive.BlobInfo, now time.Time) *archive.Document {
	file := archive.FileRef{URL: raw, SHA256: info.SHA256, MediaType: info.MediaType, Size: info.Size, Filename: r.filename(it, res), Role: "attachment"}
	if id := it.Extra["doc"]; id != "" {
		d, err := r.docs.get(id)
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
	if d, err := r.docs.get(id); err == nil {
		if upsertFile(d, file) {
			resetParse(d)
		}
		r.nameTwin(d, raw)
		d.LastSeen = now
		r.touch(d.ID, false)
		return d
	}
	if o := r.docs.ofHash(info.SHA256, id); o != nil {
		addSighting(o, archive.Sighting{URL: raw, From: it.Extra["from"], Site: r.site.Name, Time: now})
		r.touch(o.ID, false)
		return o
	}
	title := firstNonEmpty(it.Extra["title"], it.AnchorText)
	ti := sites.ClassifyTitle(title)
	if !ti.IsReport {
		return nil
	}
	d := r.newDoc(id, raw, title, ti, it.Extra["date"], now)
	d.Files = []archive.FileRef{file}
	r.firstSighting(d, it, now)
	r.touch(d.ID, true)
	return d
}

// firstSighting records, with a new document, the list that linked it.
func (r *siteRun) firstSighting(d *archive.Document, it *item, now time.Time) {
	if it.Extra["sight"] != "" {
		addSighting(d, archive.Sighting{URL: it.Extra["url"], From: it.Extra["from"], Site: r.site.Name, Time: now})
	}
}

// recordSighting notes that a list showed a report, once the report's
// document exists (sighting items come after every fetch of the run). The
// common case, the list that led to the report, was recorded with the
// document, so this costs a read. Sighting items are not marked done:
// they are idempotent and the frontier is cleared at the end of the run.
func (r *siteRun) recordSighting(it *item) {
	now := r.e.now()
	id := it.Extra["doc"]
	s := archive.Sighting{URL: it.Extra["url"], From: it.Extra["from"], Site: r.site.Name, Time: now}
	r.docs.mu.Lock()
	d, err := r.docs.get(id)
	switch {
	case isNotFound(err):
		r.docs.mu.Unlock()
		return
	case err != nil:
		r.docs.mu.Unlock()
		r.setFatal(wrapf(err, "record sighting %s", it.URL))
		return
	}
	n := len(d.Sightings)
	renamed := r.nameTwin(d, s.URL)
	if addSighting(d, s); len(d.Sightings) == n && !renamed {
		r.docs.mu.Unlock()
		r.touch(id, false)
		return // already recorded
	}
	r.docs.put(d)
	r.docs.mu.Unlock()
	r.touch(id, false)
	r.commit(archive.Fetch{Site: r.site.Name, Doc: d})
}

// upsertFile replaces the file with the same canonical URL or appends it;
// it reports whether the document's content changed.
func upsertFile(d *archive.Document, f archive.FileRef) bool {
	key := urlcanon.Key(f.URL)
	for i, o := range d.Files {
		if urlcanon.Key(o.URL) == key {
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

// addSighting adds s unless d has it: the same report URL on the same list,
// both compared canonically (which raw form of a list is fetched first
// depends on timing, and a resumed or later run may fetch another).
func addSighting(d *archive.Document, s archive.Sighting) {
	if len(d.Sightings) == 0 {
		d.Sightings = append(d.Sightings, s)
		return
	}
	from, u := urlcanon.Key(s.From), urlcanon.Key(s.URL)
	for _, o := range d.Sightings {
		if urlcanon.Key(o.From) == from && urlcanon.Key(o.URL) == u {
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

// analysable: HTML pages always; JSON, XML and text bodies only where a
// list is expected (gkmlpt and 海云 JSON APIs, Hanweb dataproxy.jsp XML),
// never as a report.
func analysable(kind, media string) bool {
	switch media {
	case sniff.HTML:
		return true
	case sniff.JSON, sniff.XML, sniff.Text:
		return kind == sites.KindList || kind == sites.KindNav || kind == sites.KindStart
	}
	return false
}

func hasPrefixIn(ss []string, prefix string) bool {
	for _, s := range ss {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
