package htmltree_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// portedFrom is the golang.org/x/net release whose html package Fast was
// ported from (see doc.go), and upstreamFiles the SHA-256 of each of its
// files the port follows: parse.go (the insertion modes), token.go (the
// tokenizer), const.go (special elements), node.go (scopes and the
// active formatting elements' markers), doctype.go (quirks mode) and
// escape.go (what needs unescaping). Entities are decoded by calling
// html.UnescapeString, so entity.go is shared, not ported.
const portedFrom = "v0.62.0"

var upstreamFiles = map[string]string{
	"parse.go":   "5ce8bf09eee2642e6d08ff4dcdd827fc7f51e2f943c744f901a874956056a2b2",
	"token.go":   "28e4cab66406c656cd2ae007517bac998b3d68d18fce0e0717ed98bed44ed336",
	"const.go":   "44c814afac4b0206a4f2af92607f93a72b93919ec2c3884d372edcdc24507584",
	"node.go":    "3acf739c450f61abd0fc45ccb19e4ddde2982b798791037a6a03c78603b6176f",
	"doctype.go": "b629b17ed04bcab8d832d8caaee00f458c180fd31b6838e318a439a4bf87fffe",
	"escape.go":  "d0dfaa8c3b36ef9d4578dfdf9480c654252afc6a09128d96d570e74c563c82c9",
}

// TestUpstreamUnchanged fails when the golang.org/x/net this module
// builds with has changed a file the port follows since portedFrom. The
// fixtures (TestFastAgrees, every package's TestMain) catch a change
// they exercise; this catches the rest. To re-check after a bump: diff
// each named file between the two releases in the module cache (the
// failure prints the commands; `go mod download golang.org/x/net@v0.62.0`
// fetches the old one), port what changed into htmltree.go, then record
// the new release and hashes here and in doc.go. A bump that leaves these
// files alone passes (and is logged).
func TestUpstreamUnchanged(t *testing.T) {
	out, err := exec.Command("go", "list", "-mod=readonly", "-m", "-f", "{{.Version}} {{.Dir}}", "golang.org/x/net").Output()
	version, dir, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if err != nil || dir == "" {
		t.Skipf("golang.org/x/net is not in the module cache (go list: %v)", err)
	}
	var changed []string
	for name, want := range upstreamFiles {
		b, err := os.ReadFile(filepath.Join(dir, "html", name))
		if err != nil {
			t.Fatalf("golang.org/x/net %s: %v", version, err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != want {
			changed = append(changed, name)
		}
	}
	if len(changed) == 0 {
		if version != portedFrom {
			t.Logf("golang.org/x/net moved from %s to %s; the files htmltree ports are unchanged", portedFrom, version)
		}
		return
	}
	old := filepath.Join(filepath.Dir(dir), "net@"+portedFrom, "html")
	var cmds strings.Builder
	for _, name := range changed {
		cmds.WriteString("\n\tdiff -u " + filepath.Join(old, name) + " " + filepath.Join(dir, "html", name))
	}
	t.Errorf("golang.org/x/net %s changed %s since htmltree was ported from %s: port the differences into htmltree.go, then record %s and the new hashes in upstream_test.go and doc.go:%s",
		version, strings.Join(changed, ", "), portedFrom, version, cmds.String())
}
