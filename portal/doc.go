// Package portal is the imitation government web the crawl tests and
// `crawler demo` run against: many fake hosts (a district portal with an
// aggregation tree across sub-domains, department sites, a province, WAF'd
// and robots-closed sites, a mirror outside the allowed domains) served from
// one loopback httptest server (plus a TLS one), routed by the Host header.
//
// It owns the fixture content (HTML pages, report tables, attachment bytes
// made distinct per report from the samples in assets/), the ground truth a
// crawl is compared against (Expected, Blocked, Sites), the mutations used by
// incremental tests (ReplaceReport, AddReport) and request accounting
// (Stats). Each site (or CMS family) lives in its own site_*.go file and
// registers itself with register(); a new family is one new file.
//
// Generated and Fleet build synthetic portals for benchmarks instead of
// the registered sites: one TRS site of n pages, or n small districts on
// n hosts (optionally slow, with a deterministic per-request latency) for
// crawls across many hosts.
//
// Every portal also records, per host, when each request arrived and when
// its response was done, so Politeness can judge a crawler's per-host delay
// and parallelism from the server's side rather than the crawler's.
//
// It must not: listen on anything but 127.0.0.1, depend on the crawler or
// parser packages (the portal is the independent oracle; it imports only
// config, to hand out its sites as config entries, and sniff, to label the
// files it serves in Expected), use time or randomness in anything it
// serves (bytes, ETags, Last-Modified and a Fleet's delays are
// deterministic across runs; only the TLS key is random), or panic on a
// strange request.
package portal
