// Package server is `crawler serve`: the HTTP API (JSON), the
// server-rendered web page for journalists (html/template, Chinese, no
// build step), Prometheus metrics, and the orchestration of the long-running
// process — scheduled and manual crawls through one single-flight runner,
// alerts after each run, scheduled hot backups, and a clean shutdown that
// lets an in-flight crawl stop at a commit boundary before the archive is
// closed by the caller.
//
// It owns no storage: everything goes through the one read-write
// *archive.Archive the command opened, through archive's methods (no
// bucket or key layout is read here). Reports are selected with package
// query's filters and year grammar — over an in-memory list of the
// documents refreshed per archive generation (doccache.go) — decoded with
// query's decoder and labelled from the report schema of parse/report;
// data downloads are package export's. The crawl engine is injected
// (Crawler), as may be the ZIP bundle (Exporter), so serve's command
// wires them. Every string that came from a crawled page is rendered
// escaped, /raw serves only hashes and never a path, and nothing here
// writes to the archive except through the Crawler.
//
// The web page (web*.go, templates/) is server-rendered with no script:
// the search list (facets, sorting, pages, downloads), the report page
// (original beside the tables, value provenance, related reports), /series
// (SVG charts), /compare, /coverage (who in a region published which
// year's report, late or missing against the legal deadlines) and /sites.
package server
