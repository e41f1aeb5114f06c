// Package textutil holds small byte-level string helpers shared by the
// crawl transport and the crawl rules. It must stay dependency-free and
// must not grow into a grab bag: only helpers used in more than one
// package belong here.
package textutil
