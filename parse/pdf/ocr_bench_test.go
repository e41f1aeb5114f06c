package pdf

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
)

// scanOf builds an n-page scan by repeating the sample scan's two pages
// (pdfium imports them into a new document).
func scanOf(b *testing.B, n int) []byte {
	b.Helper()
	src := readSample(b, "report-scan.pdf")
	inst, release, err := testEngine.instance(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer release()
	od, err := inst.OpenDocument(&requests.OpenDocument{File: &src})
	if err != nil {
		b.Fatal(err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: od.Document})
	nd, err := inst.FPDF_CreateNewDocument(&requests.FPDF_CreateNewDocument{})
	if err != nil {
		b.Fatal(err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: nd.Document})
	for i := 0; i < n; i += 2 {
		rng := "1-2"
		if n-i == 1 {
			rng = "1"
		}
		if _, err := inst.FPDF_ImportPages(&requests.FPDF_ImportPages{Source: od.Document, Destination: nd.Document, PageRange: &rng, Index: i}); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: nd.Document, FileWriter: &buf}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// peakRSSMiB is the process's peak resident set (MiB), from /proc/self/status.
func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

func cpuSeconds(who int) float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkOCR reads an N-page scan (NIANBAO_BENCH_OCR_PAGES, default
// 50: the sample scan's two pages repeated) with tesseract, two pages at
// a time (the engine's workers), and reports the wall time per page, the
// Go heap's peak (sampled), the process's peak RSS (heap, pdfium's wasm
// memory, the runtime; tesseract runs in its own processes, not counted)
// and the CPU seconds per page of this process and of tesseract.
func BenchmarkOCR(b *testing.B) {
	bin, err := exec.LookPath("tesseract")
	if err != nil {
		b.Skip("tesseract not on PATH")
	}
	n := 50
	if s := os.Getenv("NIANBAO_BENCH_OCR_PAGES"); s != "" {
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("NIANBAO_BENCH_OCR_PAGES=%q", s)
		}
	}
	data := scanOf(b, n)
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	self0, child0 := cpuSeconds(syscall.RUSAGE_SELF), cpuSeconds(syscall.RUSAGE_CHILDREN)
	for b.Loop() {
		doc, err := testEngine.Extract(context.Background(), data, Options{Tesseract: bin, Timeout: 30 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		if !hasWarning(doc, WarnOCR) || hasWarning(doc, WarnOCRFailed) {
			b.Fatalf("warnings %v", doc.Warnings)
		}
	}
	close(stop)
	<-done
	// CPU per page, ours and tesseract's: the wall time depends on what
	// else the machine runs.
	self := cpuSeconds(syscall.RUSAGE_SELF)
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N*n), "s/page")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(peakRSSMiB(), "peak-rss-MiB")
	b.ReportMetric((self-self0)/float64(b.N*n), "go-cpu-s/page")
	b.ReportMetric((cpuSeconds(syscall.RUSAGE_CHILDREN)-child0)/float64(b.N*n), "tesseract-cpu-s/page")
}
