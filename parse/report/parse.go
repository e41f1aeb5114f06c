package report

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/parse/extract"
)

// Parse reads one report from doc. meta carries what the crawl knows. It
// never fails: whatever it cannot read is absent or null, with a warning.
func Parse(doc *extract.Doc, meta Meta) *Report {
	r := &Report{
		Schema:   SchemaID,
		Source:   Source{SHA256: meta.SHA256, URL: meta.URL, MediaType: meta.MediaType, File: meta.File},
		Format:   FormatUnknown,
		Checks:   []Check{},
		Warnings: []Warning{},
	}
	if doc == nil {
		doc = &extract.Doc{Container: "unknown"}
	}
	r.Warnings = append(r.Warnings, doc.Warnings...)
	if doc.Encrypted && !hasWarning(r, "encrypted") {
		r.warn("encrypted", "the document is password-protected; nothing could be read")
	}
	if doc.NeedsOCR && !hasWarning(r, "needs_ocr") {
		r.warn("needs_ocr", "the document has (almost) no text layer: scanned or outlined; it needs OCR")
	}

	p := &parser{r: r, doc: doc, meta: meta, uncertain: map[string]bool{}}
	p.items = buildItems(doc)
	p.findSections()
	p.header()
	p.tables()
	p.sectionTexts()
	p.classify()
	if checks := runChecks(r, p.uncertain); len(r.Checks) == 0 {
		r.Checks = checks // never nil: runChecks returns a made slice
	} else {
		r.Checks = append(r.Checks, checks...)
	}
	return r
}

type parser struct {
	r         *Report
	doc       *extract.Doc
	meta      Meta
	items     []item
	sec       []int       // section of each item
	headAt    map[int]int // section → index of its heading item
	has234    bool        // the report names section 二, 三 or 四
	uncertain map[string]bool
	// unheaded: table rows under 一 in a report whose 二 and 三
	// headings are missing (a scan without the page that holds them)
	unheaded map[int]bool

	tpl      *Template
	anyTable bool
	// per-table accumulators for aggregated cell warnings: code → paths
	cellWarn map[string]map[string][]string
	nums     floatSlab // the report's numbers
}

// floatSlab hands out *float64 for the report's values from shared
// arrays: a report holds a few hundred numbers, and one allocation each
// was a measurable share of parsing.
type floatSlab struct{ buf []float64 }

func (s *floatSlab) ptr(v float64) *float64 {
	if len(s.buf) == cap(s.buf) {
		s.buf = make([]float64, 0, 128)
	}
	s.buf = append(s.buf, v)
	return &s.buf[len(s.buf)-1]
}

func (r *Report) warn(code, format string, args ...any) {
	r.Warnings = append(r.Warnings, Warning{Code: code, Message: fmt.Sprintf(format, args...)})
}

func hasWarning(r *Report, code string) bool {
	for _, w := range r.Warnings {
		if w.Code == code {
			return true
		}
	}
	return false
}

// findSections assigns every item to the section heading above it.
// Headings must come in increasing order; a repeat is ignored.
func (p *parser) findSections() {
	p.sec = make([]int, len(p.items))
	p.headAt = map[int]int{}
	cur := secNone
	for i, it := range p.items {
		if h := it.heading; h > cur {
			cur = h
			p.headAt[h] = i
		}
		p.sec[i] = cur
	}
	_, h2 := p.headAt[secActive]
	_, h3 := p.headAt[secRequests]
	_, h4 := p.headAt[secReview]
	p.has234 = h2 || h3 || h4
	if !h2 && !h3 && h4 {
		// A table grid under 一 (or above every heading) followed by 四 where 二 and 三 are not
		// printed: the pages with those headings are missing (a partial
		// scan). Its rows are placed by their labels alone (section
		// unknown), as in a report with no headings at all.
		for i, it := range p.items {
			if it.kind == itemGrid && (p.sec[i] == secOverview || p.sec[i] == secNone) {
				if p.unheaded == nil {
					p.unheaded = map[int]bool{}
				}
				p.unheaded[i] = true
				p.sec[i] = secNone
			}
		}
	}
}

// inZone reports whether item i may hold table numbers. Sections 一, 五
// and 六 never do: numbers quoted in their prose must not leak into the
// tables. When the report names 二, 三 or 四, only those sections count.
func (p *parser) inZone(i int) bool {
	s := p.sec[i]
	if p.has234 {
		return s == secActive || s == secRequests || s == secReview || p.unheaded[i]
	}
	return s != secOverview && s != secProblems && s != secOther
}

// ---- format detection ----

func (p *parser) detectFormat() {
	mi := markerIndexFor(Templates)
	if mi.general {
		p.detectFormatGeneral()
		return
	}
	// a marker holds no line break, so it occurs in the joined text below
	// exactly when it occurs in one item
	found := make([]bool, len(mi.markers))
	for i, it := range p.items {
		if p.inZone(i) {
			mi.scan(it.folded, found)
		}
	}
	hits := make([]int, len(Templates))
	for k, f := range found {
		if f {
			hits[mi.tpl[k]]++
		}
	}
	best, bestHits := (*Template)(nil), 0
	for ti, t := range Templates {
		if hits[ti] > bestHits {
			best, bestHits = t, hits[ti]
		}
	}
	p.tpl = best
}

// detectFormatGeneral: the template with the most markers in the zone's text.
func (p *parser) detectFormatGeneral() {
	var b strings.Builder
	for i, it := range p.items {
		if p.inZone(i) {
			b.WriteString(it.folded)
			b.WriteByte('\n')
		}
	}
	text := b.String()
	best, bestHits := (*Template)(nil), 0
	for _, t := range Templates {
		hits := 0
		for _, m := range t.Markers {
			if strings.Contains(text, m) {
				hits++
			}
		}
		if hits > bestHits {
			best, bestHits = t, hits
		}
	}
	p.tpl = best
}

// ---- candidate rows ----

// cand is a label with the values that follow it.
type cand struct {
	last  string // the last label cell (grid) or the whole label run (text)
	label string // all label text joined
	tail  string // text: the label run from its last numbered token ("1.", "(一)", "一、") on
	// numbered: the tail opens with a list number (else it is the last
	// label token alone)
	numbered bool
	vals     []string // folded value cells/tokens
	// pos: where each of vals stands in the original (zero when unknown);
	// nil when nothing is known
	pos    []extract.Pos
	alt    *cand // the same row read from the expanded grid
	sec    int
	grid   bool
	review bool // a 行政复议 header was seen in this section
	// glued: the first value was cut from the end of the label, where the
	// row's cells ran into it ("行政处罚88022")
	glued bool
	// cut: the text ends inside this row, and its last value was dropped
	cut bool
	// lastPos is where the last label cell (grid) stands
	lastPos extract.Pos
	// sep: a text rendition's bar-separated row (item.sep)
	sep bool
	// itLast is the item its last value was printed in
	itLast int32
	// where the label was printed, for messages: the tail is nlab tokens
	// from items[it0].toks[tok0] on (text); a grid row is items[it0]
	it0, tok0, nlab int32
}

func (p *parser) candidates() []cand {
	n := 8
	for _, it := range p.items {
		switch it.kind {
		case itemGrid:
			n++
		case itemText:
			if it.table || len(it.toks) > 1 {
				n++ // a flattened row: label and values on one line
			}
		}
	}
	out := make([]cand, 0, n)
	var labels []string
	var vals []string
	// positions of the values of text lines, kept only when the reader
	// gave some (not for an HTML page's paragraphs, say); a row's are cut
	// from one slab (posFrom on) instead of grown one by one
	toks := 0
	for _, it := range p.items {
		if it.kind == itemText && (it.pos != nil || it.at.Kind != extract.PosNone) {
			toks += len(it.toks)
		}
	}
	track := toks > 0
	var posSlab []extract.Pos
	if track {
		posSlab = make([]extract.Pos, 0, toks)
	}
	posFrom := 0
	sec := -1
	review := false
	glued := false
	it0, tok0 := 0, 0 // where labels[0] was printed
	itLast := 0       // where the last value was printed
	flush := func() {
		if len(vals) > 0 {
			var vpos []extract.Pos
			if track && len(posSlab)-posFrom == len(vals) {
				vpos = posSlab[posFrom:len(posSlab):len(posSlab)]
			}
			l := strings.Join(labels, "")
			tail, k := numberedTail(labels)
			numbered := startsNumbered(tail)
			// messages name the row by its tail: the label run may begin
			// with header text
			ti, tt := p.advanceTokens(it0, tok0, len(labels)-k)
			out = append(out, cand{last: l, label: l, tail: tail, numbered: numbered, vals: vals, pos: vpos, sec: sec, review: review,
				glued: glued, it0: int32(ti), tok0: int32(tt), nlab: int32(k), itLast: int32(itLast)})
		}
		labels, vals, glued = nil, nil, false
		posFrom = len(posSlab)
	}
	for i, it := range p.items {
		if !p.inZone(i) || it.heading != 0 {
			flush()
			if p.sec[i] != sec {
				review = false
			}
			sec = p.sec[i]
			continue
		}
		if p.sec[i] != sec {
			flush()
			sec = p.sec[i]
			review = false
		}
		if strings.Contains(it.folded, "复议") && !strings.Contains(it.folded, "结转") {
			review = true
		}
		switch it.kind {
		case itemBreak:
			flush()
		case itemGrid:
			flush()
			c, ok := gridCand(it.cells, it.pos)
			if it.full != nil && !it.noAlt {
				if a, ok2 := gridCand(it.full, it.fullPos); ok2 {
					if !ok {
						c, ok = a, true
					} else {
						c.alt = &a
					}
				}
			}
			if ok && c.last != "" {
				// a label cell ending in digits: the row's cells may have
				// run into it ("行政处罚88022", or "行政处罚88 | 0 | 22")
				if !p.unglueGrid(&c, sec) && len(c.vals) == 0 {
					ok = false
				}
			}
			if ok {
				c.sec, c.review, c.sep = sec, review, it.sep
				c.it0, c.itLast = int32(i), int32(i)
				out = append(out, c)
			}
		case itemText:
			for ti, t := range it.toks {
				if isValueToken(t) {
					vals = append(vals, t)
					if track {
						posSlab = append(posSlab, it.posOf(ti))
					}
					itLast = i
					continue
				}
				if len(vals) > 0 {
					flush()
				}
				if prefix, digits, ok := cutTrailingDigits(t); ok && p.gluable(labels, prefix, sec) {
					if len(labels) == 0 {
						it0, tok0 = i, ti
					}
					labels = append(labels, prefix)
					vals, glued = append(vals, digits), true
					if track {
						posSlab = append(posSlab, it.posOf(ti))
					}
					itLast = i
					continue
				}
				if len(labels) == 0 {
					it0, tok0 = i, ti
				}
				labels = append(labels, t)
			}
			// a table's column headers are no row's label ("总计" in 三's
			// header is not the row （七）总计)
			if len(vals) == 0 && len(labels) > 0 && headerLine(it.folded) {
				labels = labels[:0]
			}
			// keep only the tail of a long label run: prose above a table
			// must not be matched as a label
			if n := len(labels); n > 24 {
				it0, tok0 = p.advanceTokens(it0, tok0, n-24)
				labels = labels[n-24:]
			}
		}
	}
	flush()
	return out
}

// headerWords occur in the column headers of the tables, never in a row
// label.
var headerWords = []string{"自然人", "法人或其他组织", "商业企业", "申请人情况", "勾稽关系", "信息内容", "本年制发件数",
	"本年新制作数量", "上一年项目数量", "本年处理决定数量", "本年收费金额", "采购项目数量", "结果维持", "尚未审结"}

// headerLine: a folded text line holding a table's column headers.
func headerLine(f string) bool {
	for _, w := range headerWords {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// advanceTokens moves a text position k tokens on (over whole items of a
// label run, which holds no value token).
func (p *parser) advanceTokens(it, tok, k int) (int, int) {
	for k > 0 && it < len(p.items) {
		left := len(p.items[it].toks) - tok
		if k < left {
			return it, tok + k
		}
		k -= left
		it, tok = it+1, 0
	}
	return it, tok
}

// gridCand splits a grid row at its last label cell. A row whose last
// cell is a label is returned (with no values) only when that label ends
// in digits: its cells may have run into it.
func gridCand(cells []string, pos []extract.Pos) (cand, bool) {
	last := -1
	for i := len(cells) - 1; i >= 0; i-- {
		if !isValueCell(cells[i]) {
			last = i
			break
		}
	}
	vals := cells[last+1:]
	if len(vals) == 0 {
		if last < 0 {
			return cand{}, false
		}
		if _, _, ok := cutTrailingDigits(cells[last]); !ok {
			return cand{}, false
		}
	}
	var parts []string
	for i := 0; i <= last; i++ {
		c := cells[i]
		if c == "" || (len(parts) > 0 && parts[len(parts)-1] == c) {
			continue
		}
		parts = append(parts, c)
	}
	c := cand{label: strings.Join(parts, ""), vals: vals, grid: true}
	if len(pos) == len(cells) {
		// from the label cell on: unglueGrid may take its digits as a value
		c.pos = pos[last+1:]
		if last >= 0 {
			c.lastPos = pos[last]
		}
	}
	if last >= 0 {
		c.last = cells[last]
	}
	return c, true
}

// posOf is where token i of a text item stands (nothing when unknown).
func (it *item) posOf(i int) extract.Pos {
	if i < len(it.pos) {
		return it.pos[i]
	}
	return it.at
}

// cutTrailingDigits splits "行政处罚88022" into "行政处罚" and "88022".
// The label part must not end in a sign, a decimal point or a digit group
// separator (then the digits belong to a number), nor be empty.
func cutTrailingDigits(t string) (prefix, digits string, ok bool) {
	j := len(t)
	for j > 0 && t[j-1] >= '0' && t[j-1] <= '9' {
		j--
	}
	if j == len(t) || j == 0 {
		return "", "", false
	}
	switch t[j-1] {
	case '.', ',', '-', '+', '/', ':', '~':
		return "", "", false
	}
	// the digits of a signed change ("减4", "−4") are a number of their own
	if p := t[:j]; strings.HasSuffix(p, "减") || strings.HasSuffix(p, "增") || strings.HasSuffix(p, "−") {
		return "", "", false
	}
	// a sentence is not a row label
	if strings.ContainsAny(t[:j], "。;:") {
		return "", "", false
	}
	return t[:j], t[j:], true
}

// gluable tells whether a label token ending in digits is a template row
// whose cells ran into it: the label part, with the label run before it
// from its last numbered token on, names a row of the section.
func (p *parser) gluable(labels []string, prefix string, sec int) bool {
	seg := prefix
	if !startsNumbered(prefix) {
		for j := len(labels) - 1; j >= 0; j-- {
			if startsNumbered(labels[j]) {
				seg = strings.Join(labels[j:], "") + prefix
				break
			}
		}
	}
	return p.placeable(seg, sec)
}

// placeable: a folded label names a template row of the section exactly,
// or, failing that, is close enough to exactly one row's label.
func (p *parser) placeable(seg string, sec int) bool {
	tpl := p.tpl
	if tpl == nil {
		tpl = &commonTemplate
	}
	if sec == secRequests || sec == secNone {
		if m := tpl.matchRequestLabel(seg); m.idx >= 0 && !m.fuzzy {
			return true
		}
		if f := fuzzyRow(seg, requestLabels(tpl)); f.idx >= 0 {
			return true
		}
	}
	if sec == secActive || sec == secNone {
		if m := tpl.matchActiveLabel(seg); m.idx >= 0 {
			return true
		}
		if f := fuzzyRow(seg, activeLabels(tpl)); f.idx >= 0 {
			return true
		}
	}
	return false
}

// unglueGrid cuts the trailing digits of a grid row's last label cell off
// as its first value, when the rest names a template row.
func (p *parser) unglueGrid(c *cand, sec int) bool {
	prefix, digits, ok := cutTrailingDigits(c.last)
	if !ok || !p.placeable(prefix, sec) {
		return false
	}
	c.vals = append([]string{digits}, c.vals...)
	if c.pos != nil {
		c.pos = append([]extract.Pos{c.lastPos}, c.pos...)
	}
	c.label = strings.TrimSuffix(c.label, digits)
	c.last = prefix
	c.glued = true
	return true
}

// startsNumbered: a folded label token opening with a list number:
// "1." "1、" "(一)" "(1)" "一、" "一.".
func startsNumbered(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '(' {
		j := 1
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == ')' {
				return j > 1
			}
			if !isNumeral(r) {
				return false
			}
			j += size
		}
		return false
	}
	j := 0
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !isNumeral(r) {
			break
		}
		j += size
	}
	if j == 0 || j == len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return r == '.' || r == '、'
}

func isNumeral(r rune) bool {
	return (r >= '0' && r <= '9') || strings.ContainsRune("一二三四五六七八九十", r)
}

// numberedTail joins labels from the last one that opens with a list
// number (the last label alone when none does); k is how many it joins.
func numberedTail(labels []string) (tail string, k int) {
	n := len(labels)
	if n == 0 {
		return "", 0
	}
	for j := n - 1; j >= 0; j-- {
		if startsNumbered(labels[j]) {
			if j == n-1 {
				return labels[j], 1
			}
			return strings.Join(labels[j:], ""), n - j
		}
	}
	return labels[n-1], 1
}

// fit takes exactly n values from c. Grid rows may carry extra blank cells
// from span expansion at either end; anything else that does not give n
// values is not placeable.
func fit(c cand, n int) ([]string, []extract.Pos, bool) {
	v, ps, ok := fit1(c, n)
	if !ok && c.alt != nil {
		return fit1(*c.alt, n)
	}
	return v, ps, ok
}

// fit1 is fit of c itself; the positions are those of the values taken
// (nil when unknown).
func fit1(c cand, n int) ([]string, []extract.Pos, bool) {
	v := c.vals
	lo := 0 // v is c.vals[lo:lo+len(v)]
	if c.glued && len(v) > 1 {
		// digits at the end of a label are a value only when the row
		// needs them: "行政许可¹ | 1243" has a footnote mark
		var ps []extract.Pos
		if len(c.pos) == len(v) {
			ps = c.pos[1:]
		}
		if w, wp, ok := fit1(cand{vals: v[1:], pos: ps, grid: c.grid, last: c.last}, n); ok {
			return w, wp, true
		}
	}
	if c.grid {
		for len(v) > n && v[0] == "" {
			v, lo = v[1:], lo+1
		}
		for len(v) > n && v[len(v)-1] == "" {
			v = v[:len(v)-1]
		}
		// a label cell spanning two columns may be copied into the next one
		for len(v) > n && (v[0] == c.last && c.last != "") {
			v, lo = v[1:], lo+1
		}
	}
	var ps []extract.Pos
	if len(c.pos) == len(c.vals) {
		ps = c.pos[lo : lo+len(v)]
	}
	return v, ps, len(v) == n
}

func hasNumber(vals []string) bool {
	for _, v := range vals {
		if parseCell(v).kind == cellNum {
			return true
		}
	}
	return false
}

// match picks the spec whose pattern ends last in label (the last-label
// rule); ties go to the longer pattern.
func match(label string, patterns func(i int) []string, n int) int {
	best, bestEnd, bestLen := -1, -1, 0
	for i := 0; i < n; i++ {
		for _, pat := range patterns(i) {
			j := strings.LastIndex(label, pat)
			if j < 0 {
				continue
			}
			end := j + len(pat)
			if end > bestEnd || (end == bestEnd && len(pat) > bestLen) {
				best, bestEnd, bestLen = i, end, len(pat)
			}
		}
	}
	return best
}

// ---- tables ----

type found struct {
	active    map[string]ActiveRow
	extra     []ExtraRow
	requests  map[string]RequestRow
	review    *ReviewLitigation
	activeAny bool         // any section-二 row recognised
	pending   []pendingReq // section 三 rows whose cells ran together
}

// placement kinds of a candidate row
const (
	placeNone int8 = iota
	placeReview
	placeRequest
	placeActive
	placeAmbiguous
)

type placement struct {
	amb   []int // placeAmbiguous: the rows it could be
	idx   int   // template row (placeRequest, placeActive)
	kind  int8
	ambIn int8 // placeAmbiguous: placeRequest or placeActive
	fuzzy bool
}

func (p *parser) tables() {
	p.detectFormat()
	cands := p.candidates()
	p.anyTable = len(cands) > 0
	tpl := p.tpl
	if tpl == nil {
		tpl = &commonTemplate
	}
	f := found{active: map[string]ActiveRow{}, requests: map[string]RequestRow{}}
	p.cellWarn = map[string]map[string][]string{}

	p.cutLast(cands)
	// pass 1: exact labels
	pl := make([]placement, len(cands))
	for ci, c := range cands {
		if c.sec == secReview || (c.review && (len(c.vals) >= 15 || c.label == "" || reviewHeader(c.label))) {
			pl[ci].kind = placeReview
			continue
		}
		if c.sec == secRequests || c.sec == secNone {
			m := tpl.matchRequest(c)
			if m.idx >= 0 {
				pl[ci] = placement{kind: placeRequest, idx: m.idx}
				continue
			}
			if m.amb != nil {
				pl[ci] = placement{kind: placeAmbiguous, amb: m.amb, ambIn: placeRequest}
				continue
			}
		}
		if c.sec == secActive || c.sec == secNone {
			m := tpl.matchActive(c)
			if m.idx >= 0 {
				pl[ci] = placement{kind: placeActive, idx: m.idx}
				continue
			}
			if m.amb != nil {
				pl[ci] = placement{kind: placeAmbiguous, amb: m.amb, ambIn: placeActive}
			}
		}
	}
	// pass 2: close labels, accepted only between the rows placed around
	// them in template order
	for ci, c := range cands {
		if pl[ci].kind != placeNone || c.label == "" || !hasValue(c.vals) {
			continue // nothing to place
		}
		seg := fuzzySeg(c)
		var hits []placement
		if c.sec == secRequests || c.sec == secNone {
			if m := fuzzyRow(seg, requestLabels(tpl)); m.idx >= 0 {
				if inOrder(pl, ci, placeRequest, m.idx, func(i int) bool { return tpl.Requests[i].Group }) {
					hits = append(hits, placement{kind: placeRequest, idx: m.idx, fuzzy: true})
				}
			} else if m.amb != nil {
				hits = append(hits, placement{kind: placeAmbiguous, amb: m.amb, ambIn: placeRequest})
			}
		}
		if c.sec == secActive || c.sec == secNone {
			if m := fuzzyRow(seg, activeLabels(tpl)); m.idx >= 0 {
				if inOrder(pl, ci, placeActive, m.idx, func(int) bool { return false }) {
					hits = append(hits, placement{kind: placeActive, idx: m.idx, fuzzy: true})
				}
			} else if m.amb != nil {
				hits = append(hits, placement{kind: placeAmbiguous, amb: m.amb, ambIn: placeActive})
			}
		}
		switch len(hits) {
		case 1:
			pl[ci] = hits[0]
		case 2:
			pl[ci] = placement{kind: placeAmbiguous, amb: []int{hits[0].idx, hits[1].idx}, ambIn: placeRequest}
		}
	}
	// pass 3: take the values
	for ci, c := range cands {
		switch pl[ci].kind {
		case placeReview:
			p.takeReview(&f, c)
			continue
		case placeRequest:
			spec := tpl.Requests[pl[ci].idx]
			if pl[ci].fuzzy {
				p.r.warn(WarnLabelVariant, "section 三: row %q read as %s (%s)", p.printed(c), spec.Key, spec.Label)
			}
			if spec.Group {
				p.takeGroup(&f, spec, c, tpl, pl)
				continue
			}
			p.takeRequest(&f, spec, c)
			continue
		case placeActive:
			spec := tpl.Active[pl[ci].idx]
			if pl[ci].fuzzy {
				p.r.warn(WarnLabelVariant, "section 二: row %q read as %s (%s)", p.printed(c), spec.Key, spec.Label)
			}
			p.takeActive(&f, spec, c)
			continue
		case placeAmbiguous:
			var names []string
			for _, i := range pl[ci].amb {
				if pl[ci].ambIn == placeActive {
					names = append(names, tpl.Active[i].Label)
				} else {
					names = append(names, tpl.Requests[i].Label)
				}
			}
			if len(names) == 1 {
				names = append(names, "another row")
			}
			p.r.warn(WarnLabelAmbiguous, "section %s: row %q could be %s; its values %v are not placed", secName(c.sec), p.printed(c), strings.Join(names, " or "), c.vals)
			if pl[ci].ambIn == placeRequest {
				p.uncertain["H2"] = true
			}
			continue
		}
		if c.sec == secActive && c.label != "" && hasNumber(c.vals) && len(tpl.Active) > 0 {
			p.takeExtra(&f, c)
			continue
		}
		if c.sec == secNone || !hasValue(c.vals) {
			continue
		}
		if c.label == "" {
			p.r.warn(WarnUnknownRow, "section %s: values %v without a row label; not placed", secName(c.sec), c.vals)
			continue
		}
		p.r.warn(WarnUnknownRow, "section %s: row %q with values %v not recognised; not placed", secName(c.sec), p.printed(c), c.vals)
	}
	p.solvePending(&f, tpl)
	p.assemble(&f, tpl)
}

// cutLast: when a text stops in the middle of its last line and that line
// holds a row's last value, the value may be cut short ("12" printed as
// "1"): it is dropped, so the row reads as incomplete.
func (p *parser) cutLast(cands []cand) {
	if !p.doc.LastLineCut || len(cands) == 0 {
		return
	}
	last := len(p.items) - 1
	for last >= 0 && p.items[last].kind == itemBreak {
		last--
	}
	c := &cands[len(cands)-1]
	if int(c.itLast) != last || len(c.vals) == 0 {
		return
	}
	p.r.warn(WarnTextCut, "the text ends inside row %q: its last value %q may be cut off and is not read", p.printed(*c), c.vals[len(c.vals)-1])
	c.vals = c.vals[:len(c.vals)-1]
	if len(c.pos) > len(c.vals) {
		c.pos = c.pos[:len(c.vals)]
	}
	c.cut = true
	c.alt = nil
}

// reviewHeader: a label run holding section 四's header words.
func reviewHeader(label string) bool {
	return strings.Contains(label, "复议") || strings.Contains(label, "诉讼")
}

// hasValue: some value is not blank.
func hasValue(vals []string) bool {
	for _, v := range vals {
		if v != "" {
			return true
		}
	}
	return false
}

// inOrder tells whether template row idx fits between the rows placed
// exactly before and after candidate ci (tables follow the template's
// order); group rows, whose template position is not their printed one,
// are not used as bounds.
func inOrder(pl []placement, ci int, kind int8, idx int, group func(int) bool) bool {
	for j := ci - 1; j >= 0; j-- {
		if pl[j].kind == kind && !pl[j].fuzzy && !group(pl[j].idx) {
			if pl[j].idx >= idx {
				return false
			}
			break
		}
	}
	for j := ci + 1; j < len(pl); j++ {
		if pl[j].kind == kind && !pl[j].fuzzy && !group(pl[j].idx) {
			if pl[j].idx <= idx {
				return false
			}
			break
		}
	}
	return true
}

// printed is a candidate's label as the document prints it (spacing
// inside a line kept, wrapped lines joined), for messages; the folded
// label when the printed one cannot be told.
func (p *parser) printed(c cand) string {
	label := ""
	if c.grid {
		label = p.printedGrid(c)
	} else {
		label = p.printedText(c)
	}
	if label == "" {
		label = c.label
	}
	return clip(label, 60)
}

func (p *parser) printedGrid(c cand) string {
	if int(c.it0) >= len(p.items) {
		return ""
	}
	it := p.items[c.it0]
	folded := it.cells
	if it.full != nil {
		folded = it.full
	}
	raw := it.toks // a grid row's cells as printed
	if len(raw) != len(folded) {
		return ""
	}
	last := -1
	for i := len(folded) - 1; i >= 0; i-- {
		if !isValueCell(folded[i]) {
			last = i
			break
		}
	}
	var parts []string
	for i := 0; i <= last; i++ {
		r := strings.TrimSpace(raw[i])
		if r == "" || (len(parts) > 0 && parts[len(parts)-1] == r) {
			continue
		}
		parts = append(parts, r)
	}
	return strings.Join(parts, " ")
}

func (p *parser) printedText(c cand) string {
	var b strings.Builder
	it, tok, left := int(c.it0), int(c.tok0), int(c.nlab)
	for left > 0 && it < len(p.items) {
		item := p.items[it]
		raw := strings.FieldsFunc(item.raw, isSpaceRune)
		toks := item.toks
		if len(raw) == len(toks) {
			toks = raw
		}
		line := ""
		for ; tok < len(toks) && left > 0; tok++ {
			if line != "" {
				line += " "
			}
			line += toks[tok]
			left--
		}
		b.WriteString(line)
		it, tok = it+1, 0
	}
	return b.String()
}

func isSpaceRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0'
}

func secName(s int) string {
	return [...]string{"?", "一", "二", "三", "四", "五", "六"}[s]
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n:])
}

// cellWarning records one cell for an aggregated warning.
func (p *parser) cellWarning(table, code, path string) {
	m := p.cellWarn[table]
	if m == nil {
		m = map[string][]string{}
		p.cellWarn[table] = m
	}
	m[code] = append(m[code], path)
}

// count converts a count cell (requests, review, active counts).
func (p *parser) count(table, path string, c cell) *float64 {
	switch c.kind {
	case cellBlank:
		p.cellWarning(table, WarnBlankCell, path)
		return nil
	case cellNA:
		p.cellWarning(table, WarnNACell, path+"="+c.raw)
		return nil
	case cellBad:
		p.cellWarning(table, WarnBadCell, path+"="+c.raw)
		p.uncertain[path] = true
		return nil
	}
	if c.unit == "元" || c.unit == "万元" {
		p.cellWarning(table, WarnUnitMismatch, path+"="+c.raw)
		p.uncertain[path] = true
		return nil
	}
	if c.unit != "" {
		p.cellWarning(table, WarnUnitInCell, path+"="+c.raw)
	}
	return p.nums.ptr(c.val)
}

func (p *parser) takeReview(f *found, c cand) {
	vals, ps, ok := fit(c, 15)
	if !ok {
		if toks, split := splitToks(c, 15); split && f.review == nil {
			reading, why := decided(readRow(toks, 15, reviewRowRules), len(toks) > 1)
			if reading == nil {
				p.r.warn(WarnRunTogetherUnresolved, "section 四: values printed as %q ran together; %s; review_litigation left out", strings.Join(toks, " "), why)
				return
			}
			p.r.warn(WarnRunTogether, "section 四: values printed as %q read as %s, the only reading that satisfies H4", strings.Join(toks, " "), readingText(reading))
			vals = make([]string, len(reading))
			for i, r := range reading {
				vals[i] = r.text
			}
			ps = repeatPos(commonPos(c), len(vals))
			ok = true
		}
	}
	if !ok {
		if f.review == nil {
			p.r.warn(WarnUnplaceable, "section 四: found %d values where 15 belong (%v); review_litigation left out", len(c.vals), c.vals)
		} else if hasValue(c.vals) {
			p.r.warn(WarnUnknownRow, "section 四: values %v after the table not placed", c.vals)
		}
		return
	}
	if f.review != nil {
		p.r.warn(WarnDuplicateRow, "section 四: a second row of 15 values ignored")
		return
	}
	var out [15]*float64
	for i, v := range vals {
		out[i] = p.count("review_litigation", reviewPaths[i], parseCell(v))
		p.place(reviewPaths[i], out[i], ps, i)
	}
	f.review = &ReviewLitigation{}
	f.review.set(out)
}

func (p *parser) takeRequest(f *found, spec RowSpec, c cand) {
	if _, dup := f.requests[spec.Key]; dup {
		p.r.warn(WarnDuplicateRow, "section 三: row %s appears twice (again as %q); the first is kept", spec.Key, p.printed(c))
		return
	}
	row := RequestRow{Key: spec.Key}
	vals, ps, ok := fit(c, 7)
	if !ok {
		if toks, split := splitToks(c, 7); split {
			// decided with the other rows (solvePending)
			f.pending = append(f.pending, pendingReq{key: spec.Key, printed: p.printed(c), raw: strings.Join(toks, " "),
				rr: readRow(toks, 7, requestRowRules), cover: len(toks) > 1, at: commonPos(c)})
			f.requests[spec.Key] = row
			return
		}
		if toks, ok := collapsedToks(c, 7); ok {
			// blank cells left out between the bars: placed with the
			// other rows (solvePending), pinned in every column
			f.pending = append(f.pending, pendingReq{key: spec.Key, printed: p.printed(c), raw: strings.Join(toks, " | "),
				rr: placeRow(toks, 7, requestRowRules), cover: true, collapsed: true, at: commonPos(c)})
			f.requests[spec.Key] = row
			return
		}
		p.r.warn(WarnUnplaceable, "section 三: row %q (%s) has %d values where 7 belong (%v); left null", p.printed(c), spec.Key, len(c.vals), c.vals)
		for c := range RequestColumns {
			p.uncertain[reqPath(spec.Key, c)] = true
		}
		f.requests[spec.Key] = row
		return
	}
	for i, v := range vals {
		row.Values[i] = p.count("requests", reqPath(spec.Key, i), parseCell(v))
		p.place(provRequest(spec.Key, i), row.Values[i], ps, i)
	}
	f.requests[spec.Key] = row
}

// takeGroup: a group label of section 三 printed as a row of its own. A
// group with a key (2021 （六）其他处理 → other) is placed there when the
// table has none of its sub-rows; otherwise its values are left out, and
// H2 cannot be evaluated when they are missing from the outcome rows.
func (p *parser) takeGroup(f *found, spec RowSpec, c cand, tpl *Template, pl []placement) {
	subs := false
	for _, q := range pl {
		if q.kind == placeRequest && spec.Key != "" && tpl.Requests[q.idx].Parent == spec.Key {
			subs = true
		}
	}
	switch {
	case spec.Key == "":
		p.r.warn(WarnGroupAsRow, "section 三: group %q printed as one row with values %v; the schema has no key for it: not placed", p.printed(c), c.vals)
		p.uncertain["H2"] = true
	case subs:
		p.r.warn(WarnGroupAsRow, "section 三: group %q printed as a row with values %v beside its sub-rows; not placed", p.printed(c), c.vals)
	default:
		p.r.warn(WarnGroupAsRow, "section 三: group %q printed as one row without its sub-rows; read as %s", p.printed(c), spec.Key)
		p.takeRequest(f, spec, c)
	}
}

// solvePending reads the run-together rows of section 三 together with
// the rows read directly (solve.go).
func (p *parser) solvePending(f *found, tpl *Template) {
	if len(f.pending) == 0 {
		return
	}
	fixed := make(map[string][7]*float64, len(f.requests))
	pend := map[string]bool{}
	for _, q := range f.pending {
		pend[q.key] = true
	}
	for k, row := range f.requests {
		if !pend[k] {
			fixed[k] = row.Values
		}
	}
	uncertain := func(key string, c int) bool { return p.uncertain[reqPath(key, c)] }
	// an outcome row printed where it cannot be placed makes H2 unusable
	outs := solveRequests(fixed, uncertain, f.pending, tpl, p.uncertain["H2"])
	for i, q := range f.pending {
		row := RequestRow{Key: q.key}
		o := outs[i]
		if q.collapsed {
			if o.reading == nil {
				p.r.warn(WarnUnplaceable, "section 三: row %q has %d values where 7 belong (%s), its blank cells left out; no single placement satisfies the table's arithmetic (%s); left null", q.printed, strings.Count(q.raw, "|")+1, q.raw, o.why)
				for c := range RequestColumns {
					p.uncertain[reqPath(q.key, c)] = true
				}
				f.requests[q.key] = row
				continue
			}
			p.r.warn(WarnCollapsed, "section 三: row %q: values printed as %q with blank cells left out read as %s, the only placement that satisfies the table's arithmetic", q.printed, q.raw, readingText(o.reading))
		} else if o.reading == nil {
			p.r.warn(WarnRunTogetherUnresolved, "section 三: row %q: values printed as %q ran together; %s; left null", q.printed, q.raw, o.why)
			for c := range RequestColumns {
				p.uncertain[reqPath(q.key, c)] = true
			}
			f.requests[q.key] = row
			continue
		}
		if !q.collapsed {
			p.r.warn(WarnRunTogether, "section 三: row %q: values printed as %q read as %s, the only reading that satisfies the table's arithmetic", q.printed, q.raw, readingText(o.reading))
		}
		for c, v := range o.reading {
			row.Values[c] = p.count("requests", reqPath(q.key, c), parseCell(v.text))
			p.place(provRequest(q.key, c), row.Values[c], []extract.Pos{q.at}, 0)
		}
		f.requests[q.key] = row
	}
}

func (p *parser) takeActive(f *found, spec ActiveSpec, c cand) {
	f.activeAny = true
	if _, dup := f.active[spec.Key]; dup {
		p.r.warn(WarnDuplicateRow, "section 二: row %s appears twice (again as %q); the first is kept", spec.Key, p.printed(c))
		return
	}
	row := ActiveRow{Key: spec.Key}
	n := len(spec.Fields)
	vals, ps, ok := fit(c, n)
	if !ok {
		if toks, split := splitToks(c, n); split {
			// section 二 has no sum rule: only the digits can decide
			reading, why := decided(readRow(toks, n, nil), len(toks) > 1)
			if reading == nil {
				p.r.warn(WarnRunTogetherUnresolved, "section 二: row %q: values printed as %q ran together; %s; left null", p.printed(c), strings.Join(toks, " "), why)
			} else {
				p.r.warn(WarnRunTogether, "section 二: row %q: values printed as %q read as %s, the only way to cut the digits", p.printed(c), strings.Join(toks, " "), readingText(reading))
				vals = make([]string, n)
				for i, r := range reading {
					vals[i] = r.text
				}
				ps = repeatPos(commonPos(c), n)
				ok = true
			}
		} else {
			p.r.warn(WarnUnplaceable, "section 二: row %q (%s) has %d values where %d belong (%v); left null", p.printed(c), spec.Key, len(c.vals), n, c.vals)
		}
	}
	for i, fs := range spec.Fields {
		path := "active." + spec.Key + "." + fs.Name
		var v *float64
		unit := ""
		if ok {
			v, unit = p.activeValue(path, fs, parseCell(vals[i]))
			p.place(path, v, ps, i)
		} else {
			p.uncertain[path] = true
		}
		row.Fields = append(row.Fields, Field{Name: fs.Name, Value: v})
		if fs.UnitField != "" {
			u := unit
			row.Fields = append(row.Fields, Field{Name: fs.UnitField, Str: &u})
		}
	}
	f.active[spec.Key] = row
}

// activeValue converts a section 二 cell under its column's rules; it
// returns the unit written in the cell for UnitField columns.
func (p *parser) activeValue(path string, fs FieldSpec, c cell) (*float64, string) {
	if !fs.Money || c.kind != cellNum {
		if c.kind == cellNum && c.unit == "" && fs.Money {
			return p.nums.ptr(c.val), ""
		}
		return p.count("active", path, c), ""
	}
	switch {
	case c.unit == "":
		return p.nums.ptr(c.val), ""
	case fs.UnitField != "" && (c.unit == "元" || c.unit == "万元"):
		return p.nums.ptr(c.val), c.unit
	case fs.Unit != "" && c.unit == fs.Unit:
		p.cellWarning("active", WarnUnitInCell, path+"="+c.raw)
		return p.nums.ptr(c.val), ""
	}
	p.cellWarning("active", WarnUnitMismatch, path+"="+c.raw)
	p.uncertain[path] = true
	return nil, ""
}

func (p *parser) takeExtra(f *found, c cand) {
	label := c.last
	if label == "" {
		label = c.label
	}
	x := ExtraRow{Label: label}
	for i, v := range c.vals {
		cl := parseCell(v)
		var n *float64
		if cl.kind == cellNum {
			n = p.nums.ptr(cl.val)
		} else if cl.kind != cellBlank {
			p.cellWarning("active", WarnNACell, fmt.Sprintf("active.extra[%d][%d]=%s", len(f.extra), i, cl.raw))
		}
		x.Values = append(x.Values, n)
	}
	f.extra = append(f.extra, x)
	p.r.warn(WarnUnknownRow, "section 二: local row %q kept under active.extra", clip(label, 40))
}

func (p *parser) assemble(f *found, tpl *Template) {
	r := p.r
	if p.tpl == nil && (len(f.requests) > 0 || f.review != nil) {
		r.warn(WarnFormatUnknown, "tables found but no header or row label tells the 2019 from the 2021 format; section 二 and the rows that differ between them are left out")
	}
	if p.tpl != nil {
		r.Format = p.tpl.Name
	}
	// section 二
	if len(tpl.Active) == 0 && len(f.requests) == 0 && f.review == nil {
		r.warn(WarnTableMissing, "section 二 (主动公开) table not found: no numbers reported")
	}
	if len(tpl.Active) > 0 {
		if len(f.active) == 0 && len(f.extra) == 0 {
			r.warn(WarnTableMissing, "section 二 (主动公开) table not found: no numbers reported")
		} else {
			a := &Active{Extra: f.extra}
			var missing []string
			for _, s := range tpl.Active {
				if row, ok := f.active[s.Key]; ok {
					a.Rows = append(a.Rows, row)
				} else {
					missing = append(missing, s.Key)
				}
			}
			if len(missing) > 0 {
				r.warn(WarnRowMissing, "section 二: rows not found: %s", strings.Join(missing, ", "))
			}
			r.Active = a
		}
	}
	// section 三
	if len(f.requests) == 0 {
		r.warn(WarnTableMissing, "section 三 (收到和处理政府信息公开申请) table not found: no numbers reported")
	} else {
		q := &Requests{Rows: make([]RequestRow, 0, len(tpl.Requests))}
		var missing []string
		for _, s := range tpl.Requests {
			if row, ok := f.requests[s.Key]; ok {
				q.Rows = append(q.Rows, row)
			} else if !s.Group && (s.Parent == "" || f.requests[s.Parent].Key == "") {
				// a group row is optional; sub-rows are not missing
				// when their group was printed as one row
				missing = append(missing, s.Key)
			}
		}
		if len(missing) > 0 {
			r.warn(WarnRowMissing, "section 三: rows not found: %s", strings.Join(missing, ", "))
		}
		r.Requests = q
	}
	// section 四
	if f.review == nil {
		r.warn(WarnTableMissing, "section 四 (行政复议、行政诉讼) table not found: no numbers reported")
	} else {
		r.ReviewLitigation = f.review
	}
	p.flushCellWarnings()
}

var cellWarnText = map[string]string{
	WarnBlankCell:    "blank cells read as null",
	WarnNACell:       `"/", "-", "—" or "无" cells read as null`,
	WarnUnitInCell:   "unit written in the cell, stripped",
	WarnUnitMismatch: "unit contradicts the column; value left null",
	WarnBadCell:      "cell text is not a number; value left null",
}

func (p *parser) flushCellWarnings() {
	tables := []string{"active", "requests", "review_litigation"}
	codes := []string{WarnBlankCell, WarnNACell, WarnUnitInCell, WarnUnitMismatch, WarnBadCell}
	for _, t := range tables {
		for _, code := range codes {
			paths := p.cellWarn[t][code]
			if len(paths) == 0 {
				continue
			}
			sort.Strings(paths)
			shown := paths
			if len(shown) > 8 {
				shown = shown[:8]
			}
			more := ""
			if len(paths) > len(shown) {
				more = fmt.Sprintf(", … (%d more)", len(paths)-len(shown))
			}
			p.r.warn(code, "%s: %d %s: %s%s", t, len(paths), cellWarnText[code], strings.Join(shown, ", "), more)
		}
	}
}
