package fetch

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
	if n := len(l.host("h").sem); n != 0 {
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
	if n := len(l.host("a.gov.cn").sem); n != 0 {
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
