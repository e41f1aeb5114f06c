package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Limiter enforces per-host politeness: at most Parallelism requests in
// flight per host, and consecutive request starts to one host at least the
// host's delay apart. Hosts are keyed by HostKey. It is safe for
// concurrent use and works for requests colly does not make (robots.txt,
// JSON APIs) as well as, through Transport, for colly's own.
type Limiter struct {
	delay       time.Duration
	parallelism int

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	sem   chan struct{}
	mu    sync.Mutex
	next  time.Time     // earliest start of the next request
	delay time.Duration // per-host override; <0 means "use the default"
}

// NewLimiter returns a limiter with a default delay between request starts
// per host and a per-host parallelism (values below 1 mean 1).
func NewLimiter(delay time.Duration, parallelism int) *Limiter {
	if parallelism < 1 {
		parallelism = 1
	}
	return &Limiter{delay: max(delay, 0), parallelism: parallelism, hosts: map[string]*hostState{}}
}

func (l *Limiter) host(key string) *hostState {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.hosts[key]
	if !ok {
		h = &hostState{sem: make(chan struct{}, l.parallelism), delay: -1}
		l.hosts[key] = h
	}
	return h
}

// SetDelay sets host's delay, replacing the default (a site's own
// politeness setting).
func (l *Limiter) SetDelay(host string, d time.Duration) {
	h := l.host(normHost(host))
	h.mu.Lock()
	h.delay = max(d, 0)
	h.mu.Unlock()
}

// RaiseDelay raises host's delay to d if d is longer than the current one
// (robots.txt Crawl-delay can only slow us down, never speed us up).
func (l *Limiter) RaiseDelay(host string, d time.Duration) {
	h := l.host(normHost(host))
	h.mu.Lock()
	if d > l.delayLocked(h) {
		h.delay = d
	}
	h.mu.Unlock()
}

// Delay returns the delay in force for host.
func (l *Limiter) Delay(host string) time.Duration {
	h := l.host(normHost(host))
	h.mu.Lock()
	defer h.mu.Unlock()
	return l.delayLocked(h)
}

func (l *Limiter) delayLocked(h *hostState) time.Duration {
	if h.delay >= 0 {
		return h.delay
	}
	return l.delay
}

// Wait blocks until a request to host may start, then returns a release
// func that must be called when the request (body included) is done. It
// returns ctx's error if ctx ends first; nothing is held then.
func (l *Limiter) Wait(ctx context.Context, host string) (release func(), err error) {
	h := l.host(normHost(host))
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("fetch: waiting for %s: %w", host, context.Cause(ctx))
	}
	// Claim a start time only once it has come: a timer that fires late
	// must not let the next request start less than the delay after this
	// one really started.
	for {
		h.mu.Lock()
		now := time.Now()
		if !now.Before(h.next) {
			h.next = now.Add(l.delayLocked(h))
			h.mu.Unlock()
			break
		}
		wait := h.next.Sub(now)
		h.mu.Unlock()
		if err := sleepCtx(ctx, wait); err != nil {
			<-h.sem
			return nil, fmt.Errorf("fetch: waiting for %s: %w", host, err)
		}
	}
	var once sync.Once
	return func() { once.Do(func() { <-h.sem }) }, nil
}

// Transport wraps rt so every request waits for its host's turn; the slot
// is released when the response body is closed (or on error).
func (l *Limiter) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &limitedTransport{l: l, rt: rt}
}

type limitedTransport struct {
	l  *Limiter
	rt http.RoundTripper
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := t.l.Wait(req.Context(), HostKey(req.URL))
	if err != nil {
		return nil, err
	}
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

func (t *limitedTransport) CloseIdleConnections() {
	if c, ok := t.rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

type releaseBody struct {
	io.ReadCloser
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

// HostKey is the limiter key for u: the lower-cased host with a default
// port (80 for http, 443 for https) dropped, so loopback servers on
// different ports count as different hosts.
func HostKey(u *url.URL) string {
	if u == nil {
		return ""
	}
	h := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "http" && strings.HasSuffix(h, ":80"):
		h = strings.TrimSuffix(h, ":80")
	case u.Scheme == "https" && strings.HasSuffix(h, ":443"):
		h = strings.TrimSuffix(h, ":443")
	}
	return h
}

func normHost(h string) string { return strings.ToLower(strings.TrimSpace(h)) }
