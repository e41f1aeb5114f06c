// Package export writes a selection of archived reports out of the
// archive: the default .zip bundle (originals under safe readable names,
// manifest.csv/.xlsx with provenance and a citation per file, tidy
// data.csv, wide data.xlsx, extracted text, README.txt), or data alone as
// .csv, .xlsx or .jsonl, or every capture as WARC/1.1 (.warc.gz).
//
// It streams: documents are loaded one at a time and blobs are copied with
// Archive.OpenBlob, so memory stays flat however many reports match. CSV
// is UTF-8 with a BOM (Excel), XLSX goes through excelize's StreamWriter,
// WARC through github.com/nlnwa/gowarc/v3.
//
// It must not modify the archive, fetch anything, or re-parse files: the
// numbers are those stored in Document.Parsed (null stays empty, never 0),
// and original bytes are copied exactly (never transcoded).
package export
