// Package archive is nianbao's memory: an embedded bbolt file holding every
// raw file byte-for-byte (content-addressed by SHA-256, chunked, optionally
// zstd-compressed, verified on every read), the append-only captures that
// prove where and when each file was fetched, the logical documents
// (reports) with their parse state, the crawl state (validators, next-check
// times, the persisted frontier) and run reports, plus the secondary indexes
// users query by (body, year, region, site, URL, hash).
//
// It must not fetch, parse or interpret content: it stores what it is
// given, exactly, and answers lookups (beyond naming each blob's media type
// with package sniff, its one project import). No other package reads its
// buckets or key layouts: readers go through its methods. Derived data
// (parsed JSON) is stored only as a rebuildable cache on the Document.
package archive
