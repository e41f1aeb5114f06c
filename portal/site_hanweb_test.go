package portal

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/nianbao/nianbao/sniff"
)

var (
	famOnce sync.Once
	famP    *Portal
)

// familiesPortal is one started family portal for read-only tests.
func familiesPortal(t *testing.T) *Portal {
	t.Helper()
	famOnce.Do(func() {
		famP = NewFamilies(Options{})
		famP.Start()
	})
	return famP
}

func post(t *testing.T, p *Portal, u string, form url.Values) fetched {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.Client().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fetched{resp.StatusCode, resp.Header, b}
}

// Every family site is configured like a user would (name, region,
// start, hosts), has reports, and serves each expected page and file with
// the recorded bytes; gated files are refused without a Referer.
func TestFamilySitesServeExpected(t *testing.T) {
	p := familiesPortal(t)
	want := []string{"jiangsu", "lishui", "gdwhly", "gzbgt", "pingchang", "deyang", "dongbao", "xtsw"}
	if got := FamilyNames(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("family sites %v, want %v", got, want)
	}
	for _, s := range p.Sites() {
		exp := p.Expected(s.Name)
		if len(exp) < 5 || len(s.Start) == 0 || len(s.Hosts) == 0 || s.Region == "" {
			t.Errorf("%s: %d reports, config %+v", s.Name, len(exp), s)
		}
		ids := map[string]bool{}
		for _, e := range exp {
			if ids[e.ID] {
				t.Errorf("%s: duplicate id %s", s.Name, e.ID)
			}
			ids[e.ID] = true
			if e.Title == "" || e.Body == "" || e.Year < 2000 || len(e.Published) != 10 || len(e.Pages) != 1 {
				t.Errorf("%s: incomplete %+v", e.ID, e)
			}
			if e.Data != nil {
				if err := e.Data.Check(); err != nil {
					t.Errorf("%s: %v", e.ID, err)
				}
			}
			for _, pg := range append([]ExpectedFile{e.Pages[0]}, alts(e)...) {
				f := get(t, p, pg.URL)
				if f.status != 200 || hexsha(f.body) != e.Pages[0].SHA256 {
					t.Errorf("%s: page %s status %d, same bytes %v", e.ID, pg.URL, f.status, hexsha(f.body) == e.Pages[0].SHA256)
				}
				if !bytes.Contains(f.body, []byte(`name="ArticleTitle" content="`+esc(e.Title)+`"`)) {
					t.Errorf("%s: page lacks its ArticleTitle", e.ID)
				}
			}
			for _, a := range e.Attachments {
				f := get(t, p, a.URL, "Referer", e.DetailURL)
				if f.status != 200 || hexsha(f.body) != a.SHA256 || sniff.Detect(f.body) != a.MediaType || !sniff.IsDocument(a.MediaType) {
					t.Errorf("%s: attachment %s status %d media %s", e.ID, a.URL, f.status, sniff.Detect(f.body))
				}
				if a.Referer {
					g := get(t, p, a.URL)
					if g.status != 200 || hexsha(g.body) == a.SHA256 || sniff.Detect(g.body) != sniff.HTML {
						t.Errorf("%s: gated %s without Referer: status %d, media %s", e.ID, a.URL, g.status, sniff.Detect(g.body))
					}
				}
			}
		}
		for _, d := range p.Decoys(s.Name) {
			if f := get(t, p, d.URL); f.status != 200 {
				t.Errorf("%s: decoy %s status %d", s.Name, d.URL, f.status)
			}
		}
	}
}

func alts(e ExpectedReport) []ExpectedFile {
	var out []ExpectedFile
	for _, u := range e.AltURLs {
		out = append(out, ExpectedFile{URL: u})
	}
	return out
}

func xmlCount(b []byte, tag string) int { return bytes.Count(b, []byte("<"+tag+">")) }

// The family quirks of portals.md §6 items 8–14, 17 and 20, as served.
func TestFamilyQuirks(t *testing.T) {
	p := familiesPortal(t)
	js := "http://www.jiangsu.gov.cn"
	proxyQ := "/module/web/jpage/dataproxy.jsp?startrecord=9&endrecord=16&perpage=4&col=1&appid=1&webid=1&path=/&columnid=31251&sourceContentType=1&unitid=212860&permissiontype=0"
	t.Run("hanweb datastore and jpage", func(t *testing.T) {
		f := get(t, p, js+"/col/col31251/index.html")
		for _, s := range []string{`<script type="text/xml"><datastore>`, "<nextgroup><![CDATA[", "totalRecord:11,perPage:4,groupSize:2", "unitid:'212860'", `<li style=<br/>`, "title='"} {
			if !bytes.Contains(f.body, []byte(s)) {
				t.Errorf("column page lacks %q", s)
			}
		}
		if n := xmlCount(f.body, "record"); n != 8 {
			t.Errorf("inline records %d, want 8 (first group)", n)
		}
		if !regexp.MustCompile(`/art/2025/1/29/art_31251_\d+\.html`).Match(f.body) {
			t.Error("no unpadded art/Y/M/D path")
		}
	})
	t.Run("hanweb dataproxy GET and POST", func(t *testing.T) {
		g := get(t, p, js+proxyQ)
		if g.status != 200 || !bytes.Contains(g.body, []byte("<totalrecord>11</totalrecord>")) || xmlCount(g.body, "record") != 3 {
			t.Errorf("GET: %d %s", g.status, g.body)
		}
		u, _ := url.Parse(js + proxyQ)
		q := u.Query()
		u.RawQuery = ""
		po := post(t, p, u.String(), q)
		if po.status != 200 || !bytes.Equal(po.body, g.body) {
			t.Errorf("POST differs from GET: %d %s", po.status, po.body)
		}
		other := get(t, p, js+"/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15&columnid=999")
		if xmlCount(other.body, "record") != 0 {
			t.Error("unknown column returned records")
		}
	})
	t.Run("hanweb pageNum ignored and honoured", func(t *testing.T) {
		one := get(t, p, js+"/col/col31251/index.html")
		two := get(t, p, js+"/col/col31251/index.html?uid=212860&pageNum=2")
		if !bytes.Equal(one.body, two.body) {
			t.Error("jiangsu honours pageNum; it must serve page 1 again")
		}
		ls := "http://www.lishui.gov.cn/col/col1229425517/index.html"
		l1, l2 := get(t, p, ls), get(t, p, ls+"?uid=49468&pageNum=2")
		if bytes.Equal(l1.body, l2.body) || !bytes.Contains(l2.body, []byte(`<span class="current">2</span>`)) || !bytes.Contains(l1.body, []byte("var InitData49468 = [")) {
			t.Error("lishui does not render page 2 / InitData")
		}
		if !bytes.Contains(l1.body, []byte(`\'`)) {
			t.Error("no escaped quote in InitData")
		}
	})
	t.Run("hanweb downfile 302 and ZJEG", func(t *testing.T) {
		e := findExpected(t, p, "jiangsu", "js-2023")
		f := get(t, p, e.DetailURL)
		m := regexp.MustCompile(`href="(/module/download/downfile\.jsp\?classid=0&amp;filename=[0-9a-f]{32}\.pdf)"`).FindSubmatch(f.body)
		if m == nil || !bytes.Contains(f.body, []byte("<!--ZJEG_RSS.content.begin-->")) {
			t.Fatalf("detail lacks downfile link or ZJEG markers")
		}
		r := get(t, p, "http://www.jiangsu.gov.cn"+strings.ReplaceAll(string(m[1]), "&amp;", "&"))
		if r.status != 302 || r.header.Get("Location") != e.Attachments[0].URL || !strings.Contains(e.Attachments[0].URL, "/attach/0/") {
			t.Errorf("downfile: %d → %s", r.status, r.header.Get("Location"))
		}
		fgw := findExpected(t, p, "jiangsu", "js-fgw-2023")
		if len(fgw.AltURLs) != 1 || !strings.Contains(fgw.AltURLs[0], "art_31260_") {
			t.Errorf("same article under a second column: %v", fgw.AltURLs)
		}
	})
	t.Run("gkmlpt shell and API", func(t *testing.T) {
		gd := "http://whly.gd.gov.cn"
		sh := get(t, p, gd+"/gkmlpt/annualreport")
		if !bytes.Contains(sh.body, []byte("window._CONFIG = {SID: '175'")) || bytes.Contains(sh.body, []byte("/gkmlpt/content/")) {
			t.Error("annualreport is not an empty shell with _CONFIG.SID")
		}
		var l struct {
			Total    int `json:"total"`
			Articles []struct {
				ID         int64  `json:"id"`
				URL        string `json:"url"`
				CreateTime int64  `json:"create_time"`
			} `json:"articles"`
		}
		for page, n := range map[string]int{"1": 100, "0": 100, "2": 1, "3": 0} {
			f := get(t, p, gd+"/gkmlpt/api/all/2629?page="+page+"&sid=175")
			if err := json.Unmarshal(f.body, &l); err != nil || l.Total != 101 || len(l.Articles) != n {
				t.Errorf("page %s: %v total %d, %d articles, want %d", page, err, l.Total, len(l.Articles), n)
			}
			for _, a := range l.Articles {
				if !regexp.MustCompile(`/gkmlpt/content/3/3795/post_3795\d{3}\.html$`).MatchString(a.URL) || a.CreateTime < 1.6e9 {
					t.Errorf("article %+v", a)
				}
			}
		}
		if f := get(t, p, gd+"/gkmlpt/api/all/2629?page=1"); f.status != 400 {
			t.Errorf("no sid: %d", f.status)
		}
	})
	t.Run("nfcms attachments share a basename", func(t *testing.T) {
		e := findExpected(t, p, "gzbgt", "gz-2024-bgt")
		if len(e.Attachments) != 2 || !strings.HasSuffix(e.Attachments[0].URL, "/9469010.pdf") || !strings.HasSuffix(e.Attachments[1].URL, "/9469010.pdf") || e.Attachments[0].SHA256 == e.Attachments[1].SHA256 {
			t.Errorf("attachments %+v", e.Attachments)
		}
		if !strings.Contains(e.DetailURL, "/content/post_9469010.html") {
			t.Errorf("detail %s", e.DetailURL)
		}
	})
	t.Run("anhui units and timeFrame", func(t *testing.T) {
		rel := get(t, p, "http://www.scpc.gov.cn/public/column/6601841?type=4&action=rel")
		if n := bytes.Count(rel.body, []byte(`action=list" title=`)); n != 4 {
			t.Errorf("%d units", n)
		}
		edu := get(t, p, "http://www.scpc.gov.cn/public/column/6601852?type=4&catId=7162&action=list")
		if !bytes.Contains(edu.body, []byte(`<ul id="timeFrame">`)) || bytes.Contains(edu.body, []byte("2022年")) || !bytes.Contains(edu.body, []byte("2021年")) {
			t.Error("教育局 must show years around a missing 2022")
		}
	})
	t.Run("ilist 503 on a fast page 2", func(t *testing.T) {
		il := "http://www.deyang.gov.cn/info/iList.jsp?node_id=GKdyszf&cat_id=10835&cur_page="
		if f := get(t, p, il+"1"); f.status != 200 || !bytes.Contains(f.body, []byte("共3页")) {
			t.Fatalf("page 1: %d", f.status)
		}
		if f := get(t, p, il+"2"); f.status != 503 || f.header.Get("Retry-After") == "" {
			t.Errorf("fast page 2: %d", f.status)
		}
		if f := get(t, p, il+"2"); f.status != 200 || !bytes.Contains(f.body, []byte("当前第2页")) {
			t.Errorf("retried page 2: %d", f.status)
		}
		if f := get(t, p, "http://www.deyang.gov.cn/xxgk/zfxxgknb_old/"); f.status != 302 || !strings.HasPrefix(f.header.Get("Location"), "/WZWSREL") {
			t.Errorf("wzws: %d %s", f.status, f.header.Get("Location"))
		}
	})
	t.Run("vsb backwards pages", func(t *testing.T) {
		f := get(t, p, "http://www.dongbao.gov.cn/xxgk/xxgknb.htm")
		if !bytes.Contains(f.body, []byte(`<a href="xxgknb/1.htm">3</a>`)) || !bytes.Contains(f.body, []byte("Visual SiteBuilder")) {
			t.Error("pager link to 1.htm must show the page count")
		}
		for _, u := range []string{"/xxgk/xxgknb/2.htm", "/xxgk/xxgknb/1.htm"} {
			if g := get(t, p, "http://www.dongbao.gov.cn"+u); g.status != 200 {
				t.Errorf("%s: %d", u, g.status)
			}
		}
		if g := get(t, p, "http://www.dongbao.gov.cn/xxgk/xxgknb/3.htm"); g.status != 404 {
			t.Errorf("3.htm: %d", g.status)
		}
	})
	t.Run("haiyun POST only", func(t *testing.T) {
		u := "http://www.xtsw.gov.cn/getFileListByCodeId"
		if f := get(t, p, u+"?channelId="+hyChannelID+"&page=1&size=20"); f.status != 405 {
			t.Errorf("GET: %d", f.status)
		}
		f := post(t, p, u, url.Values{"channelId": {hyChannelID}, "page": {"2"}, "size": {"20"}, "relateSubChannels": {"true"}})
		var ans struct {
			Results struct {
				Data struct {
					Total   int     `json:"total"`
					Results []hyRow `json:"results"`
				} `json:"data"`
			} `json:"results"`
		}
		if err := json.Unmarshal(f.body, &ans); err != nil || ans.Results.Data.Total != 25 || len(ans.Results.Data.Results) != 5 {
			t.Errorf("page 2: %v %+v", err, ans)
		}
		if !strings.Contains(ans.Results.Data.Results[0].TitleHTML, "<em>") {
			t.Error("titleHtml without highlight tags")
		}
		if b := get(t, p, "http://www.xtsw.gov.cn/xxgk/bmnb/index.html"); !bytes.Contains(b.body, []byte("window.atob")) || bytes.Contains(b.body, []byte("<li>")) {
			t.Error("bmnb is not a JS-only list")
		}
	})
}
