package crawl

import (
	"net"
	"net/url"
	"strings"

	"github.com/nianbao/nianbao/config"
)

// hostMatcher says whether a URL is inside a site: its configured hosts
// ("*.x.gov.cn" patterns) or, by default, its start URLs' hosts. A host
// and its "www." twin are the same site; a mirror on another domain is not.
type hostMatcher struct {
	exact    map[string]bool
	suffixes []string
}

func newHostMatcher(s *config.Site) hostMatcher {
	m := hostMatcher{exact: map[string]bool{}}
	pats := s.Hosts
	if len(pats) == 0 {
		for _, st := range s.Start {
			if u, err := url.Parse(st); err == nil && u.Host != "" {
				pats = append(pats, u.Hostname())
			}
		}
	}
	for _, p := range pats {
		p = strings.ToLower(strings.TrimSpace(p))
		if h, _, err := net.SplitHostPort(p); err == nil {
			p = h
		}
		if rest, ok := strings.CutPrefix(p, "*."); ok {
			m.suffixes = append(m.suffixes, "."+rest)
			m.exact[rest] = true
			continue
		}
		m.exact[p] = true
		m.exact[strings.TrimPrefix(p, "www.")] = true
		if !strings.HasPrefix(p, "www.") {
			m.exact["www."+p] = true
		}
	}
	return m
}

func (m hostMatcher) allowed(u *url.URL) bool {
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return m.allowedHost(u.Hostname())
}

// allowedHost is allowed for a host name (no port).
func (m hostMatcher) allowedHost(h string) bool {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if m.exact[h] {
		return true
	}
	for _, s := range m.suffixes {
		if strings.HasSuffix(h, s) {
			return true
		}
	}
	return false
}

func (m hostMatcher) allowedString(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && m.allowed(u)
}
