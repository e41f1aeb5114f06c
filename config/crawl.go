package config

import (
	"time"

	"github.com/nianbao/nianbao/divisions"
)

// Crawl holds the global politeness and transport settings.
// Owned by the crawl engine; sites may override politeness per site.
type Crawl struct {
	Delay       Duration `yaml:"delay"`
	Parallelism int      `yaml:"parallelism"`
	Robots      *bool    `yaml:"robots"`
	UserAgent   string   `yaml:"user_agent"`
	// MaxConcurrent bounds the requests in flight at once across all hosts
	// of a run (every site crawls at once, each host at its own
	// politeness). Default 128.
	MaxConcurrent int `yaml:"max_concurrent"`
	// Proxy, when set, is used for every request (else HTTP_PROXY/HTTPS_PROXY/NO_PROXY apply).
	Proxy string `yaml:"proxy"`

	// MaxPages is the page budget of one site per run (fetches of every
	// kind); the frontier is crawled best-first within it. Default 3000.
	MaxPages int `yaml:"max_pages"`
	// MaxDepth bounds how many navigation hops (home → 政府信息公开 → …) are
	// followed before a report column is found. Default 4.
	MaxDepth int `yaml:"max_depth"`
	// Recheck is how long an archived detail page or attachment is trusted
	// before it is fetched again (conditionally). List pages are re-checked
	// every run. Default 720h (30 days).
	Recheck Duration `yaml:"recheck"`
	// StopPagingWhenKnown stops paging a list once a whole page holds only
	// reports known before this run. Default true.
	StopPagingWhenKnown *bool `yaml:"stop_paging_when_known"`
	// MaxAttempts bounds retries of one request (timeouts, 5xx, 429). Default 4.
	MaxAttempts int `yaml:"max_attempts"`
	// Timeout bounds one whole exchange, body included. Default 15m.
	Timeout Duration `yaml:"timeout"`
	// InsecureTLS accepts broken or self-signed TLS, common on government hosts.
	InsecureTLS bool `yaml:"insecure_tls"`
	// OCR runs tesseract on scanned reports while parsing new documents
	// (default true; about a minute per scanned report). When false such
	// reports are stored with parse status needs_ocr.
	OCR *bool `yaml:"ocr"`
	// Resolve maps "host:port" to another "host:port" like curl --resolve
	// (e.g. to reach a mirror, or the imitation portal on loopback).
	Resolve map[string]string `yaml:"resolve"`

	// defaulted is set once the defaults were applied (by Default, before
	// the file is read), so an explicit "delay: 0s" is kept.
	defaulted bool
}

func (c *Crawl) setDefaults() {
	if !c.defaulted {
		c.defaulted = true
		if c.Delay == 0 {
			c.Delay = Duration(time.Second)
		}
	}
	if c.Parallelism == 0 {
		c.Parallelism = 2
	}
	if c.Robots == nil {
		t := true
		c.Robots = &t
	}
	if c.UserAgent == "" {
		c.UserAgent = "nianbao/0.1 (+https://example.org/contact)"
	}
	if c.MaxPages == 0 {
		c.MaxPages = 3000
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = 4
	}
	if c.Recheck == 0 {
		c.Recheck = Duration(30 * 24 * time.Hour)
	}
	if c.StopPagingWhenKnown == nil {
		t := true
		c.StopPagingWhenKnown = &t
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 4
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = 128
	}
}

// OCROn reports whether scanned reports are OCRed while crawling (default true).
func (c *Crawl) OCROn() bool { return c.OCR == nil || *c.OCR }

// RobotsOn reports whether robots.txt is honoured (default true).
func (c *Crawl) RobotsOn() bool { return c.Robots == nil || *c.Robots }

// Site is one portal to crawl. Only Name, Region and Start are required.
type Site struct {
	Name string `yaml:"name"`
	// Region is where the site's bodies are: names from the top
	// (河南省洛阳市偃师区), or a division code (410307).
	Region string   `yaml:"region"`
	Start  []string `yaml:"start"`
	// Hosts allowed to crawl; default: the start URLs' hosts. "*.x.gov.cn" patterns allowed.
	Hosts []string `yaml:"hosts"`
	// Family names the CMS rule (trs, hanweb, gkmlpt, nfcms, anhui, ilist, vsb, haiyun, generic);
	// empty: detected from the pages.
	Family string `yaml:"family"`
	// Body is the issuing body when titles name none (reports titled only
	// "2022年政府信息公开工作年度报告" on a body's own site).
	Body string `yaml:"body"`

	// Per-site overrides of the crawl section (zero: inherit).
	Delay               *Duration `yaml:"delay"`
	Parallelism         int       `yaml:"parallelism"`
	Robots              *bool     `yaml:"robots"`
	MaxPages            int       `yaml:"max_pages"`
	Recheck             Duration  `yaml:"recheck"`
	StopPagingWhenKnown *bool     `yaml:"stop_paging_when_known"`

	// Selectors help the rules on unusual templates; all optional.
	Selectors Selectors `yaml:"selectors"`
}

// RegionName is the site's region as place names, for a document's region
// text: a division code is written out from the division table (410307 →
// 河南省洛阳市偃师区); anything else is kept as written.
func (s Site) RegionName() string { return divisions.Names(s.Region) }

// Selectors are CSS selectors (goquery) for one site's templates.
type Selectors struct {
	// List selects the list-item anchors (or their rows) on list pages,
	// e.g. "ul.list li a"; links outside it are then only navigation.
	List string `yaml:"list"`
	// Date selects the date within a list row, e.g. "span.date".
	Date string `yaml:"date"`
	// (No body selector: the HTML reader finds the report body itself and
	// an unused key would only mislead.)
}

// Politeness is the effective per-site politeness.
type Politeness struct {
	Delay       time.Duration
	Parallelism int
	Robots      bool
}

// PolitenessFor merges a site's overrides over the crawl section.
func (c *Crawl) PolitenessFor(s *Site) Politeness {
	p := Politeness{Delay: c.Delay.D(), Parallelism: c.Parallelism, Robots: c.RobotsOn()}
	if s != nil {
		if s.Delay != nil {
			p.Delay = s.Delay.D()
		}
		if s.Parallelism > 0 {
			p.Parallelism = s.Parallelism
		}
		if s.Robots != nil {
			p.Robots = *s.Robots
		}
	}
	if p.Parallelism < 1 {
		p.Parallelism = 1
	}
	return p
}

// BudgetFor returns the site's page budget, recheck interval and paging policy.
func (c *Crawl) BudgetFor(s *Site) (maxPages int, recheck time.Duration, stopPaging bool) {
	maxPages, recheck = c.MaxPages, c.Recheck.D()
	stopPaging = c.StopPagingWhenKnown == nil || *c.StopPagingWhenKnown
	if s != nil {
		if s.MaxPages > 0 {
			maxPages = s.MaxPages
		}
		if s.Recheck > 0 {
			recheck = s.Recheck.D()
		}
		if s.StopPagingWhenKnown != nil {
			stopPaging = *s.StopPagingWhenKnown
		}
	}
	return
}
