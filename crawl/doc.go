// Package crawl is the crawl engine: it crawls every configured site of a
// run at once (fleet.go: one per-host politeness limiter, robots cache and
// committer for the whole run), each site best-first from its persisted
// archive frontier, fetching through a colly collector (raw bytes kept,
// charset decoded only on private copies),
// asks the rules in package sites what each page links to, archives report
// pages and their attachments (blob + capture + URL state + frontier of a
// fetch in one transaction, grouped with other fetches by a committer off
// the fetch path), records sightings, hands new documents to the parser
// and stores a run report per site.
//
// It owns the crawl policy: allowed hosts, robots, politeness, page budget,
// recheck intervals, stop-paging, dedupe by canonical URL and by content,
// resumption after a kill. It must not: decide what a page means (package
// sites), transcode stored bytes, archive a WAF or soft-error page as a
// document, follow a challenge more than once, or touch hosts outside a
// site's allowed hosts.
package crawl
