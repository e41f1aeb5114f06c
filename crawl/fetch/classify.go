package fetch

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/internal/textfold"
	"github.com/nianbao/nianbao/internal/urlcanon"
	"github.com/nianbao/nianbao/sniff"
)

// Kind is the coarse verdict on a response. The string values are stable:
// run reports count errors by them.
type Kind string

const (
	KindOK          Kind = "ok"
	KindNotModified Kind = "not_modified"
	// KindBlocked: a WAF/anti-bot challenge or CDN block page; Reason
	// names it (waf_ruishu, waf_jiasule, waf_wzws, waf_edgeone, waf_cdn,
	// js_challenge). Never archive, never retry in a loop.
	KindBlocked Kind = "blocked"
	// KindSoft404: a 2xx page that says the page does not exist.
	KindSoft404 Kind = "soft_404"
	// KindHTMLError: a document (attachment) was expected, an HTML or
	// text page came back with a 2xx status.
	KindHTMLError Kind = "html_error_instead_of_file"
	// KindJSRedirect: a JS or meta-refresh shell; Target is where it
	// points. The engine follows it once.
	KindJSRedirect Kind = "js_redirect"
	// KindRedirect: a 3xx the client did not follow; Target is Location.
	KindRedirect    Kind = "redirect"
	KindNotFound    Kind = "not_found"
	KindServerError Kind = "server_error"
	KindClientError Kind = "client_error"
)

// Reasons given with KindBlocked.
const (
	WAFRuishu   = "waf_ruishu"   // 瑞数: 412 (or 202/200) with $_ts and r='m'
	WAFJiasule  = "waf_jiasule"  // 加速乐: 521 cookie script, __jsluid/__jsl_clearance
	WAFWzws     = "waf_wzws"     // 网站卫士: "请开启JavaScript并刷新该页" or /WZWSREL…
	WAFEdgeOne  = "waf_edgeone"  // Tencent EdgeOne: EO_Bot_Ssid/__tst_status script
	WAFCDN      = "waf_cdn"      // other CDN/WAF block pages (Aliyun, Cloudflare, F5, CloudFront, 安全狗…)
	JSChallenge = "js_challenge" // a tiny page that only reloads itself
)

// Verdict is Classify's answer.
type Verdict struct {
	Kind   Kind   `json:"kind"`
	Reason string `json:"reason,omitempty"` // finer cause, e.g. "waf_ruishu", "rate_limited"
	// Target: the absolute URL a js_redirect/redirect points to; for
	// waf_wzws, the real URL behind a /WZWSREL… challenge when decodable.
	Target string `json:"target,omitempty"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"` // human-readable evidence
}

func (v Verdict) String() string {
	s := fmt.Sprintf("%s (%d)", v.Kind, v.Status)
	if v.Reason != "" {
		s += " " + v.Reason
	}
	if v.Target != "" {
		s += " → " + v.Target
	}
	if v.Detail != "" {
		s += ": " + v.Detail
	}
	return s
}

// Archivable reports whether the response is content worth keeping.
func (v Verdict) Archivable() bool { return v.Kind == KindOK }

// classifyLimit bounds how much of a body is decoded to look for markers.
const classifyLimit = 256 << 10

// shellText is the visible-text size below which a page is a shell
// (redirect, challenge or error page) rather than content.
const shellText = 600

// Classify judges a response. expectDocument is true when the link was to
// a file (an attachment: PDF, DOC, opaque download.jsp…), so that an HTML
// page in its place is an error page, not content. It decodes a private
// copy of the body to look for markers; resp.Body is not modified.
//
// Order: 304; WAF/anti-bot markers (any status); 404/410; unfollowed 3xx;
// 5xx; other 4xx; then for 2xx: empty body, soft 404, JS/meta redirect
// shell, HTML-instead-of-file, ok.
func Classify(resp *Response, expectDocument bool) Verdict {
	if resp == nil {
		return Verdict{Kind: KindServerError, Detail: "no response"}
	}
	st := resp.StatusCode
	v := Verdict{Status: st}
	if st == http.StatusNotModified {
		v.Kind = KindNotModified
		return v
	}
	media := sniff.Detect(resp.Body)
	markup := len(resp.Body) > 0 && (media == sniff.HTML || media == sniff.Text || media == sniff.XML)
	var pg page
	if markup {
		pg = readPage(resp.Body, resp.Header.Get("Content-Type"), resp.Text)
	}
	if reason, detail, target := detectWAF(resp, &pg); reason != "" {
		v.Kind, v.Reason, v.Detail, v.Target = KindBlocked, reason, detail, target
		return v
	}
	switch {
	case st == http.StatusNotFound || st == http.StatusGone:
		v.Kind = KindNotFound
		return v
	case st >= 300 && st < 400:
		v.Kind = KindRedirect
		if loc := resp.Header.Get("Location"); loc != "" {
			if t, ok := ResolveLink(resp.URL, loc); ok {
				v.Target = t
			}
		}
		return v
	case st >= 500:
		v.Kind = KindServerError
		if st == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
			v.Reason = "rate_limited"
		}
		return v
	case st == http.StatusTooManyRequests:
		v.Kind, v.Reason = KindClientError, "rate_limited"
		return v
	case st == http.StatusForbidden:
		v.Kind, v.Reason = KindClientError, "forbidden"
		return v
	case st >= 400 || st < 200:
		v.Kind = KindClientError
		return v
	}
	if len(resp.Body) == 0 {
		if expectDocument {
			v.Kind, v.Detail = KindHTMLError, "empty body"
		} else {
			v.Kind, v.Reason, v.Detail = KindSoft404, "empty_body", "empty body"
		}
		return v
	}
	if markup {
		if detail, ok := pg.soft404(); ok {
			v.Kind, v.Detail = KindSoft404, detail
			return v
		}
		if target, detail, ok := pg.redirect(resp.URL); ok {
			if resp.URL != "" && urlcanon.Key(target) == urlcanon.Key(resp.URL) {
				v.Kind, v.Reason, v.Detail = KindBlocked, JSChallenge, "page only reloads itself: "+detail
				return v
			}
			v.Kind, v.Target, v.Detail = KindJSRedirect, target, detail
			return v
		}
		if expectDocument {
			v.Kind = KindHTMLError
			v.Detail = fmt.Sprintf("%s of %d bytes", media, len(resp.Body))
			if pg.title != "" {
				v.Detail += ", title " + strconv.Quote(pg.title)
			}
			return v
		}
	}
	v.Kind = KindOK
	return v
}

// page is what Classify needs from an HTML/text body.
type page struct {
	raw     string // decoded text, markup included (first classifyLimit bytes)
	title   string
	visible string // visible text, whitespace collapsed
	refresh []string
	isShell bool // visible text shorter than shellText runes
	// onLoad is the script that runs when the page loads: the text of its
	// <script> elements and the body's onload handler, collected only
	// while the page may still be a shell. Handlers of links (onclick,
	// href="javascript:…") are not in it: clicking a link is no redirect.
	onLoad string
}

// readPage reads body's title, meta refreshes and visible text. text is
// body already decoded, or "": it is used when body is within
// classifyLimit, where decoding body would give the same string.
func readPage(body []byte, contentType, text string) page {
	b := body
	if len(b) > classifyLimit {
		// Cut at an ASCII byte that is never part of a multi-byte
		// character in UTF-8 or GBK, so decoding sees no broken tail.
		b = b[:classifyLimit]
		if i := bytes.LastIndexAny(b, ">\n"); i > 0 {
			b = b[:i+1]
		}
	}
	if text == "" || len(b) < len(body) {
		text = charset.DecodeHTML(b, contentType)
	}
	p := page{raw: text}
	z := html.NewTokenizer(strings.NewReader(p.raw))
	var vis, scripts strings.Builder
	skip, inTitle, inScript := 0, false, false
	// The visible text matters only on a shell. Once what was collected
	// holds shellText runes the page is not one, and the rest of its text
	// need not be copied (title and meta refresh are still read).
	enough, checkAt := false, shellText
	// off is where the next token starts (tokens' raw bytes tile the
	// input). Once the text is enough, tokenizing stops where no "<meta"
	// or "<title" is left: nothing after can change the verdict.
	off, nextTag := 0, 0
	for {
		if enough && !inTitle && off >= nextTag {
			rest := p.raw[off:]
			i, j := textfold.IndexFold(rest, "<meta"), textfold.IndexFold(rest, "<title")
			if i < 0 && j < 0 {
				break
			}
			if i < 0 || j >= 0 && j < i {
				i = j
			}
			nextTag = off + i + 1
		}
		tt := z.Next()
		off += len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return p.finish(&vis, &scripts, enough)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				if tt == html.StartTagToken {
					skip++
					inScript = string(name) == "script"
				}
			case "body":
				for hasAttr && !enough {
					var k, val []byte
					k, val, hasAttr = z.TagAttr()
					if strings.EqualFold(string(k), "onload") {
						scripts.Write(val)
						scripts.WriteString(";\n")
					}
				}
			case "title":
				inTitle = tt == html.StartTagToken
			case "meta":
				var equiv, content string
				for hasAttr {
					var k, val []byte
					k, val, hasAttr = z.TagAttr()
					switch strings.ToLower(string(k)) {
					case "http-equiv":
						equiv = strings.ToLower(strings.TrimSpace(string(val)))
					case "content":
						content = string(val)
					}
				}
				if equiv == "refresh" {
					p.refresh = append(p.refresh, content)
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "noscript", "template":
				if skip > 0 {
					skip--
				}
				inScript = false
			case "title":
				inTitle = false
			}
		case html.TextToken:
			if inScript && !enough {
				scripts.Write(z.Text())
				scripts.WriteString(";\n")
			}
			if inTitle {
				p.title += string(z.Text())
			} else if skip == 0 && !enough {
				vis.Write(z.Text())
				vis.WriteByte(' ')
				if vis.Len() >= checkAt {
					// Doubling keeps the checks linear in the text.
					n := collapsedRunes(vis.String())
					enough = n >= shellText
					checkAt = max(vis.Len()+shellText-n, 2*vis.Len())
				}
			}
		}
	}
	return p.finish(&vis, &scripts, enough)
}

// finish sets visible, the title, isShell and onLoad from what readPage
// collected.
func (p *page) finish(vis, scripts *strings.Builder, enough bool) page {
	p.visible = strings.Join(strings.Fields(vis.String()), " ")
	p.title = strings.Join(strings.Fields(p.title), " ")
	p.isShell = !enough && utf8.RuneCountInString(p.visible) < shellText
	if p.isShell {
		p.onLoad = scripts.String()
	}
	return *p
}

// collapsedRunes is utf8.RuneCountInString(strings.Join(strings.Fields(s),
// " ")) without building the string.
func collapsedRunes(s string) int {
	n, fields, in := 0, 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			in = false
			continue
		}
		if !in {
			fields++
			in = true
		}
		n++
	}
	if fields > 1 {
		n += fields - 1
	}
	return n
}

// small reports a shell page; an empty page (binary body) counts as one.
func (p *page) small() bool { return p.isShell || p.raw == "" }

var (
	soft404Phrases = []string{
		"页面不存在", "网页不存在", "页面未找到", "页面找不到", "找不到页面", "找不到该页面", "找不到您要",
		"无法找到该页", "页面已删除", "页面已被删除", "页面走丢了", "页面丢失", "文章不存在", "信息不存在",
		"内容不存在", "该信息已删除", "信息已被删除", "资源不存在", "not found", "page not found",
	}
	soft404Re = regexp.MustCompile(`您(?:所|要)?(?:访问|浏览|请求|查看)的(?:页面|网页|内容|信息|文章|地址)[^。！!]{0,12}(?:不存在|已删除|已被删除|已经删除|找不到|无法找到|已过期|已失效|已下线|被移除|已移除)`)
	// title404Re: 404 standing alone, or beside an error word. A number
	// among Han characters is a count or an ordinal (第404区, 404号文件),
	// not an error.
	title404Re = regexp.MustCompile(`(?i)(?:^|[^0-9\p{Han}])404(?:[^0-9\p{Han}]|$)|404\s*(?:错误|页面|网页|未找到|找不到|not\s*found)|(?:页面|网页|错误|error)\s*[:：]?\s*404(?:[^0-9]|$)`)
	// body404Re needs "404" next to an error word: a short report page
	// may well hold the number 404 in a table cell and the word 页面.
	body404Re = regexp.MustCompile(`(?i)(?:^|[^0-9])404\s*(?:错误|error|not\s*found|页面|-\s*页面)|(?:错误|error)\s*(?:代码|code)?\s*[:：]?\s*404(?:[^0-9]|$)`)
)

func (p *page) soft404() (string, bool) {
	t := strings.ToLower(p.title)
	if strings.Contains(t, "404") && title404Re.MatchString(t) {
		return "title " + strconv.Quote(p.title), true
	}
	for _, ph := range soft404Phrases {
		if strings.Contains(t, ph) {
			return "title " + strconv.Quote(p.title), true
		}
	}
	if !p.small() {
		return "", false
	}
	if m := soft404Re.FindString(p.visible); m != "" {
		return strconv.Quote(m), true
	}
	// IndexFold, not strings.ToLower: lower-casing CJK text maps it rune
	// by rune into a copy, on every short page. The phrases are lower-case
	// ASCII or CJK, and body404Re is (?i) itself.
	for _, ph := range soft404Phrases {
		if textfold.IndexFold(p.visible, ph) >= 0 {
			return strconv.Quote(ph), true
		}
	}
	if strings.Contains(p.visible, "404") && body404Re.MatchString(p.visible) {
		return "404 in a short page", true
	}
	return "", false
}

var refreshURLRe = regexp.MustCompile(`(?i)^\s*(\d+(?:\.\d+)?)\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]*)['"]?\s*$`)

// maxRefreshDelay: a meta refresh slower than this is a periodic page
// reload (news front pages use 300s), not a redirect.
const maxRefreshDelay = 10

func (p *page) redirect(base string) (target, detail string, ok bool) {
	for _, c := range p.refresh {
		m := refreshURLRe.FindStringSubmatch(c)
		if m == nil || strings.TrimSpace(m[2]) == "" {
			continue
		}
		if d, err := strconv.ParseFloat(m[1], 64); err != nil || d > maxRefreshDelay {
			continue
		}
		if t, ok := ResolveLink(base, m[2]); ok {
			return t, "meta refresh " + strconv.Quote(c), true
		}
	}
	if !p.small() {
		return "", "", false
	}
	// Only what runs on load redirects: a list page whose links open
	// their targets by script (onclick="window.open('…')", a function a
	// link calls) is a page of links, not a shell.
	if m := loadNav(p.onLoad); m != nil {
		if t, ok := ResolveLink(base, m[1]); ok {
			return t, "script " + strconv.Quote(m[0]), true
		}
	}
	if p.visible == "" && jsReloadRe.MatchString(p.onLoad) && base != "" {
		return base, "script reloads the page", true
	}
	return "", "", false
}

// loadNav is the first navigation in js (a page's load-time script) that
// is not inside a function declared for later calls: function go(u){…},
// var go = function(u){…} and obj.go = function(u){…} run when called
// (by a link's onclick), while top-level statements and the callbacks of
// window.onload, setTimeout or $(…) run as the page loads.
func loadNav(js string) []string {
	for off := 0; off < len(js); {
		m := findJSNavIndex(js[off:])
		if m == nil {
			return nil
		}
		start := off + m[0]
		if !inDeclaredFunction(js, start) {
			return []string{js[start : off+m[1]], js[off+m[2] : off+m[3]]}
		}
		off += m[1]
	}
	return nil
}

// declaredFunc matches the text before a function body's "{" when the
// function is declared or assigned for later calls.
var declaredFunc = regexp.MustCompile(`(?:\bfunction\s+[\w$]+|[\w$.\]\['"]+\s*[:=]\s*function(?:\s+[\w$]+)?)\s*\([^()]*\)\s*$`)

// inDeclaredFunction reports whether position i of js lies in the body of
// a function declared or assigned for later calls (declaredFunc), other
// than an onload handler. Braces in strings and comments are not told
// apart: a page's load script is short and plain.
func inDeclaredFunction(js string, i int) bool {
	depth := 0
	for j := i - 1; j >= 0; j-- {
		switch js[j] {
		case '}':
			depth++
		case '{':
			if depth > 0 {
				depth--
				continue
			}
			head := js[max(0, j-200):j]
			if loc := declaredFunc.FindStringIndex(head); loc != nil {
				if !strings.Contains(strings.ToLower(head[loc[0]:]), "onload") {
					return true
				}
			}
		}
	}
	return false
}

var jsReloadRe = regexp.MustCompile(`location\.reload\s*\(`)

var (
	jslCookieRe = regexp.MustCompile(`(?i)^__jsl(?:uid_[hs]|_clearance(?:_s)?)$`)
	// Ruishu cookies: a random name ending in S (set by the 412) or T.
	ruishuCookieRe = regexp.MustCompile(`^[A-Za-z0-9]{10,}[ST]$`)
	ruishuMetaRe   = regexp.MustCompile(`r\s*=\s*['"]m['"]`)
)

// cdnMarkers are block pages of other CDNs/WAFs, checked only on shells.
var cdnMarkers = []struct{ marker, name string }{
	{"acw_sc__v2", "Aliyun WAF challenge"},
	{"aliyun_waf", "Aliyun WAF"},
	{"challenge-platform", "Cloudflare challenge"},
	{"cf-chl-", "Cloudflare challenge"},
	{"the requested url was rejected", "F5 ASM block"},
	{"the request could not be satisfied", "CloudFront block"},
	{"errors.edgesuite.net", "Akamai block"},
	{"waf.tencent.com", "Tencent WAF"},
	{"safedog", "安全狗 block"},
	{"网站防火墙", "网站防火墙 block"},
	{"访问被拦截", "WAF block"},
	{"疑似黑客攻击", "创宇盾 block"},
}

func detectWAF(resp *Response, pg *page) (reason, detail, target string) {
	cookies := setCookieNames(resp.Header)
	st := resp.StatusCode
	raw := pg.raw

	// 网站卫士: the redirect or the page it leads to.
	for _, u := range []string{resp.Header.Get("Location"), resp.URL} {
		if u != "" && urlcanon.IsWZWS(u) {
			if real, ok := urlcanon.UnwrapWZWS(u); ok {
				target = absURL(resp.URL, real)
			}
			return WAFWzws, "WZWSREL challenge URL " + u, target
		}
	}
	switch {
	case strings.Contains(raw, "请开启JavaScript并刷新该页"):
		return WAFWzws, `"请开启JavaScript并刷新该页"`, ""
	case strings.Contains(raw, "wzwschallenge") || strings.Contains(raw, "wzwsquestion"):
		return WAFWzws, "wzws challenge script", ""
	}

	// 瑞数: $_ts plus r='m' markers, or a 412 with its cookie.
	hasTS := strings.Contains(raw, "$_ts")
	if hasTS && ruishuMetaRe.MatchString(raw) {
		return WAFRuishu, "$_ts script with r='m'", ""
	}
	if st == http.StatusPreconditionFailed {
		for _, c := range cookies {
			if ruishuCookieRe.MatchString(c) {
				return WAFRuishu, "412 with cookie " + c, ""
			}
		}
		if hasTS {
			return WAFRuishu, "412 with $_ts", ""
		}
	}

	// A cookie alone proves little: protected sites set theirs on every
	// response, files included. It counts on a 521 or a script-only shell.
	scriptShell := raw != "" && pg.isShell && textfold.IndexFold(raw, "<script") >= 0

	// 加速乐.
	for _, c := range cookies {
		if jslCookieRe.MatchString(c) && (st == 521 || scriptShell) {
			return WAFJiasule, fmt.Sprintf("%d with cookie %s", st, c), ""
		}
	}
	if strings.Contains(raw, "__jsl_clearance") || strings.Contains(raw, "__jsluid") {
		return WAFJiasule, "jsl cookie script", ""
	}
	if st == 521 && strings.Contains(raw, "document.cookie") {
		return WAFJiasule, "521 cookie script", ""
	}

	// Tencent EdgeOne.
	if strings.Contains(raw, "EO_Bot_Ssid") || strings.Contains(raw, "__tst_status") {
		return WAFEdgeOne, "EO_Bot_Ssid/__tst_status script", ""
	}
	for _, c := range cookies {
		if (c == "EO_Bot_Ssid" || c == "__tst_status") && scriptShell {
			return WAFEdgeOne, "cookie " + c, ""
		}
	}
	if srv := strings.ToLower(resp.Header.Get("Server")); strings.Contains(srv, "edgeone") && st >= 400 && st != 404 && st != 410 {
		return WAFEdgeOne, fmt.Sprintf("%d from %s", st, resp.Header.Get("Server")), ""
	}

	// Other CDN/WAF block pages: only when the page is a shell, since a
	// 网站工作年度报表 may well mention a 网站防火墙.
	if raw != "" && pg.small() {
		for _, m := range cdnMarkers { // lower-case ASCII or CJK: see soft404
			if textfold.IndexFold(raw, m.marker) >= 0 {
				return WAFCDN, m.name, ""
			}
		}
	}
	return "", "", ""
}

func absURL(base, ref string) string {
	if u, ok := ResolveLink(base, ref); ok {
		return u
	}
	return ref
}

// setCookieNames lists the cookie names a response sets.
func setCookieNames(h http.Header) []string {
	var out []string
	for _, c := range h.Values("Set-Cookie") {
		name, _, _ := strings.Cut(c, "=")
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// findJSNavIndex is findJSNav's match as submatch indexes.
func findJSNavIndex(s string) []int {
	if textfold.IndexFold(s, "location") < 0 && textfold.IndexFold(s, "window.open") < 0 {
		return nil
	}
	return jsNavRe.FindStringSubmatchIndex(s)
}
