package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	const dir = "../../testdata/reports/"
	tests := []struct {
		name     string
		args     []string
		code     int
		jsonLine int // JSON lines expected on stdout (-1: not JSON)
		contains []string
	}{
		{"json two files", []string{"parse", "--json", dir + "html-2021-rich.html", dir + "text-2019-flat.txt"}, 0, 2, []string{`"schema":"nianbao.report/1"`, `"format":"2019"`}},
		{"summary", []string{"parse", dir + "html-2021-bad-sums.html"}, 0, -1, []string{"status: ok", "✗ H2 requests.total.natural_person", "format: 2021"}},
		{"tables for a human", []string{"parse", dir + "html-2021-bad-sums.html"}, 0, -1, []string{
			"三、收到和处理政府信息公开申请情况 (requests)", "withheld.state_secret", "（七）总计", "行政诉讼·复议后起诉", "本年收费金额（单位：万元）"}},
		{"not a report still exit 0", []string{"parse", dir + "html-2023-jiedu.html"}, 0, -1, []string{"status: not_report"}},
		{"unreadable file", []string{"parse", "--json", dir + "html-2021-rich.html", dir + "no-such-file.pdf"}, 1, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errb.String())
			}
			if tt.jsonLine >= 0 {
				lines := strings.Split(strings.TrimSpace(out.String()), "\n")
				if len(lines) != tt.jsonLine {
					t.Fatalf("%d lines, want %d", len(lines), tt.jsonLine)
				}
				for _, l := range lines {
					var m map[string]any
					if err := json.Unmarshal([]byte(l), &m); err != nil {
						t.Errorf("line is not JSON: %v", err)
					}
				}
			}
			for _, c := range tt.contains {
				if !strings.Contains(out.String(), c) {
					t.Errorf("output lacks %q:\n%s", c, out.String())
				}
			}
		})
	}
}

// A missing file is not a usage error: exit 1 (2 is for a bad flag or a
// missing argument), naming the file, and the other files are parsed.
func TestParseMissingFile(t *testing.T) {
	const dir = "../../testdata/reports/"
	missing := filepath.Join(t.TempDir(), "nosuchfile")
	out, errOut, code := runQ("parse", missing)
	if code != 1 || out != "" {
		t.Errorf("parse %s: exit %d, stdout %q; want 1 and nothing", missing, code, out)
	}
	for _, want := range []string{"crawler parse: no such file: " + missing, "1 of 1 files could not be read"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	out, errOut, code = runQ("parse", missing, dir+"text-2019-flat.txt")
	if code != 1 || !strings.Contains(out, "format: 2019") || !strings.Contains(errOut, "1 of 2 files could not be read") {
		t.Errorf("a missing file beside a good one: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, _, code := runQ("parse"); code != 2 {
		t.Errorf("parse with no file: exit %d, want 2 (usage)", code)
	}
}

// A file the parser cannot read at all is one line saying why, not the
// missing title, body, year and tables that follow from it; --json keeps
// every warning.
func TestParseUnreadFileOneLine(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(empty, nil, 0o644)
	os.WriteFile(junk, []byte{0x00, 0x01, 0xfe, 0xff, 0x10, 0x80, 0x00, 0x7f}, 0o644)
	for _, tc := range []struct{ path, want string }{
		{empty, empty + ": status failed: empty file (0 bytes)\n"},
		{junk, junk + ": status failed: unsupported_media: content is application/octet-stream: not a document the parser reads\n"},
	} {
		out, errOut, code := runQ("parse", tc.path)
		if code != 0 || out != tc.want {
			t.Errorf("exit %d: %q, want %q (stderr %q)", code, out, tc.want, errOut)
		}
		out, _, _ = runQ("parse", "--json", tc.path)
		if !strings.Contains(out, `"code":"unsupported_media"`) || !strings.Contains(out, `"code":"year_missing"`) {
			t.Errorf("--json lost warnings: %s", out)
		}
	}
}

// A readable file that is not a report shows the warning that says why,
// and counts the ones that follow from it (no title, year or tables)
// instead of listing them; --json keeps them all.
func TestParseNotReportOneWarning(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("# Meeting notes\n\nNothing about annual reports here.\n"), 0o644)
	for _, tc := range []struct{ path, warning string }{
		{notes, "  warning not_report: no report title, no section headings and no tables: probably not a report\n"},
		{"../../testdata/reports/html-2023-jiedu.html", "  warning not_report: title \"偃师区发展和改革委员会2023年政府信息公开工作年度报告解读\" names an interpretation"},
	} {
		out, errOut, code := runQ("parse", tc.path)
		if code != 0 || !strings.Contains(out, "status: not_report") || !strings.Contains(out, tc.warning) {
			t.Errorf("%s: exit %d:\n%s%s", tc.path, code, out, errOut)
		}
		if n := strings.Count(out, "  warning "); n != 1 {
			t.Errorf("%s: %d warnings printed, want the one:\n%s", tc.path, n, out)
		}
		if !strings.Contains(out, "more warnings follow from it: --json lists them)") {
			t.Errorf("%s: the hidden warnings are not counted:\n%s", tc.path, out)
		}
		out, _, _ = runQ("parse", "--json", tc.path)
		if !strings.Contains(out, `"code":"not_report"`) || !strings.Contains(out, `"code":"table_missing"`) {
			t.Errorf("%s: --json lost warnings: %s", tc.path, out)
		}
	}
}
