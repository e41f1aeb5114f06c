package config

import (
	"os"
	"time"
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
