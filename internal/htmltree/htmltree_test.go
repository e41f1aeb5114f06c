package htmltree_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/internal/htmltree"
	"github.com/nianbao/nianbao/internal/htmltree/htmltreetest"
)

// Every tree Fast builds through Parse/ParseReuse while this package's
// tests run is compared with html.Parse's; any difference fails the run.
func TestMain(m *testing.M) { htmltreetest.Main(m) }

// TestFastAgrees: on every HTML fixture the fast path is taken and builds
// html.Parse's tree.
func TestFastAgrees(t *testing.T) {
	for name, text := range htmltreetest.Texts(t) {
		root := htmltree.Fast(text)
		if root == nil {
			t.Errorf("%s: Fast declined a fixture page", name)
			continue
		}
		if d := htmltree.Diff(text, root); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
}

// TestParseFallsBack: a page Fast declines (inline SVG) still parses, to
// html.Parse's tree, with no pooled memory to release; and the pooled
// path builds the same trees as the fresh one.
func TestParseFallsBack(t *testing.T) {
	svg := `<html><body><svg><path d="M0"/></svg><p>x</p></body></html>`
	if htmltree.Fast(svg) != nil {
		t.Fatal("the SVG page was meant to be declined")
	}
	root, mem, err := htmltree.ParseReuse(svg)
	if err != nil || mem != nil {
		t.Fatalf("htmltree.ParseReuse(svg): mem %v, err %v", mem, err)
	}
	if d := htmltree.Diff(svg, root); d != "" {
		t.Fatal(d)
	}
	for name, text := range htmltreetest.Texts(t) {
		root, mem, err := htmltree.ParseReuse(text)
		if err != nil || mem == nil {
			t.Fatalf("%s: ParseReuse: mem %v, err %v", name, mem, err)
		}
		if d := htmltree.Diff(text, root); d != "" {
			t.Errorf("%s: %s", name, d)
		}
		mem.Release()
	}
}

// TestChunkBoundaries: a tree that is not pooled starts with chunks sized
// from its page; pages that build far more nodes or attributes than the
// estimate (formatting elements reconstructed in every paragraph, tags
// with many attributes) cross those chunks and the default ones after.
func TestChunkBoundaries(t *testing.T) {
	var pages []string
	for _, n := range []int{0, 1, 7, 60, 200, 700} {
		pages = append(pages,
			"<p><b><i><u><s><em>x"+strings.Repeat("<p>y", n),
			strings.Repeat(`<a href=x class=y id=z title=w data-a=1 data-b=2 data-c=3 data-d=4>t</a>`, n),
			strings.Repeat("text", n))
	}
	for _, text := range pages {
		root := htmltree.Fast(text)
		if root == nil {
			t.Errorf("Fast declined %.40q", text)
			continue
		}
		if d := htmltree.Diff(text, root); d != "" {
			t.Errorf("%.40q (%d bytes): %s", text, len(text), d)
		}
	}
}

var seeds = []string{
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

// FuzzFast: on any input, Fast either declines or builds the tree
// html.Parse builds, and never panics.
func FuzzFast(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	for _, text := range htmltreetest.Texts(f) {
		if len(text) < 8000 {
			f.Add(text)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		root := htmltree.Fast(text)
		if root == nil {
			return
		}
		if d := htmltree.Diff(text, root); d != "" {
			t.Fatal(d)
		}
	})
}

// BenchmarkHTMLTree compares Fast with html.Parse, the tree builder
// it stands in for, on the typical pages (decoded text in, tree out).
func BenchmarkHTMLTree(b *testing.B) {
	defer htmltree.SetCheck(htmltree.SetCheck(nil)) // TestMain's comparison is not what is timed
	for _, f := range []string{"../../testdata/reports/html-2021-word.html", "../../testdata/extract/report-trs-gbk.html"} {
		data := mustRead(b, f)
		text := charset.DecodeHTML(data, "")
		name := fmt.Sprintf("%s-%dKB", strings.TrimSuffix(filepath.Base(f), ".html"), len(data)/1024)
		b.Run(name+"/Fast", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			cpu0 := cpuTime()
			for b.Loop() {
				root, mem, err := htmltree.ParseReuse(text)
				if err != nil || mem == nil {
					b.Fatal("Fast declined the page")
				}
				_ = root
				mem.Release()
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

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
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
