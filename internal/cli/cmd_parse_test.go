package cli

import (
	"bytes"
	"context"
	"encoding/json"
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
		{"not a report still exit 0", []string{"parse", dir + "html-2023-jiedu.html"}, 0, -1, []string{"status: not_report"}},
		{"unreadable file", []string{"parse", "--json", dir + "html-2021-rich.html", dir + "no-such-file.pdf"}, 2, 1, nil},
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
