package parse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/parse/report"
	"golang.org/x/net/html"
)

func TestStatusAndDispatch(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		file   string
		status string
	}{
		{"html report", mustRead(t, "html-2021-rich.html"), "a.pdf", StatusOK}, // name says pdf: content wins
		{"text report", mustRead(t, "text-2021-flat.txt"), "a.doc", StatusOK},
		{"blank cells are not a failure", mustRead(t, "html-2021-nbsp.html"), "x", StatusOK},
		{"prose-only report", mustRead(t, "html-2023-prose-only.html"), "x", StatusPartial},
		{"解读 page", mustRead(t, "html-2023-jiedu.html"), "x", StatusNotReport},
		{"legacy", mustRead(t, "text-2016-legacy.txt"), "x", StatusOK},
		{"png image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), "report.html", StatusFailed},
		{"truncated docx", []byte("PK\x03\x04\x14\x00\x00\x00word/document.xml"), "r.docx", StatusFailed},
		{"empty", nil, "r.txt", StatusFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(context.Background(), tt.data, report.Meta{File: tt.file}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := Status(r); got != tt.status {
				t.Errorf("Status = %s, want %s (format %s, warnings %v)", got, tt.status, r.Format, r.Warnings)
			}
			if tt.status == StatusFailed && (r.Requests != nil || r.Active != nil || r.ReviewLitigation != nil || r.Format != report.FormatUnknown) {
				t.Errorf("unreadable input produced numbers or a format: %+v", r)
			}
		})
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, mustRead(t, "html-2021-rich.html"), report.Meta{}, Options{}); err == nil {
		t.Error("Parse with a cancelled context returned no error")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mustRead(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func benchParse(b *testing.B, name string) {
	benchParseData(b, name, mustRead(b, name))
}

func benchParseData(b *testing.B, name string, data []byte) {
	meta := report.Meta{File: name}
	ctx := context.Background()
	if _, err := Parse(ctx, data, meta, Options{}); err != nil { // warm caches (OpenCC tables)
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		r, err := Parse(ctx, data, meta, Options{})
		if err != nil || r.Requests == nil {
			b.Fatalf("parse failed: %v", err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	// the machine is shared: CPU time used by this process is the fair
	// per-core figure (it includes GC work on other threads)
	if d := cpuTime() - cpu0; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "reports/cpu-s")
	}
}

// BenchmarkParseHTML: a full 2021 report page (rowspan/colspan tables), end to end.
func BenchmarkParseHTML(b *testing.B) { benchParse(b, "html-2021-rich.html") }

// BenchmarkParseText: the same shape as flattened text, end to end.
func BenchmarkParseText(b *testing.B) { benchParse(b, "text-2021-flat.txt") }

// BenchmarkParseHTMLTypical: real report pages are 20–80 KB (site chrome,
// Word-paste markup, GBK); the sub-benchmark names carry the fixture size.
func BenchmarkParseHTMLTypical(b *testing.B) {
	for _, f := range []string{"html-2021-word.html", "../extract/report-trs-gbk.html"} {
		data := mustRead(b, f)
		name := fmt.Sprintf("%s-%dKB", strings.TrimSuffix(filepath.Base(f), ".html"), len(data)/1024)
		b.Run(name, func(b *testing.B) { benchParseData(b, filepath.Base(f), data) })
	}
}

// BenchmarkHTMLFloor is what the HTML path cost before it had a tree
// builder of its own: charset decoding and golang.org/x/net/html.Parse of
// the same pages, with no extraction and no report parsing. It stays as
// the baseline BenchmarkParseHTMLTypical is read against (extract's
// BenchmarkHTMLTree compares the two tree builders alone); html.Parse
// still reads the pages the fast path declines.
func BenchmarkHTMLFloor(b *testing.B) {
	for _, f := range []string{"html-2021-rich.html", "html-2021-word.html", "../extract/report-trs-gbk.html"} {
		data := mustRead(b, f)
		name := fmt.Sprintf("%s-%dKB", strings.TrimSuffix(filepath.Base(f), ".html"), len(data)/1024)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := html.Parse(strings.NewReader(charset.DecodeHTML(data, ""))); err != nil {
					b.Fatal(err)
				}
			}
			if d := cpuTime() - cpu0; d > 0 {
				b.ReportMetric(float64(b.N)/d.Seconds(), "reports/cpu-s")
			}
		})
	}
}
