package fetch

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/nettest"
)

func TestLimiterParallelismPerHost(t *testing.T) {
	for _, par := range []int{1, 2, 3} {
		l := NewLimiter(0, par)
		var inFlight, peak atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				release, err := l.Wait(context.Background(), "www.yanshi.gov.cn")
				if err != nil {
					t.Error(err)
					return
				}
				n := inFlight.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(5 * time.Millisecond)
				inFlight.Add(-1)
				release()
			}()
		}
		wg.Wait()
		if got := int(peak.Load()); got != par {
			t.Errorf("parallelism %d: peak in flight %d", par, got)
		}
	}
}

func TestLimiterDelayBetweenStarts(t *testing.T) {
	const delay = 30 * time.Millisecond
	l := NewLimiter(delay, 4)
	var starts []time.Time
	for i := 0; i < 4; i++ {
		release, err := l.Wait(context.Background(), "WWW.Yanshi.gov.cn")
		if err != nil {
			t.Fatal(err)
		}
		starts = append(starts, time.Now())
		release()
	}
	for i := 1; i < len(starts); i++ {
		// Starts are claimed inside Wait; allow for the test's own
		// timestamp being taken a little after the claim.
		if gap := starts[i].Sub(starts[i-1]); gap < delay-5*time.Millisecond {
			t.Errorf("start %d only %v after the previous one, want ≥ %v", i, gap, delay)
		}
	}
	// Another host is not held up by the first one's schedule.
	l.SetDelay("slow.gov.cn", time.Hour)
	release, _ := l.Wait(context.Background(), "slow.gov.cn") // first request: immediate
	release()
	start := time.Now()
	release, err := l.Wait(context.Background(), "fast.gov.cn")
	if err != nil {
		t.Fatal(err)
	}
	release()
	if d := time.Since(start); d > time.Second {
		t.Errorf("an unrelated host waited %v", d)
	}
}

func TestLimiterDelayOverrides(t *testing.T) {
	l := NewLimiter(time.Second, 1)
	l.RaiseDelay("a.gov.cn", 500*time.Millisecond) // lower: ignored
	l.RaiseDelay("b.gov.cn", 3*time.Second)        // robots Crawl-delay: 3
	l.SetDelay("c.gov.cn", 200*time.Millisecond)   // site config may lower it
	l.RaiseDelay("c.gov.cn", 100*time.Millisecond)
	for host, want := range map[string]time.Duration{
		"a.gov.cn": time.Second, "B.GOV.CN": 3 * time.Second, "c.gov.cn": 200 * time.Millisecond, "d.gov.cn": time.Second,
	} {
		if got := l.Delay(host); got != want {
			t.Errorf("Delay(%s) = %v, want %v", host, got, want)
		}
	}
}

func TestLimiterCancelReleasesNothingHeld(t *testing.T) {
	l := NewLimiter(0, 1)
	release, err := l.Wait(context.Background(), "h")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.Wait(ctx, "h"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded while the slot is taken", err)
	}
	release()
	release() // idempotent
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	r2, err := l.Wait(ctx2, "h")
	if err != nil {
		t.Fatalf("slot not free after release: %v", err)
	}
	r2()

	// Cancelled while sleeping out the delay: the slot is given back.
	l = NewLimiter(time.Hour, 1)
	r3, _ := l.Wait(context.Background(), "h")
	r3()
	ctx3, cancel3 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel3()
	if _, err := l.Wait(ctx3, "h"); err == nil {
		t.Fatal("no error while an hour's delay was pending")
	}
	if n := l.host("h").active; n != 0 {
		t.Errorf("%d slots still held after a cancelled wait", n)
	}
}

func TestLimiterTransport(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	l := NewLimiter(0, 1)
	base := testClient(t, srv, Options{}, "a.gov.cn", "b.gov.cn")
	client := &http.Client{Transport: l.Transport(base.Transport)}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Do(context.Background(), client, get(t, "http://a.gov.cn/x"), RetryPolicy{MaxAttempts: 1}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if peak.Load() != 1 {
		t.Errorf("peak %d concurrent requests to one host, want 1", peak.Load())
	}
	if n := l.host("a.gov.cn").active; n != 0 {
		t.Errorf("%d slots leaked", n)
	}
}

func TestHostKey(t *testing.T) {
	for in, want := range map[string]string{
		"http://WWW.Yanshi.gov.cn:80/x":  "www.yanshi.gov.cn",
		"https://www.yanshi.gov.cn:443/": "www.yanshi.gov.cn",
		"http://www.yanshi.gov.cn:443/":  "www.yanshi.gov.cn:443",
		"http://127.0.0.1:38211/":        "127.0.0.1:38211",
	} {
		if got := HostKey(mustURL(t, in)); got != want {
			t.Errorf("HostKey(%s) = %q, want %q", in, got, want)
		}
	}
	if HostKey(nil) != "" {
		t.Error("HostKey(nil)")
	}
}

// The policy gives a host its politeness when the limiter first meets
// it (the crawl's strictest site setting); other hosts keep the defaults.
func TestLimiterPolicy(t *testing.T) {
	l := NewLimiterWith(LimiterOptions{Delay: time.Second, Parallelism: 4,
		Policy: func(host string) (time.Duration, int, bool) {
			if host == "shared.gov.cn" {
				return 500 * time.Millisecond, 1, true
			}
			return 0, 0, false
		}})
	if got := l.Delay("shared.gov.cn"); got != 500*time.Millisecond {
		t.Errorf("shared delay %v, want 500ms", got)
	}
	if got := l.limitLocked(l.host("shared.gov.cn")); got != 1 {
		t.Errorf("shared parallelism %d, want 1", got)
	}
	if got, p := l.Delay("other.gov.cn"), l.limitLocked(l.host("other.gov.cn")); got != time.Second || p != 4 {
		t.Errorf("other host %v/%d, want the defaults 1s/4", got, p)
	}
	l.RaiseDelay("shared.gov.cn", 2*time.Second) // robots Crawl-delay
	if got := l.Delay("shared.gov.cn"); got != 2*time.Second {
		t.Errorf("Crawl-delay did not raise the policy's delay: %v", got)
	}
}

// The cap across hosts bounds requests in flight, and a request waiting
// out its host's delay holds no slot: with a cap of 1, a host in its delay
// does not stop another host's request.
func TestLimiterGlobalCap(t *testing.T) {
	l := NewLimiterWith(LimiterOptions{Delay: 0, Parallelism: 4, MaxInFlight: 2})
	var inFlight, peak atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := l.Wait(context.Background(), []string{"a", "b", "c"}[i%3])
			if err != nil {
				t.Error(err)
				return
			}
			n := inFlight.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(3 * time.Millisecond)
			inFlight.Add(-1)
			release()
		}()
	}
	wg.Wait()
	if got := peak.Load(); got != 2 {
		t.Errorf("peak in flight %d across hosts, want the cap 2", got)
	}

	l = NewLimiterWith(LimiterOptions{Delay: time.Hour, Parallelism: 1, MaxInFlight: 1})
	r, _ := l.Wait(context.Background(), "slow")
	r() // slow's next start is an hour away
	waiting := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _, err := l.Wait(ctx, "slow"); waiting <- err }()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	r2, err := l.Wait(context.Background(), "fast")
	if err != nil {
		t.Fatal(err)
	}
	r2()
	if d := time.Since(start); d > time.Second {
		t.Errorf("another host waited %v behind a host sleeping out its delay", d)
	}
	cancel()
	if err := <-waiting; err == nil {
		t.Error("cancelled wait returned no error")
	}
}

// The next start waits for 0.9 × delay after the previous response's
// headers: a request sent late by a loaded machine cannot be followed by
// the next one sooner than that, as the server sees it.
func TestLimiterSpacesFromResponseEnd(t *testing.T) {
	const delay = 100 * time.Millisecond
	var mu sync.Mutex
	var arrivals []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		time.Sleep(80 * time.Millisecond) // slow answers: latency close to the delay
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	l := NewLimiter(delay, 1)
	base := testClient(t, srv, Options{}, "a.gov.cn")
	client := &http.Client{Transport: l.Transport(base.Transport)}
	start := time.Now()
	for i := 0; i < 4; i++ {
		if _, err := Do(context.Background(), client, get(t, "http://a.gov.cn/x"), RetryPolicy{MaxAttempts: 1}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < len(arrivals); i++ {
		if gap := arrivals[i].Sub(arrivals[i-1]); gap < delay*9/10 {
			t.Errorf("arrival %d only %v after the previous one", i, gap)
		}
	}
	// 80 ms answer + 90 ms: each start at least 170 ms after the last.
	if d := time.Since(start); d < 3*170*time.Millisecond {
		t.Errorf("4 requests took %v: the response end did not push the next start", d)
	}
}

// 429 with Retry-After holds the host back for every later request
// through the limiter (whichever site sends it); other hosts go on.
func TestLimiterRetryAfterHoldsHost(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host == "busy.gov.cn" && hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	l := NewLimiter(0, 1)
	base := testClient(t, srv, Options{}, "busy.gov.cn", "calm.gov.cn")
	client := &http.Client{Transport: l.Transport(base.Transport)}
	if r, err := Do(context.Background(), client, get(t, "http://busy.gov.cn/a"), RetryPolicy{MaxAttempts: 1}); err != nil || r.StatusCode != 429 {
		t.Fatalf("first answer %v %v", r, err)
	}
	t0 := time.Now()
	if _, err := Do(context.Background(), client, get(t, "http://calm.gov.cn/"), RetryPolicy{MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 500*time.Millisecond {
		t.Errorf("another host waited %v", d)
	}
	t1 := time.Now()
	if _, err := Do(context.Background(), client, get(t, "http://busy.gov.cn/b"), RetryPolicy{MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t1); d < 800*time.Millisecond {
		t.Errorf("the next request to the 429 host waited only %v, want its Retry-After of 1s", d)
	}
}

// A host that refuses connections is parked after one failure: every
// later request fails at once with a HostDownError that is not retried,
// and it is named by its kind.
func TestLimiterParksDeadHost(t *testing.T) {
	addr := nettest.RefusedAddr(t) // every connection refused
	l := NewLimiter(0, 1)
	base := NewTransport(Options{Resolve: map[string]string{"dead.gov.cn:80": addr}, LoopbackOnly: true})
	client := &http.Client{Transport: l.Transport(base)}
	ns := &noSleep{}
	_, err := Do(context.Background(), client, get(t, "http://dead.gov.cn/a"), RetryPolicy{MaxAttempts: 4, Sleep: ns.sleep})
	var down *HostDownError
	if !errors.As(err, &down) {
		t.Fatalf("err = %v, want HostDownError", err)
	}
	if len(ns.waits) != 0 {
		t.Errorf("a parked host was retried (%d waits)", len(ns.waits))
	}
	if k := NetKind(err); k != KindRefused {
		t.Errorf("kind %q, want %q", k, KindRefused)
	}
	start := time.Now()
	for i := 0; i < 20; i++ {
		if _, err := Do(context.Background(), client, get(t, "http://dead.gov.cn/b"), RetryPolicy{MaxAttempts: 4, Sleep: ns.sleep}); !errors.As(err, &down) {
			t.Fatalf("request %d: err = %v", i, err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("20 requests to a parked host took %v", d)
	}
	if l.Down("dead.gov.cn") == nil {
		t.Error("Down() = nil for a parked host")
	}
}

func TestNetKind(t *testing.T) {
	dial := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	for _, c := range []struct {
		err  error
		want string
	}{
		{&net.DNSError{Err: "no such host", Name: "x.gov.cn", IsNotFound: true}, KindDNS},
		{dial(&net.DNSError{Err: "server misbehaving", Name: "x.gov.cn"}), KindDNS},
		{dial(os.NewSyscallError("connect", syscall.ECONNREFUSED)), KindRefused},
		{dial(os.NewSyscallError("connect", syscall.ENETUNREACH)), KindUnreachable},
		{dial(os.NewSyscallError("connect", syscall.EHOSTUNREACH)), KindUnreachable},
		{dial(timeoutErr{}), KindConnectTimeout},
		{&net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}, KindTimeout},
		{context.DeadlineExceeded, KindTimeout},
		{&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, KindReset},
		{&HostDownError{Host: "x", Err: dial(os.NewSyscallError("connect", syscall.ECONNREFUSED))}, KindRefused},
		{errors.New("something else"), KindNetwork},
	} {
		if got := NetKind(c.err); got != c.want {
			t.Errorf("NetKind(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// The exchange's timeout starts at the host's turn: a request queued
// behind the host's delay for longer than the timeout still gets its
// whole timeout once its turn comes.
func TestLimiterTimeoutStartsAtTheTurn(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond)
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	// The third request waits 1.4 s for its turn, far past the 500 ms
	// timeout; each exchange itself takes ~30 ms (more on a loaded machine).
	l := NewLimiterWith(LimiterOptions{Delay: 700 * time.Millisecond, Parallelism: 1, Timeout: 500 * time.Millisecond})
	base := testClient(t, srv, Options{}, "q.gov.cn")
	client := &http.Client{Transport: l.Transport(base.Transport)}
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Do(context.Background(), client, get(t, "http://q.gov.cn/x"), RetryPolicy{MaxAttempts: 1})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a request queued behind the host's delay timed out: %v", err)
		}
	}
	// And the timeout does bound the exchange itself.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	base = testClient(t, slow, Options{}, "slow.gov.cn")
	client = &http.Client{Transport: l.Transport(base.Transport)}
	start := time.Now()
	if _, err := Do(context.Background(), client, get(t, "http://slow.gov.cn/x"), RetryPolicy{MaxAttempts: 1}); err == nil {
		t.Error("an exchange longer than the timeout succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the timeout cut the exchange after %v", d)
	}
}
