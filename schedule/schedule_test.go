package schedule

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// overlapJob records how many runs start and the highest concurrency seen.
type overlapJob struct {
	starts, cur, max atomic.Int32
	hold             time.Duration
}

func (o *overlapJob) run(ctx context.Context, _ string) error {
	o.starts.Add(1)
	n := o.cur.Add(1)
	defer o.cur.Add(-1)
	for {
		m := o.max.Load()
		if n <= m || o.max.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-time.After(o.hold):
	case <-ctx.Done():
	}
	return nil
}

func TestScheduleFiresAndNeverOverlaps(t *testing.T) {
	job := &overlapJob{hold: 1500 * time.Millisecond}
	r := NewRunner(job.run, quiet())
	// Both entries fire every second all year: the busy one must not run
	// beside the main one.
	all := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	s, err := New(context.Background(), r, Options{Schedule: "* * * * * *", BusySchedule: "* * * * * *", BusyMonths: all, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s.Start()
	// Wait for a second run (polling, not a fixed sleep: CI runs test
	// packages in parallel on 2 cores, so ticks can be late).
	for job.starts.Load() < 2 && time.Since(start) < 30*time.Second {
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	// Measured after Stop: a tick may start another run between the
	// poll above and Stop, and the bound must cover it.
	elapsed := time.Since(start)
	// Ticks every second and 1.5 s runs: without SkipIfStillRunning two
	// ticks would start during one run.
	got := job.starts.Load()
	if got < 2 || float64(got) > elapsed.Seconds()/1.5+1 {
		t.Errorf("runs started = %d in %s with 1.5 s runs", got, elapsed.Round(time.Millisecond))
	}
	if got := job.max.Load(); got != 1 {
		t.Errorf("max concurrent runs = %d, want 1", got)
	}
	if job.cur.Load() != 0 {
		t.Error("Stop returned while a run was still going")
	}
}

func TestBusySeasonOnlyInBusyMonths(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	for _, tc := range []struct {
		name string
		now  time.Time
		want bool
	}{
		{"january", time.Date(2026, 1, 15, 10, 0, 0, 0, shanghai), true},
		{"april 30", time.Date(2026, 4, 30, 23, 0, 0, 0, shanghai), true},
		// 2026-04-30 17:00 UTC is already May 1 in Shanghai.
		{"may 1 in shanghai", time.Date(2026, 4, 30, 17, 0, 0, 0, time.UTC), false},
		{"july", time.Date(2026, 7, 1, 12, 0, 0, 0, shanghai), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var runs atomic.Int32
			r := NewRunner(func(context.Context, string) error { runs.Add(1); return nil }, quiet())
			s, err := New(context.Background(), r, Options{BusySchedule: "* * * * * *", BusyMonths: []int{1, 2, 3, 4},
				Logger: quiet(), Now: func() time.Time { return tc.now }})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.InBusySeason(); got != tc.want {
				t.Fatalf("InBusySeason = %v, want %v", got, tc.want)
			}
			s.Start()
			if tc.want {
				for start := time.Now(); runs.Load() == 0 && time.Since(start) < 30*time.Second; {
					time.Sleep(20 * time.Millisecond)
				}
			} else {
				time.Sleep(1300 * time.Millisecond) // more than one tick
			}
			_ = s.Stop(context.Background())
			if (runs.Load() > 0) != tc.want {
				t.Errorf("busy runs = %d, want runs: %v", runs.Load(), tc.want)
			}
		})
	}
}

func TestRunnerSingleFlight(t *testing.T) {
	release := make(chan struct{})
	var runs atomic.Int32
	r := NewRunner(func(ctx context.Context, _ string) error {
		runs.Add(1)
		<-release
		return nil
	}, quiet())
	if err := r.Start(context.Background(), "api"); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), "api"); !errors.Is(err, ErrBusy) {
		t.Errorf("second Start = %v, want ErrBusy", err)
	}
	if err := r.Run(context.Background(), "schedule"); !errors.Is(err, ErrBusy) {
		t.Errorf("Run during a run = %v, want ErrBusy", err)
	}
	if running, reason, _ := r.Status(); !running || reason != "api" {
		t.Errorf("Status = %v %q", running, reason)
	}
	close(release)
	r.Wait()
	if running, _, _ := r.Status(); running {
		t.Error("still running after Wait")
	}
	if err := r.Run(context.Background(), "again"); err != nil {
		t.Errorf("Run after the first finished: %v", err)
	}
	if runs.Load() != 2 {
		t.Errorf("runs = %d, want 2", runs.Load())
	}
}

func TestRunnerPanicReleases(t *testing.T) {
	var calls atomic.Int32
	r := NewRunner(func(context.Context, string) error {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return nil
	}, quiet())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { _ = recover() }()
		_ = r.Run(context.Background(), "x")
	}()
	wg.Wait()
	if err := r.Run(context.Background(), "y"); err != nil {
		t.Fatalf("runner stuck after a panic: %v", err)
	}
	// Start recovers by itself.
	calls.Store(0)
	if err := r.Start(context.Background(), "z"); err != nil {
		t.Fatal(err)
	}
	r.Wait()
	if running, _, _ := r.Status(); running {
		t.Error("running after a panicking Start")
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		ok   bool
	}{
		{"defaults", Options{Schedule: "30 2 * * *", BusySchedule: "30 8-20/4 * * *", BusyMonths: []int{1, 2, 3, 4}}, true},
		{"seconds", Options{Schedule: "*/5 * * * * *"}, true},
		{"descriptor", Options{Schedule: "@every 1h"}, true},
		{"bad spec", Options{Schedule: "every night"}, false},
		{"bad busy spec", Options{BusySchedule: "61 * * * *"}, false},
		{"bad zone", Options{Timezone: "Mars/Olympus"}, false},
		{"bad month", Options{BusyMonths: []int{13}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.opts)
			if (err == nil) != tc.ok {
				t.Errorf("Validate = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestNextIsInZone(t *testing.T) {
	r := NewRunner(func(context.Context, string) error { return nil }, quiet())
	s, err := New(context.Background(), r, Options{Schedule: "30 2 * * *", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(context.Background())
	next := s.Next()["schedule"].In(s.Location())
	if next.Hour() != 2 || next.Minute() != 30 || s.Location().String() != "Asia/Shanghai" {
		t.Errorf("next = %v in %v, want 02:30 Asia/Shanghai", next, s.Location())
	}
}

func TestNextBusySkipsQuietMonths(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	r := NewRunner(func(context.Context, string) error { return nil }, quiet())
	// Busy only in a month other than the current one: the reported next
	// busy tick must be in that month.
	month := time.Now().In(shanghai).Month()%12 + 1
	month = month%12 + 1 // two months ahead, never the current one
	s, err := New(context.Background(), r, Options{BusySchedule: "0 9 * * *", BusyMonths: []int{int(month)}, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(context.Background())
	next := s.Next()["busy"].In(shanghai)
	if next.Month() != month || next.Hour() != 9 || next.Day() != 1 {
		t.Errorf("next busy tick %v, want 09:00 on the 1st of %v", next, month)
	}
}

// busy_months: [] means no busy season: the busy spec adds no entry.
func TestNoBusyMonthsNoBusyEntry(t *testing.T) {
	for _, tc := range []struct {
		months   []int
		wantBusy bool
	}{{nil, false}, {[]int{}, false}, {[]int{1}, true}} {
		r := NewRunner(func(context.Context, string) error { return nil }, nil)
		s, err := New(context.Background(), r, Options{Schedule: "30 2 * * *", BusySchedule: "30 8-20/4 * * *", BusyMonths: tc.months})
		if err != nil {
			t.Fatal(err)
		}
		if _, got := s.Next()["busy"]; got != tc.wantBusy {
			t.Errorf("months %v: busy entry %v, want %v", tc.months, got, tc.wantBusy)
		}
	}
}
