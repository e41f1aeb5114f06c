// Package ingest connects the archive to the parser: it reads a document's
// stored files, parses each one that can hold a report (a multi-page
// article as one report), picks the best reading and records it on the
// document. The crawl engine, `crawler import` and `crawler reparse` all go
// through it, so a document's derived fields are computed one way only.
//
// It must not fetch anything or write blobs: originals are never touched.
package ingest
