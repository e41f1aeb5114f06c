package sites

import (
	"encoding/base64"
	"encoding/binary"
	"hash/fnv"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Paging: when to stop following a list's next pages. A pager that always
// offers a next page (a "下一页" link on every page, pages past the end
// served empty or as a copy of the last one) would otherwise lead the crawl
// through pages until its budget is spent. A list is paged on while each
// page brings an entry the page before it did not show, repeats no earlier
// page and lies before the last page its pager declares. The engine carries
// what that takes from page to page in a Trail.

// pagerText is the text of a pager's own links: first, previous, next and
// last page, page numbers, go.
var pagerText = regexp.MustCompile(`^(?:首页|第一页|上一页|上页|前一页|下一页|下页|后一页|尾页|末页|最后一页|最末页|GO|Go|go|跳转|确定|[<>‹›«»]{1,2}|\[?\d{1,5}\]?|(?i:first|prev|previous|next|last)|\.\.\.|…)$`)

// isPagerText reports a pager link's text (pagerText, which scans the
// whole text before failing: pager texts are short).
func isPagerText(s string) bool { return len(s) <= 12 && pagerText.MatchString(s) }

// pageParams are query parameters that choose a page of a list.
var pageParams = map[string]bool{
	"page": true, "pageno": true, "page_no": true, "pageindex": true, "pagenum": true, "pagenumber": true,
	"curpage": true, "cur_page": true, "currentpage": true, "current": true, "p": true, "pn": true, "pi": true,
	"pg": true, "start": true, "startrecord": true, "endrecord": true, "perpage": true, "offset": true,
}

// listKey names the list a URL is a page of: host and path with a page
// suffix (index_3.html, list_2.shtml) and an index file folded, and the
// query without the parameters that choose a page. The pages of one list
// share it.
func listKey(u *url.URL) string {
	dir, file := path.Split(u.Path)
	ext := path.Ext(file)
	stem := strings.TrimSuffix(file, ext)
	if i := strings.LastIndexByte(stem, '_'); i >= 0 && i+1 < len(stem) && allDigits(stem[i+1:]) {
		stem = stem[:i]
	}
	if strings.EqualFold(stem, "index") || strings.EqualFold(stem, "default") {
		stem, ext = "", ""
	}
	key := strings.ToLower(u.Host) + strings.TrimSuffix(dir+stem+ext, "/")
	if u.RawQuery == "" {
		return key
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return key + "?" + u.RawQuery
	}
	for k := range q {
		if pageParams[strings.ToLower(k)] {
			delete(q, k)
		}
	}
	if len(q) == 0 {
		return key
	}
	return key + "?" + q.Encode() // sorted by key
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

var (
	// 共 12 页, 共12页
	pageCountDecl = regexp.MustCompile(`共\s*(\d{1,5})\s*页`)
	// 第 2 页, 当前第2页, 当前 2 页
	pageNumDecl = regexp.MustCompile(`(?:第|当前)\s*(\d{1,5})\s*页`)
)

// declaredPager reads the page number and the page count a list page's
// pager declares: the first createPageHTML call (both conventions, see
// trsPages), else "第k页 … 共N页" in the page. 0 is unknown.
func declaredPager(h string) (num, count int) {
	if strings.Contains(h, "createPageHTML(") {
		val := func(arg string) (int, bool) { return jsInt(h, arg) }
		if m := createPage6.FindStringSubmatch(h); m != nil {
			c, ok1 := val(m[2])
			cur, ok2 := val(m[3])
			if ok1 && ok2 && c > 0 {
				return max(cur, 1), c // 1-based; a current page of 0 is the first
			}
		}
		if m := createPage4.FindStringSubmatch(h); m != nil {
			c, ok1 := val(m[1])
			cur, ok2 := val(m[2])
			if ok1 && ok2 && c > 0 {
				return cur + 1, c // 0-based
			}
		}
	}
	if !strings.Contains(h, "页") {
		return 0, 0
	}
	if m := pageCountDecl.FindStringSubmatch(h); m != nil {
		count, _ = strconv.Atoi(m[1])
		if n := pageNumDecl.FindStringSubmatch(h); n != nil {
			num, _ = strconv.Atoi(n[1])
		}
	}
	return num, count
}

// Bounds of a Trail, which travels with a frontier item.
const (
	maxTrailEntries = 1024 // entries of the previous page kept (more: judged new)
	maxTrailPages   = 64   // earlier pages whose digests are kept
)

// Trail is what the engine carries from a list page to the next pages it
// links (Link.Next): how many pages of the list came before, the entries of
// the page that linked them and digests of every earlier page's entries.
// Its zero value is the trail of a list's first page.
type Trail struct {
	Page    int      // pages of the list fetched up to the linking one
	prev    []uint32 // the linking page's entries, hashed, sorted; nil: unknown
	known   bool     // prev is known (the rule listed the page's entries)
	digests []uint64 // earlier pages' entry sets
}

// ParseTrail reads Trail.String; a malformed or empty string is the
// first page's trail.
func ParseTrail(s string) Trail {
	var t Trail
	if s == "" {
		return t
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Trail{}
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 0 {
		return Trail{}
	}
	t.Page = n
	if parts[1] != "-" {
		b, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil || len(b)%4 != 0 {
			return Trail{Page: n}
		}
		t.known = true
		for i := 0; i < len(b); i += 4 {
			t.prev = append(t.prev, binary.BigEndian.Uint32(b[i:]))
		}
	}
	if b, err := base64.RawURLEncoding.DecodeString(parts[2]); err == nil && len(b)%8 == 0 {
		for i := 0; i < len(b); i += 8 {
			t.digests = append(t.digests, binary.BigEndian.Uint64(b[i:]))
		}
	}
	return t
}

// String encodes the trail for a frontier item's Extra.
func (t Trail) String() string {
	prev := "-"
	if t.known {
		b := make([]byte, 0, 4*len(t.prev))
		for _, h := range t.prev {
			b = binary.BigEndian.AppendUint32(b, h)
		}
		prev = base64.RawURLEncoding.EncodeToString(b)
	}
	b := make([]byte, 0, 8*len(t.digests))
	for _, d := range t.digests {
		b = binary.BigEndian.AppendUint64(b, d)
	}
	return strconv.Itoa(t.Page) + "." + prev + "." + base64.RawURLEncoding.EncodeToString(b)
}

// Step judges a list page, a reached through a link carrying t, and says
// whether to follow its next pages (more) and with which trail; why says
// why not. A page stops its list when it lies at or past the last page
// its pager declares, when it shows no entry at all, when it shows no
// entry the page that linked it did not (an empty page past the end, or
// the same page again), or when its entries are those of an earlier page.
// Where the rule did not list the page's entries (Analysis.Items nil: a
// JSON or XML answer) only the declared count is judged.
func (t Trail) Step(a Analysis) (next Trail, more bool, why string) {
	k := t.Page + 1
	next = Trail{Page: k}
	if a.PageCount > 0 {
		last := k >= a.PageCount // the trail counts no more pages than the list has before it
		if a.PageNum > 0 {
			last = a.PageNum >= a.PageCount
		}
		if last {
			return next, false, "last page: the pager declares " + strconv.Itoa(a.PageCount)
		}
	}
	if a.Items == nil {
		return next, true, ""
	}
	hs := hashEntries(a.Items)
	switch {
	case len(hs) == 0:
		return next, false, "an empty page"
	case k > 1 && t.known && subsetOf(hs, t.prev):
		return next, false, "no entry the page before did not show (an empty or repeated page)"
	}
	d := digestEntries(hs)
	if slices.Contains(t.digests, d) {
		return next, false, "the entries of an earlier page again"
	}
	if len(hs) <= maxTrailEntries {
		next.prev, next.known = hs, true
	}
	keep := t.digests[max(0, len(t.digests)-(maxTrailPages-1)):]
	next.digests = append(append(make([]uint64, 0, len(keep)+1), keep...), d)
	return next, true, ""
}

// hashEntries hashes entries (FNV-1a, 32 bits), sorted and deduplicated.
func hashEntries(es []string) []uint32 {
	out := make([]uint32, 0, len(es))
	for _, e := range es {
		h := fnv.New32a()
		h.Write([]byte(e))
		out = append(out, h.Sum32())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func digestEntries(hs []uint32) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, x := range hs {
		binary.BigEndian.PutUint32(b[:], x)
		h.Write(b[:])
	}
	return h.Sum64()
}

// subsetOf: every element of a (sorted) is in b (sorted).
func subsetOf(a, b []uint32) bool {
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
	}
	return true
}
