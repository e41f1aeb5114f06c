package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/nettest"
)

// step is one scripted answer of a flaky server.
type step struct {
	status int
	header map[string]string
	body   string
	hangup bool // close the connection without answering
}

func scripted(t *testing.T, steps ...step) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		s := steps[min(i, len(steps)-1)]
		if s.hangup {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(s.status)
		io.WriteString(w, s.body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestDoRetries(t *testing.T) {
	now := time.Date(2024, 1, 15, 8, 0, 0, 0, time.UTC)
	jiasule := `<script>document.cookie='__jsluid_s=8a1b2c3d4e5f;max-age=3600;path=/';location.reload();</script>`
	cases := []struct {
		name         string
		steps        []step
		maxAttempts  int
		wantStatus   int // 0: want an error
		wantRequests int
		wantWaits    []time.Duration
	}{
		{"503 then 200", []step{{status: 503}, {status: 503}, {status: 200, body: "ok"}}, 4, 200, 3,
			[]time.Duration{500 * time.Millisecond, time.Second}},
		{"429 Retry-After seconds", []step{{status: 429, header: map[string]string{"Retry-After": "7"}}, {status: 200}}, 4, 200, 2,
			[]time.Duration{7 * time.Second}},
		{"503 Retry-After HTTP-date", []step{{status: 503, header: map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}}, {status: 200}}, 4, 200, 2,
			[]time.Duration{90 * time.Second}},
		{"Retry-After capped", []step{{status: 503, header: map[string]string{"Retry-After": "86400"}}, {status: 200}}, 4, 200, 2,
			[]time.Duration{2 * time.Minute}},
		{"500 exhausted returns the last response", []step{{status: 500}}, 3, 500, 3,
			[]time.Duration{500 * time.Millisecond, time.Second}},
		{"502 504 408 retried", []step{{status: 502}, {status: 504}, {status: 408}, {status: 200}}, 4, 200, 4,
			[]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}},
		{"501 not retried", []step{{status: 501}}, 4, 501, 1, nil},
		{"404 not retried", []step{{status: 404}}, 4, 404, 1, nil},
		{"403 not retried", []step{{status: 403}}, 4, 403, 1, nil},
		{"412 ruishu not retried", []step{{status: 412, body: `<meta id="x" content="abc" r='m'><script>$_ts=window['$_ts'];</script>`}}, 4, 412, 1, nil},
		{"521 jiasule challenge not retried", []step{{status: 521, body: jiasule}}, 4, 521, 1, nil},
		{"521 without markers retried", []step{{status: 521, body: "origin down"}, {status: 200}}, 4, 200, 2,
			[]time.Duration{500 * time.Millisecond}},
		{"hang-ups retried", []step{{hangup: true}, {hangup: true}, {status: 200, body: "ok"}}, 4, 200, 3,
			[]time.Duration{500 * time.Millisecond, time.Second}},
		{"hang-ups exhausted is an error", []step{{hangup: true}}, 2, 0, 2,
			[]time.Duration{500 * time.Millisecond}},
		{"no retry with MaxAttempts 1", []step{{status: 503}, {status: 200}}, 1, 503, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, n := scripted(t, tc.steps...)
			client := testClient(t, srv, Options{})
			ns := &noSleep{}
			p := RetryPolicy{
				MaxAttempts: tc.maxAttempts, BaseDelay: time.Second, MaxDelay: 10 * time.Second,
				Rand: func() float64 { return 0 }, Now: func() time.Time { return now }, Sleep: ns.sleep,
			}
			resp, err := Do(context.Background(), client, get(t, srv.URL+"/p"), p)
			if tc.wantStatus == 0 {
				if err == nil {
					t.Fatalf("no error, status %d", resp.StatusCode)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != tc.wantStatus {
					t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
				}
				if resp.Attempts != tc.wantRequests {
					t.Errorf("Attempts %d, want %d", resp.Attempts, tc.wantRequests)
				}
			}
			if got := int(n.Load()); got != tc.wantRequests {
				t.Errorf("server saw %d requests, want %d", got, tc.wantRequests)
			}
			if fmt.Sprint(ns.waits) != fmt.Sprint(tc.wantWaits) {
				t.Errorf("waits %v, want %v", ns.waits, tc.wantWaits)
			}
		})
	}
}

func TestBackoffJitterAndCap(t *testing.T) {
	for _, tc := range []struct {
		r    float64
		want []time.Duration
	}{
		{0, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}},
		{0.5, []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second, 6 * time.Second, 6 * time.Second}},
	} {
		p := RetryPolicy{BaseDelay: time.Second, MaxDelay: 8 * time.Second, Rand: func() float64 { return tc.r }}.withDefaults()
		var got []time.Duration
		for a := 1; a <= 5; a++ {
			got = append(got, p.backoff(a))
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("rand %v: %v, want %v", tc.r, got, tc.want)
		}
	}
	// With real randomness every wait stays within [d/2, d].
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Rand: rand.New(rand.NewPCG(1, 2)).Float64}.withDefaults()
	for a := 1; a <= 50; a++ {
		d := min(100*time.Millisecond<<min(a-1, 10), time.Second)
		if w := p.backoff(a); w < d/2 || w > d {
			t.Fatalf("attempt %d: wait %v outside [%v, %v]", a, w, d/2, d)
		}
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"0", 0, true},
		{"-3", 0, false},
		{"Fri, 01 Mar 2024 12:00:30 GMT", 30 * time.Second, true},
		{"Friday, 01-Mar-24 12:01:00 GMT", time.Minute, true}, // RFC 850
		{"Fri Mar  1 12:00:10 2024", 10 * time.Second, true},  // asctime
		{"Thu, 29 Feb 2024 12:00:00 GMT", 0, true},            // past
		{"soon", 0, false},
		{"", 0, false},
		{"99999999999999999999", 0, false},
	} {
		h := http.Header{}
		if tc.v != "" {
			h.Set("Retry-After", tc.v)
		}
		got, ok := RetryAfter(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Retry-After %q: %v %v, want %v %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRetryableError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{context.Canceled, false},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "dial", Err: &netTimeout{}}, true},
		{&net.DNSError{Err: "no such host", IsNotFound: true}, false},
		{&net.DNSError{Err: "server misbehaving", IsTemporary: true}, true},
		{fmt.Errorf("%w: 10.0.0.1:80", ErrNonLoopback), false},
		{fmt.Errorf("%w: big", ErrBodyTooLarge), false},
		{errors.New("something else"), false},
		{stallError{time.Second}, true},
	} {
		if got := RetryableError(tc.err); got != tc.want {
			t.Errorf("RetryableError(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

type netTimeout struct{}

func (netTimeout) Error() string   { return "i/o timeout" }
func (netTimeout) Timeout() bool   { return true }
func (netTimeout) Temporary() bool { return true }

func TestConnectionRefusedIsRetriedThenFails(t *testing.T) {
	addr := nettest.RefusedAddr(t) // every connection refused
	t.Setenv("HTTP_PROXY", "")
	t.Setenv("http_proxy", "")
	client := NewClient(Options{LoopbackOnly: true, Resolve: map[string]string{"dead.gov.cn:80": addr}})
	ns := &noSleep{}
	_, err := Do(context.Background(), client, get(t, "http://dead.gov.cn/"), RetryPolicy{MaxAttempts: 3, Sleep: ns.sleep, Rand: func() float64 { return 0 }})
	if err == nil {
		t.Fatal("no error")
	}
	if len(ns.waits) != 2 {
		t.Errorf("waits %v, want 2 retries", ns.waits)
	}
}

func TestBodyLimitIsAnErrorNotATruncation(t *testing.T) {
	body := bytes.Repeat([]byte("%PDF-1.7 "), 200) // 1800 bytes
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				if !chunked {
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				}
				for i := 0; i < len(body); i += 100 {
					w.Write(body[i : i+100])
					if chunked {
						w.(http.Flusher).Flush()
					}
				}
			}))
			defer srv.Close()
			client := testClient(t, srv, Options{})
			_, err := Do(context.Background(), client, get(t, srv.URL), RetryPolicy{MaxBody: 1000, Sleep: (&noSleep{}).sleep})
			if !errors.Is(err, ErrBodyTooLarge) {
				t.Fatalf("err = %v, want ErrBodyTooLarge", err)
			}
			if n.Load() != 1 {
				t.Errorf("%d requests: an oversized body must not be retried", n.Load())
			}
			// At exactly the limit it is fine.
			resp, err := Do(context.Background(), client, get(t, srv.URL), RetryPolicy{MaxBody: int64(len(body))})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(resp.Body, body) {
				t.Error("body changed")
			}
		})
	}
}

func TestBodyBytesKeptExactly(t *testing.T) {
	// A GBK page labelled utf-8, a PDF labelled text/html, random bytes:
	// whatever the headers claim, the bytes come back untouched.
	rnd := make([]byte, 300<<10)
	r := rand.New(rand.NewPCG(7, 7))
	for i := range rnd {
		rnd[i] = byte(r.Uint32())
	}
	bodies := map[string]struct {
		ct   string
		body []byte
	}{
		"/gbk":  {"text/html; charset=utf-8", []byte(gbk(t, "<html><meta charset=gb2312><p>2023年政府信息公开工作年度报告 镕</p></html>"))},
		"/pdf":  {"text/html; charset=gbk", append([]byte("%PDF-1.4\n\x80\x81\xfe\xff"), rnd[:1000]...)},
		"/rand": {"application/octet-stream", rnd},
		"/bom":  {"text/html", append([]byte("\xef\xbb\xbf"), []byte("<p>年报</p>")...)},
	}
	mux := http.NewServeMux()
	for p, b := range bodies {
		b := b
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", b.ct)
			w.Write(b.body)
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := testClient(t, srv, Options{})
	for p, b := range bodies {
		resp, err := Do(context.Background(), client, get(t, srv.URL+p), RetryPolicy{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(resp.Body, b.body) {
			t.Errorf("%s: body changed (%d bytes, want %d)", p, len(resp.Body), len(b.body))
		}
	}
}

func TestDoReplaysRequestBody(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		if n.Add(1) < 3 {
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	client := testClient(t, srv, Options{})
	const form = "startrecord=1&endrecord=45&perpage=15"
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/module/web/jpage/dataproxy.jsp", bytes.NewBufferString(form))
	resp, err := Do(context.Background(), client, req, RetryPolicy{Sleep: (&noSleep{}).sleep})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || fmt.Sprint(bodies) != fmt.Sprint([]string{form, form, form}) {
		t.Errorf("status %d, bodies %q", resp.StatusCode, bodies)
	}
}

func TestDoHonoursCancellation(t *testing.T) {
	srv, _ := scripted(t, step{status: 503})
	client := testClient(t, srv, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	p := RetryPolicy{Sleep: func(ctx context.Context, d time.Duration) error {
		cancel()
		return sleepCtx(ctx, d)
	}}
	_, err := Do(ctx, client, get(t, srv.URL), p)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestDoNilArguments(t *testing.T) {
	if _, err := Do(context.Background(), nil, get(t, "http://127.0.0.1/"), RetryPolicy{}); err == nil {
		t.Error("nil client accepted")
	}
	if _, err := Do(context.Background(), http.DefaultClient, nil, RetryPolicy{}); err == nil {
		t.Error("nil request accepted")
	}
}

// doTransport is a RoundTripper that retries with Do, as the crawl engine's
// transport does under colly and robots.txt.
type doTransport struct {
	client *http.Client
	policy RetryPolicy
}

func (t doTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r, err := Do(req.Context(), t.client, req, t.policy)
	if err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: r.StatusCode, Header: r.Header, Body: io.NopCloser(bytes.NewReader(r.Body)), Request: req}, nil
}

// A Do over a retrying transport neither multiplies the attempts nor nests
// "giving up" messages; the count is spelt right.
func TestNestedDoGivesUpOnce(t *testing.T) {
	addr := nettest.RefusedAddr(t) // every connection refused
	t.Setenv("HTTP_PROXY", "")
	t.Setenv("http_proxy", "")
	tests := []struct {
		inner, outer int
		wantText     string
		wantWaits    int // sleeps: inner retries only
	}{
		{1, 2, "giving up after 1 attempt: ", 0},
		{2, 2, "giving up after 2 attempts: ", 1},
		{3, 1, "giving up after 3 attempts: ", 2},
	}
	for _, tc := range tests {
		ns := &noSleep{}
		base := NewClient(Options{LoopbackOnly: true, Resolve: map[string]string{"dead.gov.cn:80": addr}})
		inner := RetryPolicy{MaxAttempts: tc.inner, Sleep: ns.sleep, Rand: func() float64 { return 0 }}
		client := &http.Client{Transport: doTransport{client: base, policy: inner}}
		_, err := Do(context.Background(), client, get(t, "http://dead.gov.cn/robots.txt"),
			RetryPolicy{MaxAttempts: tc.outer, Sleep: ns.sleep, Rand: func() float64 { return 0 }})
		var gu *GiveUpError
		if !errors.As(err, &gu) {
			t.Fatalf("inner %d outer %d: err = %v, want a GiveUpError", tc.inner, tc.outer, err)
		}
		msg := err.Error()
		if n := bytes.Count([]byte(msg), []byte("giving up")); n != 1 {
			t.Errorf("inner %d outer %d: %d \"giving up\" in %q", tc.inner, tc.outer, n, msg)
		}
		if !bytes.Contains([]byte(msg), []byte(tc.wantText)) || gu.Attempts != tc.inner {
			t.Errorf("inner %d outer %d: %q (attempts %d), want %q", tc.inner, tc.outer, msg, gu.Attempts, tc.wantText)
		}
		if len(ns.waits) != tc.wantWaits {
			t.Errorf("inner %d outer %d: %d waits, want %d", tc.inner, tc.outer, len(ns.waits), tc.wantWaits)
		}
	}
}
