package divisions

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/textfold"
)

// Warning codes a resolution may carry (the archive's "code: message"
// warnings use them).
const (
	WarnUnresolved = "region_unresolved" // no division could be named
	WarnAmbiguous  = "region_ambiguous"  // a name fits several divisions and nothing says which
	WarnConflict   = "region_conflict"   // a source names a place outside the site's region
	WarnSite       = "region_site_unresolved"
)

// Sources, in their order of trust.
const (
	FromSite  = "site"
	FromBody  = "body"
	FromTitle = "title"
	FromText  = "text"
)

// Input is what is known about a document's place, most trusted first.
type Input struct {
	Site  string // the site's configured region: a code or a name (河南省洛阳市, 410307)
	Body  string // the issuing body: 洛阳市偃师区教育局
	Title string // 偃师区教育局2023年政府信息公开工作年度报告
	Text  string // the report's text (its overview); only its start is read
}

// Result is a resolution: the most precise division the sources agree on,
// or nil with a warning saying why — never a guess.
type Result struct {
	Division *Division
	From     string   // the source that named it: site, body, title, text
	Warnings []string // "code: message"
}

// nameFold is how names are compared: full-width forms, spaces, traditional
// characters do not matter.
const nameFold = textfold.Name | textfold.Traditional | textfold.ZeroWidthSpace

// textRunes is how much of the report text is read: a report names its
// own place in its first sentence (2023年，偃师区教育局…); further on it
// names the places it supervises.
const textRunes = 200

type mention struct {
	name       string
	cands      []*Division
	start, end int // rune offsets in the folded source
}

type resolver struct {
	t        *table
	towns    *townTable
	ctx      *Division
	from     string
	ambig    []mention
	warnings []string
}

// Resolve finds the division of a document from in: the site's region
// first, then the body, the title, and the report's text. Each source may
// only narrow what the more trusted ones said (a body in 偃师区 on a site
// of 洛阳市); a name outside it is a conflict (warned, ignored). A name
// several divisions share (新华区) counts only when what is already known
// picks one of them. The text is read only when nothing else named a
// place, and never down to a township (a county's report names its
// townships).
func Resolve(in Input) Result {
	t, err := load()
	if err != nil {
		return Result{Warnings: []string{WarnUnresolved + ": " + err.Error()}}
	}
	r := &resolver{t: t}
	if s := strings.TrimSpace(in.Site); s != "" {
		d, ws := lookupSite(s)
		if d == nil {
			r.warnings = append(r.warnings, fmt.Sprintf("%s: the site's region %q names no single division (%s)", WarnSite, s, strings.Join(ws, "; ")))
		} else {
			r.ctx, r.from = d, FromSite
		}
	}
	r.source(in.Body, FromBody, true, false)
	r.source(in.Title, FromTitle, true, false)
	if r.ctx == nil || strings.TrimSpace(in.Body) == "" && r.ctx.Level < County {
		r.source(clip(in.Text, textRunes), FromText, false, true)
	}
	res := Result{Division: r.ctx, From: r.from}
	if r.ctx == nil {
		res.From = ""
	}
	res.Warnings = append(res.Warnings, r.warnings...)
	seen := map[string]bool{}
	for _, m := range r.ambig {
		if seen[m.name] {
			continue
		}
		seen[m.name] = true
		settled := false
		var left []string
		for _, c := range m.cands {
			if r.ctx != nil && (c == r.ctx || r.ctx.Within(c)) {
				settled = true // a later source said which
			}
			if r.ctx == nil || c.Within(r.ctx) {
				left = append(left, c.String())
			}
		}
		if settled {
			continue
		}
		if len(left) > 1 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %q could be %s", WarnAmbiguous, m.name, listSome(left)))
		}
	}
	if res.Division == nil && len(res.Warnings) == 0 {
		res.Warnings = append(res.Warnings, WarnUnresolved+": no division named by the site's region, the body, the title or the text")
	}
	return res
}

// source narrows the context with the names in s. towns: township names
// count (body, title). first: only the first chain of names counts (the
// text: 洛阳市孟津区财政局 narrows twice, a later 偃师区 not at all).
func (r *resolver) source(s, from string, towns, first bool) {
	if strings.TrimSpace(s) == "" {
		return
	}
	chainEnd := -1
	for _, m := range r.mentions(s, towns && (r.ctx != nil && r.ctx.Level >= County || hasTownSuffix(s))) {
		if first && chainEnd >= 0 && m.start != chainEnd {
			return
		}
		if short := utf8.RuneCountInString(m.name) < 3; short && (from == FromText || r.ctx == nil && m.start != 0) {
			// 高县 in 提高县级…, 东区 in 开发区东区: a two-character name
			// is too often a plain word; it counts in a body or title
			// when it starts it (高县教育局) or narrows a known place.
			continue
		}
		var in, deeper []*Division
		for _, c := range m.cands {
			if !towns && c.Level == Township {
				continue
			}
			if r.ctx == nil || c.Within(r.ctx) || r.ctx.Within(c) {
				in = append(in, c)
				if r.ctx == nil || c != r.ctx && c.Within(r.ctx) {
					deeper = append(deeper, c)
				}
			}
		}
		if len(in) == 0 {
			// A short name (城区, 郊区) is too often a plain word to
			// call a conflict, and a township's name (城关街道) is
			// shared by hundreds of places: under a county the table
			// does not list it in, it is a renamed or merged town, not
			// a place elsewhere.
			if utf8.RuneCountInString(m.name) >= 3 && from != FromText && !allTownships(m.cands) {
				r.warnings = append(r.warnings, fmt.Sprintf("%s: the %s names %s, outside %s", WarnConflict, from, m.name, r.ctx))
			}
			continue
		}
		switch len(deeper) {
		case 0:
		case 1:
			r.ctx, r.from = deeper[0], from
			chainEnd = m.end
		default:
			// Several: the less precise ones lose to a precise one only
			// when they are its ancestors, which the table never lists
			// under one name; so this is a true ambiguity.
			r.ambig = append(r.ambig, mention{name: m.name, cands: deeper})
		}
	}
}

func allTownships(ds []*Division) bool {
	for _, d := range ds {
		if d.Level != Township {
			return false
		}
	}
	return true
}

// listSome joins the first few of a list of candidates (城关镇 names 88
// towns) and says how many more there are.
func listSome(names []string) string {
	const some = 5
	if len(names) <= some {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:some], ", "), len(names)-some)
}

func hasTownSuffix(s string) bool {
	for _, x := range []string{"镇", "乡", "街道", "苏木"} {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// mentions finds the division names in s, left to right, the longest at
// each position (洛阳市老城区: 洛阳市, 老城区 — not 城区).
func (r *resolver) mentions(s string, towns bool) []mention {
	s = textfold.Fold(s, nameFold)
	if towns && r.towns == nil {
		r.towns, _ = loadTowns()
	}
	offs := make([]int, 0, len(s)/3+1)
	for i := range s {
		offs = append(offs, i)
	}
	offs = append(offs, len(s))
	var out []mention
	n := len(offs) - 1
	for i := 0; i+1 < n; {
		// Most positions start no name: their first two characters say so.
		two := s[offs[i]:offs[i+2]]
		up, tw := r.t.starts[two], towns && r.towns != nil && r.towns.starts[two]
		found := false
		if up || tw {
			longest := 0
			if up {
				longest = r.t.longest
			}
			if tw {
				longest = max(longest, r.towns.longest)
			}
			for l := min(longest, n-i); l >= 2; l-- {
				name := s[offs[i]:offs[i+l]]
				if !r.has(name, tw) {
					continue
				}
				out = append(out, mention{name, r.lookupName(name, tw), i, i + l})
				i += l
				found = true
				break
			}
		}
		if !found {
			i++
		}
	}
	return out
}

// has reports, without allocating, whether name is a division's name.
func (r *resolver) has(name string, towns bool) bool {
	if _, ok := r.t.byName[name]; ok {
		return true
	}
	if _, ok := r.t.renamed[name]; ok {
		return true
	}
	if towns {
		_, ok := r.towns.byName[name]
		return ok
	}
	return false
}

// lookupName returns the divisions called name today or before a recorded
// change, without duplicates.
func (r *resolver) lookupName(name string, towns bool) []*Division {
	var out []*Division
	add := func(d *Division) {
		for _, x := range out {
			if x == d {
				return
			}
		}
		out = append(out, d)
	}
	for _, d := range r.t.byName[name] {
		add(d)
	}
	for _, rn := range r.t.renamed[name] {
		if d := r.t.byKey[keyOf(rn.NewCode)]; d != nil {
			add(d)
		}
	}
	if towns && r.towns != nil {
		for _, d := range r.towns.byName[name] {
			add(d)
		}
	}
	return out
}

// lookupSite resolves a configured region: a code, or a name read as a
// chain from the top (河南省洛阳市偃师区, or a name alone when it is unique).
// When it fails, the reasons are returned.
func lookupSite(s string) (*Division, []string) {
	if isDigits(s) {
		if d := ByCode(s); d != nil {
			return d, nil
		}
		return nil, []string{"no division has code " + s}
	}
	t, err := load()
	if err != nil {
		return nil, []string{err.Error()}
	}
	r := &resolver{t: t}
	r.source(s, FromSite, true, false)
	var why []string
	for _, m := range r.ambig {
		var names []string
		for _, c := range m.cands {
			names = append(names, c.String())
		}
		why = append(why, fmt.Sprintf("%s could be %s", m.name, listSome(names)))
	}
	for _, w := range r.warnings {
		why = append(why, w)
	}
	if r.ctx == nil || len(r.ambig) > 0 {
		if len(why) == 0 {
			why = append(why, "no division of that name")
		}
		return nil, why
	}
	return r.ctx, nil
}

// ResolveSite resolves a site's configured region — a code, or names read
// from the top (河南省洛阳市偃师区; a name alone when it is unique) — to one
// division, or says why it cannot.
func ResolveSite(s string) (*Division, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("no region")
	}
	d, why := lookupSite(s)
	if d == nil {
		return nil, fmt.Errorf("%q names no single division: %s", s, strings.Join(why, "; "))
	}
	return d, nil
}

// Lookup resolves a user's region: a code (410307, 4103, 410381 for the
// former 偃师市) or a name at any level, alone or as a chain (偃师区,
// 洛阳市偃师区, 偃师市). Several divisions are returned when a name alone
// fits several (新华区); none, with an error, when nothing fits.
func Lookup(s string) ([]*Division, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty region")
	}
	if isDigits(s) {
		if d := ByCode(s); d != nil {
			return []*Division{d}, nil
		}
		return nil, fmt.Errorf("no division has code %s", s)
	}
	t, err := load()
	if err != nil {
		return nil, err
	}
	if d, _ := lookupSite(s); d != nil {
		return []*Division{d}, nil
	}
	// A bare name several divisions share: all of them.
	r := &resolver{t: t}
	ms := r.mentions(s, hasTownSuffix(s))
	if len(ms) == 1 && ms[0].name == textfold.Fold(s, nameFold) {
		out := append([]*Division(nil), ms[0].cands...)
		sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
		return out, nil
	}
	return nil, fmt.Errorf("no division is called %q", s)
}

// Official answers parse/ocr's question — is this name an official
// division? — from the table: a name or chain of names that Lookup
// resolves (today's or a former one). An OCR misreading such as 候师区
// for 偃师区 is not Known, so it never becomes a report's region.
type Official struct{}

// Known reports whether name resolves to at least one division.
func (Official) Known(name string) bool {
	ds, err := Lookup(name)
	return err == nil && len(ds) > 0
}
