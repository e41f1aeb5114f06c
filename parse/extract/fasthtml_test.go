package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/charset"
	"golang.org/x/net/html"
)

// Every tree fastParse builds while this package's tests run (grids,
// Word paste, hostile input, fuzz seeds, fixtures) is compared with
// html.Parse's; any difference fails the run.
var fastParseDiffs struct {
	sync.Mutex
	list []string
	n    int
}

func TestMain(m *testing.M) {
	checkFastParse = func(text string, root *html.Node) {
		fastParseDiffs.Lock()
		defer fastParseDiffs.Unlock()
		fastParseDiffs.n++
		if d := diffFastParse(text, root); d != "" {
			fastParseDiffs.list = append(fastParseDiffs.list, d)
		}
	}
	code := m.Run()
	if len(fastParseDiffs.list) > 0 {
		fmt.Fprintf(os.Stderr, "fastParse differs from html.Parse on %d of %d pages:\n", len(fastParseDiffs.list), fastParseDiffs.n)
		for i, d := range fastParseDiffs.list {
			if i == 5 {
				break
			}
			fmt.Fprintln(os.Stderr, d)
		}
		code = 1
	}
	os.Exit(code)
}

// diffFastParse returns "" when root is the tree html.Parse builds for text.
func diffFastParse(text string, root *html.Node) string {
	want, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return fmt.Sprintf("html.Parse failed (%v) where fastParse did not on %.200q", err, text)
	}
	if d := diffNodes(want, root, "#document"); d != "" {
		return fmt.Sprintf("%s\n  input %.300q", d, text)
	}
	return ""
}

func diffNodes(want, got *html.Node, path string) string {
	if want.Type != got.Type || want.DataAtom != got.DataAtom || want.Data != got.Data || want.Namespace != got.Namespace {
		return fmt.Sprintf("%s: want node %v %q, got %v %q", path, want.Type, want.Data, got.Type, got.Data)
	}
	if len(want.Attr) != len(got.Attr) {
		return fmt.Sprintf("%s: want attributes %v, got %v", path, want.Attr, got.Attr)
	}
	for i := range want.Attr {
		if want.Attr[i] != got.Attr[i] {
			return fmt.Sprintf("%s: want attributes %v, got %v", path, want.Attr, got.Attr)
		}
	}
	w, g := want.FirstChild, got.FirstChild
	for i := 0; w != nil || g != nil; i++ {
		if w == nil || g == nil {
			return fmt.Sprintf("%s: child %d: want %v, got %v", path, i, nodeName(w), nodeName(g))
		}
		if g.Parent != got {
			return fmt.Sprintf("%s: child %d has the wrong parent", path, i)
		}
		if d := diffNodes(w, g, fmt.Sprintf("%s/%d:%s", path, i, nodeName(w))); d != "" {
			return d
		}
		w, g = w.NextSibling, g.NextSibling
	}
	return ""
}

func nodeName(n *html.Node) string {
	if n == nil {
		return "nothing"
	}
	if n.Type == html.ElementNode {
		return n.Data
	}
	return fmt.Sprintf("%v(%.20q)", n.Type, n.Data)
}

// htmlFixtures: every HTML page under testdata.
func htmlFixtures(t testing.TB) map[string]string {
	out := map[string]string{}
	for _, dir := range []string{"../../testdata/extract", "../../testdata/reports"} {
		names, err := filepath.Glob(filepath.Join(dir, "*.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(n)] = charset.DecodeHTML(b, "")
		}
	}
	if len(out) < 20 {
		t.Fatalf("found %d HTML fixtures", len(out))
	}
	return out
}

// TestFastParseAgrees: on every HTML fixture the fast path is taken and
// builds html.Parse's tree, and so the extracted blocks are the same.
func TestFastParseAgrees(t *testing.T) {
	for name, text := range htmlFixtures(t) {
		root := fastParse(text)
		if root == nil {
			t.Errorf("%s: fastParse declined a fixture page", name)
			continue
		}
		if d := diffFastParse(text, root); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
}

var fastParseSeeds = []string{
	`<!DOCTYPE html><html><head><title>t &amp; u</title><meta name=a content="b&c"></head><body><p>x<p>y</body></html>`,
	`<table><tr><td>1<td>2<tr><th rowspan=2>3</table>`,
	`<p><b>x</p>y`,
	`<b><span>x</b>y`,
	`<b><p>x</b>y</p>`,
	`<a href=x><a href=y>z</a>`,
	`<table>x<tr><td>1</td></tr></table>`,
	`<p><table><tr><td>1</table>`,
	`<ul><li>a<li>b</ul><dl><dt>a<dd>b</dl>`,
	`<div><o:p></o:p><![if !supportLists]>1.<![endif]></div><!--[if gte mso 9]><xml><w:x/></xml><![endif]-->`,
	`<script>a<b</script><style>p{}</style><textarea>x</textarea><title>a</title>`,
	"<pre>\nx</pre>\r\n<p>a\rb</p>",
	`<form><form></form></form><input type=hidden><br/></br><hr>`,
	`</p><h1><h2>x</h1><font color=red size=3><font size=3 color=red><font color=red size=3><font color=red size=3>x`,
	`<body></body>x</html><!--c-->`,
	`<table><tbody><tr><td><table><tr><td>n</td></tr></table></td></tr></tbody></table>`,
	`<head><script src=a></script><link rel=x></head><!--c--> <body class=a>`,
	`<div <p a=b c='d' e="f" g = h i/j k/>x</div>`,
	`<svg><p>x</svg>`,
	"<p>\x00</p>",
	`<table><caption>c</caption><tr><td>1</table>`,
	`<noscript><p>x</p></noscript><iframe src=x></iframe>`,
	`<!-- a --!> b --> <!--> <!---> <?xml x?>`,
	`<!DOCTYPE html><p><table><tr><td>1</table>x`,
	`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><p><table><tr><td>1</table>x`,
	`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><p><table></table>`,
	`<select><option>a<option>b<optgroup><option>c</select><input><select><select>`,
	`<p><select><option><hr>x<input></select>`,
	`<marquee><b>x</marquee>y<object><param name=a><b>z</object>w</b>`,
	`<div>a<table>&nbsp;<tr>b<td>1</td>c</tr>d</table></div>`,
	`<p><b><i>x</p>y<p>z</b>w`,
	`<table><tr><td><b>x</td></tr>y</table>`,
	`<script language="javascript"><!-- document.write("<script>x</script>") //--></script><p>a`,
	`<script><!--<script></script>--></script>b<script>a<!--b-->c</SCRIPT >d<script><!--</script>e`,
	`<script><!--<SCRIPT/>--><!--</scriptx></script>f<script><!--<scripty </script>g`,
	`<font><div><span>a</font>b</div>c<b>1<p>2<i>3<u>4<div>5</b>6</u>7</i>8`,
	`<nobr>a<nobr>b</nobr><a><div><a>x</a></div></a><i><b><s><u><p>x</i>y`,
	`<table><tr><td><b><p>x</b>y</td></tr></table><b><table><tr><td>1</b></td></tr></table>`,
	`<table><caption>c<b>x</caption><col width=3><col><colgroup><col span=2></colgroup><colgroup> x<tbody><tr><td>1</table>`,
	"<textarea>\nx</textarea><p><xmp><b></xmp><table><caption><table><tr><td>n</table></caption></table>",
	`<p><font a=1><font a=1><font a=1><font a=1><font a=1>x</p>y<b><b><b><b><b><p>x</b></b>y</p>z`,
}

// FuzzFastParse: on any input, fastParse either declines or builds the
// tree html.Parse builds, and never panics.
func FuzzFastParse(f *testing.F) {
	for _, s := range fastParseSeeds {
		f.Add(s)
	}
	for _, text := range htmlFixtures(f) {
		if len(text) < 8000 {
			f.Add(text)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		root := fastParse(text)
		if root == nil {
			return
		}
		if d := diffFastParse(text, root); d != "" {
			t.Fatal(d)
		}
	})
}

// TestHTMLDocOwnsItsStrings: HTML reuses the decoded text, the tree's
// memory and (for UTF-8 pages) reads the input bytes in place; the Doc it
// returns must not change when all of those are overwritten afterwards.
func TestHTMLDocOwnsItsStrings(t *testing.T) {
	var pages [][]byte
	for _, dir := range []string{"../../testdata/extract", "../../testdata/reports"} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, b)
		}
	}
	// and a page fastParse declines (inline SVG), read by html.Parse
	declined := []byte(`<html><head><title>某局2023年政府信息公开工作年度报告_某站</title><meta name="ContentSource" content="某局"></head>` +
		`<body><svg><path d="M0"/></svg><div class="TRS_Editor"><p>一、总体情况</p><table><tr><td>项目</td><td>数量</td></tr><tr><td>新收</td><td>3</td></tr></table></div></body></html>`)
	if fastParse(string(declined)) != nil {
		t.Fatal("the SVG page was meant to take the html.Parse path")
	}
	pages = append(pages, declined)
	for i, page := range pages {
		data := bytes.Clone(page)
		d, err := HTML(data, "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := json.Marshal(d)
		for j := range data {
			data[j] = 'x'
		}
		for k := 0; k < 3; k++ { // reuse the pooled memory for other pages
			if _, err := HTML(pages[(i+k+1)%len(pages)], "", Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if after, _ := json.Marshal(d); !bytes.Equal(before, after) {
			t.Fatalf("page %d: the Doc changed when the input and pooled memory were reused:\n%s\n%s", i, before, after)
		}
	}
}

// TestHasTextIsTextLen: hasText is textLen > 0 on every element of the
// fixtures.
func TestHasTextIsTextLen(t *testing.T) {
	n := 0
	for name, text := range htmlFixtures(t) {
		root, err := html.Parse(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		for e := range root.Descendants() {
			n++
			if got, want := hasText(e, 0), textLen(e, 0) > 0; got != want {
				t.Fatalf("%s: hasText(%s) = %v, textLen > 0 is %v", name, nodeName(e), got, want)
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d nodes checked", n)
	}
}

// BenchmarkHTMLTree compares fastParse with html.Parse, the tree builder
// it stands in for, on the typical pages (decoded text in, tree out).
func BenchmarkHTMLTree(b *testing.B) {
	for _, f := range []string{"../reports/html-2021-word.html", "report-trs-gbk.html"} {
		data := readFixture(b, f)
		text := charset.DecodeHTML(data, "")
		name := fmt.Sprintf("%s-%dKB", strings.TrimSuffix(filepath.Base(f), ".html"), len(data)/1024)
		b.Run(name+"/fastParse", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			cpu0 := cpuTime()
			for b.Loop() {
				root, mem := fastParseMem(text, treePool.Get().(*treeMem))
				if root == nil {
					b.Fatal("fastParse declined the page")
				}
				mem.release()
			}
			reportTreesPerCPUSecond(b, cpu0)
		})
		b.Run(name+"/html.Parse", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := html.Parse(strings.NewReader(text)); err != nil {
					b.Fatal(err)
				}
			}
			reportTreesPerCPUSecond(b, cpu0)
		})
	}
}

// TestHTMLConcurrent: the pooled tree memory and text buffers, and the
// doctype cache, are shared by concurrent HTML calls; each call still gets
// the Doc it gets alone.
func TestHTMLConcurrent(t *testing.T) {
	var pages [][]byte
	var want [][]byte
	for _, dir := range []string{"../../testdata/extract", "../../testdata/reports"} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			d, err := HTML(b, "", Options{})
			if err != nil {
				t.Fatal(err)
			}
			j, _ := json.Marshal(d)
			pages, want = append(pages, b), append(want, j)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 3*len(pages); k++ {
				i := (k*7 + g) % len(pages)
				d, err := HTML(pages[i], "", Options{})
				if err != nil {
					errs <- err.Error()
					return
				}
				if j, _ := json.Marshal(d); !bytes.Equal(j, want[i]) {
					errs <- fmt.Sprintf("page %d: concurrent Doc differs", i)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// reportTreesPerCPUSecond: the machine is shared, so the process's CPU
// time (GC on other threads included) is the fair per-core figure.
func reportTreesPerCPUSecond(b *testing.B, cpu0 time.Duration) {
	if d := cpuTime() - cpu0; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "trees/cpu-s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
