package portal

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Politeness is judged where it matters, at the server: the portal notes
// when each request arrived and when its response was done, per host, so
// a test can check that a crawler kept its per-host delay and parallelism
// without trusting the crawler's own account. Recording is always on and
// costs one mutex and one append per request; it never delays a response.

// span is one request: arrival and finish, in nanoseconds since the log's
// epoch (monotonic clock).
type span struct{ arr, fin int64 }

type politeLog struct {
	epoch time.Time

	mu    sync.Mutex
	hosts map[string][]span
}

func (l *politeLog) init() {
	l.epoch = time.Now()
	l.hosts = map[string][]span{}
}

func (l *politeLog) now() int64 { return int64(time.Since(l.epoch)) }

func (l *politeLog) record(host string, arr, fin int64) {
	l.mu.Lock()
	l.hosts[host] = append(l.hosts[host], span{arr, fin})
	l.mu.Unlock()
}

func (l *politeLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.hosts)
}

func (l *politeLog) snapshot() map[string][]span {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string][]span, len(l.hosts))
	for h, s := range l.hosts {
		out[h] = slices.Clone(s)
	}
	return out
}

// politeKey is the host a request counts against: the Host header
// lower-cased, without the scheme's default port. It is the key a
// crawler's per-host limiter uses (fetch.HostKey), so the two agree on
// what "one host" is; a loopback address keeps its port.
func politeKey(r *http.Request) string {
	h := strings.ToLower(r.Host)
	if r.TLS != nil {
		return strings.TrimSuffix(h, ":443")
	}
	return strings.TrimSuffix(h, ":80")
}

// HostPoliteness is what one host saw.
type HostPoliteness struct {
	Host     string `json:"host"`
	Requests int    `json:"requests"`
	// MinGap is the shortest time between two consecutive request
	// arrivals (meaningful only with two requests or more).
	MinGap time.Duration `json:"min_gap"`
	// MaxInFlight is the most requests the host was serving at once.
	MaxInFlight int `json:"max_in_flight"`
	// GapViolations counts consecutive arrivals closer than 0.9 × delay
	// (the tenth is slack for the network between limiter and server).
	GapViolations int `json:"gap_violations"`
	// ParallelViolations counts arrivals that found more than parallelism
	// requests in flight, this one included.
	ParallelViolations int `json:"parallel_violations"`
	Violations         int `json:"violations"` // the sum of both
}

// PolitenessReport judges the requests recorded since the portal was built
// (or since ResetStats) against a per-host delay between request arrivals
// and a per-host parallelism. Requests still being served are not in it.
type PolitenessReport struct {
	Delay       time.Duration `json:"delay"`
	Parallelism int           `json:"parallelism"`
	Hosts       int           `json:"hosts"`
	Requests    int           `json:"requests"`
	Violations  int           `json:"violations"`
	MaxInFlight int           `json:"max_in_flight"` // over all hosts
	// WorstGap is the shortest arrival gap on any host, WorstGapHost that
	// host ("" and 0 when no host had two requests).
	WorstGap     time.Duration `json:"worst_gap"`
	WorstGapHost string        `json:"worst_gap_host"`
	// Floor is Floor(Delay, Parallelism) over the same requests.
	Floor  time.Duration    `json:"floor"`
	ByHost []HostPoliteness `json:"by_host"` // sorted by host
}

// Get returns the entry of one host (zero when it had no request).
func (r PolitenessReport) Get(host string) HostPoliteness {
	i, ok := slices.BinarySearchFunc(r.ByHost, host, func(h HostPoliteness, k string) int { return strings.Compare(h.Host, k) })
	if !ok {
		return HostPoliteness{}
	}
	return r.ByHost[i]
}

// String is a one-line summary for test and benchmark logs.
func (r PolitenessReport) String() string {
	s := fmt.Sprintf("politeness (delay %v, parallelism %d): %d hosts, %d requests, %d violations, max %d in flight, floor %v",
		r.Delay, r.Parallelism, r.Hosts, r.Requests, r.Violations, r.MaxInFlight, r.Floor)
	if r.WorstGapHost != "" {
		s += fmt.Sprintf(", worst gap %v on %s", r.WorstGap, r.WorstGapHost)
	}
	return s
}

// Politeness judges every request recorded so far against delay (minimum
// time between two request arrivals on one host) and parallelism (maximum
// requests in flight on one host). Values below 1 mean 1; delay 0 checks
// parallelism only.
func (p *Portal) Politeness(delay time.Duration, parallelism int) PolitenessReport {
	parallelism = max(parallelism, 1)
	rep := PolitenessReport{Delay: delay, Parallelism: parallelism}
	for host, spans := range p.polite.snapshot() {
		h := judgeHost(host, spans, delay, parallelism)
		rep.ByHost = append(rep.ByHost, h)
		rep.Hosts++
		rep.Requests += h.Requests
		rep.Violations += h.Violations
		rep.MaxInFlight = max(rep.MaxInFlight, h.MaxInFlight)
		if h.Requests >= 2 && (rep.WorstGapHost == "" || h.MinGap < rep.WorstGap || h.MinGap == rep.WorstGap && host < rep.WorstGapHost) {
			rep.WorstGap, rep.WorstGapHost = h.MinGap, host
		}
		rep.Floor = max(rep.Floor, floorOf(h.Requests, delay, parallelism))
	}
	slices.SortFunc(rep.ByHost, func(a, b HostPoliteness) int { return strings.Compare(a.Host, b.Host) })
	return rep
}

// Floor is the politeness floor of the requests recorded so far: the
// longest (requests−1) × delay ÷ parallelism over the hosts, i.e. the
// least wall time a crawl that made them could have taken if each host
// allowed parallelism requests per delay. A crawler whose limiter spaces
// every start on a host by delay whatever its parallelism (fetch.Limiter)
// is bound by Floor(delay, 1) instead.
func (p *Portal) Floor(delay time.Duration, parallelism int) time.Duration {
	parallelism = max(parallelism, 1)
	var f time.Duration
	for _, spans := range p.polite.snapshot() {
		f = max(f, floorOf(len(spans), delay, parallelism))
	}
	return f
}

func floorOf(requests int, delay time.Duration, parallelism int) time.Duration {
	if requests < 2 {
		return 0
	}
	return time.Duration(requests-1) * delay / time.Duration(parallelism)
}

// judgeHost sweeps one host's requests in arrival order.
func judgeHost(host string, spans []span, delay time.Duration, parallelism int) HostPoliteness {
	h := HostPoliteness{Host: host, Requests: len(spans)}
	arr := make([]int64, len(spans))
	fin := make([]int64, len(spans))
	for i, s := range spans {
		arr[i], fin[i] = s.arr, s.fin
	}
	slices.Sort(arr)
	slices.Sort(fin)
	minGap := int64(delay) * 9 / 10
	done := 0
	for i, a := range arr {
		if i > 0 {
			g := a - arr[i-1]
			if i == 1 || time.Duration(g) < h.MinGap {
				h.MinGap = time.Duration(g)
			}
			if g < minGap {
				h.GapViolations++
			}
		}
		// A request that finished at or before this arrival is not in
		// flight; every arrival so far that has not finished is.
		for done < len(fin) && fin[done] <= a {
			done++
		}
		inFlight := i + 1 - done
		h.MaxInFlight = max(h.MaxInFlight, inFlight)
		if inFlight > parallelism {
			h.ParallelViolations++
		}
	}
	h.Violations = h.GapViolations + h.ParallelViolations
	return h
}
