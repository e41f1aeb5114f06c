package sitesref

import (
	"regexp"
	"strings"
)

func init() { Register(NFCMS{}) }

// NFCMS is Guangdong's 南方 CMS (portals.md §2.3): articles
// …/content/post_{id}.html (mobile twins mpost_{id}.html) with
// NFCMS_SITE_ID/NFCMS_POST_ID metas, bodies in div.news_cont_d_wrap, and
// attachments /attachment/0/{a}/{b}/{postId}.pdf whose basename is the
// post id: two files of one post differ only by directory, so they are
// told apart by URL (and stored by content), never by file name.
type NFCMS struct{}

func (NFCMS) Name() string { return "nfcms" }

var (
	nfPost   = regexp.MustCompile(`(?:^|[/"'])content/m?post_\d+\.html`)
	nfAttach = regexp.MustCompile(`/attachment/\d+/\d+/\d+/\d+\.\w+`)
	nfMobile = regexp.MustCompile(`/content/mpost_(\d+)\.html$`)
)

func (NFCMS) Detect(p *Page) (float64, string) {
	h := p.HTML
	var e evidence
	add := e.add
	add(strings.Contains(h, "NFCMS_SITE_ID") || strings.Contains(h, "NFCMS_POST_ID"), 0.9, "NFCMS_SITE_ID/NFCMS_POST_ID metas")
	add(nfPost.MatchString(p.URL.Path), 0.4, "content/post_N.html URL")
	// Literal pre-checks: the unanchored regexps cost a try at every byte.
	add(strings.Contains(h, "post_") && len(nfPost.FindAllStringIndex(h, 3)) >= 2, 0.5, "content/post_N.html links")
	add(strings.Contains(h, "/attachment/") && nfAttach.MatchString(h), 0.3, "/attachment/0/{a}/{b}/{id} files")
	add(strings.Contains(h, "news_cont_d_wrap"), 0.3, "div.news_cont_d_wrap body")
	return e.result("no NFCMS markers")
}

func (NFCMS) Analyze(p *Page) Analysis {
	a := AnalyzeGeneric(p)
	// Mobile twins (mpost_N) are the same article: follow post_N only.
	var keep []Link
	for _, l := range a.Links {
		if m := nfMobile.FindStringSubmatch(l.URL); m != nil {
			l.URL = strings.TrimSuffix(l.URL, m[0]) + "/content/post_" + m[1] + ".html"
			l.Why += " (mobile twin mpost_ read as post_)"
		}
		keep = append(keep, l)
	}
	a.Links = mergeLinks(keep)
	return a
}
