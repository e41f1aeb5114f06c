package server

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// verifyAndResume reopens the archive at path, checks it verifies, that
// the interrupted crawl left its frontier, and that a second crawl
// finishes the job with every URL archived exactly once.
func verifyAndResume(t *testing.T, path string, n int) {
	t.Helper()
	arc, err := archive.Open(path, archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	res, err := arc.Verify(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("archive does not verify after shutdown: %v", res.Problems)
	}
	pending, done, err := arc.FrontierLen("yanshi")
	if err != nil {
		t.Fatal(err)
	}
	if pending == 0 || done == 0 || pending+done != n {
		t.Fatalf("frontier after interruption: %d pending, %d done, want both > 0 summing to %d", pending, done, n)
	}
	runs, _ := arc.Runs("yanshi", 1)
	if len(runs) != 1 || runs[0].Status != "interrupted" {
		t.Errorf("last run %+v, want interrupted", runs)
	}
	eng := &fakeEngine{arc: arc, n: n}
	if err := eng.Run(context.Background(), []string{"yanshi"}); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := arc.FrontierLen("yanshi"); p != 0 {
		t.Errorf("%d URLs still pending after the resumed run", p)
	}
	docs, _ := arc.FindDocuments(archive.Query{Site: "yanshi", YearFrom: 2023, YearTo: 2023})
	crawled := 0
	for _, d := range docs {
		if strings.HasPrefix(d.URL, "http://yanshi.example.gov.cn/") {
			crawled++
		}
	}
	if crawled != n {
		t.Errorf("%d crawled documents after resume, want %d", crawled, n)
	}
	if res, _ := arc.Verify(context.Background(), nil); len(res.Problems) > 0 {
		t.Errorf("archive does not verify after resume: %v", res.Problems)
	}
}

// Cancelling the service's context mid-crawl (what SIGTERM does through
// cmd/crawler/main.go) stops the crawl at a commit boundary and Run
// returns only after it has.
func TestShutdownMidCrawl(t *testing.T) {
	f := newFixture(t)
	f.cfg.Sites = f.cfg.Sites[:1]
	f.cfg.Serve.Schedule = "* * * * * *"
	const n = 60
	eng := &fakeEngine{arc: f.arc, n: n, delay: 40 * time.Millisecond, started: make(chan struct{})}
	s, err := New(Options{Archive: f.arc, Config: f.cfg, Crawler: eng, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, listen(t)) }()
	<-eng.started
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if running, _, _ := s.runner.Status(); running {
		t.Fatal("Run returned while the crawl was still running")
	}
	if err := f.arc.Close(); err != nil {
		t.Fatal(err)
	}
	verifyAndResume(t, f.path, n)
}

const childEnv = "NIANBAO_SERVE_CHILD_ARCHIVE"

const childN = 80

// serveChild is the child's main: what `crawler serve` does, with the
// fake engine, until SIGTERM.
func serveChild(path string) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	arc, err := archive.Open(path, archive.Options{})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(3)
	}
	cfg := testConfig()
	cfg.Sites = cfg.Sites[:1]
	cfg.Serve.Schedule = "* * * * * *"
	eng := &fakeEngine{arc: arc, n: childN, delay: 30 * time.Millisecond, started: make(chan struct{})}
	go func() { <-eng.started; fmt.Println("CRAWLING") }()
	s, err := New(Options{Archive: arc, Config: cfg, Crawler: eng, Logger: quiet()})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(3)
	}
	if err := s.Run(ctx, ln); err != nil {
		fmt.Println("ERROR", err)
		os.Exit(4)
	}
	if err := arc.Close(); err != nil {
		fmt.Println("ERROR", err)
		os.Exit(5)
	}
	fmt.Println("CLOSED")
}
