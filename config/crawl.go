package config

import "time"

// Crawl holds the global politeness and transport settings.
// Owned by the crawl engine; sites may override politeness per site.
type Crawl struct {
	Delay       Duration `yaml:"delay"`
	Parallelism int      `yaml:"parallelism"`
	Robots      *bool    `yaml:"robots"`
	UserAgent   string   `yaml:"user_agent"`
	// Proxy, when set, is used for every request (else HTTP_PROXY/HTTPS_PROXY/NO_PROXY apply).
	Proxy string `yaml:"proxy"`
}

func (c *Crawl) setDefaults() {
	if c.Delay == 0 {
		c.Delay = Duration(time.Second)
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
}

// RobotsOn reports whether robots.txt is honoured (default true).
func (c *Crawl) RobotsOn() bool { return c.Robots == nil || *c.Robots }

// Site is one portal to crawl. Only Name, Region and Start are required.
type Site struct {
	Name   string   `yaml:"name"`
	Region string   `yaml:"region"`
	Start  []string `yaml:"start"`
	// Hosts allowed to crawl; default: the start URLs' hosts. "*.x.gov.cn" patterns allowed.
	Hosts []string `yaml:"hosts"`
	// Family names the CMS rule (trs, hanweb, gkmlpt, nfcms, anhui, ilist, vsb, generic);
	// empty: detected from the pages.
	Family string `yaml:"family"`
}
