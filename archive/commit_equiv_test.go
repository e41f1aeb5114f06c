package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// equivGroups builds commit groups that exercise every branch of the
// commit path: the crawl-like column, then documents updated in place
// (sightings added, files added by part pages, year/body/region changed so
// index keys move), replaced and redirected captures, blobs repeated inside
// and across groups, 304s without capture, frontier items already pending
// or done, and strings that JSON escapes. It is called once per archive, so
// both archives see the same values (and the same pointer sharing).
func equivGroups() [][]Fetch {
	now := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	var groups [][]Fetch
	crawl := crawlLikeFetches(1500)
	for lo, size := 0, 1; lo < len(crawl); lo, size = lo+size, size*3+7 {
		groups = append(groups, crawl[lo:min(lo+size, len(crawl))])
	}
	url := func(i int) string {
		return fmt.Sprintf("http://www.gen.gov.cn/zfxxgk/zfxxgknb/2016%02d/t2016%02d01_%d.html", i%12+1, i%12+1, 100000+i)
	}
	tricky := []string{"", "<b>&amp;</b>", "tab\tnew\nline\r\b\f\x01\x1f\x7f", "quote\" back\\slash", "line\u2028sep\u2029",
		"年报 2021", "\xc4\xea\xb1\xa8.pdf", "bad\xffutf8\xe2\x80", "\U0001F600 emoji"}
	loc := time.FixedZone("CST", 8*3600)
	var g []Fetch
	for i := 0; i < 400; i++ {
		u := url(i * 3)
		id := DocID("gen", u)
		s := tricky[i%len(tricky)]
		body := []byte(fmt.Sprintf("<html>replaced %d %s</html>", i/2, s)) // every second one repeats the previous blob
		d := &Document{ID: id, Site: "gen", URL: u, Title: "更新 " + s, Body: "生成市第" + strconv.Itoa(i%7) + "单位" + s,
			Region: []string{"测试省生成市", "测试省", s}[i%3], Year: []int{2015, 2016, 0, -3, 12345, 2021}[i%6],
			Format: "2021", Source: "crawl", ParseStatus: []string{"", "ok", "partial"}[i%3], FailedChecks: i % 4,
			HintYear: i % 3 * 2020, HintBody: s, ParserVer: s,
			FirstSeen: now.Add(-time.Duration(i) * time.Hour).In(loc), LastSeen: now.Add(time.Duration(i) * time.Nanosecond),
			Files: []FileRef{{URL: u, MediaType: "text/html", Role: "page"}},
			Sightings: []Sighting{{URL: u, From: "http://www.gen.gov.cn/zfxxgk/zfxxgknb/index.html", Site: "gen", Time: now},
				{URL: u + "?from=" + s, From: s, Site: "gen", Time: now.In(loc)}}}
		switch i % 5 {
		case 0: // a part page of the document
			d.Files = append(d.Files, FileRef{URL: u + "_1.html", SHA256: fmt.Sprintf("%064x", i), MediaType: "text/html", Size: 10, Role: "page"},
				FileRef{URL: u, SHA256: fmt.Sprintf("%064x", i+1), Filename: s, Role: "attachment"})
		case 1:
			d.Warnings = []string{s, "w2"}
			d.Parsed = json.RawMessage(fmt.Sprintf(` { "a" : [1, 2.5e3, "x<y>&z\u2028", null, true] , "n": %d }`, i))
		case 2:
			d.Sightings = nil
			d.Files = []FileRef{}
		case 3:
			d.Warnings = []string{}
			d.Parsed = json.RawMessage{}
		}
		final := u
		if i%4 == 1 {
			final = u + "?redirected=" + strconv.Itoa(i)
		}
		f := Fetch{Blob: body, Site: "gen", Done: u, Doc: d,
			Capture: &Capture{URL: u, FinalURL: final, Time: now.Add(time.Duration(i) * time.Millisecond).In(loc), Status: 200 + i%3,
				Site: "gen", Source: "crawl", DocID: id, Referer: s, ParentURL: s, AnchorText: s, Filename: s,
				Headers: Headers{"Content-Type": "text/html", "Content-Disposition": "attachment; filename=\"" + s + "\"", "X-" + s: s}},
			State: &URLState{URL: u, ETag: s, SHA256: "", Status: 200, Kind: []string{"detail", "", "part"}[i%3], LastSeen: now, NextCheck: now.Add(time.Hour)}}
		if i%9 == 4 {
			f.Capture.Headers = nil
		}
		if i%7 == 3 { // not modified: state only
			f.Blob, f.Capture, f.Doc = nil, nil, nil
		}
		if i%3 == 0 {
			f.New = []FrontierItem{
				{URL: url(i*3 + 1), Site: "gen", Kind: "detail", Score: []float64{98, 0.1, 1e-7, 1e21, -3.25, 0}[i%6], Depth: i % 3},
				{URL: url(i * 3), Site: "gen", Kind: "detail", Referer: s, AnchorText: s, Extra: map[string]string{s: s, "b": "2", "a": ""}}, // done already
				{URL: url(i*3 + 2), Site: "other" + strconv.Itoa(i%2), Kind: "list", Extra: map[string]string{}},
				{URL: url(i*3 + 1), Site: "gen", Kind: "detail", Score: 7}, // pending already (from this fetch)
			}
		}
		if i%11 == 5 { // a fetch later in the group marks this one done
			f.New = append(f.New, FrontierItem{URL: url(i*3 + 4), Site: "gen", Kind: "detail"})
		}
		g = append(g, f)
		if i%11 == 6 {
			g = append(g, Fetch{Site: "gen", Done: url((i-1)*3 + 4), State: &URLState{URL: url((i-1)*3 + 4), Status: 404, LastSeen: now, NextCheck: now}})
		}
		if len(g) >= 1+i%37 {
			groups = append(groups, g)
			g = nil
		}
	}
	groups = append(groups, g)
	// The same document twice in one group, through one shared pointer
	// as the crawl's document cache hands it out.
	u := url(9)
	d := &Document{ID: DocID("gen", u), Site: "gen", URL: u, Body: "b", Year: 2020, FirstSeen: now, LastSeen: now}
	groups = append(groups, []Fetch{{Site: "gen", Doc: d}, {Site: "gen", Doc: d}})
	return groups
}

// dumpArchive lists every bucket (nested ones too), its sequence and every
// key/value pair.
func dumpArchive(t testing.TB, a *Archive) []string {
	t.Helper()
	var out []string
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		out = append(out, fmt.Sprintf("%s seq=%d", path, b.Sequence()))
		return b.ForEach(func(k, v []byte) error {
			if sub := b.Bucket(k); sub != nil {
				return walk(path+"/"+string(k), sub)
			}
			if path == "/meta" && string(k) == "created" {
				v = nil // the open time
			}
			out = append(out, fmt.Sprintf("%s %q=%q", path, k, v))
			return nil
		})
	}
	if err := a.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk("/"+string(name), b) })
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func diffDumps(t *testing.T, when string, got, want []string) {
	t.Helper()
	if len(got) == len(want) {
		same := true
		for i := range got {
			if got[i] != want[i] {
				same = false
				break
			}
		}
		if same {
			return
		}
	}
	gs, ws := map[string]bool{}, map[string]bool{}
	for _, s := range got {
		gs[s] = true
	}
	for _, s := range want {
		ws[s] = true
	}
	n := 0
	for _, s := range want {
		if !gs[s] && n < 10 {
			t.Errorf("%s: missing %.300s", when, s)
			n++
		}
	}
	for _, s := range got {
		if !ws[s] && n < 20 {
			t.Errorf("%s: extra   %.300s", when, s)
			n++
		}
	}
	t.Fatalf("%s: archive content differs from the reference (%d vs %d entries)", when, len(got), len(want))
}

// openPair opens two fresh archives: one written through the code under
// test, one through the reference path.
func openPair(t *testing.T) (got, want *Archive) {
	t.Helper()
	dir := t.TempDir()
	open := func(name string) *Archive {
		a, err := Open(filepath.Join(dir, name), Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
	return open("new.db"), open("ref.db")
}

// TestCommitFetchesMatchesReference commits the same groups through
// CommitFetches and through the pre-optimisation reference path, and
// requires every bucket's keys, values and sequence to be byte-identical
// after every group.
func TestCommitFetchesMatchesReference(t *testing.T) {
	got, want := openPair(t)
	gg, wg := equivGroups(), equivGroups()
	for i := range gg {
		errGot, errWant := got.CommitFetches(gg[i]), refCommitFetches(want, wg[i])
		if (errGot == nil) != (errWant == nil) {
			t.Fatalf("group %d: error %v, reference %v", i, errGot, errWant)
		}
		if i%5 == 0 || i == len(gg)-1 {
			diffDumps(t, fmt.Sprintf("after group %d", i), dumpArchive(t, got), dumpArchive(t, want))
		}
	}
	// A group that fails (a capture of a blob never stored) changes nothing
	// in either.
	bad := func() []Fetch {
		return []Fetch{{Site: "gen", State: &URLState{URL: "http://x/1"}}, {Site: "gen", Capture: &Capture{URL: "http://x/2", SHA256: "00"}}}
	}
	if err := got.CommitFetches(bad()); err == nil {
		t.Fatal("capture of a missing blob committed")
	}
	if err := refCommitFetches(want, bad()); err == nil {
		t.Fatal("reference: capture of a missing blob committed")
	}
	diffDumps(t, "after a failed group", dumpArchive(t, got), dumpArchive(t, want))
	// The captures and documents mutated in place match too (ids, times).
	for i := range gg {
		for j := range gg[i] {
			a, b := gg[i][j], wg[i][j]
			ja, _ := json.Marshal([]any{a.Capture, a.Doc})
			jb, _ := json.Marshal([]any{b.Capture, b.Doc})
			if !bytes.Equal(ja, jb) {
				t.Fatalf("group %d fetch %d: records after commit differ:\n%s\n%s", i, j, ja, jb)
			}
		}
	}
}

// TestSingleWritesMatchReference does the same through the one-record
// methods (AddCapture, PutDocument, UpdateDocument, FrontierAdd,
// FrontierDone, PutURLState), which share the commit path's writers.
func TestSingleWritesMatchReference(t *testing.T) {
	got, want := openPair(t)
	ref := func(fn func(tx *bolt.Tx) error) {
		t.Helper()
		if err := want.db.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	gg, wg := equivGroups(), equivGroups()
	for i := range gg {
		for j := range gg[i] {
			g, w := &gg[i][j], &wg[i][j]
			if g.Blob != nil {
				gi, _, err := got.PutBlobBytes(g.Blob)
				check(err)
				wi, _, err := want.PutBlobBytes(w.Blob)
				check(err)
				fillBlob(g, gi)
				fillBlob(w, wi)
			}
			if g.Capture != nil {
				check(got.AddCapture(g.Capture))
				ref(func(tx *bolt.Tx) error { return refAddCapture(tx, w.Capture) })
			}
			if g.State != nil {
				check(got.PutURLState(g.State))
				ref(func(tx *bolt.Tx) error { return refPutJSON(tx.Bucket(bURLs), []byte(w.State.URL), w.State) })
			}
			if len(g.New) > 0 {
				_, err := got.FrontierAdd(g.New...)
				check(err)
				ref(func(tx *bolt.Tx) error { return refFrontierAdd(tx, w.New) })
			}
			if g.Done != "" {
				check(got.FrontierDone(g.Site, g.Done))
				ref(func(tx *bolt.Tx) error { return refFrontierDone(tx, w.Site, w.Done) })
			}
			if g.Doc != nil && j%2 == 0 {
				check(got.PutDocument(g.Doc))
				ref(func(tx *bolt.Tx) error { return refPutDoc(tx, w.Doc) })
			} else if g.Doc != nil {
				// Through UpdateDocument when stored already.
				upd := func(d *Document) error {
					d.Year++
					d.Sightings = append(d.Sightings, Sighting{URL: d.URL + "#u"})
					return nil
				}
				if err := got.UpdateDocument(g.Doc.ID, upd); err == nil {
					ref(func(tx *bolt.Tx) error {
						var d Document
						check(json.Unmarshal(refUnseal(tx.Bucket(bDocs).Get([]byte(w.Doc.ID))), &d))
						check(upd(&d))
						return refPutDoc(tx, &d)
					})
				} else if !isNotFound(err) {
					t.Fatal(err)
				}
			}
		}
		if i%10 == 0 || i == len(gg)-1 {
			diffDumps(t, fmt.Sprintf("after group %d", i), dumpArchive(t, got), dumpArchive(t, want))
		}
	}
}
