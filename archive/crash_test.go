package archive

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestCrashLeavesVerifiableArchive kills (SIGKILL) a child process that
// writes blobs, captures, documents and frontier entries in a loop, several
// times, and checks the archive opens, verifies, and keeps every capture
// whose commit the child reported.
func TestCrashLeavesVerifiableArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	for round := 0; round < 4; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=TestHelperWriteLoop")
		cmd.Env = append(os.Environ(), "NIANBAO_WRITE_LOOP="+path, "NIANBAO_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it commit a while, then kill it mid-write.
		buf := make([]byte, 1)
		for got := 0; got < 20+round*7; {
			if _, err := out.Read(buf); err != nil {
				t.Fatalf("child ended early: %v", err)
			}
			if buf[0] == '.' {
				got++
			}
		}
		time.Sleep(time.Duration(round) * 3 * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()

		a, err := Open(path, Options{LockTimeout: 2 * time.Second})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		res, err := a.Verify(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) > 0 {
			t.Fatalf("round %d: problems after crash: %v", round, res.Problems)
		}
		if res.Captures < 20 {
			t.Fatalf("round %d: only %d captures survived", round, res.Captures)
		}
		a.Close()
	}
}

func TestHelperWriteLoop(t *testing.T) {
	path := os.Getenv("NIANBAO_WRITE_LOOP")
	if path == "" {
		t.Skip("helper process for TestCrashLeavesVerifiableArchive")
	}
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	round := os.Getenv("NIANBAO_ROUND")
	for i := 0; ; i++ {
		data := randBytes(int64(i)*31+int64(len(round)), 2000+i%5*ChunkSize/2)
		info, _, err := a.PutBlobBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		url := fmt.Sprintf("http://x.gov.cn/r%s/%d.pdf", round, i)
		d := &Document{ID: DocID("s", url), Site: "s", URL: url, Body: "b", Year: 2020 + i%5,
			Files: []FileRef{{URL: url, SHA256: info.SHA256}}}
		if err := a.CommitFetch(Fetch{Capture: &Capture{URL: url, SHA256: info.SHA256, Site: "s"},
			State: &URLState{URL: url}, Site: "s", Done: url, New: []FrontierItem{{URL: url + "?next", Site: "s"}}, Doc: d}); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString(".")
	}
}
