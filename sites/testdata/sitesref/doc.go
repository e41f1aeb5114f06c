// Package sitesref is package sites as it was at commit c8c25ee, before
// page analysis was rewritten for speed: the reference the equivalence
// and fuzz tests in package sites compare every rule's Analysis with. It
// lives under testdata so that only tests build it. Do not edit it: it is
// a frozen copy (only this file and the package clauses differ).
package sitesref
