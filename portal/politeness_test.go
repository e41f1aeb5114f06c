package portal

import (
	"net/http/httptest"
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
