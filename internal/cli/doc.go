// Package cli holds the `crawler` command tree: one file per command,
// each registering itself with register(). Commands read and write only
// through the App's streams, so tests drive them in-process through Main.
//
// It owns flags, output formatting and exit codes; it must not hold
// crawling, parsing or archive logic of its own — that lives in the
// packages it calls.
package cli
