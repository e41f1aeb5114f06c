package report

import (
	"fmt"
	"sort"
	"strings"

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
}

// inZone reports whether item i may hold table numbers. Sections 一, 五
// and 六 never do: numbers quoted in their prose must not leak into the
// tables. When the report names 二, 三 or 四, only those sections count.
func (p *parser) inZone(i int) bool {
	s := p.sec[i]
	if p.has234 {
		return s == secActive || s == secRequests || s == secReview
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
	last   string   // the last label cell (grid) or the whole label run (text)
	label  string   // all label text joined
	vals   []string // folded value cells/tokens
	grid   bool
	alt    *cand // the same row read from the expanded grid
	sec    int
	review bool // a 行政复议 header was seen in this section
}

func (p *parser) candidates() []cand {
	n := 8
	for _, it := range p.items {
		if it.kind == itemGrid {
			n++
		}
	}
	out := make([]cand, 0, n)
	var labels []string
	var vals []string
	sec := -1
	review := false
	flush := func() {
		if len(vals) > 0 {
			l := strings.Join(labels, "")
			out = append(out, cand{last: l, label: l, vals: vals, sec: sec, review: review})
		}
		labels, vals = nil, nil
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
			c, ok := gridCand(it.cells)
			if it.full != nil {
				if a, ok2 := gridCand(it.full); ok2 {
					if !ok {
						c, ok = a, true
					} else {
						c.alt = &a
					}
				}
			}
			if ok {
				c.sec, c.review = sec, review
				out = append(out, c)
			}
		case itemText:
			for _, t := range it.toks {
				if isValueToken(t) {
					vals = append(vals, t)
					continue
				}
				if len(vals) > 0 {
					flush()
				}
				labels = append(labels, t)
			}
			// keep only the tail of a long label run: prose above a table
			// must not be matched as a label
			if n := len(labels); n > 24 {
				labels = labels[n-24:]
			}
		}
	}
	flush()
	return out
}

// gridCand splits a grid row at its last label cell.
func gridCand(cells []string) (cand, bool) {
	last := -1
	for i := len(cells) - 1; i >= 0; i-- {
		if !isValueCell(cells[i]) {
			last = i
			break
		}
	}
	vals := cells[last+1:]
	if len(vals) == 0 {
		return cand{}, false
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
	if last >= 0 {
		c.last = cells[last]
	}
	return c, true
}

// fit takes exactly n values from c. Grid rows may carry extra blank cells
// from span expansion at either end; anything else that does not give n
// values is not placeable.
func fit(c cand, n int) ([]string, bool) {
	v, ok := fit1(c, n)
	if !ok && c.alt != nil {
		return fit1(*c.alt, n)
	}
	return v, ok
}

func fit1(c cand, n int) ([]string, bool) {
	v := c.vals
	if !c.grid {
		return v, len(v) == n
	}
	for len(v) > n && v[0] == "" {
		v = v[1:]
	}
	for len(v) > n && v[len(v)-1] == "" {
		v = v[:len(v)-1]
	}
	// a label cell spanning two columns may be copied into the next one
	for len(v) > n && (v[0] == c.last && c.last != "") {
		v = v[1:]
	}
	return v, len(v) == n
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

func (t *Template) matchRequest(c cand) int {
	m := requestMatcher(t)
	if c.grid && c.last != "" {
		if i := m.match(c.last); i >= 0 {
			return i
		}
	}
	return m.match(c.label)
}

func (t *Template) matchActive(c cand) int {
	m := activeMatcher(t)
	if c.grid && c.last != "" {
		if i := m.match(c.last); i >= 0 {
			return i
		}
	}
	return m.match(c.label)
}

// ---- tables ----

type found struct {
	active    map[string]ActiveRow
	extra     []ExtraRow
	requests  map[string]RequestRow
	review    *ReviewLitigation
	activeAny bool // any section-二 row recognised
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

	for _, c := range cands {
		// section 四: 15 numbers under a 行政复议 header
		if c.sec == secReview || c.review {
			if c.sec == secReview || len(c.vals) >= 15 {
				p.takeReview(&f, c)
				continue
			}
		}
		if c.sec == secRequests || c.sec == secNone || c.sec == secReview {
			if i := tpl.matchRequest(c); i >= 0 {
				p.takeRequest(&f, tpl.Requests[i], c)
				continue
			}
		}
		if c.sec == secActive || c.sec == secNone {
			if i := tpl.matchActive(c); i >= 0 {
				p.takeActive(&f, tpl.Active[i], c)
				continue
			}
			if c.sec == secActive && hasNumber(c.vals) && len(tpl.Active) > 0 {
				p.takeExtra(&f, c)
				continue
			}
		}
		if c.sec != secNone && hasNumber(c.vals) && c.label != "" {
			p.r.warn(WarnUnknownRow, "section %s: row %q with values %v not recognised; ignored", secName(c.sec), clip(c.label, 40), c.vals)
		}
	}
	p.assemble(&f, tpl)
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
	vals, ok := fit(c, 15)
	if !ok {
		if f.review == nil {
			p.r.warn(WarnUnplaceable, "section 四: found %d values where 15 belong (%v); review_litigation left out", len(c.vals), c.vals)
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
	}
	f.review = &ReviewLitigation{}
	f.review.set(out)
}

func (p *parser) takeRequest(f *found, spec RowSpec, c cand) {
	if _, dup := f.requests[spec.Key]; dup {
		p.r.warn(WarnDuplicateRow, "section 三: row %s appears twice; the first is kept", spec.Key)
		return
	}
	row := RequestRow{Key: spec.Key}
	vals, ok := fit(c, 7)
	if !ok {
		p.r.warn(WarnUnplaceable, "section 三: row %s has %d values where 7 belong (%v); left null", spec.Key, len(c.vals), c.vals)
		for c := range RequestColumns {
			p.uncertain[reqPath(spec.Key, c)] = true
		}
		f.requests[spec.Key] = row
		return
	}
	for i, v := range vals {
		row.Values[i] = p.count("requests", reqPath(spec.Key, i), parseCell(v))
	}
	f.requests[spec.Key] = row
}

func (p *parser) takeActive(f *found, spec ActiveSpec, c cand) {
	f.activeAny = true
	if _, dup := f.active[spec.Key]; dup {
		p.r.warn(WarnDuplicateRow, "section 二: row %s appears twice; the first is kept", spec.Key)
		return
	}
	row := ActiveRow{Key: spec.Key}
	vals, ok := fit(c, len(spec.Fields))
	if !ok {
		p.r.warn(WarnUnplaceable, "section 二: row %s has %d values where %d belong (%v); left null", spec.Key, len(c.vals), len(spec.Fields), c.vals)
	}
	for i, fs := range spec.Fields {
		path := "active." + spec.Key + "." + fs.Name
		var v *float64
		unit := ""
		if ok {
			v, unit = p.activeValue(path, fs, parseCell(vals[i]))
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
			} else {
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
