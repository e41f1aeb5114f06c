package portal

import (
	"io"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

const ms = int64(time.Millisecond)

// judgeHost on hand-made request spans: gaps, the 0.9 slack, in-flight
// counting (a request finishing as another arrives is not overlapping),
// arrival order independent of recording order.
func TestJudgeHost(t *testing.T) {
	seq := []span{{0, 50 * ms}, {200 * ms, 250 * ms}, {400 * ms, 450 * ms}}
	burst := []span{{3 * ms, 103 * ms}, {0, 100 * ms}, {2 * ms, 102 * ms}, {1 * ms, 101 * ms}}
	for _, tc := range []struct {
		name        string
		spans       []span
		delay       time.Duration
		par         int
		minGap      time.Duration
		inFlight    int
		gapV, parV  int
		wantRequest int
	}{
		{"one request", []span{{5 * ms, 9 * ms}}, time.Second, 1, 0, 1, 0, 0, 1},
		{"sequential, polite", seq, 200 * time.Millisecond, 1, 200 * time.Millisecond, 1, 0, 0, 3},
		{"sequential, delay too long for it", seq, 250 * time.Millisecond, 1, 200 * time.Millisecond, 1, 2, 0, 3},
		{"gap of exactly 0.9 delay is allowed", []span{{0, ms}, {180 * ms, 181 * ms}}, 200 * time.Millisecond, 1, 180 * time.Millisecond, 1, 0, 0, 2},
		{"gap just under 0.9 delay", []span{{0, ms}, {180*ms - 1, 181 * ms}}, 200 * time.Millisecond, 1, 180*time.Millisecond - 1, 1, 1, 0, 2},
		{"burst of four, parallelism 2, no delay", burst, 0, 2, time.Millisecond, 4, 0, 2, 4},
		{"burst of four, parallelism 1", burst, 200 * time.Millisecond, 1, time.Millisecond, 4, 3, 3, 4},
		{"back to back is one in flight", []span{{0, 100 * ms}, {100 * ms, 200 * ms}}, 0, 1, 100 * time.Millisecond, 1, 0, 0, 2},
		{"overlapping chain", []span{{200 * ms, 350 * ms}, {0, 150 * ms}, {100 * ms, 250 * ms}}, 100 * time.Millisecond, 1, 100 * time.Millisecond, 2, 0, 2, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := judgeHost("h", tc.spans, tc.delay, tc.par)
			if h.Requests != tc.wantRequest || h.MinGap != tc.minGap || h.MaxInFlight != tc.inFlight ||
				h.GapViolations != tc.gapV || h.ParallelViolations != tc.parV || h.Violations != tc.gapV+tc.parV {
				t.Errorf("got %+v\nwant min gap %v, %d in flight, %d gap + %d parallel violations", h, tc.minGap, tc.inFlight, tc.gapV, tc.parV)
			}
		})
	}
}

// Any portal records politeness, keyed like a crawler's limiter: Host
// lower-cased, the scheme's default port dropped, other ports kept.
func TestPolitenessHostKey(t *testing.T) {
	p := Generated(30)
	for _, tc := range []struct{ url, host, want string }{
		{"http://www.gen.gov.cn/", "WWW.GEN.GOV.CN", "www.gen.gov.cn"},
		{"http://www.gen.gov.cn/", "www.gen.gov.cn:80", "www.gen.gov.cn"},
		{"https://www.gen.gov.cn/", "www.gen.gov.cn:443", "www.gen.gov.cn"},
		{"http://www.gen.gov.cn/", "www.gen.gov.cn:443", "www.gen.gov.cn:443"},
		{"http://www.gen.gov.cn/", "www.gen.gov.cn:8080", "www.gen.gov.cn:8080"},
		{"http://127.0.0.1:54321/", "127.0.0.1:54321", "127.0.0.1:54321"},
	} {
		p.ResetStats()
		r := httptest.NewRequest("GET", tc.url, nil)
		r.Host = tc.host
		p.ServeHTTP(httptest.NewRecorder(), r)
		rep := p.Politeness(time.Second, 1)
		if rep.Hosts != 1 || rep.Get(tc.want).Requests != 1 {
			t.Errorf("%s with Host %q: recorded %+v, want host %q", tc.url, tc.host, rep.ByHost, tc.want)
		}
	}
}

// Requests made to one host 0.2 s apart, and to another all at once, are
// judged as they were made, under several politeness settings.
func TestPolitenessLive(t *testing.T) {
	// Each response is held 120–180 ms: a burst overlaps, a sequence does not.
	p := Fleet(2, FleetOptions{Latency: 150 * time.Millisecond, Jitter: 0.2})
	p.Start()
	defer p.Close()
	calm, burst := FleetHost(0), FleetHost(1)
	calmReports, burstReports := p.Expected(FleetSite(0)), p.Expected(FleetSite(1))

	// The judging below needs the requests to have happened as meant: the
	// calm ones apart, the burst's four overlapping. On a loaded machine the
	// burst's goroutines can start so late that they no longer overlap;
	// that says nothing about the judge, so such a round is sent again.
	for attempt := 1; ; attempt++ {
		// Each start at least 0.2 s after the previous one (a late wake-up
		// only widens a gap, never narrows the next).
		var last time.Time
		for i := range 3 {
			if i > 0 {
				time.Sleep(time.Until(last.Add(200 * time.Millisecond)))
			}
			last = time.Now()
			if f := get(t, p, calmReports[i].DetailURL); f.status != 200 {
				t.Fatalf("calm request %d: %d", i, f.status)
			}
		}
		var wg sync.WaitGroup
		c := p.Client()
		for i := range 4 {
			wg.Go(func() {
				resp, err := c.Get(burstReports[i].DetailURL)
				if err != nil {
					t.Errorf("burst request %d: %v", i, err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("burst request %d: %d", i, resp.StatusCode)
				}
			})
		}
		wg.Wait()
		pre := p.Politeness(0, 4)
		pc, pb := pre.Get(calm), pre.Get(burst)
		if pc.MaxInFlight == 1 && pc.MinGap >= 180*time.Millisecond && pc.MinGap <= time.Second &&
			pb.MaxInFlight == 4 && pb.MinGap < 100*time.Millisecond {
			break
		}
		if attempt == 5 {
			t.Fatalf("after %d rounds the requests never went out as meant (calm %+v, burst %+v)", attempt, pc, pb)
		}
		t.Logf("round %d: requests did not go out as meant (calm %+v, burst %+v); sending them again", attempt, pc, pb)
		p.ResetStats()
	}

	type want struct{ gapV, parV int }
	for _, tc := range []struct {
		name         string
		delay        time.Duration
		par          int
		calm, burstW want
		floor        time.Duration
	}{
		{"delay 0.2s, one at a time", 200 * time.Millisecond, 1, want{0, 0}, want{3, 3}, 600 * time.Millisecond},
		{"delay 0.2s, four at a time", 200 * time.Millisecond, 4, want{0, 0}, want{3, 0}, 150 * time.Millisecond},
		{"delay 0.4s, two at a time", 400 * time.Millisecond, 2, want{2, 0}, want{3, 2}, 600 * time.Millisecond},
		{"no delay, four at a time", 0, 4, want{0, 0}, want{0, 0}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := p.Politeness(tc.delay, tc.par)
			t.Log(rep)
			c, b := rep.Get(calm), rep.Get(burst)
			if c.Requests != 3 || c.MaxInFlight != 1 || c.GapViolations != tc.calm.gapV || c.ParallelViolations != tc.calm.parV {
				t.Errorf("calm host: %+v, want %+v", c, tc.calm)
			}
			if c.MinGap < 180*time.Millisecond || c.MinGap > time.Second {
				t.Errorf("calm host: min gap %v for requests 0.2 s apart", c.MinGap)
			}
			if b.Requests != 4 || b.MaxInFlight != 4 || b.GapViolations != tc.burstW.gapV || b.ParallelViolations != tc.burstW.parV {
				t.Errorf("burst host: %+v, want 4 in flight and %+v", b, tc.burstW)
			}
			if b.MinGap >= 100*time.Millisecond {
				t.Errorf("burst host: min gap %v for requests sent at once", b.MinGap)
			}
			total := tc.calm.gapV + tc.calm.parV + tc.burstW.gapV + tc.burstW.parV
			if rep.Hosts != 2 || rep.Requests != 7 || rep.Violations != total || rep.MaxInFlight != 4 ||
				rep.WorstGapHost != burst || rep.WorstGap != b.MinGap {
				t.Errorf("totals: %s, want 2 hosts, 7 requests, %d violations, worst gap on %s", rep, total, burst)
			}
			if rep.Floor != tc.floor || p.Floor(tc.delay, tc.par) != tc.floor {
				t.Errorf("floor %v / %v, want %v", rep.Floor, p.Floor(tc.delay, tc.par), tc.floor)
			}
		})
	}

	p.ResetStats()
	if rep := p.Politeness(time.Second, 1); rep.Hosts != 0 || rep.Requests != 0 || rep.WorstGapHost != "" || p.Floor(time.Second, 1) != 0 {
		t.Errorf("after ResetStats: %s", rep)
	}
}
