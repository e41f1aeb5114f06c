package sitesref

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func init() { Register(Gkmlpt{}) }

// Gkmlpt is Guangdong's 政府信息公开目录管理平台 (portals.md §2.3): /gkmlpt/index
// and /gkmlpt/annualreport are empty Vue shells carrying
// window._CONFIG = {SID: '…', TREE: [{id, name, …}]}; the lists come only
// from GET /gkmlpt/api/all/{catId}?page=N&sid=SID as JSON
// {"total":N,"articles":[{id,title,url,create_time(epoch s),…}]}, 100 per
// page; details live at /gkmlpt/content/{id/1e6}/{id/1e3}/post_{id}.html.
// Department sub-sites put the platform under a path prefix.
type Gkmlpt struct{}

func (Gkmlpt) Name() string { return "gkmlpt" }

var (
	gkConfig = regexp.MustCompile(`window\._CONFIG\s*=`)
	gkSID    = regexp.MustCompile(`\bSID\s*["']?\s*:\s*["']?(\d+)`)
	gkCat    = regexp.MustCompile(`\{\s*["']?id["']?\s*:\s*["']?(\d+)["']?\s*,\s*["']?(?:name|title)["']?\s*:\s*["']([^"']+)["']`)
	gkDetail = regexp.MustCompile(`/gkmlpt/content/\d+/\d+/post_\d+\.html`)
)

// gkPerPage is the API's page size.
const gkPerPage = 100

func (Gkmlpt) Detect(p *Page) (float64, string) {
	h := p.HTML
	inPlatform := strings.Contains(p.URL.Path, "/gkmlpt/")
	switch {
	case inPlatform && gkConfig.MatchString(h) && gkSID.MatchString(h):
		return 0.95, "gkmlpt Vue shell with window._CONFIG.SID"
	case inPlatform && strings.Contains(p.URL.Path, "/gkmlpt/api/") && isJSON(h):
		return 0.95, "gkmlpt JSON API /gkmlpt/api/all/{cat}"
	case gkDetail.MatchString(p.URL.Path):
		return 0.6, "bucketed /gkmlpt/content/{m}/{k}/post_{id}.html detail"
	case inPlatform:
		return 0.5, "/gkmlpt/ path"
	}
	return 0, "no gkmlpt markers"
}

func isJSON(h string) bool {
	t := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")
}

// gkArticle is one API row; times are epoch seconds (numbers or strings).
type gkArticle struct {
	ID                 json.Number `json:"id"`
	Title              string      `json:"title"`
	URL                string      `json:"url"`
	Publisher          string      `json:"publisher"`
	CreateTime         json.Number `json:"create_time"`
	FirstPublishTime   json.Number `json:"first_publish_time"`
	DisplayPublishTime json.Number `json:"display_publish_time"`
}

type gkList struct {
	Total    int         `json:"total"`
	Articles []gkArticle `json:"articles"`
}

func (Gkmlpt) Analyze(p *Page) Analysis {
	if isJSON(p.HTML) && strings.Contains(p.URL.Path, "/api/") {
		return gkAPI(p)
	}
	a := AnalyzeGeneric(p)
	if !gkConfig.MatchString(p.HTML) {
		return a
	}
	sid := ""
	if m := gkSID.FindStringSubmatch(p.HTML); m != nil {
		sid = m[1]
	}
	prefix := p.URL.Path
	if i := strings.Index(prefix, "/gkmlpt/"); i >= 0 {
		prefix = prefix[:i]
	} else {
		prefix = ""
	}
	var cats []string
	seen := map[string]bool{}
	for _, m := range gkCat.FindAllStringSubmatch(p.HTML, -1) {
		if ci := Column(m[2], ""); ci.IsColumn && !seen[m[1]] {
			seen[m[1]] = true
			cats = append(cats, m[1])
			api := resolve(p.URL, fmt.Sprintf("%s/gkmlpt/api/all/%s?page=1&sid=%s", prefix, m[1], sid))
			if api != nil && sid != "" {
				a.Links = append(a.Links, Link{URL: api.String(), Kind: KindList, Title: m[2], Score: scoreColumn,
					Why: "gkmlpt category " + m[1] + " " + strconv.Quote(m[2]) + " read through the JSON API (sid " + sid + ")"})
			}
		}
	}
	a.IsList, a.Report = true, nil
	switch {
	case sid == "":
		a.Notes = append(a.Notes, NoteNeedsBrowser+"gkmlpt shell without a SID in window._CONFIG")
	case len(cats) == 0 && strings.Contains(p.URL.Path, "annualreport"):
		a.Notes = append(a.Notes, NoteNeedsBrowser+"gkmlpt annual-report shell names no report category in window._CONFIG.TREE")
	}
	a.Links = mergeLinks(a.Links)
	return a
}

// gkAPI reads one JSON page: report rows become details, and the next
// page follows while page×100 < total.
func gkAPI(p *Page) Analysis {
	a := Analysis{IsList: true}
	var l gkList
	dec := json.NewDecoder(strings.NewReader(p.HTML))
	dec.UseNumber()
	if err := dec.Decode(&l); err != nil {
		a.Notes = append(a.Notes, "gkmlpt: API answer is not the expected JSON: "+err.Error())
		return a
	}
	for _, ar := range l.Articles {
		ti := ClassifyTitle(ar.Title)
		if !ti.IsReport || ar.URL == "" {
			continue
		}
		u := resolve(p.URL, ar.URL)
		if u == nil {
			continue
		}
		date := epochDate(ar.DisplayPublishTime)
		if date == "" {
			date = epochDate(ar.FirstPublishTime)
		}
		if date == "" {
			date = epochDate(ar.CreateTime)
		}
		a.Links = append(a.Links, Link{URL: u.String(), Kind: KindDetail, Title: cleanText(ar.Title), Date: date,
			Score: scoreDetail + recency(ti.Year), Why: "gkmlpt API article " + ar.ID.String() + ": " + ti.Reason})
	}
	q := p.URL.Query()
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil {
		page = 1
	}
	// Some clients count from 0: page 0 and page 1 are both the first.
	shown := max(page, 1) * gkPerPage
	if len(l.Articles) > 0 && shown < l.Total {
		next := *p.URL
		q.Set("page", strconv.Itoa(max(page, 1)+1))
		next.RawQuery = q.Encode()
		a.Links = append(a.Links, Link{URL: next.String(), Kind: KindList, Score: scoreNext, Next: true,
			Why: fmt.Sprintf("gkmlpt API page %d of %d (%d articles, %d per page)", max(page, 1)+1, (l.Total+gkPerPage-1)/gkPerPage, l.Total, gkPerPage)})
	}
	a.Links = mergeLinks(a.Links)
	return a
}

// epochDate turns epoch seconds (or milliseconds) into a China-time date.
func epochDate(n json.Number) string {
	v, err := n.Int64()
	if err != nil || v <= 0 {
		return ""
	}
	if v > 1e12 {
		v /= 1000
	}
	return time.Unix(v, 0).In(chinaTime).Format("2006-01-02")
}

var chinaTime = time.FixedZone("CST", 8*3600)
