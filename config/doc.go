// Package config owns config.yaml: its Go structs, defaults and validation
// (unknown keys, required site fields and URLs are errors with a line
// number). Each section's semantics belong to the package that uses it
// (crawl, serve); this package must not act on the settings itself.
package config
