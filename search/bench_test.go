package search

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/query/querytest"
)

// The benchmarks index NIANBAO_BENCH_DOCS synthetic reports (default
// 10,000) with sections 一/五/六 of a few hundred characters each:
//
//	go test ./search -run '^$' -bench . -benchtime 1x
func benchDocs() int {
	if s := os.Getenv("NIANBAO_BENCH_DOCS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 10000
}

var phrases = []string{
	"本机关认真贯彻落实《中华人民共和国政府信息公开条例》", "进一步加强政务公开工作", "主动公开政府信息",
	"依申请公开", "行政复议", "行政诉讼", "政府信息公开工作年度报告", "政务公开平台建设", "人员培训",
	"存在的主要问题", "改进情况", "公开内容不够全面", "信息更新不及时", "加强监督考核", "规范性文件",
	"行政许可", "行政处罚", "行政强制", "财政预算决算", "政府集中采购", "收费项目", "其他需要报告的事项",
	"社会公众关注", "解读回应", "政策文件", "网站建设", "新闻发布会", "办理结果", "予以公开", "不予公开",
}

var places = []string{"偃师区", "洛阳市", "郑州市", "开封市", "南阳市", "信阳市", "周口市", "驻马店市"}
var units = []string{"工业和信息化局", "财政局", "人力资源和社会保障局", "教育局", "卫生健康委员会", "人民政府", "交通运输局", "自然资源局"}

func prose(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(phrases[r.IntN(len(phrases))])
		if r.IntN(4) == 0 {
			fmt.Fprintf(&b, "%d件", r.IntN(500))
		}
		b.WriteString("，")
	}
	return b.String() + "。"
}

// benchArchive writes n synthetic reports in batches and returns the
// archive and the total size of their indexed text.
func benchArchive(b *testing.B, n int) (*archive.Archive, int64) {
	b.Helper()
	a, err := archive.Open(filepath.Join(b.TempDir(), "bench.db"), archive.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	r := rand.New(rand.NewPCG(1, 2))
	var textBytes int64
	var batch []archive.Fetch
	for i := 0; i < n; i++ {
		place, unit := places[r.IntN(len(places))], units[r.IntN(len(units))]
		body := fmt.Sprintf("%s%s%d", place, unit, i%97)
		year := 2019 + i%6
		title := fmt.Sprintf("%s%d年政府信息公开工作年度报告", body, year)
		rep := querytest.Report{Title: title, Body: body, Region: "河南省" + place, Year: year, Seed: i,
			Sections: querytest.Sections{Overview: prose(r, 900), Problems: prose(r, 300), Other: prose(r, 90)}}
		d := &archive.Document{ID: archive.DocID("bench", strconv.Itoa(i)), Site: "bench", URL: "http://x.gov.cn/" + strconv.Itoa(i),
			Title: title, Body: body, Region: "河南省" + place, Year: year, Format: "2021", ParseStatus: "ok",
			Parsed: rep.JSON(), Source: "crawl", FirstSeen: time.Now().UTC(), LastSeen: time.Now().UTC()}
		textBytes += int64(len(Fold(Text(d))))
		batch = append(batch, archive.Fetch{Doc: d})
		if len(batch) == 500 || i == n-1 {
			if err := a.CommitFetches(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return a, textBytes
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// BenchmarkIndexBuild: reports indexed per second, index size against
// text size, and the peak heap while indexing.
func BenchmarkIndexBuild(b *testing.B) {
	n := benchDocs()
	a, textBytes := benchArchive(b, n)
	for i := 0; i < b.N; i++ {
		os.RemoveAll(Path(a.Path()))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					if m.HeapAlloc > peak.Load() {
						peak.Store(m.HeapAlloc)
					}
				}
			}
		}()
		start := time.Now()
		ix, err := Open(a.Path())
		if err != nil {
			b.Fatal(err)
		}
		ch, err := ix.Reconcile(context.Background(), a)
		if err != nil || ch.Indexed != n {
			b.Fatalf("%+v %v", ch, err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		close(stop)
		<-done
		size := dirSize(Path(a.Path()))
		b.ReportMetric(float64(n)/el.Seconds(), "reports/s")
		b.ReportMetric(float64(textBytes)/(1<<20), "text-MiB")
		b.ReportMetric(float64(size)/(1<<20), "index-MiB")
		b.ReportMetric(float64(size)/float64(textBytes), "index/text")
		b.ReportMetric(float64(peak.Load()-min(base, peak.Load()))/(1<<20), "peak-heap-MiB")

		// A reconcile that finds nothing to do: what crawl, import and
		// retract pay at their end.
		ix, _ = Open(a.Path())
		start = time.Now()
		if ch, err := ix.Reconcile(context.Background(), a); err != nil || ch.Unchanged != n {
			b.Fatalf("%+v %v", ch, err)
		}
		b.ReportMetric(time.Since(start).Seconds()*1000, "noop-reconcile-ms")
		ix.Close()
	}
}

// BenchmarkQuery: latency of a two-word query with a year filter, the
// first 20 results with snippets, checked against the archive.
func BenchmarkQuery(b *testing.B) {
	n := benchDocs()
	a, _ := benchArchive(b, n)
	ix, err := Open(a.Path())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { ix.Close() }()
	if _, err := ix.Reconcile(context.Background(), a); err != nil {
		b.Fatal(err)
	}
	// Reopen: the index as a later search finds it, its segments persisted.
	ix.Close()
	if ix, err = Open(a.Path()); err != nil {
		b.Fatal(err)
	}
	f := query.Filter{YearFrom: 2022, YearTo: 2022}
	b.ResetTimer()
	for _, q := range []struct{ text, unit string }{{"行政复议 财政预算", ""}, {`"行政复议" "财政预算"`, "phrase-"}} {
		node, err := Parse(q.text)
		if err != nil {
			b.Fatal(err)
		}
		var lat []time.Duration
		for i := 0; i < max(b.N, 200); i++ {
			start := time.Now()
			res, err := Run(context.Background(), a, ix, node, f, 20)
			if err != nil || len(res) == 0 {
				b.Fatalf("%d results, %v", len(res), err)
			}
			lat = append(lat, time.Since(start))
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, q.unit+"p50-ms")
		b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, q.unit+"p95-ms")
	}
}
