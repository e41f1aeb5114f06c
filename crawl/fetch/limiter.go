package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Limiter is a crawl run's politeness, one per process run and shared by
// every site of it, so a host reached from two site entries is still one
// host. Per host (keyed by HostKey) it allows at most the host's
// parallelism of requests in flight, and starts consecutive requests at
// least the host's delay apart; a response's end also pushes the next
// start to at least 0.9 × delay later, so with parallelism 1 the gap the
// server sees between two arrivals is never under 0.9 × delay, however
// late a loaded machine actually sent the first request. Across hosts it
// bounds the requests in flight (MaxInFlight): a request takes a global
// slot only once its host's turn has come, so waiting out a host's delay
// never holds a slot another host could use.
//
// Through Transport it also keeps the state the run learns about a host:
// 429/503 answers (Retry-After, else a doubling backoff) delay every
// later request to the host, whichever site makes it; a host that does
// not answer at the network level is parked for the run (HostDownError)
// so its queued URLs fail at once instead of each costing timeouts.
//
// It is safe for concurrent use and serves requests colly does not make
// (robots.txt, JSON APIs) as well as colly's own.
type Limiter struct {
	delay       time.Duration
	parallelism int
	timeout     time.Duration
	global      chan struct{} // nil: no cap across hosts
	policy      func(string) (time.Duration, int, bool)

	mu    sync.Mutex
	hosts map[string]*hostState
}

// LimiterOptions configure NewLimiterWith. Zero values: no delay,
// parallelism 1, no cap across hosts, no per-exchange timeout.
type LimiterOptions struct {
	// Delay and Parallelism are the defaults for hosts nobody configured
	// (Configure tightens them per host).
	Delay       time.Duration
	Parallelism int
	// MaxInFlight bounds requests in flight across all hosts.
	MaxInFlight int
	// Timeout bounds one exchange through Transport, body included,
	// counted from the moment the host's turn came: time queued behind a
	// host's politeness does not count against a request.
	Timeout time.Duration
	// Policy, when set, gives a host's delay and parallelism when the
	// limiter first meets it (ok false: the defaults). A crawl run
	// answers with the strictest setting of every site reaching the host,
	// so whichever site asks first, the host is never asked faster.
	Policy func(host string) (delay time.Duration, parallelism int, ok bool)
}

// parkAfter is how many network failures in a row park a host that
// answered earlier in the run (one is enough for a host that never did).
const parkAfter = 3

// maxPenalty caps how long one 429/503 can hold a host back.
const maxPenalty = 2 * time.Minute

type hostState struct {
	mu     sync.Mutex
	next   time.Time     // earliest start of the next request
	delay  time.Duration // <0: the limiter's default
	limit  int           // parallelism; 0: the limiter's default
	active int
	wake   chan struct{} // closed (and replaced) when a slot frees or the host is parked

	answered bool          // a response came from the host this run
	fails    int           // network failures in a row
	penalty  time.Duration // last 429/503 backoff (doubles, reset by a good answer)
	down     *HostDownError
}

// NewLimiter returns a limiter with a default delay between request starts
// per host and a per-host parallelism (values below 1 mean 1).
func NewLimiter(delay time.Duration, parallelism int) *Limiter {
	return NewLimiterWith(LimiterOptions{Delay: delay, Parallelism: parallelism})
}

// NewLimiterWith returns a limiter with the given options.
func NewLimiterWith(o LimiterOptions) *Limiter {
	l := &Limiter{delay: max(o.Delay, 0), parallelism: max(o.Parallelism, 1), timeout: o.Timeout, policy: o.Policy, hosts: map[string]*hostState{}}
	if o.MaxInFlight > 0 {
		l.global = make(chan struct{}, o.MaxInFlight)
	}
	return l
}

func (l *Limiter) host(key string) *hostState {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.hosts[key]
	if !ok {
		h = &hostState{delay: -1, wake: make(chan struct{})}
		if l.policy != nil {
			if d, p, ok := l.policy(key); ok {
				h.delay, h.limit = max(d, 0), max(p, 0)
			}
		}
		l.hosts[key] = h
	}
	return h
}

// SetDelay sets host's delay, replacing the default.
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

// Down returns the error that parked host, or nil.
func (l *Limiter) Down(host string) error {
	h := l.host(normHost(host))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down == nil {
		return nil
	}
	return h.down
}

func (l *Limiter) delayLocked(h *hostState) time.Duration {
	if h.delay >= 0 {
		return h.delay
	}
	return l.delay
}

func (l *Limiter) limitLocked(h *hostState) int {
	if h.limit > 0 {
		return h.limit
	}
	return l.parallelism
}

// Wait blocks until a request to host may start, then returns a release
// func that must be called when the request (body included) is done. It
// returns ctx's error if ctx ends first, and the HostDownError of a
// parked host; nothing is held then.
func (l *Limiter) Wait(ctx context.Context, host string) (release func(), err error) {
	key := normHost(host)
	h := l.host(key)
	if err := l.acquireHost(ctx, h, host); err != nil {
		return nil, err
	}
	if err := l.awaitTurn(ctx, h, host); err != nil {
		l.releaseHost(h)
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			if l.global != nil {
				<-l.global
			}
			l.releaseHost(h)
		})
	}, nil
}

// Ready blocks until a request to host could start now (a free slot, its
// next start come, or the host parked), without taking anything: a crawl
// worker waits here, at the top of its stack, rather than deep inside an
// HTTP client holding a grown stack (a thousand hosts' waiting workers).
// The request's own Wait still decides; it then rarely waits.
func (l *Limiter) Ready(ctx context.Context, host string) error {
	h := l.host(normHost(host))
	for {
		h.mu.Lock()
		if h.down != nil {
			h.mu.Unlock()
			return nil // Wait returns the error
		}
		wake, wait := h.wake, h.next.Sub(time.Now())
		full := h.active >= l.limitLocked(h)
		h.mu.Unlock()
		switch {
		case full:
			select {
			case <-wake:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		case wait > 0:
			if err := sleepCtx(ctx, wait); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// acquireHost takes one of the host's parallelism slots.
func (l *Limiter) acquireHost(ctx context.Context, h *hostState, host string) error {
	for {
		h.mu.Lock()
		if h.down != nil {
			err := h.down
			h.mu.Unlock()
			return err
		}
		if h.active < l.limitLocked(h) {
			h.active++
			h.mu.Unlock()
			return nil
		}
		wake := h.wake
		h.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("fetch: waiting for %s: %w", host, context.Cause(ctx))
		}
	}
}

func (l *Limiter) releaseHost(h *hostState) {
	h.mu.Lock()
	h.active--
	close(h.wake)
	h.wake = make(chan struct{})
	h.mu.Unlock()
}

// awaitTurn sleeps until the host's next start has come, takes a global
// slot, and claims the start. A start is claimed only once it has come
// and the global slot is held: a timer that fires late, or a wait for a
// slot, must not let the next request start less than the delay after
// this one really started.
func (l *Limiter) awaitTurn(ctx context.Context, h *hostState, host string) error {
	for {
		h.mu.Lock()
		if h.down != nil {
			err := h.down
			h.mu.Unlock()
			return err
		}
		now := time.Now()
		if wait := h.next.Sub(now); wait > 0 {
			h.mu.Unlock()
			if err := sleepCtx(ctx, wait); err != nil {
				return fmt.Errorf("fetch: waiting for %s: %w", host, err)
			}
			continue
		}
		h.mu.Unlock()
		if l.global != nil {
			select {
			case l.global <- struct{}{}:
			case <-ctx.Done():
				return fmt.Errorf("fetch: waiting for a connection slot for %s: %w", host, context.Cause(ctx))
			}
		}
		h.mu.Lock()
		now = time.Now()
		if now.Before(h.next) || h.down != nil {
			// Another request to the host (parallelism > 1) claimed the
			// start while this one waited for a slot: wait again.
			h.mu.Unlock()
			if l.global != nil {
				<-l.global
			}
			continue
		}
		h.next = now.Add(l.delayLocked(h))
		h.mu.Unlock()
		return nil
	}
}

// ended records the end of an exchange with host (its response headers,
// or a failure before any): the outcome updates what the run knows about
// the host (see Limiter). It returns the host's HostDownError when the
// host is parked.
func (l *Limiter) ended(h *hostState, host string, resp *http.Response, err error) *HostDownError {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	d := l.delayLocked(h)
	if end := now.Add(d * 9 / 10); end.After(h.next) {
		h.next = end
	}
	switch {
	case err != nil:
		if !parkable(err) {
			return h.down
		}
		h.fails++
		if h.down == nil && (!h.answered || h.fails >= parkAfter) {
			h.down = &HostDownError{Host: host, Err: err}
			close(h.wake) // waiters see the host parked
			h.wake = make(chan struct{})
		}
		return h.down
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		h.answered, h.fails = true, 0
		wait, ok := RetryAfter(resp.Header, now)
		if !ok {
			h.penalty = min(max(2*h.penalty, 2*d, time.Second), maxPenalty)
			wait = h.penalty
		}
		if until := now.Add(min(wait, maxPenalty)); until.After(h.next) {
			h.next = until
		}
	default:
		h.answered, h.fails, h.penalty = true, 0, 0
	}
	return nil
}

// HostDownError is returned for every request to a host parked for the
// run: it did not answer at the network level (DNS, refused, unreachable,
// connect or header timeout). It is not retryable.
type HostDownError struct {
	Host string
	Err  error // the failure that parked the host
}

func (e *HostDownError) Error() string {
	return fmt.Sprintf("host %s is down for this run (%s): %v", e.Host, NetKind(e.Err), e.Err)
}

func (e *HostDownError) Unwrap() error { return e.Err }

// parkable: failures before any response that say the host is not
// answering at all (no name, refused, unreachable, no answer in time), as
// opposed to one bad exchange (a reset, a bad certificate, a cancelled
// request).
func parkable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, ErrNonLoopback) {
		return false
	}
	switch NetKind(err) {
	case KindDNS, KindRefused, KindUnreachable, KindConnectTimeout, KindTimeout:
		return true
	}
	return false
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
	host := HostKey(req.URL)
	release, err := t.l.Wait(req.Context(), host)
	if err != nil {
		return nil, err
	}
	h := t.l.host(normHost(host))
	cancel := context.CancelFunc(func() {})
	if t.l.timeout > 0 {
		// The exchange's own clock starts now, after the host's turn.
		var ctx context.Context
		ctx, cancel = context.WithTimeout(req.Context(), t.l.timeout)
		req = req.WithContext(ctx)
	}
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		cancel()
		release()
		if errors.Is(err, context.Canceled) {
			return nil, err // the run's cancellation says nothing about the host
		}
		if down := t.l.ended(h, host, nil, err); down != nil {
			return nil, down // not retried either: the host is parked
		}
		return nil, err
	}
	t.l.ended(h, host, resp, nil)
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: func() { cancel(); release() }}
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
