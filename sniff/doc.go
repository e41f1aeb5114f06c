// Package sniff names a file's media type from its leading bytes. It never
// trusts a file name or a server's Content-Type: government portals serve
// PDFs as text/html, HTML error pages as application/pdf, and .wps files
// that are really Word-binary containers.
//
// It must not open or parse containers (the parser does that); it only
// names them.
package sniff
