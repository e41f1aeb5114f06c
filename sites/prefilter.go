package sites

// Literal pre-checks for the detection regexps. Go's regexp has no
// literal-prefix shortcut for patterns that start with an alternation or a
// class, so an unanchored search costs a backtracking attempt at every byte
// of every page; a cheap scan for a literal every match must contain skips
// the regexp on the (many) pages that cannot match. Results are unchanged.

// indexFold is strings.Index with ASCII case folding; lowerSub must be
// lower-case ASCII without 'k' or 's' (the letters whose Unicode simple
// folds leave ASCII), so that it finds whatever a (?i) regexp would.
func indexFold(s, lowerSub string) int {
	n := len(lowerSub)
	if n == 0 {
		return 0
	}
	first := lowerSub[0]
	firstUp := first
	if 'a' <= first && first <= 'z' {
		firstUp = first - 'a' + 'A'
	}
	for i := 0; i+n <= len(s); i++ {
		if c := s[i]; c != first && c != firstUp {
			continue
		}
		j := 1
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lowerSub[j] {
				break
			}
		}
		if j == n {
			return i
		}
	}
	return -1
}

// hasTRSStamp reports whether s holds "t" + 8 digits + "_" + a digit, the
// core of every trsArticle match.
func hasTRSStamp(s string) bool {
	for i := 0; i+11 <= len(s); i++ {
		if s[i] != 't' {
			continue
		}
		ok := true
		for j := 1; j <= 8; j++ {
			if c := s[i+j]; c < '0' || c > '9' {
				ok = false
				break
			}
		}
		if ok && s[i+9] == '_' && s[i+10] >= '0' && s[i+10] <= '9' {
			return true
		}
	}
	return false
}

// countTRSArticles is len(trsArticle.FindAllStringIndex(h, 20)).
func countTRSArticles(h string) int {
	if !hasTRSStamp(h) {
		return 0
	}
	return len(trsArticle.FindAllStringIndex(h, 20))
}
