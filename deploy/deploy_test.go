package deploy

import (
	"bufio"
	"context"
	"debug/elf"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/schedule"
)

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestServiceConfigLoads(t *testing.T) {
	cfg, err := config.Load("config.yaml", false)
	if err != nil {
		t.Fatal(err)
	}
	sv := cfg.Serve
	if err := schedule.Validate(schedule.Options{Timezone: sv.Timezone, Schedule: sv.Schedule, BusySchedule: sv.BusySchedule, BusyMonths: sv.BusyMonths}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sv.Addr, "127.0.0.1:") {
		t.Errorf("serve.addr %q is not loopback", sv.Addr)
	}
	if sv.Token != "" {
		t.Error("a token is committed in deploy/config.yaml")
	}
	// Everything the service writes is under the unit's StateDirectory /
	// CacheDirectory and the image's volume.
	for _, p := range []string{cfg.Archive, sv.Backup.Dir} {
		if !strings.HasPrefix(p, "/var/lib/nianbao/") {
			t.Errorf("%s is outside /var/lib/nianbao", p)
		}
	}
	if cfg.Cache != "/var/cache/nianbao" {
		t.Errorf("cache %q, want /var/cache/nianbao", cfg.Cache)
	}
}

// unitKeys parses "Key=value" lines of a systemd unit (last one wins, as
// in systemd for these keys).
func unitKeys(text string) map[string][]string {
	out := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok {
			out[k] = append(out[k], v)
		}
	}
	return out
}

func TestSystemdUnit(t *testing.T) {
	text := read(t, "nianbao.service")
	keys := unitKeys(text)
	for k, want := range map[string]string{
		"DynamicUser": "yes", "StateDirectory": "nianbao", "CacheDirectory": "nianbao", "ProtectSystem": "strict",
		"ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes", "NoNewPrivileges": "yes",
		"CapabilityBoundingSet": "", "KillSignal": "SIGTERM", "RestrictSUIDSGID": "yes",
		"ExecStart": "/usr/local/bin/crawler --config /etc/nianbao/config.yaml serve",
	} {
		v := keys[k]
		if len(v) == 0 || v[len(v)-1] != want {
			t.Errorf("%s=%v, want %q", k, v, want)
		}
	}
	if v := keys["MemoryDenyWriteExecute"]; len(v) > 0 && v[len(v)-1] == "yes" {
		t.Error("MemoryDenyWriteExecute=yes breaks the WebAssembly PDF engine")
	}
	// systemd's own check, with ExecStart pointed at a binary that exists.
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not installed: syntax checked by the key parser only")
		return
	}
	unit := filepath.Join(t.TempDir(), "nianbao.service")
	self, _ := os.Executable()
	if err := os.WriteFile(unit, []byte(strings.ReplaceAll(text, "/usr/local/bin/crawler", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", unit).CombinedOutput()
	if err != nil || strings.Contains(string(out), "nianbao.service:") {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestDockerfileAndCompose(t *testing.T) {
	df := read(t, "Dockerfile")
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(df, -1)); n < 2 {
		t.Errorf("%d FROM lines: want a multi-stage build", n)
	}
	for _, want := range []string{"CGO_ENABLED=0", "./cmd/crawler", `VOLUME ["/var/lib/nianbao"]`, "COPY deploy/config.yaml /etc/nianbao/config.yaml",
		`ENTRYPOINT ["/usr/local/bin/crawler", "--config", "/etc/nianbao/config.yaml"]`, "STOPSIGNAL SIGTERM"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	users := regexp.MustCompile(`(?m)^USER (\S+)`).FindAllStringSubmatch(df, -1)
	if len(users) == 0 || strings.HasPrefix(users[len(users)-1][1], "0") || strings.HasPrefix(users[len(users)-1][1], "root") {
		t.Errorf("final USER %v: want non-root", users)
	}
	// Every COPY source from the build context exists.
	for _, m := range regexp.MustCompile(`(?m)^COPY (?:--chown=\S+ )?([^-\s]\S*) `).FindAllStringSubmatch(df, -1) {
		if _, err := os.Stat(filepath.Join("..", m[1])); err != nil {
			t.Errorf("COPY source %s: %v", m[1], err)
		}
	}
	cf := read(t, "compose.yaml")
	for _, want := range []string{`"127.0.0.1:8080:8080"`, "nianbao-data:/var/lib/nianbao", "dockerfile: deploy/Dockerfile", "stop_grace_period: 90s"} {
		if !strings.Contains(cf, want) {
			t.Errorf("compose.yaml lacks %q", want)
		}
	}
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

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
