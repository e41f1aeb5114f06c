package archive

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Synthetic corpus for the ingest benchmark: sizes 5 KB–20 MB in the mix
// seen on portals — mostly HTML pages (compressible), many PDF/DOC
// attachments (already compressed: random bytes), a few huge scans — with
// about a third of the reports served again under other URLs.
type synthReport struct {
	url  string
	seed uint64
	size int
	html bool
}

func benchReports() int {
	if s := os.Getenv("NIANBAO_BENCH_REPORTS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 10000
}

func synthCorpus(n int) []synthReport {
	r := rand.New(rand.NewPCG(1, 2))
	logUniform := func(lo, hi float64) int {
		return int(lo * math.Pow(hi/lo, r.Float64()))
	}
	var out []synthReport
	var uniq []synthReport
	for i := 0; i < n; i++ {
		if len(uniq) > 0 && r.IntN(3) == 0 {
			d := uniq[r.IntN(len(uniq))]
			d.url = fmt.Sprintf("http://mirror%d.gov.cn/dup/%d", i%7, i)
			out = append(out, d)
			continue
		}
		rep := synthReport{url: fmt.Sprintf("http://site%d.gov.cn/zfxxgknb/t%d.html", i%50, i), seed: uint64(i)}
		switch p := r.IntN(1000); {
		case p < 550:
			rep.size, rep.html = logUniform(5<<10, 80<<10), true
		case p < 995:
			rep.size = logUniform(80<<10, 1500<<10)
		default:
			rep.size = logUniform(3<<20, 20<<20)
		}
		uniq = append(uniq, rep)
		out = append(out, rep)
	}
	return out
}

var htmlFill = []byte("<tr><td>（三）不予公开</td><td>1.属于国家秘密</td><td>0</td><td>3</td><td>0</td><td>0</td><td>0</td><td>1</td><td>4</td></tr>\n本机关认真贯彻落实《中华人民共和国政府信息公开条例》，")

func (s synthReport) bytes(buf []byte) []byte {
	buf = buf[:0]
	if s.html {
		buf = append(buf, fmt.Sprintf("<html><head><title>%d年政府信息公开工作年度报告</title></head><body>", s.seed)...)
		for len(buf) < s.size {
			buf = append(buf, htmlFill...)
			buf = strconv.AppendUint(buf, s.seed*7+uint64(len(buf)), 10)
		}
		return buf[:s.size]
	}
	buf = append(buf, "%PDF-1.7\n"...)
	r := rand.NewChaCha8([32]byte{byte(s.seed), byte(s.seed >> 8), byte(s.seed >> 16), 1})
	buf = buf[:s.size]
	r.Read(buf[9:])
	return buf
}

type peakMem struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func watchMem() *peakMem {
	runtime.GC()
	p := &peakMem{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if v := ms.HeapInuse + ms.StackInuse; v > p.peak.Load() {
				p.peak.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakMem) Stop() uint64 { close(p.stop); <-p.done; return p.peak.Load() }

// BenchmarkIngest ingests the synthetic corpus (NIANBAO_BENCH_REPORTS,
// default 10,000) and reports MB/s, the same bytes written to a plain file
// in the same run (baseline), the overhead ratio (archive file size / sum of
// unique bytes) and peak heap. Run: go test -run XXX -bench Ingest -benchtime 1x ./archive
func BenchmarkIngest(b *testing.B) {
	corpus := synthCorpus(benchReports())
	var offered, unique int64
	seen := map[uint64]bool{}
	for _, r := range corpus {
		offered += int64(r.size)
		if !seen[r.seed] {
			seen[r.seed] = true
			unique += int64(r.size)
		}
	}
	buf := make([]byte, 0, 21<<20)
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		// Baseline: the unique bytes appended to one plain file, synced once.
		start := time.Now()
		f, err := os.Create(filepath.Join(dir, "plain"))
		if err != nil {
			b.Fatal(err)
		}
		done := map[uint64]bool{}
		for _, r := range corpus {
			if done[r.seed] {
				continue
			}
			done[r.seed] = true
			if _, err := f.Write(r.bytes(buf)); err != nil {
				b.Fatal(err)
			}
		}
		f.Sync()
		f.Close()
		plain := time.Since(start)
		os.Remove(filepath.Join(dir, "plain"))

		ingest := func(name string, batch int) (elapsed time.Duration, peak uint64, st Stats, size int64) {
			path := filepath.Join(dir, name+".db")
			a, err := Open(path, Options{})
			if err != nil {
				b.Fatal(err)
			}
			mem := watchMem()
			start := time.Now()
			var pending []Fetch
			flush := func() {
				if err := a.CommitFetches(pending); err != nil {
					b.Fatal(err)
				}
				pending = pending[:0]
			}
			for j, r := range corpus {
				// Each pending fetch keeps its bytes until the batch commits.
				data := append([]byte(nil), r.bytes(buf)...)
				id := DocID("bench", r.url)
				pending = append(pending, Fetch{
					Blob:    data,
					Capture: &Capture{URL: r.url, Site: "bench", Status: 200},
					Doc: &Document{ID: id, Site: "bench", URL: r.url, Body: fmt.Sprintf("单位%d", j%500), Year: 2019 + j%6,
						Files: []FileRef{{URL: r.url, Role: "page"}}},
				})
				if len(pending) >= batch {
					flush()
				}
			}
			if len(pending) > 0 {
				flush()
			}
			elapsed = time.Since(start)
			peak = mem.Stop()
			st, err = a.Stats()
			if err != nil {
				b.Fatal(err)
			}
			a.Close()
			fi, _ := os.Stat(path)
			os.Remove(path)
			return elapsed, peak, st, fi.Size()
		}
		// One transaction (and fsync) per fetch: the durability of a single
		// URL; then group commits of 64, as the crawl engine commits.
		elapsed, peak, st, size := ingest("single", 1)
		grouped, gpeak, _, _ := ingest("grouped", 64)
		b.ReportMetric(float64(offered)/1e6/elapsed.Seconds(), "ingest_MB/s")
		b.ReportMetric(float64(offered)/1e6/grouped.Seconds(), "grouped_ingest_MB/s")
		b.ReportMetric(float64(unique)/1e6/plain.Seconds(), "plainfile_MB/s")
		b.ReportMetric(plain.Seconds()/elapsed.Seconds()*float64(offered)/float64(unique), "ingest/plainfile")
		b.ReportMetric(plain.Seconds()/grouped.Seconds()*float64(offered)/float64(unique), "grouped/plainfile")
		b.ReportMetric(float64(size)/float64(unique), "file/unique_bytes")
		b.ReportMetric(float64(st.StoredBytes)/float64(st.BlobBytes), "stored/original")
		b.ReportMetric(float64(max(peak, gpeak))/(1<<20), "peak_heap_MiB")
		b.ReportMetric(float64(len(corpus)), "reports")
	}
}

// BenchmarkLookupBodyYear measures body+year lookups at 100,000 documents
// (NIANBAO_BENCH_DOCS), reporting the median and p99 latency; a full scan of
// the documents bucket in the same run is the baseline.
func BenchmarkLookupBodyYear(b *testing.B) {
	n := 100000
	if s := os.Getenv("NIANBAO_BENCH_DOCS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	a, err := Open(filepath.Join(b.TempDir(), "l.db"), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	parsed := []byte(`{"schema":"nianbao.report/1","requests":{"new":[1,2,3,4,5,6,21]}}`)
	const batch = 5000
	for lo := 0; lo < n; lo += batch {
		err := a.db.Update(func(tx *boltTx) error {
			c := newCommitTx(tx)
			for i := lo; i < min(lo+batch, n); i++ {
				d := &Document{ID: DocID("s", strconv.Itoa(i)), Site: fmt.Sprintf("site%d", i%300),
					URL: fmt.Sprintf("http://x/%d", i), Body: fmt.Sprintf("某区第%d局", i%20000), Year: 2019 + i%6,
					Region: "河南省洛阳市偃师区", Parsed: parsed}
				if err := c.putDoc(d); err != nil {
					return err
				}
			}
			return c.flush()
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := r.IntN(n)
		start := time.Now()
		ds, err := a.FindDocuments(Query{Body: fmt.Sprintf("某区第%d局", k%20000), YearFrom: 2019 + k%6, YearTo: 2019 + k%6})
		lat = append(lat, time.Since(start))
		if err != nil || len(ds) == 0 {
			b.Fatalf("lookup found %d, %v", len(ds), err)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "median_µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99_µs")
	start := time.Now()
	if err := a.ForEachDocument(func(*Document) error { return nil }); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds()), "fullscan_µs")
	b.ReportMetric(float64(n), "docs")
}
