package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl"
)

// A log line written while the live line is shown clears it, prints, and
// draws the live line again below: the two never share a terminal line.
func TestTermLinesKeepsLiveLineBelowLogs(t *testing.T) {
	var out bytes.Buffer
	tl := &termLines{w: &out}
	above := tl.above()
	above.Write([]byte("before any bar\n"))
	tl.Write([]byte("\rsites 3 running"))
	above.Write([]byte("level=INFO msg=one\n"))
	tl.Write([]byte("\rsites 2 running"))
	above.Write([]byte("level=INFO msg=two\n"))
	want := "before any bar\n" +
		"\rsites 3 running" +
		"\r\033[Klevel=INFO msg=one\n\rsites 3 running" +
		"\rsites 2 running" +
		"\r\033[Klevel=INFO msg=two\n\rsites 2 running"
	if got := out.String(); got != want {
		t.Errorf("terminal got\n%q\nwant\n%q", got, want)
	}
}

// The fleet's counters: sites running and queued, pages, new reports
// (running counts replaced, not added up), failures, and the ETA as the
// largest politeness floor of the running sites.
func TestProgressCountsAFleet(t *testing.T) {
	list := []config.Site{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	p := newProgress(&bytes.Buffer{}, nil, list, nil)
	p.start("a")
	p.start("b")
	p.event(crawl.Event{Site: "a", Outcome: "ok", NewDocs: 1, Floor: 3 * time.Second})
	p.event(crawl.Event{Site: "a", Outcome: "ok", NewDocs: 2, Floor: 2 * time.Second})
	p.event(crawl.Event{Site: "b", Outcome: "error:timeout", Floor: 9 * time.Second})
	if p.pages != 3 || p.newDocs != 2 || p.errs != 1 || p.eta() != 9*time.Second {
		t.Errorf("pages %d new %d errors %d eta %v, want 3 2 1 9s", p.pages, p.newDocs, p.errs, p.eta())
	}
	p.finish(crawl.Result{Run: archive.Run{Site: "b", Status: "failed"}})
	if p.failed != 1 || p.done != 1 || p.eta() != 2*time.Second {
		t.Errorf("failed %d done %d eta %v after b ended, want 1 1 2s", p.failed, p.done, p.eta())
	}
	p.finish(crawl.Result{Run: archive.Run{Site: "a", Status: "ok", NewDocs: 4}})
	if p.newDocs != 4 {
		t.Errorf("new reports %d after a ended with 4, want 4", p.newDocs)
	}
	if running, queued := p.started-p.done, p.total-p.started; running != 0 || queued != 1 {
		t.Errorf("running %d queued %d, want 0 1", running, queued)
	}
}

// The run table lists failures first.
func TestRunTableFailuresFirst(t *testing.T) {
	var out bytes.Buffer
	printRunTable(&out, []crawl.Result{
		{Run: archive.Run{Site: "good", Status: "ok"}},
		{Run: archive.Run{Site: "half", Status: "partial"}},
		{Run: archive.Run{Site: "dead", Status: "failed"}},
	})
	s := out.String()
	if !(strings.Index(s, "dead") < strings.Index(s, "half") && strings.Index(s, "half") < strings.Index(s, "good")) {
		t.Errorf("table not failures first:\n%s", s)
	}
}
