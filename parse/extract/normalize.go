package extract

import "github.com/nianbao/nianbao/internal/textfold"

// Normalize folds s for label matching (format.md §6): textfold's Label
// rules (NFKC, traditional → simplified, zero-width characters dropped,
// white space collapsed to single spaces and trimmed).
func Normalize(s string) string { return textfold.Fold(s, textfold.Label) }
