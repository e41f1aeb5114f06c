package archive

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crawlLikeFetches builds what the crawl commits for a TRS column of n
// pages: a list page per 20 reports (queueing them), then each report page
// with its capture, URL state and new document, as the engine builds them.
func crawlLikeFetches(n int) []Fetch {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var out []Fetch
	var pending []Fetch
	for i := 0; i < n; i++ {
		if i%20 == 0 {
			out = append(out, pending...)
			pending = pending[:0]
			list := fmt.Sprintf("http://www.gen.gov.cn/zfxxgk/zfxxgknb/index_%d.html", i/20)
			body := []byte(fmt.Sprintf("<html><body>list %d %s</body></html>", i, string(make([]byte, 2000))))
			lf := Fetch{Blob: body, Site: "gen", Done: list,
				Capture: &Capture{URL: list, FinalURL: list, Time: now, Status: 200, Site: "gen", Source: "crawl",
					Headers: Headers{"Content-Type": "text/html; charset=utf-8", "Date": "Sun, 06 Dec 2026 15:44:22 GMT", "Last-Modified": "Fri, 31 Jan 2025 00:00:00 GMT"}},
				State: &URLState{URL: list, Status: 200, Kind: "list", LastSeen: now, NextCheck: now}}
			for j := i; j < i+20 && j < n; j++ {
				u := fmt.Sprintf("http://www.gen.gov.cn/zfxxgk/zfxxgknb/2016%02d/t2016%02d01_%d.html", j%12+1, j%12+1, 100000+j)
				lf.New = append(lf.New, FrontierItem{URL: u, Site: "gen", Kind: "detail", Referer: list, AnchorText: "生成市第" + strconv.Itoa(j) + "单位2015年政府信息公开工作年度报告",
					Depth: 1, Score: 98, Extra: map[string]string{"url": u, "from": list, "title": "生成市第" + strconv.Itoa(j) + "单位2015年政府信息公开工作年度报告", "date": "2016-01-02", "sight": "1", "family": "trs"}})
			}
			out = append(out, lf)
		}
		u := fmt.Sprintf("http://www.gen.gov.cn/zfxxgk/zfxxgknb/2016%02d/t2016%02d01_%d.html", i%12+1, i%12+1, 100000+i)
		title := "生成市第" + strconv.Itoa(i) + "单位2015年政府信息公开工作年度报告"
		body := []byte(fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title></head><body><div class="TRS_Editor"><p>%s</p><p>一、总体情况</p><p>本年度主动公开政府信息%d条。</p></div></body></html>`, title, title, i))
		id := DocID("gen", u)
		pending = append(pending, Fetch{Blob: body, Site: "gen", Done: u,
			Capture: &Capture{URL: u, FinalURL: u, Time: now, Status: 200, Site: "gen", Source: "crawl", DocID: id,
				Referer: "http://www.gen.gov.cn/zfxxgk/zfxxgknb/index.html", ParentURL: "http://www.gen.gov.cn/zfxxgk/zfxxgknb/index.html", AnchorText: title,
				Filename: "t" + strconv.Itoa(i) + ".html", MediaType: "text/html",
				Headers: Headers{"Content-Type": "text/html; charset=utf-8", "Date": "Sun, 06 Dec 2026 15:44:22 GMT", "Last-Modified": "Fri, 31 Jan 2025 00:00:00 GMT", "Content-Length": strconv.Itoa(len(body))}},
			State: &URLState{URL: u, Status: 200, Kind: "detail", LastSeen: now, NextCheck: now.Add(720 * time.Hour), LastModified: "Fri, 31 Jan 2025 00:00:00 GMT"},
			Doc: &Document{ID: id, Site: "gen", URL: u, Title: title, PublishedAt: "2016-01-02", Body: "生成市第" + strconv.Itoa(i) + "单位", Region: "测试省生成市",
				Year: 2015, Source: "crawl", HintRegion: "测试省生成市", FirstSeen: now, LastSeen: now,
				Files:     []FileRef{{URL: u, MediaType: "text/html", Size: int64(len(body)), Role: "page"}},
				Sightings: []Sighting{{URL: u, From: "http://www.gen.gov.cn/zfxxgk/zfxxgknb/index.html", Site: "gen", Time: now}}}})
	}
	return append(out, pending...)
}

func pagesWritten(a *Archive) int64 {
	st := a.db.Stats()
	return st.TxStats.GetWrite()
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCommitFetchesCrawlLike commits a 10,000-page crawl's fetches in
// the engine's groups (~1,000 fetches): the archive's share of the crawl
// benchmark, without the network and page analysis around it.
func BenchmarkCommitFetchesCrawlLike(b *testing.B) {
	const n, group = 10000, 1000
	var cpu time.Duration
	var pages int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fs := crawlLikeFetches(n)
		a, err := Open(filepath.Join(b.TempDir(), "c.db"), Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0, w0 := cpuNow(), pagesWritten(a)
		for lo := 0; lo < len(fs); lo += group {
			if err := a.CommitFetches(fs[lo:min(lo+group, len(fs))]); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cpuNow() - c0
		pages += pagesWritten(a) - w0
		b.StopTimer()
		a.Close()
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu_µs/fetch")
	// Pages written (bbolt rewrites every page a transaction touches):
	// the part of the commit cost that timing noise does not blur.
	b.ReportMetric(float64(pages)/float64(b.N*n), "pages/fetch")
}

// BenchmarkRecordJSON encodes and seals the records of one crawl-like
// fetch (capture, document, URL state, frontier item) as a commit does.
func BenchmarkRecordJSON(b *testing.B) {
	f := crawlLikeFetches(2)[1]
	f.Capture.SHA256 = strings.Repeat("ab", 32)
	recs := []any{f.Capture, f.Doc, f.State, crawlLikeFetches(1)[0].New[0]}
	k := []byte("key")
	b.ReportAllocs()
	var buf []byte
	for i := 0; i < b.N; i++ {
		for _, r := range recs {
			var err error
			if buf, err = appendSealedRecord(buf[:0], k, r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
