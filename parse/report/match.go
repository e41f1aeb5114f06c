package report

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Label variants of the official template (format.md §5, §6): numbering
// with 、 for . ("3、其他"), a character or two dropped by a CMS
// ("2.其他法律行政止公开"), a group printed as one row. A label is
// matched exactly first (containment, the last-label rule); when nothing
// matches, a close label is accepted only if exactly one row is close
// (fuzzyRow) and, in the table, it sits between the rows placed before and
// after it (tables). A label that could be two rows is never placed.

// labelMatch is the template row a label names.
type labelMatch struct {
	idx   int   // row index; -1 none
	amb   []int // the rows an ambiguous label could be (idx is then -1)
	fuzzy bool
	end   int // where the matched pattern ends in the label (exact matches)
}

// numFold writes a list number's 、 as . ("3、其他" → "3.其他"), so that
// the patterns need one spelling. Strings without "digit、" are returned
// as they are.
func numFold(s string) string {
	const dun = "、"
	k := -1
	for i := strings.Index(s, dun); i >= 0; {
		if i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
			k = i
			break
		}
		j := strings.Index(s[i+len(dun):], dun)
		if j < 0 {
			break
		}
		i += len(dun) + j
	}
	if k < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:k])
	for j := k; j < len(s); {
		if strings.HasPrefix(s[j:], dun) && j > 0 && s[j-1] >= '0' && s[j-1] <= '9' {
			b.WriteByte('.')
			j += len(dun)
			continue
		}
		b.WriteByte(s[j])
		j++
	}
	return b.String()
}

// exactRow is the matcher's row for label, except that a group label
// counts only when it ends the label (a group named before its sub-row's
// label is context, not the row).
func exactRow(m *matcher, label string) int {
	i, end := m.matchEnd(label)
	if i >= 0 && m.isGroup(i) && end >= 0 && end != len(label) {
		return -1
	}
	return i
}

// rowsIn lists the rows whose patterns occur in seg, a group only when it
// ends seg and none of its sub-rows occurs. Two or more rows mean seg
// could be either.
func rowsIn(m *matcher, seg string) []int {
	var rows []int
	m.each(seg, func(spec, end int) {
		if m.isGroup(spec) && end != len(seg) {
			return
		}
		for _, r := range rows {
			if r == spec {
				return
			}
		}
		rows = append(rows, spec)
	})
	if len(rows) < 2 {
		return rows
	}
	return dropGroupsOfSubRows(m, rows)
}

// dropGroupsOfSubRows: a group next to one of its own sub-rows is context.
func dropGroupsOfSubRows(m *matcher, rows []int) []int {
	var out []int
	for _, r := range rows {
		if m.isGroup(r) {
			sub := false
			for _, q := range rows {
				if q != r && m.parentOf(q) != "" && m.parentOf(q) == m.keyOf(r) {
					sub = true
				}
			}
			if sub {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

func (t *Template) reqGroup(i int) bool { return t.Requests[i].Group }

// matchRequestLabel matches one folded label segment against section 三.
func (t *Template) matchRequestLabel(seg string) labelMatch {
	seg = numFold(seg)
	m := requestMatcher(t)
	i := exactRow(m, seg)
	if i < 0 {
		return labelMatch{idx: -1}
	}
	if rows := rowsIn(m, seg); len(rows) > 1 {
		return labelMatch{idx: -1, amb: rows}
	}
	return labelMatch{idx: i}
}

// matchActiveLabel matches one folded label segment against section 二.
func (t *Template) matchActiveLabel(seg string) labelMatch {
	m := activeMatcher(t)
	i := m.match(seg)
	if i < 0 {
		return labelMatch{idx: -1}
	}
	if rows := rowsIn(m, seg); len(rows) > 1 {
		return labelMatch{idx: -1, amb: rows}
	}
	return labelMatch{idx: i}
}

// matchRequest places a candidate in section 三: its last label cell
// (grid), then its whole label under the last-label rule. A segment that
// holds two rows' labels (the grid cell, or the text label from its last
// numbered token on) is ambiguous.
func (t *Template) matchRequest(c cand) labelMatch {
	return matchCand(requestMatcher(t), c, true)
}

// matchActive places a candidate in section 二 as matchRequest does. Its
// labels are short, and two rows printed under one label lose a character
// easily ("行政处、行政强制"): the label's text besides the matched row's
// pattern must not be close to another row's label.
func (t *Template) matchActive(c cand) labelMatch {
	m := activeMatcher(t)
	lm := matchCand(m, c, false)
	if lm.idx < 0 {
		return lm
	}
	seg := c.tail
	if c.grid || seg == "" {
		seg = c.last
	}
	switch j := t.activeNear(m, seg, lm.idx); {
	case j == len(t.Active):
		return labelMatch{idx: -1, amb: []int{lm.idx}}
	case j >= 0:
		return labelMatch{idx: -1, amb: []int{lm.idx, j}}
	}
	return lm
}

// activeNear finds another section 二 row whose label the rest of seg
// (row i's patterns taken out) comes close to; -1 when none, len(Active)
// when seg lists row i with something it cannot name.
func (t *Template) activeNear(m *matcher, seg string, i int) int {
	for _, p := range t.Active[i].Match {
		// the common case: the label is the pattern, perhaps after 行政
		if j := strings.Index(seg, p); j >= 0 && j+len(p) == len(seg) && (j == 0 || seg[:j] == "行政") {
			return -1
		}
	}
	rest := seg
	for _, p := range t.Active[i].Match {
		rest = strings.ReplaceAll(rest, p, "")
	}
	if strings.ContainsAny(seg, "、和及") && strings.IndexFunc(rest, func(r rune) bool { return unicode.Is(unicode.Han, r) && !strings.ContainsRune("、和及", r) }) >= 0 {
		// the row named in a list with something else ("行政处罚、行政人"):
		// its values may be that other row's, or both rows'
		return len(t.Active)
	}
	// 行政, which most of these labels open with, tells none apart
	rest = strings.ReplaceAll(rest, "行政", "")
	var left []rune
	for _, r := range rest {
		if unicode.Is(unicode.Han, r) {
			left = append(left, r)
		}
	}
	if len(left) == 0 {
		return -1
	}
	for j, l := range activeBodies(t) {
		if j == i || len(l) == 0 {
			continue
		}
		// half of another row's own characters, in order
		if n := lcs(left, l); n >= 1 && 2*n >= len(l) {
			return j
		}
	}
	return -1
}

var bodyCache sync.Map // matcherKey → [][]rune

// activeBodies are section 二's labels as runes, by row, without 行政.
func activeBodies(t *Template) [][]rune {
	key := matcherKey{unsafe.Pointer(unsafe.SliceData(t.Active)), len(t.Active)}
	if v, ok := bodyCache.Load(key); ok {
		return v.([][]rune)
	}
	out := make([][]rune, len(t.Active))
	for i, a := range t.Active {
		_, body := splitNumber(fold(a.Label))
		out[i] = []rune(strings.ReplaceAll(body, "行政", ""))
	}
	v, _ := bodyCache.LoadOrStore(key, out)
	return v.([][]rune)
}

func matchCand(m *matcher, c cand, fold bool) labelMatch {
	nf := func(s string) string {
		if fold {
			return numFold(s)
		}
		return s
	}
	if c.grid && c.last != "" {
		if lm := matchSeg(m, nf(c.last), 0, false); lm.idx >= 0 || lm.amb != nil {
			return lm
		}
	}
	label := nf(c.label)
	from := len(label) // no segment to check
	if !c.grid && c.tail != "" {
		from = len(label) - len(c.tail)
		if len(label) != len(c.label) {
			from = -1 // numFold moved the tail: scan it apart
		}
	}
	if from >= 0 {
		// a numbered tail is the row's own label: a pattern before it
		// (header text, a row above whose values were lost) is not. An
		// unnumbered tail is the last label token: the pattern must reach
		// into it (a label wrapped over lines), not end before it
		lm := matchSeg(m, label, from, c.numbered)
		if !c.grid && c.tail != "" && !c.numbered && lm.idx >= 0 && lm.end <= from {
			return labelMatch{idx: -1}
		}
		return lm
	}
	i := exactRow(m, label)
	if i < 0 {
		return labelMatch{idx: -1}
	}
	rows := rowsIn(m, nf(c.tail))
	if len(rows) > 1 {
		return labelMatch{idx: -1, amb: rows}
	}
	if c.numbered && !slices.Contains(rows, i) {
		return labelMatch{idx: -1} // matched before the row's own label
	}
	return labelMatch{idx: i}
}

// matchSeg matches label under the last-label rule (a group only when it
// ends the label) and, in the same pass, checks label[from:] for a second
// row; with inSeg the winning pattern must start in label[from:].
func matchSeg(m *matcher, label string, from int, inSeg bool) labelMatch {
	var buf [4]int
	best, end, n := m.matchTail(label, from, &buf)
	if best < 0 || (m.isGroup(best) && end >= 0 && end != len(label)) {
		return labelMatch{idx: -1}
	}
	if n <= -2 {
		if inSeg {
			return labelMatch{idx: -1}
		}
		n = -2 - n
	}
	if n < 0 { // general matcher: scan the segment apart
		if rows := rowsIn(m, label[from:]); len(rows) > 1 {
			return labelMatch{idx: -1, amb: rows}
		}
		return labelMatch{idx: best, end: len(label)}
	}
	if n < 2 {
		return labelMatch{idx: best, end: end}
	}
	if n > len(buf) {
		return labelMatch{idx: -1, amb: append([]int(nil), buf[:]...)}
	}
	if rows := dropGroupsOfSubRows(m, buf[:n]); len(rows) > 1 {
		return labelMatch{idx: -1, amb: rows}
	}
	return labelMatch{idx: best, end: end}
}

// fuzzySeg is the part of a candidate's label a close match is tried on:
// the last label cell (grid) or the label run from its last numbered
// token on (text).
func fuzzySeg(c cand) string {
	if c.grid && c.last != "" {
		return c.last
	}
	if c.tail != "" {
		return c.tail
	}
	return c.label
}

// canonLabel is a template row's label prepared for fuzzyRow.
type canonLabel struct {
	idx  int
	num  string // its list number ("2", "(一)", "一"), "" when none
	body []rune // the label without its number
}

// Close matches: the longest common subsequence of the label bodies over
// the longer body. A CMS that drops characters keeps the rest in order.
const (
	fuzzyAccept = 0.7  // the best row must be at least this close
	fuzzyMargin = 0.15 // and every other row this much further
	fuzzyMinLCS = 4    // characters in common, at least
)

// fuzzyRow finds the one row whose label is close to seg. idx is -1 when
// none is, or when two are (amb lists them).
func fuzzyRow(seg string, labels []canonLabel) labelMatch {
	num, body := splitNumber(numFold(seg))
	b := []rune(body)
	if len(b) < fuzzyMinLCS || len(b) > 80 {
		return labelMatch{idx: -1}
	}
	best, second := -1.0, -1.0
	bestIdx, secondIdx := -1, -1
	for _, l := range labels {
		if num != "" && l.num != "" && sameNumberStyle(num, l.num) && num != l.num {
			continue
		}
		n := lcs(b, l.body)
		if n < fuzzyMinLCS {
			continue
		}
		score := float64(n) / float64(max(len(b), len(l.body)))
		switch {
		case score > best:
			second, secondIdx = best, bestIdx
			best, bestIdx = score, l.idx
		case score > second:
			second, secondIdx = score, l.idx
		}
	}
	if best < fuzzyAccept {
		return labelMatch{idx: -1}
	}
	if secondIdx >= 0 && second > best-fuzzyMargin {
		return labelMatch{idx: -1, amb: []int{bestIdx, secondIdx}}
	}
	return labelMatch{idx: bestIdx, fuzzy: true}
}

// splitNumber cuts a folded label's list number off: "2.其他" → "2",
// "其他"; "(一)予以公开" → "(一)", "予以公开"; "一、本年新收" → "一", "本年新收".
func splitNumber(s string) (num, body string) {
	if !startsNumbered(s) {
		return "", s
	}
	if s[0] == '(' {
		j := strings.IndexByte(s, ')')
		return s[:j+1], s[j+1:]
	}
	j := 0
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !isNumeral(r) {
			break
		}
		j += size
	}
	_, size := utf8.DecodeRuneInString(s[j:])
	return s[:j], s[j+size:]
}

// sameNumberStyle: "2" and "3" are both digit numbers; "(一)" and "(二)"
// both parenthesised; "一" and "二" both bare numerals.
func sameNumberStyle(a, b string) bool {
	style := func(s string) int {
		switch {
		case strings.HasPrefix(s, "("):
			return 0
		case s[0] >= '0' && s[0] <= '9':
			return 1
		}
		return 2
	}
	return style(a) == style(b)
}

// lcs is the length of the longest common subsequence of a and b.
func lcs(a, b []rune) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var canonCache sync.Map // matcherKey → []canonLabel

func canonLabels(key matcherKey, n int, label func(i int) string, skip func(i int) bool) []canonLabel {
	if v, ok := canonCache.Load(key); ok {
		return v.([]canonLabel)
	}
	var out []canonLabel
	for i := 0; i < n; i++ {
		if skip(i) {
			continue
		}
		num, body := splitNumber(numFold(fold(label(i))))
		if utf8.RuneCountInString(body) < fuzzyMinLCS {
			continue // too short to tell from a neighbour by its characters
		}
		out = append(out, canonLabel{idx: i, num: num, body: []rune(body)})
	}
	v, _ := canonCache.LoadOrStore(key, out)
	return v.([]canonLabel)
}

// requestLabels are section 三's rows for fuzzyRow; group labels are never
// matched fuzzily.
func requestLabels(t *Template) []canonLabel {
	return canonLabels(matcherKey{unsafe.Pointer(unsafe.SliceData(t.Requests)), len(t.Requests)}, len(t.Requests),
		func(i int) string { return t.Requests[i].Label }, t.reqGroup)
}

// activeLabels are section 二's rows for fuzzyRow.
func activeLabels(t *Template) []canonLabel {
	return canonLabels(matcherKey{unsafe.Pointer(unsafe.SliceData(t.Active)), len(t.Active)}, len(t.Active),
		func(i int) string { return t.Active[i].Label }, func(int) bool { return false })
}
