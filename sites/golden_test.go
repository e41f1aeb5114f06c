package sites

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/htmltree"
)

// Page analysis is held to golden outputs: every rule's Analysis, to the
// last Why string and link order, on every page the repository's tests
// have (this package's fixtures, the repository's HTML fixtures, every page
// of the imitation portal and of the generated portal), as every kind the
// crawl passes, with and without site selectors. The goldens are written
// by the code they check; when behaviour changes on purpose, rewrite them
//
//	go test ./sites -run Golden -update
//
// and review the difference (fixtures.json.gz holds each analysis in full,
// the portal files one hash per page). Each golden holds for the page's
// text as it was when written: a page added to the fixtures or portals, or
// whose text changed, is named in the log and not compared until the
// goldens are rewritten.
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden from the current analysis")

const goldenDir = "testdata/golden"

// goldenKinds are the kinds the crawl analyses pages as.
var goldenKinds = []string{KindStart, KindNav, KindList, KindDetail, KindPart}

// goldenVariant is what a site's config and the link that led to a page
// add to it: list/date selectors and the anchor title.
type goldenVariant struct {
	sel   Selectors
	title string
}

var goldenVariants = []goldenVariant{
	{},
	{Selectors{List: "ul li", Date: "span"}, "某某区2023年政府信息公开工作年度报告"},
	{Selectors{List: "a", Date: "[class*=date], span, td"}, "首页"},
}

// badSelectors: an invalid selector matches nothing.
var badSelectors = goldenVariant{Selectors{List: "li[", Date: ">>"}, ""}

// pageAnalyses is everything the crawl reads from one page: NewPage's
// error, Detect's verdicts, and each family's Analysis and NeedsBrowser.
type pageAnalyses struct {
	Err        string          `json:",omitempty"`
	Best       string          `json:",omitempty"`
	Detections []Detection     `json:",omitempty"`
	Families   []familyAnalyis `json:",omitempty"`
}

type familyAnalyis struct {
	Family       string
	Analysis     Analysis
	Browser      string `json:",omitempty"`
	NeedsBrowser bool   `json:",omitempty"`
}

// analyse analyses text at u as kind with v, with Detect, every family and
// NeedsBrowser on one page (as the crawl reuses a page), and checks that a
// second analysis of the same page gives the same again.
func analyse(u, text, kind, form string, v goldenVariant) (pageAnalyses, error) {
	p, err := NewPage(u, text, kind, v.title)
	if err != nil {
		return pageAnalyses{Err: err.Error()}, nil
	}
	p.Form = form
	p.Selectors = v.sel
	best, ds := Detect(p)
	out := pageAnalyses{Best: best.Name(), Detections: ds}
	var generic Analysis
	for _, fam := range Families() {
		r, _ := Lookup(fam)
		a := r.Analyze(p)
		if fam == "generic" {
			generic = a
		}
		b, ok := NeedsBrowser(p, a)
		out.Families = append(out.Families, familyAnalyis{fam, a, b, ok})
	}
	if again := AnalyzeGeneric(p); !reflect.DeepEqual(again, generic) {
		return out, fmt.Errorf("AnalyzeGeneric again differs: %s", analysisDiff(again, generic))
	}
	return out, nil
}

func (a pageAnalyses) json() string {
	b, err := json.Marshal(a)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}

// inputHash identifies what a page's analyses are computed from: its
// URL, kind and text. A golden analysis holds for that input only.
func inputHash(p corpusPage) string {
	return hashOf(p.Name + "\x00" + p.URL + "\x00" + p.Kind + "\x00" + p.HTML)
}

// goldenFixture is one line of fixtures.json.gz: one analysis in full.
type goldenFixture struct {
	Page     string
	Input    string // inputHash
	Kind     string
	Variant  int
	Analyses json.RawMessage
}

// goldenPortalPage is one line of a portal's golden file: the hash of the
// page analysed as the kind the walk reached it as with no selectors
// (what -short checks), and the hash of all its analyses.
type goldenPortalPage struct {
	Page  string
	Input string // inputHash
	Short string
	All   string
}

// unheld lists the pages the goldens do not hold: new pages, pages whose
// text changed since the goldens were written (a fixture edited, the
// portal changed) and golden pages no longer read. They are not
// compared; the test names them so that -update can take them in.
type unheld struct {
	t     *testing.T
	pages []string
}

func (u *unheld) add(page, why string) { u.pages = append(u.pages, page+" ("+why+")") }

func (u *unheld) report() {
	if len(u.pages) > 0 {
		sort.Strings(u.pages)
		u.t.Logf("%d pages not held by the goldens (go test ./sites -run Golden -update takes them in): %s", len(u.pages), strings.Join(u.pages, ", "))
	}
}

func TestGoldenAnalyses(t *testing.T) {
	if *updateGolden && testing.Short() {
		t.Fatal("-update needs the full page set: run without -short")
	}
	// TestMain compared each page's tree with html.Parse's while the
	// portals were walked; comparing it again per kind and variant would
	// double the test's time.
	prev := htmltree.SetCheck(nil)
	defer htmltree.SetCheck(prev)
	t.Run("fixtures", goldenFixtures)
	if fewPages() {
		return
	}
	t.Run("imitation", func(t *testing.T) { goldenPortal(t, "imitation.jsonl", imitationPages(t)) })
	t.Run("generated", func(t *testing.T) { goldenPortal(t, "generated.jsonl", generatedPages(t)) })
}

func corpusForm(p corpusPage) string {
	_, f, _ := strings.Cut(p.Name, " POST ")
	return f
}

func goldenFixtures(t *testing.T) {
	path := filepath.Join(goldenDir, "fixtures.json.gz")
	want := map[string]goldenFixture{}
	if !*updateGolden {
		for _, line := range readGolden(t, path) {
			var g goldenFixture
			if err := json.Unmarshal(line, &g); err != nil {
				t.Fatal(err)
			}
			want[fmt.Sprintf("%s\t%s\t%d", g.Page, g.Kind, g.Variant)] = g
		}
	}
	variants := append(goldenVariants[:len(goldenVariants):len(goldenVariants)], badSelectors)
	var out []goldenFixture
	fails, skip := failures{t: t}, unheld{t: t}
	defer skip.report()
	for _, p := range fixturePages(t) {
		in := inputHash(p)
		for _, kind := range goldenKinds {
			for vi, v := range variants {
				if testing.Short() && vi > 0 && vi < len(variants)-1 {
					continue
				}
				got, err := analyse(p.URL, p.HTML, kind, corpusForm(p), v)
				if err != nil {
					t.Errorf("%s as %s (variant %d): %v", p.Name, kind, vi, err)
				}
				g := goldenFixture{p.Name, in, kind, vi, json.RawMessage(got.json())}
				out = append(out, g)
				if *updateGolden {
					continue
				}
				key := fmt.Sprintf("%s\t%s\t%d", p.Name, kind, vi)
				w, ok := want[key]
				delete(want, key)
				switch {
				case !ok:
					if kind == goldenKinds[0] && vi == 0 {
						skip.add(p.Name, "new")
					}
				case w.Input != in:
					if kind == goldenKinds[0] && vi == 0 {
						skip.add(p.Name, "changed")
					}
				case !bytes.Equal(w.Analyses, g.Analyses):
					fails.add("%s as %s (variant %d): %s", p.Name, kind, vi, analysesDiff(got, w.Analyses))
				}
			}
		}
	}
	if *updateGolden {
		writeGolden(t, path, out)
		return
	}
	if !testing.Short() {
		for k, g := range want {
			if g.Kind == goldenKinds[0] && g.Variant == 0 {
				skip.add(strings.Split(k, "\t")[0], "gone")
			}
		}
	}
}

// analysesDiff names the first difference from a golden analysis.
func analysesDiff(got pageAnalyses, golden []byte) string {
	var want pageAnalyses
	if err := json.Unmarshal(golden, &want); err != nil {
		return err.Error()
	}
	switch {
	case got.Err != want.Err:
		return fmt.Sprintf("NewPage error %q, golden %q", got.Err, want.Err)
	case got.Best != want.Best || !reflect.DeepEqual(got.Detections, want.Detections):
		return fmt.Sprintf("Detect: %s %v, golden %s %v", got.Best, got.Detections, want.Best, want.Detections)
	case len(got.Families) != len(want.Families):
		return fmt.Sprintf("%d families, golden %d", len(got.Families), len(want.Families))
	}
	for i, g := range got.Families {
		w := want.Families[i]
		switch {
		case g.Family != w.Family:
			return fmt.Sprintf("family %s, golden %s", g.Family, w.Family)
		case g.Browser != w.Browser || g.NeedsBrowser != w.NeedsBrowser:
			return fmt.Sprintf("%s: NeedsBrowser %q %v, golden %q %v", g.Family, g.Browser, g.NeedsBrowser, w.Browser, w.NeedsBrowser)
		case !reflect.DeepEqual(g.Analysis, w.Analysis):
			return fmt.Sprintf("%s.Analyze differs: %s", g.Family, analysisDiff(g.Analysis, w.Analysis))
		}
	}
	return "JSON differs: " + got.json()
}

// failures reports differences and stops the test at the fifth.
type failures struct {
	t *testing.T
	n int
}

func (f *failures) add(format string, args ...any) {
	f.t.Helper()
	f.t.Errorf(format, args...)
	if f.n++; f.n == 5 {
		f.t.Fatal("too many differences")
	}
}

func goldenPortal(t *testing.T, name string, pages []corpusPage) {
	path := filepath.Join(goldenDir, name)
	want := map[string]goldenPortalPage{}
	if !*updateGolden {
		for _, line := range readGolden(t, path) {
			var g goldenPortalPage
			if err := json.Unmarshal(line, &g); err != nil {
				t.Fatal(err)
			}
			want[g.Page] = g
		}
	}
	var out []goldenPortalPage
	fails, skip := failures{t: t}, unheld{t: t}
	defer skip.report()
	for _, p := range pages {
		form := corpusForm(p)
		g := goldenPortalPage{Page: p.Name, Input: inputHash(p)}
		short, err := analyse(p.URL, p.HTML, p.Kind, form, goldenVariants[0])
		if err != nil {
			t.Errorf("%s as %s: %v", p.Name, p.Kind, err)
		}
		g.Short = hashOf(short.json())
		if !testing.Short() {
			all := sha256.New()
			for _, kind := range goldenKinds {
				for vi, v := range goldenVariants {
					a, err := analyse(p.URL, p.HTML, kind, form, v)
					if err != nil {
						t.Errorf("%s as %s (variant %d): %v", p.Name, kind, vi, err)
					}
					fmt.Fprintf(all, "%s\t%d\t%s\n", kind, vi, a.json())
				}
			}
			g.All = hex.EncodeToString(all.Sum(nil)[:12])
		}
		out = append(out, g)
		if *updateGolden {
			continue
		}
		w, ok := want[p.Name]
		delete(want, p.Name)
		switch {
		case !ok:
			skip.add(p.Name, "new")
		case w.Input != g.Input:
			skip.add(p.Name, "changed")
		case w.Short != g.Short:
			fails.add("%s as %s: analysis differs from the golden one", p.Name, p.Kind)
		case !testing.Short() && w.All != g.All:
			fails.add("%s: an analysis as some kind or with some selectors differs from the golden one", p.Name)
		}
	}
	if *updateGolden {
		writeGolden(t, path, out)
		return
	}
	for k := range want {
		skip.add(k, "gone")
	}
}

// readGolden returns the lines of a golden file (gunzipped when its name
// ends in .gz).
func readGolden(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (write the goldens with -update)", err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(zr); err != nil {
			t.Fatal(err)
		}
		b = buf.Bytes()
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// writeGolden writes one JSON line per value, sorted, gzipped when the
// name ends in .gz (with no timestamp, so an unchanged analysis rewrites
// the same bytes).
func writeGolden[T any](t *testing.T, path string, vs []T) {
	t.Helper()
	lines := make([]string, len(vs))
	for i, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		lines[i] = string(b)
	}
	sort.Strings(lines)
	data := []byte(strings.Join(lines, "\n") + "\n")
	if strings.HasSuffix(path, ".gz") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		data = buf.Bytes()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d analyses, %d bytes", path, len(vs), len(data))
}

// analysisDiff names the first field that differs.
func analysisDiff(got, want Analysis) string {
	switch {
	case !reflect.DeepEqual(got.Report, want.Report):
		return fmt.Sprintf("Report %+v, want %+v", got.Report, want.Report)
	case got.Title != want.Title || got.Date != want.Date || got.IsList != want.IsList:
		return fmt.Sprintf("Title/Date/IsList %q %q %v, want %q %q %v", got.Title, got.Date, got.IsList, want.Title, want.Date, want.IsList)
	case !reflect.DeepEqual(got.Notes, want.Notes):
		return fmt.Sprintf("Notes %q, want %q", got.Notes, want.Notes)
	case !reflect.DeepEqual(got.Items, want.Items) || got.PageNum != want.PageNum || got.PageCount != want.PageCount:
		return fmt.Sprintf("Items %q pager %d/%d, want %q %d/%d", got.Items, got.PageNum, got.PageCount, want.Items, want.PageNum, want.PageCount)
	case (got.Links == nil) != (want.Links == nil) || len(got.Links) != len(want.Links):
		return fmt.Sprintf("%d links (nil %v), want %d (nil %v):\n%s\nwant\n%s", len(got.Links), got.Links == nil, len(want.Links), want.Links == nil, linkLines(got.Links), linkLines(want.Links))
	}
	for i := range got.Links {
		if got.Links[i] != want.Links[i] {
			return fmt.Sprintf("link %d: %+v, want %+v", i, got.Links[i], want.Links[i])
		}
	}
	return "?"
}

func linkLines(ls []Link) string {
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, "  %+v\n", l)
	}
	return b.String()
}

// FuzzAnalyze: no rule panics on arbitrary markup, and analysing the same
// text twice, on two pages, gives the same analyses.
//
//	go test ./sites -run '^$' -fuzz FuzzAnalyze -fuzztime 5m -fuzzminimizetime 10s
func FuzzAnalyze(f *testing.F) {
	// Small seeds only: large inputs make mutation and minimisation crawl.
	for i, p := range fixturePages(f) {
		if len(p.HTML) < 6000 {
			f.Add(p.HTML, p.URL, uint8(i), uint8(i/5))
		}
	}
	f.Add(`<html><head><base href=" /x/y/"><meta name="ArticleTitle" content=" a&nbsp;b "><meta name="ArticleTitle" content="2"></head>
<body><h1> </h1><div class="x title">某单位2023年政府信息公开工作年度报告</div><title>t</title>
<ul><li><a href="./a.pdf" title=" 2023年 ">2023 年</a> 2024年1月5日 <a href=" javascript:void(0)" onclick="go('./t20240101_1.html')">下一页</a></li>
<li data-url="../zfxxgknb/">政府信息公开年报</li><p><a href="?page=2">2</a><a href="download.jsp?id=1" download>统计表.xls】</a></p></ul>
<script>var f="./P0.pdf";document.write('<a href="x.docx">')</script></body></html>`, "http://www.x.gov.cn/zfxxgk/zfxxgknb", uint8(2), uint8(1))
	f.Add("<p>发布时间：\u00a02024-01-05 <b>时</b>间:2023.1.2</p><a href=/t20240105_1_1.html>\u3000</a>", "http://a.gov.cn/t20240105_1.html", uint8(3), uint8(0))
	f.Fuzz(func(t *testing.T, html, u string, kind, variant uint8) {
		v := goldenVariants[int(variant)%len(goldenVariants)]
		if variant >= 128 {
			v = badSelectors
		}
		k := goldenKinds[int(kind)%len(goldenKinds)]
		a, err := analyse(u, html, k, "", v)
		if err != nil {
			t.Fatal(err)
		}
		b, err := analyse(u, html, k, "", v)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("two analyses differ: %s", analysesDiff(b, []byte(a.json())))
		}
	})
}
