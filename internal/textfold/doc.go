// Package textfold folds text for matching: named rules (width, traditional
// characters, white space, zero-width characters, case, Chinese-numeral
// years) that each caller combines into the fold it needs, and IndexFold,
// an ASCII case-insensitive search.
//
// The callers' rule sets are named too: Label (report labels, format.md
// §6), Name (body and region names in queries), Title (crawl titles). Each
// is exactly what the caller folded with before the rules were gathered
// here; TestLegacyFolds holds them to it.
package textfold
