// Package search is the full-text index of the archive: a bleve index kept
// next to the archive file (ARCHIVE.index/), derived from the archive and
// rebuilt or repaired from it at any time (Reconcile, `crawler reindex`).
//
// It owns the searchable text of a report (Text: title, body, region, the
// free-text sections, the labels the parser stored, OCR text), the one
// folding applied to that text and to queries alike (Fold), the query
// grammar (words, "phrases", AND/OR/NOT; Parse) and ranked results with
// snippets (Run). Results are checked against the archive and filtered
// with package query's filters, so search and query agree on what a
// filter means; retracted reports are never indexed.
//
// It reads the archive and never writes it; the index holds nothing that
// cannot be rebuilt from the archive, so deleting it loses nothing.
package search
