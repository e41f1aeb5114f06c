package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/nianbao/nianbao/schedule"
)

// Serve holds the settings of `crawler serve`. Owned by the server package.
//
//	serve:
//	  addr: 127.0.0.1:8080
//	  token: ""                 # or token_file, or env NIANBAO_TOKEN; empty: POST /api/crawl disabled
//	  timezone: Asia/Shanghai
//	  schedule: "30 2 * * *"    # nightly crawl (cron, optional leading seconds field)
//	  busy_schedule: "30 8-20/4 * * *"  # extra runs in busy_months, when reports are due
//	  busy_months: [1, 2, 3, 4]
//	  webhooks: [{url: "http://127.0.0.1:9000/hook", events: [new_report, site_silent, site_failing, overdue]}]
//	  alerts: {error_runs: 3, silent_runs: 2, deadline_grace: 72h, overdue: true}
//	  rate_limit: 10            # API requests per second per client
//	  rate_burst: 40
//	  backup: {schedule: "0 4 * * 0", dir: /var/lib/nianbao/backups, keep: 4}
type Serve struct {
	Addr string `yaml:"addr"`
	// Token authorises write requests (POST /api/crawl). Empty: the API is
	// read-only. The environment variable NIANBAO_TOKEN and TokenFile
	// override it, so secrets can stay out of config.yaml.
	Token     string `yaml:"token"`
	TokenFile string `yaml:"token_file"`

	Timezone     string `yaml:"timezone"`
	Schedule     string `yaml:"schedule"`
	BusySchedule string `yaml:"busy_schedule"`
	BusyMonths   []int  `yaml:"busy_months"`

	Webhooks []Webhook `yaml:"webhooks"`
	Alerts   Alerts    `yaml:"alerts"`

	RateLimit float64 `yaml:"rate_limit"`
	RateBurst int     `yaml:"rate_burst"`

	Backup Backup `yaml:"backup"`
}

// Webhook is one alert receiver: a JSON POST per event.
type Webhook struct {
	URL string `yaml:"url"`
	// Events filters by kind (new_report, site_silent, site_failing,
	// overdue); empty: every kind.
	Events []string `yaml:"events"`
	// Headers are added to each request (e.g. an Authorization header the
	// receiver wants).
	Headers map[string]string `yaml:"headers"`
	Timeout Duration          `yaml:"timeout"`
}

// Alerts holds the alert thresholds.
type Alerts struct {
	// ErrorRuns: a site whose last ErrorRuns runs all failed is "failing".
	ErrorRuns int `yaml:"error_runs"`
	// SilentRuns: a site that yielded reports before and none in its last
	// SilentRuns runs is "silent".
	SilentRuns int `yaml:"silent_runs"`
	// DeadlineGrace is added to the legal publication deadline before a
	// missing report counts as overdue.
	DeadlineGrace Duration `yaml:"deadline_grace"`
	// Overdue enables the "no report for year Y after the deadline" alert (default true).
	Overdue *bool `yaml:"overdue"`
}

// OverdueOn reports whether overdue alerts are enabled.
func (a Alerts) OverdueOn() bool { return a.Overdue == nil || *a.Overdue }

// Backup schedules hot copies of the archive made by the running service
// (`crawler backup` cannot open the file while serve holds it).
type Backup struct {
	Schedule string `yaml:"schedule"` // empty: no scheduled backups
	Dir      string `yaml:"dir"`
	Keep     int    `yaml:"keep"` // newest copies kept; 0 = all
}

func (s *Serve) setDefaults() {
	if s.Addr == "" {
		s.Addr = "127.0.0.1:8080"
	}
	if s.Timezone == "" {
		s.Timezone = "Asia/Shanghai"
	}
	if s.Schedule == "" {
		s.Schedule = "30 2 * * *"
	}
	if s.BusySchedule == "" {
		s.BusySchedule = "30 8-20/4 * * *"
	}
	// nil = not set: January–April. An explicit `busy_months: []` (an
	// empty, non-nil slice after decoding) turns the busy season off.
	if s.BusyMonths == nil {
		s.BusyMonths = []int{1, 2, 3, 4}
	}
	if s.Alerts.ErrorRuns == 0 {
		s.Alerts.ErrorRuns = 3
	}
	if s.Alerts.SilentRuns == 0 {
		s.Alerts.SilentRuns = 2
	}
	if s.Alerts.DeadlineGrace == 0 {
		s.Alerts.DeadlineGrace = Duration(72 * time.Hour)
	}
	if s.RateLimit == 0 {
		s.RateLimit = 10
	}
	if s.RateBurst == 0 {
		s.RateBurst = 40
	}
	for i := range s.Webhooks {
		if s.Webhooks[i].Timeout == 0 {
			s.Webhooks[i].Timeout = Duration(10 * time.Second)
		}
	}
}

// ResolveToken returns the write token: NIANBAO_TOKEN, else the first line
// of TokenFile, else Token.
func (s *Serve) ResolveToken() (string, error) {
	if t := os.Getenv("NIANBAO_TOKEN"); t != "" {
		return t, nil
	}
	if s.TokenFile != "" {
		b, err := os.ReadFile(s.TokenFile)
		if err != nil {
			return "", err
		}
		for i, c := range b {
			if c == '\n' || c == '\r' {
				b = b[:i]
				break
			}
		}
		return string(b), nil
	}
	return s.Token, nil
}

// validate checks what `crawler serve` would otherwise find only when it
// starts: the cron specs, the timezone, the months, the backup directory,
// the webhook URLs. l names the line of the key at fault.
func (s *Serve) validate(l lines) error {
	at := func(msg string, key ...string) error {
		return errors.New(l.at(msg, append([]string{"serve"}, key...)...))
	}
	// The default zone is checked only when serve starts: a machine
	// without tzdata can still run every other command.
	if l.set("serve", "timezone") {
		if _, err := time.LoadLocation(s.Timezone); err != nil {
			return at(fmt.Sprintf("serve.timezone %q: %v (want an IANA name such as Asia/Shanghai)", s.Timezone, err), "timezone")
		}
	}
	for _, c := range []struct {
		key  []string
		spec string
	}{
		{[]string{"schedule"}, s.Schedule},
		{[]string{"busy_schedule"}, s.BusySchedule},
		{[]string{"backup", "schedule"}, s.Backup.Schedule},
	} {
		if c.spec == "" {
			continue
		}
		if _, err := schedule.Parser.Parse(c.spec); err != nil {
			name := "serve." + c.key[0]
			if len(c.key) > 1 {
				name += "." + c.key[1]
			}
			return at(fmt.Sprintf("%s %q: %v (want cron fields \"minute hour day month weekday\", e.g. \"30 2 * * *\", or @daily)",
				name, c.spec, err), c.key...)
		}
	}
	for i, m := range s.BusyMonths {
		if m < 1 || m > 12 {
			return at(fmt.Sprintf("serve.busy_months: %d is not a month (1–12)", m), "busy_months", strconv.Itoa(i))
		}
	}
	if s.Backup.Schedule != "" && s.Backup.Dir == "" {
		return at("serve.backup.dir is required with serve.backup.schedule", "backup")
	}
	for i, h := range s.Webhooks {
		key := []string{"webhooks", strconv.Itoa(i)}
		if h.URL == "" {
			return at(fmt.Sprintf("serve.webhooks[%d]: url is required", i), key...)
		}
		if u, err := url.Parse(h.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return at(fmt.Sprintf("serve.webhooks[%d]: url %q: want an absolute http:// or https:// URL", i, h.URL), append(key, "url")...)
		}
	}
	if s.RateLimit < 0 || s.RateBurst < 0 {
		return at("serve.rate_limit and serve.rate_burst must not be negative", "rate_limit")
	}
	return nil
}
