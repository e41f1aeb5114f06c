package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/nianbao/nianbao/config"
)

// Event kinds (the "kind" field, and the names used in webhooks[].events).
const (
	KindNewReport   = "new_report"
	KindSiteSilent  = "site_silent"
	KindSiteFailing = "site_failing"
	KindOverdue     = "overdue"
)

// Kinds lists every event kind.
var Kinds = []string{KindNewReport, KindSiteSilent, KindSiteFailing, KindOverdue}

// Event is the JSON body of one webhook POST.
type Event struct {
	Kind    string    `json:"kind"`
	Time    time.Time `json:"time"`
	Message string    `json:"message"` // one line, Chinese, for chat receivers
	Site    string    `json:"site,omitempty"`
	Report  *Report   `json:"report,omitempty"`
	// Overdue: the body, the missing year and the deadline that passed.
	Body     string     `json:"body,omitempty"`
	Year     int        `json:"year,omitempty"`
	Deadline *time.Time `json:"deadline,omitempty"`
	// Site alerts: how many recent runs the judgement is based on.
	Runs int `json:"runs,omitempty"`
}

// Report identifies a document in a new_report event.
type Report struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	Region string `json:"region"`
	Year   int    `json:"year"`
	URL    string `json:"url"`
}

// Notifier posts events to the configured webhooks.
type Notifier struct {
	hooks  []config.Webhook
	client *http.Client
	log    *slog.Logger
	// Retries is how many times a failed POST is retried (default 2).
	Retries int
	// Backoff is the wait before the first retry, doubled each time.
	Backoff time.Duration
}

// NewNotifier returns a Notifier for hooks. client nil: a client with the
// hooks' own timeouts.
func NewNotifier(hooks []config.Webhook, client *http.Client, log *slog.Logger) (*Notifier, error) {
	for i, h := range hooks {
		if h.URL == "" {
			return nil, fmt.Errorf("serve.webhooks[%d]: url is required", i)
		}
		for _, k := range h.Events {
			if !slices.Contains(Kinds, k) {
				return nil, fmt.Errorf("serve.webhooks[%d]: unknown event %q (want one of %v)", i, k, Kinds)
			}
		}
	}
	if client == nil {
		client = &http.Client{}
	}
	if log == nil {
		log = slog.Default()
	}
	return &Notifier{hooks: hooks, client: client, log: log, Retries: 2, Backoff: time.Second}, nil
}

// Send delivers ev to every hook that wants its kind. It returns the
// joined errors of the hooks that failed after retries.
func (n *Notifier) Send(ctx context.Context, ev Event) error {
	if n == nil {
		return nil
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("marshal alert: %w", err)
	}
	var errs []error
	for _, h := range n.hooks {
		if len(h.Events) > 0 && !slices.Contains(h.Events, ev.Kind) {
			continue
		}
		if err := n.post(ctx, h, body); err != nil {
			n.log.Error("webhook failed", "kind", ev.Kind, "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (n *Notifier) post(ctx context.Context, h config.Webhook, body []byte) error {
	wait := n.Backoff
	var last error
	for attempt := 0; attempt <= n.Retries; attempt++ {
		if attempt > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return fmt.Errorf("webhook %s: %w", h.URL, ctx.Err())
			}
			wait *= 2
		}
		last = n.postOnce(ctx, h, body)
		if last == nil {
			return nil
		}
	}
	return last
}

func (n *Notifier) postOnce(ctx context.Context, h config.Webhook, body []byte) error {
	timeout := h.Timeout.D()
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", h.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "nianbao-alert/1")
	for k, v := range h.Headers {
		req.Header.Set(k, v)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", h.URL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s: status %s", h.URL, resp.Status)
	}
	return nil
}
