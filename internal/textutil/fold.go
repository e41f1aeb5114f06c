package textutil

// IndexFold is strings.Index with ASCII case folding. lowerSub must be
// lower-case ASCII. The result indexes s itself (strings.ToLower could
// shift byte offsets of invalid UTF-8). A needle without 'k' or 's' (whose
// Unicode simple folds leave ASCII) finds exactly what a (?i) regexp would.
func IndexFold(s, lowerSub string) int {
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
