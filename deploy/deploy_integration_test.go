package deploy

import (
	"context"
	"debug/elf"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStaticBinary builds what the Dockerfile's build stage builds, checks
// that it is static (runs in distroless/static), and runs it with the
// deploy config (paths moved into a temp dir, sites pointed at loopback):
// it serves, stops cleanly on SIGTERM, and leaves an archive that verifies.
func TestStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole binary; skipped in -short mode")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "crawler")
	// The Dockerfile adds -trimpath -ldflags="-s -w", which change neither
	// linking nor behaviour; without them this build reuses the package
	// cache of `go test ./...` and stays fast in CI.
	build := exec.Command("go", "build", "-o", bin, "./cmd/crawler")
	build.Dir = ".."
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("binary has an ELF interpreter: not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("binary links %v: not static", libs)
	}
	f.Close()

	addr := freePort(t)
	cfgText := read(t, "config.yaml")
	cfgText = strings.NewReplacer("/var/lib/nianbao", filepath.Join(dir, "state"), "/var/cache/nianbao", filepath.Join(dir, "cache"),
		"127.0.0.1:8080", addr, "http://www.yanshi.gov.cn/", "http://127.0.0.1:9/",
		`["www.yanshi.gov.cn", "*.yanshi.gov.cn"]`, `["127.0.0.1"]`).Replace(cfgText)
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config", cfgPath, "serve")
	cmd.Env = append(os.Environ(), "NIANBAO_TOKEN=deploy-test")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var health map[string]any
	for i := 0; ; i++ {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && json.Unmarshal(b, &health) == nil {
				break
			}
		}
		if i > 100 {
			_ = cmd.Process.Kill()
			t.Fatalf("service did not come up: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if health["status"] != "ok" {
		t.Errorf("healthz %v", health)
	}
	resp, err := http.Get("http://" + addr + "/api/sites")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"site":"yanshi"`) {
		t.Errorf("/api/sites: %s", b)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", logs.String())
	}
	out, err := exec.Command(bin, "--config", cfgPath, "verify").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK") {
		t.Errorf("verify after stop: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "nianbao.db")); err != nil {
		t.Errorf("archive not under the state directory: %v", err)
	}
}
