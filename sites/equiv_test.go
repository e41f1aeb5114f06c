package sites

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/htmltree"
	"github.com/nianbao/nianbao/sites/testdata/sitesref"
)

// Page analysis was rewritten for speed (one walk over the tree instead of
// a goquery pass per selector, text read once per anchor, prechecks before
// regexps). These tests hold every rule to the frozen pre-rewrite package
// (testdata/sitesref): the same Analysis, to the last Why string and link
// order, on every page the repository's tests have, and on fuzzed HTML.

// equivKinds are the kinds the crawl analyses pages as.
var equivKinds = []string{KindStart, KindNav, KindList, KindDetail, KindPart}

// equivVariant is what a site's config and the link that led to a page
// add to it: list/date selectors and the anchor title.
type equivVariant struct {
	sel   Selectors
	title string
}

var equivVariants = []equivVariant{
	{},
	{Selectors{List: "ul li", Date: "span"}, "某某区2023年政府信息公开工作年度报告"},
	{Selectors{List: "a", Date: "[class*=date], span, td"}, "首页"},
}

// badSelectors: an invalid selector matches nothing, in both.
var badSelectors = equivVariant{Selectors{List: "li[", Date: ">>"}, ""}

// sameAnalyses analyses text at u as kind with v, with Detect, every
// family and NeedsBrowser on one page per implementation (as the crawl
// reuses a page), and reports the first difference.
func sameAnalyses(u, text, kind, form string, v equivVariant) error {
	np, nerr := NewPage(u, text, kind, v.title)
	op, oerr := sitesref.NewPage(u, text, kind, v.title)
	if (nerr == nil) != (oerr == nil) {
		return fmt.Errorf("NewPage error %v, reference %v", nerr, oerr)
	}
	if nerr != nil {
		return nil
	}
	np.Form, op.Form = form, form
	np.Selectors = v.sel
	op.Selectors = sitesref.Selectors{List: v.sel.List, Date: v.sel.Date}
	nr, nd := Detect(np)
	or, od := sitesref.Detect(op)
	if nr.Name() != or.Name() || !reflect.DeepEqual(nd, fromRefDetections(od)) {
		return fmt.Errorf("Detect: %s %v, reference %s %v", nr.Name(), nd, or.Name(), od)
	}
	for _, fam := range Families() {
		r, _ := Lookup(fam)
		rr, ok := sitesref.Lookup(fam)
		if !ok {
			return fmt.Errorf("no reference family %s", fam)
		}
		ref := rr.Analyze(op)
		got, want := r.Analyze(np), fromRefAnalysis(ref)
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s.Analyze differs: %s", fam, analysisDiff(got, want))
		}
		gn, gok := NeedsBrowser(np, got)
		wn, wok := sitesref.NeedsBrowser(op, ref)
		if gn != wn || gok != wok {
			return fmt.Errorf("%s: NeedsBrowser %q %v, reference %q %v", fam, gn, gok, wn, wok)
		}
	}
	// A second analysis of the same page gives the same again.
	if got, want := AnalyzeGeneric(np), fromRefAnalysis(sitesref.AnalyzeGeneric(op)); !reflect.DeepEqual(got, want) {
		return fmt.Errorf("AnalyzeGeneric again differs: %s", analysisDiff(got, want))
	}
	return nil
}

func fromRefAnalysis(a sitesref.Analysis) Analysis {
	out := Analysis{Title: a.Title, Date: a.Date, IsList: a.IsList, Notes: a.Notes, Items: a.Items, PageNum: a.PageNum, PageCount: a.PageCount}
	if a.Report != nil {
		ti := TitleInfo(*a.Report)
		out.Report = &ti
	}
	if a.Links != nil {
		out.Links = make([]Link, len(a.Links))
		for i, l := range a.Links {
			out.Links[i] = Link(l)
		}
	}
	return out
}

func fromRefDetections(ds []sitesref.Detection) []Detection {
	var out []Detection
	for _, d := range ds {
		out = append(out, Detection(d))
	}
	return out
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

// TestAnalyzeSameAsReference runs every rule, old and new, over every page
// of the generated portal, every page the imitation portal serves, this
// package's fixtures and the repository's HTML fixtures, as every kind the
// crawl passes, with and without site selectors.
func TestAnalyzeSameAsReference(t *testing.T) {
	type set struct {
		name  string
		pages []corpusPage
	}
	sets := []set{{"fixtures", fixturePages(t)}}
	if !fewPages() {
		sets = append(sets, set{"imitation", imitationPages(t)}, set{"generated", generatedPages(t)})
	}
	// TestMain compared each page's tree with html.Parse's while the
	// portals were walked; comparing it again per kind and variant would
	// double the test's time.
	prev := htmltree.SetCheck(nil)
	defer htmltree.SetCheck(prev)
	n := 0
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			fails := 0
			for _, p := range s.pages {
				form := ""
				if _, f, ok := strings.Cut(p.Name, " POST "); ok {
					form = f
				}
				variants := equivVariants
				if testing.Short() {
					variants = variants[:1]
				}
				if s.name == "fixtures" {
					variants = append(variants[:len(variants):len(variants)], badSelectors)
				}
				kinds := equivKinds
				if testing.Short() && s.name != "fixtures" {
					kinds = []string{p.Kind} // the kind the walk reached it as
				}
				for _, kind := range kinds {
					for vi, v := range variants {
						n++
						if err := sameAnalyses(p.URL, p.HTML, kind, form, v); err != nil {
							t.Errorf("%s as %s (variant %d): %v", p.Name, kind, vi, err)
							if fails++; fails == 5 {
								t.Fatal("too many differences")
							}
						}
					}
				}
			}
		})
	}
	t.Logf("%d page analyses compared", n)
}

// FuzzAnalyzeSame compares every rule, old and new, on arbitrary markup.
//
//	go test ./sites -run '^$' -fuzz FuzzAnalyzeSame -fuzztime 5m -fuzzminimizetime 10s
func FuzzAnalyzeSame(f *testing.F) {
	// Small seeds only: every execution runs every rule twice, and large
	// inputs make mutation and minimisation crawl.
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
		v := equivVariants[int(variant)%len(equivVariants)]
		if variant >= 128 {
			v = badSelectors
		}
		if err := sameAnalyses(u, html, equivKinds[int(kind)%len(equivKinds)], "", v); err != nil {
			t.Fatal(err)
		}
	})
}
