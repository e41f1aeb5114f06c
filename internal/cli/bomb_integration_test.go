package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

// TestCommandChild is the child half of TestPDFBombCommands: it runs the
// command line in NIANBAO_CLI_ARGS (a JSON array of arguments)
// and prints its exit code, output and the process's peak memory.
func TestCommandChild(t *testing.T) {
	env := os.Getenv("NIANBAO_CLI_ARGS")
	if env == "" {
		t.Skip("child of TestPDFBombCommands")
	}
	var args []string
	if err := json.Unmarshal([]byte(env), &args); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	fmt.Printf("EXIT %d\nSTDOUT %q\nSTDERR %q\n", code, out.String(), errb.String())
	fmt.Printf("VmHWM=%s kB\n", vmHWM())
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			return f[1]
		}
	}
	return ""
}

// TestPDFBombCommands: `crawler parse` and `crawler import` of a 2 MB
// PDF whose content stream inflates to 2 GiB — plain, and encrypted as
// anyone may open it — each stay under 1 GB of memory (peak RSS of a
// child process running the command alone), end in the clear error, and
// import keeps the file's bytes archived, its parse failed with the
// reason.
func TestPDFBombCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 2 GiB flate bomb (≈5 s) and runs four commands in children")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to read peak memory from")
	}
	const bound = 1 << 30
	const reason = "pdf: a content stream (object 4) inflates past 256 MiB: not parsed"
	dir := t.TempDir()
	for _, m := range []pdftest.Method{pdftest.Plain, pdftest.AES128} {
		name := "plain"
		if m != pdftest.Plain {
			name = string(m)
		}
		bomb := pdftest.Bomb(2<<30, m)
		path := filepath.Join(dir, "bomb-"+name+".pdf")
		if err := os.WriteFile(path, bomb, 0o644); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(dir, name+".db")
		for _, c := range []struct {
			cmd  string
			args []string
			want []string
		}{
			{"parse", []string{"parse", path}, []string{"status failed: pdf_inflate_limit: " + reason}},
			{"import", []string{"--archive", db, "import", "--url", "http://www.example.gov.cn/" + name + ".pdf", path},
				[]string{"stored", "parse failed"}},
		} {
			t.Run(name+"/"+c.cmd, func(t *testing.T) {
				kb := commandInChild(t, c.args, bound, c.want)
				t.Logf("%d-byte bomb: peak RSS %d MiB", len(bomb), kb>>10)
			})
		}
		t.Run(name+"/archived", func(t *testing.T) {
			a, err := archive.Open(db, archive.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			sum := sha256.Sum256(bomb)
			sha := hex.EncodeToString(sum[:])
			stored, err := a.ReadBlob(sha)
			if err != nil || !bytes.Equal(stored, bomb) {
				t.Fatalf("the bomb's bytes are not archived intact (err %v, %d of %d bytes)", err, len(stored), len(bomb))
			}
			docs, err := a.DocumentsByHash(sha)
			if err != nil || len(docs) != 1 {
				t.Fatalf("documents with the bomb: %d, %v", len(docs), err)
			}
			d := docs[0]
			if d.ParseStatus != "failed" || !slices.ContainsFunc(d.Warnings, func(w string) bool { return strings.Contains(w, reason) }) {
				t.Errorf("document %s: status %q warnings %q, want failed with %q", d.ID, d.ParseStatus, d.Warnings, reason)
			}
		})
	}
}

// commandInChild runs crawler with args in a child process (TestCommandChild)
// and checks what the hostile-file tests ask of every command: exit 0,
// peak RSS under bound, and each of want in its standard output. It
// returns the peak in KiB for the caller's log.
func commandInChild(t *testing.T, args []string, bound int64, want []string) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCommandChild$", "-test.v")
	js, _ := json.Marshal(args)
	cmd.Env = append(os.Environ(), "NIANBAO_CLI_ARGS="+string(js))
	outb, err := cmd.CombinedOutput()
	out := string(outb)
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`VmHWM=(\d+) kB`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("child printed no VmHWM:\n%s", out)
	}
	kb, _ := strconv.ParseInt(m[1], 10, 64)
	if kb<<10 >= bound {
		t.Errorf("peak RSS %d MiB, want under %d MiB", kb>>10, bound>>20)
	}
	if !strings.Contains(out, "EXIT 0\n") {
		t.Errorf("exit status not 0:\n%s", out)
	}
	stdout := regexp.MustCompile(`STDOUT (".*")`).FindStringSubmatch(out)
	if stdout == nil {
		t.Fatalf("child printed no STDOUT:\n%s", out)
	}
	text, _ := strconv.Unquote(stdout[1])
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q:\n%s", w, text)
		}
	}
	return kb
}
