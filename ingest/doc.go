// Package ingest connects the archive to the parser: it reads a document's
// stored files, parses each one that can hold a report (a multi-page
// article as one report), picks the best reading and records it on the
// document. The crawl engine, `crawler import`, `crawler reparse` and
// `crawler parse` all go through it, so a document's derived fields are
// computed one way only. Its Parser is the one owner of the process's PDF
// engine: commands open one and close it, and never set the engine up
// themselves.
//
// Import archives a file obtained elsewhere: its bytes as given, an
// import capture and a document (or a capture on the document that already
// holds the same bytes). Beyond that it must not fetch anything or write
// blobs: originals are never touched.
package ingest
