package sites

// Literal pre-checks for the detection regexps. Go's regexp has no
// literal-prefix shortcut for patterns that start with an alternation or a
// class, so an unanchored search costs a backtracking attempt at every byte
// of every page; a cheap scan for a literal every match must contain skips
// the regexp on the (many) pages that cannot match. Results are unchanged.

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
