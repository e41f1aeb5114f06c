package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/export"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

// benchReports is the archive size of BenchmarkExport (NIANBAO_BENCH_REPORTS
// overrides it for quick runs).
func benchReports() int {
	if v, err := strconv.Atoi(os.Getenv("NIANBAO_BENCH_REPORTS")); err == nil && v > 0 {
		return v
	}
	return 10000
}

var bodies = []string{"工业和信息化局", "人力资源和社会保障局", "发展和改革委员会", "财政局", "住房和城乡建设局",
	"市场监督管理局", "生态环境局", "卫生健康委员会", "自然资源和规划局", "农业农村局"}

// benchArchive builds n reports: one detail page and one ~6 KB PDF each
// (distinct bytes), a full 2021-format parse, across 5 years.
func benchArchive(b *testing.B, n int) (*archive.Archive, []query.Ref, int64) {
	b.Helper()
	a, err := archive.Open(filepath.Join(b.TempDir(), "bench.db"), archive.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	pad := make([]byte, 6<<10)
	for i := range pad {
		pad[i] = byte('a' + i%23)
	}
	var orig int64
	for i := range n {
		region := fmt.Sprintf("河南省洛阳市第%d区", i/50)
		body := fmt.Sprintf("第%d区%s", i/50, bodies[i%len(bodies)])
		year := 2019 + i%5
		url := fmt.Sprintf("http://www.q%d.gov.cn/xxgk/%d.html", i%37, i)
		title := fmt.Sprintf("%s%d年政府信息公开工作年度报告", body, year)
		pdf := append(querytest.PDF(strconv.Itoa(i)), pad...)
		page := querytest.HTML(title)
		orig += int64(len(pdf) + len(page))
		_, err := querytest.AddDoc(a, querytest.Doc{Site: fmt.Sprintf("site%d", i%37), URL: url, Title: title, Body: body,
			Region: region, Year: year, Format: "2021", ParseStatus: "ok", PublishedAt: fmt.Sprintf("%d-01-20", year+1),
			Files: []querytest.File{{URL: url, Role: "page", Data: page}, {URL: url + ".pdf", Data: pdf}},
			Parsed: querytest.Report{Body: body, Region: region, Year: year, Seed: i, FailedChecks: i % 3,
				Sections: querytest.Sections{Overview: "总体情况……", Problems: "问题……", Other: "其他……"}}.JSON()})
		if err != nil {
			b.Fatal(err)
		}
	}
	refs, err := query.Select(context.Background(), a, query.Filter{})
	if err != nil {
		b.Fatal(err)
	}
	return a, refs, orig
}

// peakSampler records the highest HeapInuse seen while it runs.
type peakSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startSampler() *peakSampler {
	s := &peakSampler{stop: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > s.peak.Load() {
				s.peak.Store(ms.HeapInuse)
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *peakSampler) finish() uint64 {
	close(s.stop)
	s.wg.Wait()
	return s.peak.Load()
}

// BenchmarkExport exports a synthetic archive of 10,000 reports in each
// format and reports throughput (MB/s of output written; orig-MB/s of
// original file bytes for zip and warc) and the peak heap in use during
// the export (target: under 200 MB whatever the report count).
//
//	go test ./export -run '^$' -bench BenchmarkExport -benchtime 1x
func BenchmarkExport(b *testing.B) {
	n := benchReports()
	a, refs, orig := benchArchive(b, n)
	for _, format := range export.Formats {
		b.Run(fmt.Sprintf("%s/reports=%d", format, n), func(b *testing.B) {
			dir := b.TempDir()
			runtime.GC()
			s := startSampler()
			var size int64
			for i := 0; i < b.N; i++ {
				p := filepath.Join(dir, "out."+format)
				f, err := os.Create(p)
				if err != nil {
					b.Fatal(err)
				}
				st, err := export.Export(context.Background(), a, refs, f, export.Options{Format: format, TmpDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
				if st.Reports != n {
					b.Fatalf("%d reports exported, want %d", st.Reports, n)
				}
				fi, _ := os.Stat(p)
				size = fi.Size()
				b.SetBytes(size)
			}
			peak := s.finish()
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(size)/(1<<20), "out-MB")
			if format == export.FormatZip || format == export.FormatWARC {
				b.ReportMetric(float64(orig)/(1<<20)/(b.Elapsed().Seconds()/float64(b.N)), "orig-MB/s")
			}
		})
	}
}
