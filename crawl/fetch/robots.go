package fetch

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// Robots reasons (RobotsDecision.Reason).
const (
	RobotsAllowed    = "allowed"            // rules fetched, path allowed
	RobotsDisallowed = "disallowed"         // rules fetched, path disallowed
	RobotsNone       = "robots_unavailable" // 4xx (404, 410, 403…): no rules, allow all
	RobotsError      = "robots_unreachable" // 5xx, 429, network error: disallow all for a while
)

// RobotsDecision is the verdict for one URL.
type RobotsDecision struct {
	Allowed    bool
	Reason     string        // one of the Robots* constants
	CrawlDelay time.Duration // from the group that applies (capped), 0 if none
	Status     int           // status of the robots.txt fetch (0: no response)
	// Err is the transport failure behind a RobotsError with no response:
	// a dead host or network is named as such, not as a robots problem.
	Err error
}

// RobotsOptions configures NewRobots. Zero values mean the defaults.
type RobotsOptions struct {
	// UserAgent is the configured User-Agent (crawl.user_agent); its
	// product token ("nianbao" in "nianbao/0.1 (+https://…)") selects the
	// robots group, and the whole string is sent with the fetch.
	UserAgent string
	// Limiter, when set, gets each host's Crawl-delay via RaiseDelay.
	Limiter *Limiter
	// MaxCrawlDelay caps a Crawl-delay (default 60s; a hostile value must
	// not stall a nightly run): larger values are logged and capped.
	MaxCrawlDelay time.Duration
	// TTL is how long fetched rules are reused (default and RFC 9309
	// maximum: 24h).
	TTL time.Duration
	// UnreachableTTL is how long an unreachable robots.txt (5xx, network
	// error) counts as "disallow all" before it is fetched again
	// (default 10m).
	UnreachableTTL time.Duration
	// Retry is the policy for the robots.txt fetch itself (default: 2
	// attempts, 1s base delay, 512 KiB kept per RFC 9309's parse limit).
	Retry RetryPolicy
	Now   func() time.Time
	Log   *slog.Logger
}

// Robots caches robots.txt per scheme+host+port (RFC 9309 §2.3) and
// answers whether a URL may be fetched.
//
// Policy, per RFC 9309 §2.3.1: 2xx → parse (lines that are not robots
// directives, such as an HTML page served as robots.txt, are ignored);
// 3xx → followed by the client (up to its redirect limit); 4xx → "unavailable":
// allow everything (this includes 401/403, as the RFC says, though some
// crawlers treat 403 as refusal); 5xx, 429 and network errors/timeouts →
// "unreachable": disallow everything, re-fetched after UnreachableTTL —
// the RFC's "complete disallow" for a temporary failure, without locking
// a site out for a whole nightly run. Each unreachable fetch is logged.
type Robots struct {
	client *http.Client
	opts   RobotsOptions
	token  string

	mu    sync.Mutex
	cache map[string]*robotsEntry
}

type robotsEntry struct {
	ready   chan struct{} // closed when the fetch is done
	data    *robotstxt.RobotsData
	reason  string // RobotsNone or RobotsError when data is nil
	status  int
	err     error // transport failure (no response)
	expires time.Time
}

// NewRobots returns a robots.txt cache fetching through client (give it a
// limiter-wrapped transport so robots fetches are polite too).
func NewRobots(client *http.Client, opts RobotsOptions) *Robots {
	if opts.MaxCrawlDelay <= 0 {
		opts.MaxCrawlDelay = time.Minute
	}
	if opts.TTL <= 0 || opts.TTL > 24*time.Hour {
		opts.TTL = 24 * time.Hour
	}
	if opts.UnreachableTTL <= 0 {
		opts.UnreachableTTL = 10 * time.Minute
	}
	if opts.Retry.MaxAttempts == 0 {
		opts.Retry.MaxAttempts = 2
	}
	if opts.Retry.MaxBody == 0 {
		opts.Retry.MaxBody = 512 << 10
	}
	opts.Retry.TruncateBody = true
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Robots{client: client, opts: opts, token: ProductToken(opts.UserAgent), cache: map[string]*robotsEntry{}}
}

// ProductToken returns the robots.txt product token of a User-Agent: the
// part before the first "/" or space, lower-cased ("nianbao").
func ProductToken(ua string) string {
	ua = strings.TrimSpace(ua)
	if i := strings.IndexAny(ua, "/ \t("); i >= 0 {
		ua = ua[:i]
	}
	if ua == "" {
		return "*"
	}
	return strings.ToLower(ua)
}

// Check fetches (once per host and TTL) and applies robots.txt to rawURL.
// The error is non-nil only for an unusable URL or a cancelled ctx; an
// unreachable robots.txt is a decision (disallowed), not an error.
func (r *Robots) Check(ctx context.Context, rawURL string) (RobotsDecision, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return RobotsDecision{}, fmt.Errorf("robots: not an http(s) URL: %q", rawURL)
	}
	e, err := r.entry(ctx, u)
	if err != nil {
		return RobotsDecision{}, err
	}
	d := RobotsDecision{Status: e.status, Err: e.err}
	switch {
	case e.data == nil && e.reason == RobotsNone:
		d.Allowed, d.Reason = true, RobotsNone
	case e.data == nil:
		d.Allowed, d.Reason = false, RobotsError
	default:
		g := e.data.FindGroup(r.token)
		p := u.EscapedPath()
		if p == "" {
			p = "/"
		}
		if u.RawQuery != "" {
			p += "?" + u.RawQuery
		}
		d.Allowed = g.Test(p)
		d.Reason = RobotsDisallowed
		if d.Allowed {
			d.Reason = RobotsAllowed
		}
		d.CrawlDelay = min(g.CrawlDelay, r.opts.MaxCrawlDelay)
	}
	return d, nil
}

// Allowed is Check reduced to a bool (false on error).
func (r *Robots) Allowed(ctx context.Context, rawURL string) bool {
	d, err := r.Check(ctx, rawURL)
	return err == nil && d.Allowed
}

func robotsKey(u *url.URL) string { return strings.ToLower(u.Scheme) + "://" + HostKey(u) }

func (r *Robots) entry(ctx context.Context, u *url.URL) (*robotsEntry, error) {
	key := robotsKey(u)
	for {
		r.mu.Lock()
		e, ok := r.cache[key]
		if ok {
			r.mu.Unlock()
			select {
			case <-e.ready:
			case <-ctx.Done():
				return nil, fmt.Errorf("robots %s: %w", key, context.Cause(ctx))
			}
			if r.opts.Now().Before(e.expires) {
				return e, nil
			}
			r.mu.Lock()
			if r.cache[key] == e {
				delete(r.cache, key)
			}
			r.mu.Unlock()
			continue
		}
		// This caller fetches; others wait on ready (one fetch per host).
		e = &robotsEntry{ready: make(chan struct{})}
		r.cache[key] = e
		r.mu.Unlock()
		err := r.fetch(ctx, u, key, e)
		close(e.ready)
		if err != nil {
			r.mu.Lock()
			delete(r.cache, key) // a cancelled fetch decides nothing
			r.mu.Unlock()
			return nil, err
		}
		return e, nil
	}
}

func (r *Robots) fetch(ctx context.Context, u *url.URL, key string, e *robotsEntry) error {
	robotsURL := key + "/robots.txt"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, robotsURL, nil)
	if err != nil {
		return fmt.Errorf("robots %s: %w", robotsURL, err)
	}
	if r.opts.UserAgent != "" {
		req.Header.Set("User-Agent", r.opts.UserAgent)
	}
	resp, err := Do(ctx, r.client, req, r.opts.Retry)
	now := r.opts.Now()
	if ctx.Err() != nil {
		return fmt.Errorf("robots %s: %w", robotsURL, context.Cause(ctx))
	}
	switch {
	case err != nil:
		e.reason, e.err, e.expires = RobotsError, err, now.Add(r.opts.UnreachableTTL)
		r.opts.Log.Warn("robots.txt unreachable: disallowing host for now", "url", robotsURL, "err", err, "retry_in", r.opts.UnreachableTTL)
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		e.status, e.reason, e.expires = resp.StatusCode, RobotsError, now.Add(r.opts.UnreachableTTL)
		r.opts.Log.Warn("robots.txt unreachable: disallowing host for now", "url", robotsURL, "status", resp.StatusCode, "retry_in", r.opts.UnreachableTTL)
		return nil
	case resp.StatusCode >= 400:
		e.status, e.reason, e.expires = resp.StatusCode, RobotsNone, now.Add(r.opts.TTL)
		return nil
	case resp.StatusCode >= 300:
		// A redirect the client would not follow (loop, too many hops):
		// RFC 9309 says treat as unavailable after five hops.
		e.status, e.reason, e.expires = resp.StatusCode, RobotsNone, now.Add(r.opts.TTL)
		return nil
	}
	e.status, e.expires = resp.StatusCode, now.Add(r.opts.TTL)
	if v := Classify(resp, false); v.Kind == KindBlocked {
		// A WAF challenge in place of robots.txt says nothing about rules;
		// the site's pages will be blocked too, which the engine reports.
		r.opts.Log.Warn("robots.txt answered by a WAF challenge: treating as unreachable", "url", robotsURL, "verdict", v.String())
		e.reason, e.expires = RobotsError, now.Add(r.opts.UnreachableTTL)
		return nil
	}
	data, err := robotstxt.FromBytes(robotsLines(resp.Body))
	if err != nil {
		// Parsing what is left cannot fail in practice; stay safe.
		r.opts.Log.Warn("robots.txt unparsable: allowing all", "url", robotsURL, "err", err)
		e.reason = RobotsNone
		return nil
	}
	e.data = data
	if r.opts.Limiter != nil {
		if cd := data.FindGroup(r.token).CrawlDelay; cd > 0 {
			if cd > r.opts.MaxCrawlDelay {
				r.opts.Log.Warn("robots.txt Crawl-delay capped", "url", robotsURL, "crawl_delay", cd, "cap", r.opts.MaxCrawlDelay)
				cd = r.opts.MaxCrawlDelay
			}
			r.opts.Limiter.RaiseDelay(HostKey(u), cd)
		}
	}
	return nil
}

var robotsLineRe = regexp.MustCompile(`(?i)^\s*(user-agent|allow|disallow|crawl-delay|sitemap)\s*:`)

// robotsLines keeps only directive lines: RFC 9309 says to use the
// parseable rules and ignore the rest, while robotstxt rejects a whole
// file for one bad line (an HTML home page served as robots.txt).
func robotsLines(body []byte) []byte {
	var out bytes.Buffer
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if robotsLineRe.Match(line) {
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}
