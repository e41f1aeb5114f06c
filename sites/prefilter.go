package sites

import (
	"strings"

	"github.com/nianbao/nianbao/internal/textfold"
)

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

// attachExts are attachExt's extensions.
var attachExts = map[string]bool{"pdf": true, "doc": true, "docx": true, "wps": true, "xls": true, "xlsx": true,
	"et": true, "ofd": true, "rtf": true, "zip": true, "rar": true, "7z": true, "ceb": true, "caj": true}

// hasAttachExt is attachExt.MatchString(s), run on every anchor's URL and
// text: a match is s's last dot and an extension after it, so only that
// suffix is looked at (the regexp itself tries every position). A suffix
// with non-ASCII bytes goes to the regexp ((?i) folds ſ and K into s and k).
func hasAttachExt(s string) bool {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return false
	}
	ext := s[i+1:]
	if len(ext) > 4 {
		for j := 0; j < len(ext); j++ {
			if ext[j] >= 0x80 {
				return attachExt.MatchString(s)
			}
		}
		return false
	}
	var low [4]byte
	for j := 0; j < len(ext); j++ {
		c := ext[j]
		if c >= 0x80 {
			return attachExt.MatchString(s)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[j] = c
	}
	return attachExts[string(low[:len(ext)])]
}

// isDownloadPath is downloadPath.MatchString(s): every match holds "down",
// "getfile" or "/attach" (needles (?i) cannot fold outside ASCII).
func isDownloadPath(s string) bool {
	if textfold.IndexFold(s, "down") < 0 && textfold.IndexFold(s, "getfile") < 0 && textfold.IndexFold(s, "/attach") < 0 {
		return false
	}
	return downloadPath.MatchString(s)
}
