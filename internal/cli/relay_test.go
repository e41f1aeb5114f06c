package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/server"
)

// startServe runs `crawler serve` on the archive db (a fake crawler) until
// the test ends, and waits for its relay.
func startServe(t *testing.T, db string) string {
	t.Helper()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfgPath := filepath.Join(dir, "config.yaml")
	cfg := "archive: " + db + "\nlock_timeout: 200ms\nsites:\n  - name: s1\n    region: 测试\n    start: [\"http://127.0.0.1:9/\"]\n" +
		"serve:\n  schedule: \"0 0 1 1 *\"\n  busy_schedule: \"0 0 1 1 *\"\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	old := newServeCrawler
	newServeCrawler = func(*App, *config.Config, *archive.Archive) (server.Crawler, func(), error) {
		return server.CrawlerFunc(func(context.Context, []string) error { return nil }), func() {}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--config", cfgPath, "serve", "--addr", addr}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
		newServeCrawler = old
		if _, err := os.Stat(relayPath(db)); err == nil {
			t.Error("serve left its relay file behind")
		}
	})
	for i := 0; i < 200; i++ {
		if _, ok := readRelay(db); ok {
			return cfgPath
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("serve did not start its relay\n%s", stderr.String())
	return ""
}

// Every read command gives, while `crawler serve` holds the archive, the
// output and exit code it gives without the service; files it makes are
// written on the reader's side. Writes still stop at the lock.
func TestReadCommandsWhileServing(t *testing.T) {
	db, ids := queryArchive(t)
	out := t.TempDir()
	cases := [][]string{
		{"query", "--output", "jsonl"},
		{"query", "--body", "工信局", "--year", "2022-2023", "--output", "csv"},
		{"query", "--missing", "--output", "json"},
		{"query", "--year", "1999"}, // no match: exit 1
		{"show", ids["ys22"]},
		{"show", "deadbeefdeadbeef"}, // unknown: its exit code
		{"series", "--body", "偃师区工业和信息化局", "--years", "2021-2023"},
		{"stats", "--json"},
		{"verify"},
		{"export", "--year", "2022", "-o", "E.csv"},
		{"export", "--year", "2022", "-o", "E.jsonl"},
		{"backup", "B.db"},
		{"backup", "B.db"}, // exists: exit 2
		{"query", "--bogus-flag"},
		{"reindex"},
		{"search", "工业和信息化局", "--output", "jsonl"},
		{"search", "年度报告", "--body", "工信局", "--year", "2022-2023", "--output", "csv"},
		{"search", `"年度报告`}, // bad query: exit 2
	}
	type result struct {
		stdout, stderr string
		code           int
		files          map[string][]byte
	}
	runAll := func(dir string) []result {
		var rs []result
		wd, _ := os.Getwd()
		if err := os.Chdir(dir); err != nil {
			t.Fatal(err)
		}
		defer os.Chdir(wd)
		for _, args := range cases {
			var o, e bytes.Buffer
			code := Main(context.Background(), append([]string{"--archive", db}, args...), strings.NewReader(""), &o, &e)
			r := result{stdout: o.String(), stderr: e.String(), code: code, files: map[string][]byte{}}
			for _, name := range []string{"E.csv", "E.jsonl"} {
				if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
					r.files[name] = b
				}
			}
			rs = append(rs, r)
		}
		return rs
	}
	alone := runAll(filepath.Join(out, "alone"+mkdir(t, out, "alone")))
	// A reader's terminal, and its width, reach the service: the same
	// table, fitted the same way.
	termAlone, _, _ := runTerm(80, "--archive", db, "query")
	cfgPath := startServe(t, db)
	// While serving, a local open of the archive is refused (the lock):
	// the relay is what answers.
	if _, err := archive.Open(db, archive.Options{ReadOnly: true, LockTimeout: 50 * time.Millisecond}); err == nil {
		t.Fatal("the archive opened beside the service: the test proves nothing")
	}
	served := runAll(filepath.Join(out, "served"+mkdir(t, out, "served")))
	if termServed, errOut, _ := runTerm(80, "--archive", db, "query"); termServed != termAlone || !strings.Contains(termServed, "…") {
		t.Errorf("query on an 80-cell terminal:\nalone\n%s\nserved\n%s%s", termAlone, termServed, errOut)
	}
	for i, args := range cases {
		a, s := alone[i], served[i]
		if a.code != s.code || a.stdout != s.stdout || a.stderr != s.stderr {
			t.Errorf("%v:\nalone  exit %d\n%s%s\nserved exit %d\n%s%s", args, a.code, a.stdout, a.stderr, s.code, s.stdout, s.stderr)
		}
		for name, b := range a.files {
			if !bytes.Equal(b, s.files[name]) {
				t.Errorf("%v: %s differs while serving (%d bytes, %d alone)", args, name, len(s.files[name]), len(b))
			}
		}
	}
	for i, args := range cases {
		if args[0] == "search" && served[i].code == 0 && !strings.Contains(served[i].stdout, "【") {
			t.Errorf("%v while serving: no snippet in %q", args, served[i].stdout)
		}
	}
	// The backup made through the service is a whole archive, in the
	// reader's directory.
	b, err := archive.Open(filepath.Join(out, "served", "B.db"), archive.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("backup made while serving: %v", err)
	}
	st, err := b.Stats()
	b.Close()
	if err != nil || st.Documents != len(ids) {
		t.Errorf("backup made while serving holds %d documents (%v), want %d", st.Documents, err, len(ids))
	}
	// A write is not relayed: it stops at the lock, naming the holder.
	junk := filepath.Join(out, "junk.bin")
	os.WriteFile(junk, []byte("x"), 0o644)
	var e bytes.Buffer
	code := Main(context.Background(), []string{"--archive", db, "--config", cfgPath, "import", junk}, strings.NewReader(""), &bytes.Buffer{}, &e)
	if code == 0 || !strings.Contains(e.String(), "in use by") || !strings.Contains(e.String(), "serve") {
		t.Errorf("import while serving: exit %d\n%s", code, e.String())
	}
}

func mkdir(t *testing.T, parent, name string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(parent, name), 0o755); err != nil {
		t.Fatal(err)
	}
	return ""
}

// The relay file names a live service only: one left by a killed service
// is ignored (the command opens the archive itself), and the file is no
// more readable than the archive.
func TestRelayFile(t *testing.T) {
	db, _ := queryArchive(t)
	if err := os.Chmod(db, 0o640); err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(db, archive.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := startRelay(config.Default(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(relayPath(db))
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("relay file mode %v (%v), want the archive's 0640", fi.Mode().Perm(), err)
	}
	if _, ok := readRelay(db); !ok {
		t.Error("a live relay was not found")
	}
	r.Close()
	a.Close()
	// A stale file (a pid that does not exist) is not a service.
	stale, _ := json.Marshal(relayInfo{PID: 1 << 30, Addr: "127.0.0.1:9", Token: "x"})
	os.WriteFile(relayPath(db), stale, 0o600)
	if _, ok := readRelay(db); ok {
		t.Error("a dead service's relay file was taken for a live one")
	}
	var o bytes.Buffer
	if code := Main(context.Background(), []string{"--archive", db, "stats"}, strings.NewReader(""), &o, &bytes.Buffer{}); code != 0 || !strings.Contains(o.String(), "documents") {
		t.Errorf("stats beside a stale relay file: exit %d\n%s", code, o.String())
	}
}
