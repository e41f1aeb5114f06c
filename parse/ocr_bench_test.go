package parse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/report"
)

func cpuOf(who int) time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkOCRResolution reads the two sample scans with tesseract at
// several rendering resolutions and reports, per resolution, the table
// values read right and wrong (of the 99 each shows; the truth is the
// DOCX) and the CPU seconds per page (this process and tesseract).
func BenchmarkOCRResolution(b *testing.B) {
	needTesseractB(b)
	truth, _ := ocrTruthB(b)
	for _, dpi := range []int{200, 250, 300, 400} {
		b.Run(fmt.Sprintf("dpi=%d", dpi), func(b *testing.B) {
			var right, wrong, pages int
			c0 := cpuOf(syscall.RUSAGE_SELF) + cpuOf(syscall.RUSAGE_CHILDREN)
			for b.Loop() {
				right, wrong, pages = 0, 0, 0
				for _, sample := range []string{"report-scan.pdf", "report-outlines.pdf"} {
					data, err := os.ReadFile(filepath.Join("../testdata/samples", sample))
					if err != nil {
						b.Fatal(err)
					}
					r, err := Parse(context.Background(), data, report.Meta{File: sample},
						Options{PDFEngine: testEngine(b), PDF: pdf.Options{OCRDPI: dpi, Timeout: 10 * time.Minute}})
					if err != nil {
						b.Fatal(err)
					}
					ok, bad := scoreOCR(truth, r)
					right += ok
					wrong += len(bad)
					pages += map[string]int{"report-scan.pdf": 2, "report-outlines.pdf": 1}[sample]
				}
			}
			cpu := cpuOf(syscall.RUSAGE_SELF) + cpuOf(syscall.RUSAGE_CHILDREN) - c0
			b.ReportMetric(float64(right), "right/198")
			b.ReportMetric(float64(wrong), "wrong")
			b.ReportMetric(cpu.Seconds()/float64(b.N*pages), "cpu-s/page")
		})
	}
}
