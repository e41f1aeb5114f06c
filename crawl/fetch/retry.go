package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Response is a fully read HTTP response. Body holds the bytes exactly as
// received (after transport-level gzip only, which Go undoes itself when it
// asked for it); nothing here decodes a charset.
type Response struct {
	Request    *http.Request // the request as given to Do
	URL        string        // final URL after redirects
	StatusCode int
	Status     string
	Header     http.Header
	Body       []byte
	// Text is Body decoded by charset.DecodeHTML with the Content-Type
	// header, when the caller has decoded it already (the crawl analyses
	// the same text): Classify then reads it instead of decoding again.
	// Do leaves it empty.
	Text string
	// Truncated is set only with RetryPolicy.TruncateBody, when the body
	// was longer than MaxBody.
	Truncated bool
	// Spool holds a 2xx body longer than RetryPolicy.SpoolAbove; Body is
	// then only its head. The caller closes it.
	Spool    *Spool
	Attempts int           // how many requests Do sent
	Elapsed  time.Duration // wall time of all attempts, waits included
}

// Defaults for RetryPolicy fields left zero.
const (
	DefaultMaxAttempts   = 4
	DefaultBaseDelay     = time.Second
	DefaultMaxDelay      = 30 * time.Second
	DefaultMaxRetryAfter = 2 * time.Minute
)

// RetryPolicy bounds Do's retries. The zero value means the defaults.
type RetryPolicy struct {
	// MaxAttempts counts every request, the first included (1: no retry).
	MaxAttempts int
	// BaseDelay doubles per retry up to MaxDelay; each wait is jittered
	// uniformly in [d/2, d] so parallel workers do not retry in lockstep.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps how long a Retry-After header can make Do wait.
	MaxRetryAfter time.Duration
	// AttemptTimeout, when set, bounds each attempt (headers and whole
	// body) through its context, on top of the client's own Timeout.
	AttemptTimeout time.Duration
	// MaxBody caps the body (default DefaultMaxBody); exceeding it is an
	// error wrapping ErrBodyTooLarge, unless TruncateBody is set.
	MaxBody int64
	// TruncateBody keeps the first MaxBody bytes and sets
	// Response.Truncated instead of failing. For robots.txt only.
	TruncateBody bool
	// SpoolAbove, when set, sends a 2xx body longer than this to a
	// temporary file (Response.Spool) instead of memory.
	SpoolAbove int64
	// RetryResponse decides whether a response is worth another attempt.
	// Default: 408, 429 and 5xx except 501, unless Classify sees a WAF
	// challenge (retrying a challenge only loops).
	RetryResponse func(*Response) bool

	// Injected for deterministic tests.
	Rand   func() float64                                   // in [0,1); default math/rand/v2
	Now    func() time.Time                                 // default time.Now
	Sleep  func(ctx context.Context, d time.Duration) error // default: timer or ctx.Done
	Logger *slog.Logger                                     // default slog.Default()
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if p.MaxBody <= 0 {
		p.MaxBody = DefaultMaxBody
	}
	if p.RetryResponse == nil {
		p.RetryResponse = DefaultRetryResponse
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	return p
}

// DefaultRetryResponse retries 408, 429 and 5xx except 501, but never a
// WAF challenge (jiasule answers 521).
func DefaultRetryResponse(r *Response) bool {
	s := r.StatusCode
	if s != http.StatusRequestTimeout && s != http.StatusTooManyRequests && (s < 500 || s > 599 || s == http.StatusNotImplemented) {
		return false
	}
	return Classify(r, false).Kind != KindBlocked
}

// Do sends req through client, reads the whole body and retries
// transient failures (timeouts, connection errors, retryable statuses)
// with jittered exponential backoff, honouring Retry-After (seconds or
// HTTP-date, capped by MaxRetryAfter).
//
// An HTTP status is data, not an error: when a response arrived, Do
// returns it with a nil error even if retries ran out on a 503; use
// Classify. Errors are returned for transport failures after the last
// attempt, for non-retryable failures (TLS verification, refused
// non-loopback dial, body over MaxBody) and for ctx cancellation.
func Do(ctx context.Context, client *http.Client, req *http.Request, p RetryPolicy) (*Response, error) {
	if client == nil {
		return nil, errors.New("fetch: Do with a nil client")
	}
	if req == nil || req.URL == nil {
		return nil, errors.New("fetch: Do with a nil request")
	}
	p = p.withDefaults()
	start := p.Now()
	hasBody := req.Body != nil && req.Body != http.NoBody
	var lastErr error
	for attempt := 1; ; attempt++ {
		if attempt > 1 && hasBody && req.GetBody == nil {
			// The body was consumed and cannot be replayed.
			return nil, fmt.Errorf("fetch %s: cannot retry a request without GetBody: %w", req.URL, lastErr)
		}
		r, err := once(ctx, client, req, p, attempt)
		if r != nil {
			r.Attempts = attempt
			r.Elapsed = p.Now().Sub(start)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetch %s: %w", req.URL, context.Cause(ctx))
		}
		var wait time.Duration
		var gu *GiveUpError
		var down *HostDownError
		switch {
		case err != nil && errors.As(err, &gu):
			// A retrying transport underneath already spent its attempts:
			// retrying again would multiply them, and wrapping would nest
			// "giving up" messages.
			return nil, gu
		case err != nil && errors.As(err, &down):
			return nil, err // names the host and its failure already
		case err != nil:
			if !RetryableError(err) {
				return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
			}
			if attempt >= p.MaxAttempts {
				return nil, &GiveUpError{URL: req.URL.String(), Attempts: attempt, Err: err}
			}
			lastErr = err
			wait = p.backoff(attempt)
		case p.RetryResponse(r) && attempt < p.MaxAttempts:
			lastErr = fmt.Errorf("status %d", r.StatusCode)
			wait = p.backoff(attempt)
			if ra, ok := RetryAfter(r.Header, p.Now()); ok {
				wait = min(ra, p.MaxRetryAfter)
			}
		default:
			return r, nil
		}
		p.Logger.LogAttrs(ctx, slog.LevelDebug, "fetch retry",
			slog.String("url", req.URL.String()), slog.Int("attempt", attempt),
			slog.Duration("wait", wait), slog.String("reason", lastErr.Error()))
		if err := p.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("fetch %s: waiting to retry: %w", req.URL, err)
		}
	}
}

// GiveUpError is Do's error when every attempt failed on a transient
// transport error. A Do whose client transport is itself a retrying Do
// returns the inner GiveUpError as-is.
type GiveUpError struct {
	URL      string
	Attempts int
	Err      error
}

func (e *GiveUpError) Error() string {
	n := "attempts"
	if e.Attempts == 1 {
		n = "attempt"
	}
	return fmt.Sprintf("fetch %s: giving up after %d %s: %v", e.URL, e.Attempts, n, e.Err)
}

func (e *GiveUpError) Unwrap() error { return e.Err }

func once(ctx context.Context, client *http.Client, req *http.Request, p RetryPolicy, attempt int) (*Response, error) {
	if p.AttemptTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.AttemptTimeout)
		defer cancel()
	}
	r := req.Clone(ctx)
	if attempt > 1 && req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("replay request body: %w", err)
		}
		r.Body = b
	}
	resp, err := client.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := &Response{
		Request:    req,
		URL:        resp.Request.URL.String(),
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		Header:     resp.Header,
	}
	switch {
	case p.TruncateBody:
		out.Body, out.Truncated, err = readTruncated(resp.Body, p.MaxBody)
	case p.SpoolAbove > 0 && resp.StatusCode >= 200 && resp.StatusCode < 300:
		out.Body, out.Spool, err = SpoolBody(resp.Body, resp.ContentLength, p.MaxBody, p.SpoolAbove)
	default:
		out.Body, err = ReadBody(resp.Body, resp.ContentLength, p.MaxBody)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	return d/2 + time.Duration(p.Rand()*float64(d/2))
}

// RetryAfter parses a Retry-After header: delay-seconds or an HTTP-date
// (relative to now). A date in the past gives 0.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Clamp before multiplying so absurd values cannot overflow.
		return time.Duration(min(secs, 1<<30)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// RetryableError reports whether a transport error is transient: timeouts,
// refused/reset connections, connections closed mid-response, temporary
// DNS failures. Certificate and handshake failures, refused non-loopback
// dials, oversized bodies and cancellation are not.
func RetryableError(err error) bool {
	if err == nil {
		return false
	}
	var down *HostDownError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, ErrBodyTooLarge), errors.Is(err, ErrNonLoopback),
		errors.As(err, &down): // parked for the run: its failure was the last word
		return false
	}
	var (
		certErr   *tls.CertificateVerificationError
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		recErr    tls.RecordHeaderError
		alert     tls.AlertError
		dnsErr    *net.DNSError
		netErr    net.Error
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr),
		errors.As(err, &invalid), errors.As(err, &recErr), errors.As(err, &alert):
		return false
	case errors.As(err, &dnsErr):
		return !dnsErr.IsNotFound && (dnsErr.IsTimeout || dnsErr.IsTemporary)
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	return false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
