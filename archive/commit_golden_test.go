package archive

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
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
// or done, and strings that JSON escapes. Its values are fixed (no clock,
// no randomness): the golden checksums depend on them.
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

// The commit path was rewritten for speed (hand-written encoders, write
// batching) and held to the code before it, byte for byte. That code is
// retired; what it wrote is kept as golden checksums of the archive's
// content: after every few groups, every bucket's keys, values and
// sequence (dumpArchive), hashed. When the format changes on purpose,
// rewrite them with
//
//	go test ./archive -run Golden -update
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden from the current commit path")

// goldenDumps records or checks the hashes of an archive's dumps at named
// points.
type goldenDumps struct {
	t    *testing.T
	path string
	want map[string]string
	got  map[string]string
}

func newGoldenDumps(t *testing.T, name string) *goldenDumps {
	g := &goldenDumps{t: t, path: filepath.Join("testdata", "golden", name), got: map[string]string{}}
	if !*updateGolden {
		b, err := os.ReadFile(g.path)
		if err != nil {
			t.Fatalf("%v (write the goldens with -update)", err)
		}
		if err := json.Unmarshal(b, &g.want); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(g.finish)
	return g
}

// check hashes a's dump at the point when and compares it with the
// golden hash.
func (g *goldenDumps) check(when string, a *Archive) {
	g.t.Helper()
	g.sum(when, dumpArchive(g.t, a))
}

// sum hashes lines at the point when and compares them with the golden
// hash.
func (g *goldenDumps) sum(when string, lines []string) {
	g.t.Helper()
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	sum := fmt.Sprintf("%d %x", len(lines), h.Sum(nil)[:16])
	g.got[when] = sum
	if *updateGolden {
		return
	}
	if w, ok := g.want[when]; !ok {
		g.t.Fatalf("%s: no golden hash", when)
	} else if w != sum {
		g.t.Fatalf("%s: archive content (entries, hash) %s, golden %s", when, sum, w)
	}
}

func (g *goldenDumps) finish() {
	if g.t.Failed() {
		return
	}
	if !*updateGolden {
		for k := range g.want {
			if _, ok := g.got[k]; !ok {
				g.t.Errorf("golden point %q not reached", k)
			}
		}
		return
	}
	b, err := json.MarshalIndent(g.got, "", "\t")
	if err != nil {
		g.t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(g.path), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(g.path, append(b, '\n'), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

// TestCommitFetchesGolden commits the groups through CommitFetches and
// requires every bucket's keys, values and sequence to be what the
// reference path wrote, after every fifth group.
func TestCommitFetchesGolden(t *testing.T) {
	a := openTemp(t)
	golden := newGoldenDumps(t, "commit_fetches.json")
	gg := equivGroups()
	for i := range gg {
		if err := a.CommitFetches(gg[i]); err != nil {
			t.Fatalf("group %d: %v", i, err)
		}
		if i%5 == 0 || i == len(gg)-1 {
			golden.check(fmt.Sprintf("after group %03d", i), a)
		}
	}
	// A group that fails (a capture of a blob never stored) changes
	// nothing.
	before := dumpArchive(t, a)
	bad := []Fetch{{Site: "gen", State: &URLState{URL: "http://x/1"}}, {Site: "gen", Capture: &Capture{URL: "http://x/2", SHA256: "00"}}}
	if err := a.CommitFetches(bad); err == nil {
		t.Fatal("capture of a missing blob committed")
	}
	diffDumps(t, "after a failed group", dumpArchive(t, a), before)
	// The captures and documents mutated in place (ids, times) are too.
	var records []string
	for i := range gg {
		for j := range gg[i] {
			b, _ := json.Marshal([]any{gg[i][j].Capture, gg[i][j].Doc})
			records = append(records, string(b))
		}
	}
	golden.sum("records after commit", records)
}

// TestSingleWritesGolden does the same through the one-record methods
// (AddCapture, PutDocument, UpdateDocument, FrontierAdd, FrontierDone,
// PutURLState), which share the commit path's writers.
func TestSingleWritesGolden(t *testing.T) {
	a := openTemp(t)
	golden := newGoldenDumps(t, "single_writes.json")
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	gg := equivGroups()
	for i := range gg {
		for j := range gg[i] {
			g := &gg[i][j]
			if g.Blob != nil {
				gi, _, err := a.PutBlobBytes(g.Blob)
				check(err)
				fillBlob(g, gi)
			}
			if g.Capture != nil {
				check(a.AddCapture(g.Capture))
			}
			if g.State != nil {
				check(a.PutURLState(g.State))
			}
			if len(g.New) > 0 {
				_, err := a.FrontierAdd(g.New...)
				check(err)
			}
			if g.Done != "" {
				check(a.FrontierDone(g.Site, g.Done))
			}
			if g.Doc != nil && j%2 == 0 {
				check(a.PutDocument(g.Doc))
			} else if g.Doc != nil {
				// Through UpdateDocument when stored already.
				upd := func(d *Document) error {
					d.Year++
					d.Sightings = append(d.Sightings, Sighting{URL: d.URL + "#u"})
					return nil
				}
				if err := a.UpdateDocument(g.Doc.ID, upd); err != nil && !isNotFound(err) {
					t.Fatal(err)
				}
			}
		}
		if i%10 == 0 || i == len(gg)-1 {
			golden.check(fmt.Sprintf("after group %03d", i), a)
		}
	}
}
