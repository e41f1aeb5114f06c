// Package pdf reads PDF files into extract.Doc: ordinary text PDFs with a
// small pure-Go reader (the fast path), everything else with pdfium
// compiled to WebAssembly (go-pdfium's webassembly mode on wazero: pure
// Go, no cgo).
//
// It owns: the process-wide pdfium Engine (worker pool, on-disk compilation
// cache, memory and time bounds), the fast path, rebuilding lines and
// table rows from character positions, detecting pages without a text
// layer (scans, text turned into outlines), rendering them and handing
// the images to package parse/ocr (tesseract when installed; tables
// rebuilt from the page's rules and word boxes).
//
// The fast path (fast.go, fastfont.go, fastobj.go) exists because pdfium
// spends most of its time on a text page loading each embedded font
// inside WebAssembly (10-20 ms/page), while the layout needs only what
// the font dictionaries say: each code's Unicode value (ToUnicode) and
// advance (/Widths, /W), and the line box (/Ascent, /Descent). It reads
// classic and stream cross-references, object streams, Flate streams and
// the text operators, and yields the same characters readPage gets from
// pdfium (TestFastPathMatchesPdfium, TestFastPathSynthetic). On anything
// it cannot reproduce — encryption, fonts without ToUnicode (except
// WinAnsi ASCII), Type3 and vertical fonts, form XObjects, inline images,
// rotated or scaled text, duplicated glyphs (fake bold), pages that may
// need OCR, damaged files — it declines and the whole document goes to
// pdfium, so a document is never read half one way and half the other.
// Options.PdfiumOnly skips it. Known difference: where a font's
// descriptor has no /Ascent and /Descent (LibreOffice), pdfium falls back
// to glyph ink boxes, which need the font program; the fast path uses the
// /FontBBox line box instead, which the layout treats alike (same output
// on the fixtures) and which keeps punctuation on its line.
//
// Table rows (rows.go): WPS and Word centre a cell's text vertically, so
// a wrapped label's lines stand above and below its row's values. A run of
// table lines is rebuilt into rows from the geometry — the label column's
// text cut into cells by line pitch, each cell given to the value line its
// centre is on — and text the geometry does not place stays where it was.
//
// Decompression bombs (inflate.go): pdfium decodes a stream whole, with
// no limit of its own, so before a document reaches it every stream that
// pdfium would decode is inflated once into a counter — found by its
// "stream" keyword, not through the possibly damaged cross-reference —
// and a document with a stream over MaxStreamInflate, or streams over
// MaxTotalInflate together, fails with ErrInflateLimit ("a content stream
// (object 4) inflates past 256 MiB: not parsed"). In an encrypted file
// that anyone may open (the standard security handler with an empty user
// password: RC4 or AES, revisions 2–6), the streams are read decrypted
// too (decrypt.go), as pdfium would decrypt them; files that need a
// password pdfium cannot open either. Each instance's linear
// memory is (on Linux) its own mapping of the limit's size outside the Go heap
// (wasmmem_linux.go): wazero's default grows it by copying, which cost the
// process about three times the limit; mapped, an instance costs the
// pages it touches. The allocator also holds one budget for all instances
// together (TotalMemoryMB, 512 MiB) and each (MemoryLimitMB): pdfium
// gives up silently on an image it cannot allocate, so a refused growth
// fails the document with ErrMemoryLimit; refused only because other
// documents held the memory, it is read again alone. An instance grown
// past 96 MiB is discarded after its document (WebAssembly memory never
// shrinks). Pages rendered for OCR stay within 40 megapixels (a lower
// resolution for big pages); one that would fall under 100 dpi is left
// unread with a warning.
//
// It must not: mount or read the host filesystem from inside the sandbox
// (documents are handed over as bytes), interpret the report (labels,
// sections, numbers are package parse/report's job), normalise or
// transcode the text beyond dropping control characters, or fail a whole
// document because one page is unreadable (that page becomes a warning).
package pdf
