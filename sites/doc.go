// Package sites holds the crawl rules: how to recognise a portal's CMS
// family, which links on a page lead to annual reports (columns, list
// items, next pages, aggregation trees, attachments), and whether a title
// names a 政府信息公开工作年度报告 or only a look-alike.
//
// Everything here is a pure function of a page's URL and decoded HTML: the
// package must not fetch, store, sleep or log. The crawl engine (package
// crawl) decides what to fetch and when; a CMS family is one file
// implementing Rule and registering itself in init.
package sites
