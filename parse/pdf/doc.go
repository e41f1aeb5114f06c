// Package pdf reads PDF files into extract.Doc with pdfium compiled to
// WebAssembly (go-pdfium's webassembly mode on wazero: pure Go, no cgo).
//
// It owns: the process-wide pdfium Engine (worker pool, on-disk compilation
// cache, memory and time bounds), rebuilding lines and table rows from
// character positions, detecting pages without a text layer (scans, text
// turned into outlines) and OCRing them with an installed tesseract.
//
// It must not: mount or read the host filesystem from inside the sandbox
// (documents are handed over as bytes), interpret the report (labels,
// sections, numbers are package parse/report's job), normalise or
// transcode the text beyond dropping control characters, or fail a whole
// document because one page is unreadable (that page becomes a warning).
package pdf
