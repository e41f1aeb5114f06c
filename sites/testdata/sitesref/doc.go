// Package sitesref is package sites as it was when a rule's behaviour last
// changed on purpose (first taken at commit c8c25ee, before page analysis
// was rewritten for speed): the reference the equivalence and fuzz tests
// in package sites compare every rule's Analysis with. It
// lives under testdata so that only tests build it. Do not edit it: it is
// a frozen copy (only this file and the package clauses differ).
//
// It guards rewrites that must not change what the rules find. When a
// change of behaviour is intended, TestAnalyzeSameAsReference fails on it;
// once the change is reviewed, refresh the copy from the repository root:
//
//	for f in sites/*.go; do case $f in *_test.go|sites/doc.go) continue;; esac
//	  sed 's/^package sites$/package sitesref/' $f >sites/testdata/sitesref/${f#sites/}; done
package sitesref
