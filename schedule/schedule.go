package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
	_ "time/tzdata" // a static binary in a scratch image has no zoneinfo

	"github.com/robfig/cron/v3"
)

// Job is one unit of scheduled work. reason says what started it
// ("schedule", "busy", "api", …) for logs and run notes.
type Job func(ctx context.Context, reason string) error

// ErrBusy is returned when a run is requested while another is running.
var ErrBusy = errors.New("a run is already in progress")

// Runner lets at most one Job run at a time, whoever asks.
type Runner struct {
	job Job
	log *slog.Logger

	mu      sync.Mutex
	running bool
	reason  string
	started time.Time
	wg      sync.WaitGroup
}

// NewRunner wraps job.
func NewRunner(job Job, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{job: job, log: log}
}

func (r *Runner) acquire(reason string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running {
		return false
	}
	r.running, r.reason, r.started = true, reason, time.Now()
	r.wg.Add(1)
	return true
}

func (r *Runner) release() {
	r.mu.Lock()
	r.running = false
	r.mu.Unlock()
	r.wg.Done()
}

// Run runs the job now, synchronously, unless one is running (ErrBusy).
// A panic in the job is released and re-raised for cron.Recover.
func (r *Runner) Run(ctx context.Context, reason string) error {
	if !r.acquire(reason) {
		r.log.Info("run skipped: previous run still in progress", "reason", reason)
		return ErrBusy
	}
	defer r.release()
	r.log.Info("run started", "reason", reason)
	err := r.job(ctx, reason)
	if err != nil {
		r.log.Error("run finished with error", "reason", reason, "err", err)
	} else {
		r.log.Info("run finished", "reason", reason)
	}
	return err
}

// Start runs the job in the background unless one is running (ErrBusy).
func (r *Runner) Start(ctx context.Context, reason string) error {
	return r.StartWith(ctx, reason, r.job)
}

// StartWith runs job (e.g. a crawl of chosen sites) in the background
// under the same exclusion as the runner's own job.
func (r *Runner) StartWith(ctx context.Context, reason string, job Job) error {
	if !r.acquire(reason) {
		return ErrBusy
	}
	go func() {
		defer r.release()
		defer func() {
			if p := recover(); p != nil {
				r.log.Error("run panicked", "reason", reason, "panic", fmt.Sprint(p))
			}
		}()
		r.log.Info("run started", "reason", reason)
		if err := job(ctx, reason); err != nil {
			r.log.Error("run finished with error", "reason", reason, "err", err)
			return
		}
		r.log.Info("run finished", "reason", reason)
	}()
	return nil
}

// Status reports whether a run is in progress, why and since when.
func (r *Runner) Status() (running bool, reason string, since time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running, r.reason, r.started
}

// Wait blocks until no run is in progress.
func (r *Runner) Wait() { r.wg.Wait() }

// Options configure a Scheduler.
type Options struct {
	Timezone     string // IANA name; "" = Asia/Shanghai
	Schedule     string // main spec; "" = none
	BusySchedule string // extra spec, active only in BusyMonths; "" = none
	BusyMonths   []int  // 1–12
	Logger       *slog.Logger
	// Now is the clock used to decide whether a busy-season tick counts
	// (tests inject it); nil = time.Now.
	Now func() time.Time
}

// Parser accepts standard 5-field specs, an optional leading seconds
// field, and descriptors (@daily, @every 1h).
var Parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Scheduler fires Runner runs on the configured specs.
type Scheduler struct {
	cron   *cron.Cron
	loc    *time.Location
	busy   map[time.Month]bool
	now    func() time.Time
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	ids    map[string]cron.EntryID
	busyS  cron.Schedule
}

// Validate checks opts without starting anything.
func Validate(opts Options) error {
	if _, err := loadLocation(opts.Timezone); err != nil {
		return err
	}
	for _, s := range []struct{ key, spec string }{{"serve.schedule", opts.Schedule}, {"serve.busy_schedule", opts.BusySchedule}} {
		if s.spec == "" {
			continue
		}
		if _, err := Parser.Parse(s.spec); err != nil {
			return fmt.Errorf("%s %q: %w", s.key, s.spec, err)
		}
	}
	for _, m := range opts.BusyMonths {
		if m < 1 || m > 12 {
			return fmt.Errorf("serve.busy_months: %d is not a month (1–12)", m)
		}
	}
	return nil
}

func loadLocation(name string) (*time.Location, error) {
	if name == "" {
		name = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("serve.timezone %q: %w", name, err)
	}
	return loc, nil
}

type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}

// New builds a scheduler that calls runner.Run on each tick. ctx is the
// context handed to the jobs: cancel it (or call Stop) to end runs.
func New(ctx context.Context, runner *Runner, opts Options) (*Scheduler, error) {
	if err := Validate(opts); err != nil {
		return nil, err
	}
	loc, _ := loadLocation(opts.Timezone)
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	cl := cronLogger{log}
	c := cron.New(cron.WithLocation(loc), cron.WithParser(Parser), cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	jctx, cancel := context.WithCancel(ctx)
	s := &Scheduler{cron: c, loc: loc, busy: map[time.Month]bool{}, now: now, log: log, ctx: jctx, cancel: cancel,
		ids: map[string]cron.EntryID{}}
	for _, m := range opts.BusyMonths {
		s.busy[time.Month(m)] = true
	}
	if opts.Schedule != "" {
		id, err := c.AddFunc(opts.Schedule, func() { _ = runner.Run(jctx, "schedule") })
		if err != nil {
			cancel()
			return nil, fmt.Errorf("serve.schedule: %w", err)
		}
		s.ids["schedule"] = id
	}
	if opts.BusySchedule != "" && len(s.busy) > 0 {
		s.busyS, _ = Parser.Parse(opts.BusySchedule)
		id, err := c.AddFunc(opts.BusySchedule, func() {
			if !s.InBusySeason() {
				return
			}
			_ = runner.Run(jctx, "busy")
		})
		if err != nil {
			cancel()
			return nil, fmt.Errorf("serve.busy_schedule: %w", err)
		}
		s.ids["busy"] = id
	}
	return s, nil
}

// AddFunc adds another named entry (e.g. backups) with the same chain.
func (s *Scheduler) AddFunc(name, spec string, fn func(ctx context.Context)) error {
	id, err := s.cron.AddFunc(spec, func() { fn(s.ctx) })
	if err != nil {
		return fmt.Errorf("%s schedule %q: %w", name, spec, err)
	}
	s.ids[name] = id
	return nil
}

// InBusySeason reports whether now (in the scheduler's zone) is in a busy month.
func (s *Scheduler) InBusySeason() bool { return s.busy[s.now().In(s.loc).Month()] }

// Location returns the scheduler's timezone.
func (s *Scheduler) Location() *time.Location { return s.loc }

// Next returns each named entry's next activation (zero before Start).
// For the busy entry that is its next tick inside a busy month, not a
// tick that would be skipped.
func (s *Scheduler) Next() map[string]time.Time {
	out := map[string]time.Time{}
	for name, id := range s.ids {
		t := s.cron.Entry(id).Next
		if name == "busy" && s.busyS != nil {
			for i := 0; i < 100000 && !t.IsZero() && !s.busy[t.In(s.loc).Month()]; i++ {
				t = s.busyS.Next(t)
			}
		}
		out[name] = t
	}
	return out
}

// Start begins firing.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops firing, cancels the jobs' context and waits until running
// jobs return (bounded by ctx).
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop()
	s.cancel()
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("scheduler stop: %w", ctx.Err())
	}
}
