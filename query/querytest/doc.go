// Package querytest builds small archives for the tests of query, export
// and the CLI: documents with their files, captures and a hand-written
// parsed report per docs/schema.md. Test helper only; it must not be
// imported by production code.
package querytest
