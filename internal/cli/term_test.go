package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/nianbao/nianbao/portal"
)

// fakeTerm is an output stream that says it is a terminal of a given
// width, so tests reach what only a terminal gets: tables by default,
// fitted to the width, and live progress lines.
type fakeTerm struct {
	bytes.Buffer
	width int
}

func (f *fakeTerm) IsTerminal() bool { return true }
func (f *fakeTerm) TermWidth() int   { return f.width }

// runTerm runs the CLI with stdout and stderr on a fake terminal of width
// cells.
func runTerm(width int, args ...string) (string, string, int) {
	out, errb := &fakeTerm{width: width}, &fakeTerm{width: width}
	code := Main(context.Background(), args, strings.NewReader(""), out, errb)
	return out.String(), errb.String(), code
}

// On a terminal, query prints a table that fits the terminal's width,
// cutting the free-text columns (body, region, title) and never an id.
func TestQueryTableFitsTerminal(t *testing.T) {
	db, ids := queryArchive(t)
	wide, _, code := runTerm(200, "--archive", db, "query")
	if code != 0 || !strings.HasPrefix(wide, "ID ") || !strings.Contains(wide, "偃师区工业和信息化局年度报告") {
		t.Fatalf("wide terminal: exit %d:\n%s", code, wide)
	}
	// 78 cells hold the fixed columns and the cut ones at their narrowest;
	// a narrower terminal gets that narrowest table.
	for _, width := range []int{100, 80, 78, 60} {
		out, errOut, code := runTerm(width, "--archive", db, "query")
		if code != 0 {
			t.Fatalf("width %d: exit %d: %s", width, code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 2+len(ids) {
			t.Fatalf("width %d: %d lines:\n%s", width, len(lines), out)
		}
		for _, l := range lines {
			if w := runewidth.StringWidth(l); w > max(width, 78) {
				t.Errorf("width %d: a line of %d cells: %q", width, w, l)
			}
		}
		for _, id := range ids {
			if !strings.Contains(out, id+"  ") {
				t.Errorf("width %d: id %s cut or missing:\n%s", width, id, out)
			}
		}
		if !strings.Contains(out, "…") {
			t.Errorf("width %d: nothing was cut:\n%s", width, out)
		}
	}
	// Not a terminal: JSON Lines, never cut.
	out, _, _ := runQ("--archive", db, "query")
	if strings.Contains(out, "…") || strings.Count(out, "\n") != len(ids) {
		t.Errorf("pipe output:\n%s", out)
	}
}

// On a terminal, crawl keeps one live line (sites, pages, new reports)
// with log lines above it, and clears it at the end; the per-site table
// goes to stdout either way.
func TestCrawlLiveLineOnTerminal(t *testing.T) {
	p := portal.New(portal.Options{Sites: []string{"yanshi"}})
	p.Start()
	defer p.Close()
	cfg := portalConfig(t, p, filepath.Join(t.TempDir(), "a.db"))
	out, errs, code := runTerm(120, "--config", cfg, "crawl")
	if code != 0 {
		t.Fatalf("crawl exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.HasPrefix(errs, "\rsites 1 running, 0 queued · 0 pages · 0 new · 0 failed · 0 errors") || !strings.Contains(errs, "(0/1)") {
		t.Errorf("no live line:\n%q", errs)
	}
	logs := strings.Count(errs, "msg=")
	if logs == 0 {
		t.Errorf("no log lines:\n%q", errs)
	}
	for rest := errs; strings.Contains(rest, "time="); {
		i := strings.Index(rest, "time=")
		if before := rest[:i]; !strings.HasSuffix(before, "\r") && !strings.HasSuffix(before, "\n") && !strings.HasSuffix(before, "\r\033[K") {
			t.Errorf("a log line shares the live line: %q", before[max(0, len(before)-40):]+rest[i:min(len(rest), i+40)])
		}
		rest = rest[i+1:]
	}
	if tail := errs[strings.LastIndexByte(errs, '\n')+1:]; strings.Contains(tail, "sites ") {
		t.Errorf("the live line is left on the terminal: %q", tail)
	}
	if !strings.Contains(out, "SITE") || !strings.Contains(out, "yanshi") {
		t.Errorf("no per-site table:\n%s", out)
	}
	// Not a terminal: log lines only.
	_, errs, _ = runQ("--config", cfg, "crawl")
	if strings.ContainsAny(errs, "\r\033") || !strings.Contains(errs, "crawl: site done") {
		t.Errorf("not a terminal, yet terminal output:\n%q", errs)
	}
}

// On a terminal, the report grids of parse and show fit its width by
// cutting the row label and key columns, never a number; on a wide one,
// or off a terminal, nothing is cut.
func TestReportTablesFitTerminal(t *testing.T) {
	const file = "../../testdata/reports/html-2021-rich.html"
	full, _, code := runQ("parse", file)
	if code != 0 || !strings.Contains(full, "withheld.prohibited_by_law") {
		t.Fatalf("parse: exit %d:\n%s", code, full)
	}
	if wide, _, _ := runTerm(300, "parse", file); wide != full {
		t.Errorf("a 300-cell terminal changed the output:\n%s", wide)
	}
	// The active table's number columns (its fees header alone is 26 cells)
	// and the narrowest label and key need 106 cells; everything else fits
	// the terminal.
	const narrowest = 106
	for _, width := range []int{120, 100} {
		out, errOut, code := runTerm(width, "parse", file)
		if code != 0 {
			t.Fatalf("width %d: exit %d: %s", width, code, errOut)
		}
		if !strings.Contains(out, "…") {
			t.Errorf("width %d: nothing was cut:\n%s", width, out)
		}
		for _, l := range strings.Split(out, "\n") {
			w := runewidth.StringWidth(l)
			if w > max(width, narrowest) || (strings.Contains(l, "withheld.") && w > width) {
				t.Errorf("width %d: a line of %d cells: %q", width, w, l)
			}
		}
		// Every number survives: the total row ends as it does uncut.
		if got, want := lastField(out, "（七）总计"), lastField(full, "（七）总计"); got != want {
			t.Errorf("width %d: the total row's numbers read %q, want %q", width, got, want)
		}
	}
}

// lastField is the last seven fields (the requests table's numbers) of
// the line of out holding label.
func lastField(out, label string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, label) {
			f := strings.Fields(l)
			return strings.Join(f[len(f)-7:], " ")
		}
	}
	return "no line " + label
}
