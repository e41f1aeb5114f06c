package deploy

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
