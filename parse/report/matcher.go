package report

import (
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// matcher is match() for one template's row patterns, indexed by the
// first character of each pattern: one pass over the label tries only
// the patterns that can start at each position, instead of searching the
// label for every pattern of every row. It picks exactly what match()
// picks: the occurrence ending last, ties to the longer pattern, then to
// the earlier row and pattern (TestMatcherAgreesWithMatch).
type matcher struct {
	pats    []mpat
	first   firstRunes
	general func(label string) int
	// every row's patterns, for each() when the general search is used
	patterns func(i int) []string
	n        int
	// per row: a group label, the key of its group row, its key
	group  []bool
	parent []string
	key    []string
}

func (m *matcher) isGroup(i int) bool    { return i < len(m.group) && m.group[i] }
func (m *matcher) parentOf(i int) string { return m.parent[i] }
func (m *matcher) keyOf(i int) string    { return m.key[i] }

// firstRunes maps a pattern's first character to the patterns starting
// with it; a bitset answers "none" for most characters without a map
// lookup.
type firstRunes struct {
	bmp [0x10000 / 64]uint64
	m   map[rune][]int32 // indexes, ascending
	// pair marks the first two bytes of every pattern, so that a scan can
	// skip most positions without decoding; short is set when a pattern
	// has fewer than two bytes and pair cannot be used.
	pair  [0x10000 / 64]uint64
	short bool
}

func (f *firstRunes) add(p string, i int32) {
	if f.m == nil {
		f.m = map[rune][]int32{}
	}
	r, _ := utf8.DecodeRuneInString(p)
	if r < 0x10000 {
		f.bmp[r>>6] |= 1 << (r & 63)
	}
	f.m[r] = append(f.m[r], i)
	if len(p) < 2 {
		f.short = true
	} else {
		k := int(p[0])<<8 | int(p[1])
		f.pair[k>>6] |= 1 << (k & 63)
	}
}

// each calls fn(j, candidates) for every position j of s where a pattern
// may start: the same positions, with the same candidates, as decoding s
// rune by rune and looking up each rune (a pattern starts with a lead
// byte, and decoding resynchronises at every lead byte).
func (f *firstRunes) each(s string, fn func(j int, cands []int32)) {
	if f.short {
		for j := 0; j < len(s); {
			r, size := utf8.DecodeRuneInString(s[j:])
			if c := f.get(r); c != nil {
				fn(j, c)
			}
			j += size
		}
		return
	}
	for j := 0; j+1 < len(s); j++ {
		k := int(s[j])<<8 | int(s[j+1])
		if f.pair[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[j:])
		if c := f.get(r); c != nil {
			fn(j, c)
		}
	}
}

func (f *firstRunes) get(r rune) []int32 {
	if r < 0x10000 && f.bmp[r>>6]&(1<<(r&63)) == 0 {
		return nil
	}
	return f.m[r]
}

type mpat struct {
	s    string
	spec int
}

func newMatcher(patterns func(i int) []string, n int) *matcher {
	m := &matcher{patterns: patterns, n: n}
	for i := 0; i < n; i++ {
		for _, p := range patterns(i) {
			if p == "" {
				// an empty pattern matches at the end of every label:
				// leave such a template to the general search
				m.general = func(label string) int { return match(label, patterns, n) }
				return m
			}
			m.first.add(p, int32(len(m.pats)))
			m.pats = append(m.pats, mpat{s: p, spec: i})
		}
	}
	return m
}

func (m *matcher) match(label string) int {
	i, _ := m.matchEnd(label)
	return i
}

// matchEnd is match, also giving where the winning pattern ends in label
// (-1 when the general search was used: then only the row is known).
func (m *matcher) matchEnd(label string) (int, int) {
	if m.general != nil {
		return m.general(label), -1
	}
	best, bestEnd, bestLen := int32(-1), -1, 0
	m.first.each(label, func(j int, cands []int32) {
		for _, pi := range cands {
			p := m.pats[pi].s
			if !strings.HasPrefix(label[j:], p) {
				continue
			}
			end := j + len(p)
			if end > bestEnd || (end == bestEnd && (len(p) > bestLen || (len(p) == bestLen && pi < best))) {
				best, bestEnd, bestLen = pi, end, len(p)
			}
		}
	})
	if best < 0 {
		return -1, -1
	}
	return m.pats[best].spec, bestEnd
}

// matchTail is matchEnd and, in the same pass, the rows whose patterns
// lie wholly in label[from:] (at most len(rows) of them, distinct, in
// rows[:n]; a row whose pattern is a group label only when it ends the
// label). n is -2-n when the winning pattern starts before from, -1 when
// the general search was used.
func (m *matcher) matchTail(label string, from int, rows *[4]int) (best, bestEnd, n int) {
	if m.general != nil {
		best, bestEnd = m.matchEnd(label)
		return best, bestEnd, -1 // the caller scans the tail itself
	}
	bi, bestLen := int32(-1), 0
	bestEnd = -1
	// the positions firstRunes.each visits, without a callback (rows
	// stays on the caller's stack)
	f := &m.first
	for j := 0; j < len(label); {
		size := 1
		if f.short {
			_, size = utf8.DecodeRuneInString(label[j:])
		} else {
			if j+1 >= len(label) {
				break
			}
			k := int(label[j])<<8 | int(label[j+1])
			if f.pair[k>>6]&(1<<(k&63)) == 0 {
				j++
				continue
			}
		}
		r, _ := utf8.DecodeRuneInString(label[j:])
		for _, pi := range f.get(r) {
			p := m.pats[pi].s
			if !strings.HasPrefix(label[j:], p) {
				continue
			}
			end := j + len(p)
			if end > bestEnd || (end == bestEnd && (len(p) > bestLen || (len(p) == bestLen && pi < bi))) {
				bi, bestEnd, bestLen = pi, end, len(p)
			}
			spec := m.pats[pi].spec
			if j < from || (m.isGroup(spec) && end != len(label)) {
				continue
			}
			dup := false
			for _, r := range rows[:min(n, len(rows))] {
				dup = dup || r == spec
			}
			if !dup {
				if n < len(rows) {
					rows[n] = spec
				}
				n++
			}
		}
		j += size
	}
	if bi < 0 {
		return -1, -1, n
	}
	if bestEnd-bestLen < from {
		// the winning pattern starts before the segment
		return m.pats[bi].spec, bestEnd, -2 - n
	}
	return m.pats[bi].spec, bestEnd, n
}

// each calls fn for every occurrence of a pattern in label: its row and
// where it ends.
func (m *matcher) each(label string, fn func(spec, end int)) {
	if m.general != nil {
		for i := 0; i < m.n; i++ {
			for _, p := range m.patterns(i) {
				for j := 0; j <= len(label); {
					k := strings.Index(label[j:], p)
					if k < 0 {
						break
					}
					fn(i, j+k+len(p))
					j += k + 1
				}
			}
		}
		return
	}
	m.first.each(label, func(j int, cands []int32) {
		for _, pi := range cands {
			p := m.pats[pi].s
			if strings.HasPrefix(label[j:], p) {
				fn(m.pats[pi].spec, j+len(p))
			}
		}
	})
}

// Matchers are built once per row list; the key is the list's backing
// array, so a template given new rows gets a new matcher.
type matcherKey struct {
	p unsafe.Pointer
	n int
}

var matchers sync.Map // matcherKey → *matcher

func cachedMatcher(key matcherKey, build func() *matcher) *matcher {
	if m, ok := matchers.Load(key); ok {
		return m.(*matcher)
	}
	m, _ := matchers.LoadOrStore(key, build())
	return m.(*matcher)
}

func requestMatcher(t *Template) *matcher {
	return cachedMatcher(matcherKey{unsafe.Pointer(unsafe.SliceData(t.Requests)), len(t.Requests)}, func() *matcher {
		m := newMatcher(func(i int) []string { return t.Requests[i].Match }, len(t.Requests))
		for _, s := range t.Requests {
			m.group = append(m.group, s.Group)
			m.parent = append(m.parent, s.Parent)
			m.key = append(m.key, s.Key)
		}
		return m
	})
}

func activeMatcher(t *Template) *matcher {
	return cachedMatcher(matcherKey{unsafe.Pointer(unsafe.SliceData(t.Active)), len(t.Active)}, func() *matcher {
		m := newMatcher(func(i int) []string { return t.Active[i].Match }, len(t.Active))
		for _, s := range t.Active {
			m.group = append(m.group, false)
			m.parent = append(m.parent, "")
			m.key = append(m.key, s.Key)
		}
		return m
	})
}

// markerIndex finds which format markers occur in a text, for
// detectFormat: one pass over the text instead of one search per marker.
type markerIndex struct {
	markers []string
	tpl     []int // template of each marker
	first   firstRunes
	general bool // a marker is empty or holds a line break: search the joined text
}

var markerIndexes sync.Map // matcherKey (of the template list) → *markerIndex

func markerIndexFor(tpls []*Template) *markerIndex {
	key := matcherKey{unsafe.Pointer(unsafe.SliceData(tpls)), len(tpls)}
	if mi, ok := markerIndexes.Load(key); ok {
		return mi.(*markerIndex)
	}
	mi := &markerIndex{}
	for ti, t := range tpls {
		for _, m := range t.Markers {
			if m == "" || strings.Contains(m, "\n") {
				mi.general = true
			}
			mi.first.add(m, int32(len(mi.markers)))
			mi.markers = append(mi.markers, m)
			mi.tpl = append(mi.tpl, ti)
		}
	}
	v, _ := markerIndexes.LoadOrStore(key, mi)
	return v.(*markerIndex)
}

// scan marks in found the markers occurring in s.
func (mi *markerIndex) scan(s string, found []bool) {
	mi.first.each(s, func(j int, cands []int32) {
		for _, k := range cands {
			if !found[k] && strings.HasPrefix(s[j:], mi.markers[k]) {
				found[k] = true
			}
		}
	})
}
