package server

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeChildProcess runs the service in a child process (this test
// binary re-executed), sends it a real SIGTERM mid-crawl, and checks the
// exit status and the archive it leaves.
func TestServeChildProcess(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		serveChild(path)
		return
	}
	if testing.Short() {
		t.Skip("child-process test skipped in -short mode")
	}
	f := newFixture(t)
	path := f.path
	if err := f.arc.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChildProcess$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	crawling := false
	deadline := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		if sc.Text() == "CRAWLING" {
			crawling = true
			break
		}
	}
	if !crawling {
		_ = cmd.Wait()
		t.Fatal("child never started crawling")
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for sc.Scan() {
		rest.WriteString(sc.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child exit: %v\n%s", err, rest.String())
	}
	if !strings.Contains(rest.String(), "CLOSED") {
		t.Fatalf("child did not close the archive:\n%s", rest.String())
	}
	verifyAndResume(t, path, childN)
}
