// Package server is `crawler serve`: the HTTP API (JSON), the
// server-rendered web page for journalists (html/template, Chinese, no
// build step), Prometheus metrics, and the orchestration of the long-running
// process — scheduled and manual crawls through one single-flight runner,
// alerts after each run, scheduled hot backups, and a clean shutdown that
// lets an in-flight crawl stop at a commit boundary before the archive is
// closed by the caller.
//
// It owns no storage: everything goes through the one read-write
// *archive.Archive the command opened. The crawl engine, the query
// filters and the ZIP exporter are injected (Crawler, Querier, Exporter),
// so this package never imports them. Every string that came from a
// crawled page is rendered escaped, /raw serves only hashes and never a
// path, and nothing here writes to the archive except through the Crawler.
package server
