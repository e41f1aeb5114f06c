package crawl

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/portal"
)

func TestKilledCrawlResumesToTheSameArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: kills a crawling child process and resumes (runs without -short)")
	}
	p := portal.New(portal.Options{})
	p.Start()
	defer p.Close()
	now := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	spec := childSpec{Archive: filepath.Join(dir, "killed.db"), Resolve: p.Resolve(), Sites: p.Sites(), Now: now}

	// Reference: one uninterrupted run in process.
	ref, err := archive.Open(filepath.Join(dir, "ref.db"), archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	cfg := config.Default()
	cfg.Crawl.InsecureTLS = true
	fp := &fakeParser{}
	e, err := New(Options{Store: ref, Config: cfg, Resolve: spec.Resolve, LoopbackOnly: true, NoPoliteness: true,
		Parser: fp.parse, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	e.Crawl(context.Background(), spec.Sites)
	want := snapshot(t, ref, spec.Sites)

	// The same crawl as a child process, killed with SIGKILL mid-run until
	// it is allowed to finish.
	kills := 0
	var progress []int // frontier URLs done after each kill
	delays := []time.Duration{400 * time.Millisecond, 300 * time.Millisecond, 200 * time.Millisecond, 150 * time.Millisecond, 100 * time.Millisecond}
	for i := 0; i < 12; i++ {
		// Every other child commits in 20 ms groups, so kills land between
		// many commits, not only before the first 250 ms group.
		spec.CommitEvery = 0
		if i%2 == 0 {
			spec.CommitEvery = 20 * time.Millisecond
		}
		js, _ := json.Marshal(spec)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "NB_CRAWL_CHILD="+string(js))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var werr error
		finished := false
		if kills < len(delays) {
			select {
			case werr = <-done:
				finished = true
			case <-time.After(delays[kills]):
				_ = cmd.Process.Signal(syscall.SIGKILL)
				<-done
				kills++
				progress = append(progress, doneMarks(t, spec))
			}
		} else {
			werr = <-done
			finished = true
		}
		if finished {
			if werr != nil {
				t.Fatalf("child crawl failed: %v\n%s", werr, stderr.String())
			}
			break
		}
	}
	if kills < 3 {
		t.Fatalf("only %d kills landed mid-run; the test proves nothing", kills)
	}
	a, err := archive.Open(spec.Archive, archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	got := snapshot(t, a, spec.Sites)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		gs, ws := map[string]bool{}, map[string]bool{}
		for _, s := range got {
			gs[s] = true
		}
		for _, s := range want {
			ws[s] = true
		}
		for _, s := range want {
			if !gs[s] {
				t.Errorf("missing after kills: %s", s)
			}
		}
		for _, s := range got {
			if !ws[s] {
				t.Errorf("extra after kills: %s", s)
			}
		}
	}
	t.Logf("%d kills (URLs done after each: %v); archive of %d records matches the uninterrupted run", kills, progress, len(want))
}
