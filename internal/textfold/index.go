package textfold

import "strings"

// IndexFold is strings.Index with ASCII case folding. lowerSub's ASCII
// letters must be lower-case; its other bytes (CJK) match exactly. The result indexes s itself (strings.ToLower could
// shift byte offsets of invalid UTF-8). A needle without 'k' or 's' (whose
// Unicode simple folds leave ASCII) finds exactly what a (?i) regexp would.
//
// It runs on whole pages (WAF and soft-404 markers on every fetch), so it
// jumps between candidate first bytes with strings.IndexByte, and a needle
// without ASCII letters (CJK phrases) is plain strings.Index.
func IndexFold(s, lowerSub string) int {
	n := len(lowerSub)
	if n == 0 {
		return 0
	}
	if !hasLetter(lowerSub) {
		return strings.Index(s, lowerSub)
	}
	first := lowerSub[0]
	firstUp := first
	if 'a' <= first && first <= 'z' {
		firstUp = first - 'a' + 'A'
	}
	// Next positions of first and firstUp at or after i; -1: none left.
	lo, up := -2, -2
	if first == firstUp {
		up = -1
	}
	last := len(s) - n // the last position a match can start at
	for i := 0; i <= last; {
		if lo != -1 && lo < i {
			lo = indexByteFrom(s, i, first)
		}
		if up != -1 && up < i {
			up = indexByteFrom(s, i, firstUp)
		}
		j := lo
		if j < 0 || up >= 0 && up < j {
			j = up
		}
		if j < 0 || j > last {
			return -1
		}
		k := 1
		for ; k < n; k++ {
			c := s[j+k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lowerSub[k] {
				break
			}
		}
		if k == n {
			return j
		}
		i = j + 1
	}
	return -1
}

func indexByteFrom(s string, from int, c byte) int {
	if i := strings.IndexByte(s[from:], c); i >= 0 {
		return from + i
	}
	return -1
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}
