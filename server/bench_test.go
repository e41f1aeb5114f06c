package server

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/nianbao/nianbao/archive"
)

// benchArchive holds n reports of one 1 MiB PDF-like file each.
func benchArchive(b *testing.B, n int) (*archive.Archive, string) {
	arc, err := archive.Open(filepath.Join(b.TempDir(), "b.db"), archive.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { arc.Close() })
	rng := rand.New(rand.NewSource(1))
	blob := make([]byte, 1<<20)
	rng.Read(blob)
	copy(blob, "%PDF-1.4\n")
	var sha string
	for i := 0; i < n; i++ {
		u := fmt.Sprintf("http://x.gov.cn/%d.pdf", i)
		id := archive.DocID("s", u)
		var data []byte
		if i == 0 {
			data = blob
		}
		err := arc.CommitFetch(archive.Fetch{Blob: data, Site: "s",
			Capture: &archive.Capture{URL: u, FinalURL: u, Status: 200, Site: "s", DocID: id, Headers: archive.Headers{"Content-Type": "application/pdf"}},
			Doc: &archive.Document{ID: id, Site: "s", URL: u, Title: fmt.Sprintf("某局%d年度报告", i), Body: fmt.Sprintf("某%d局", i%300),
				Region: "河南省洛阳市", Year: 2015 + i%10, Format: "2021", ParseStatus: "ok", FirstSeen: time.Now(),
				Files: []archive.FileRef{{URL: u, Role: "attachment"}}}})
		if err != nil && i == 0 {
			b.Fatal(err)
		}
		if i == 0 {
			d, _ := arc.Document(id)
			sha = d.Files[0].SHA256
		}
	}
	return arc, sha
}

func benchServer(b *testing.B, arc *archive.Archive) *httptest.Server {
	cfg := testConfig()
	cfg.Serve.RateLimit = -1 // no rate limit in benchmarks
	s, err := New(Options{Archive: arc, Config: cfg, Logger: quiet(), NoSchedule: true})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	b.Cleanup(ts.Close)
	return ts
}

// go test -run '^$' -bench . -benchtime 2s ./server/
func BenchmarkAPIReports1000(b *testing.B) {
	arc, _ := benchArchive(b, 1000)
	ts := benchServer(b, arc)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Get(ts.URL + "/api/reports?year=2019-2023&limit=100")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}

func BenchmarkRaw1MiB(b *testing.B) {
	arc, sha := benchArchive(b, 1)
	ts := benchServer(b, arc)
	b.SetBytes(1 << 20)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Get(ts.URL + "/raw/" + sha)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = io.Copy(&buf, resp.Body)
		resp.Body.Close()
		if buf.Len() != 1<<20 {
			b.Fatalf("%d bytes", buf.Len())
		}
	}
}

func BenchmarkSearchPage1000(b *testing.B) {
	arc, _ := benchArchive(b, 1000)
	ts := benchServer(b, arc)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Get(ts.URL + "/?region=%E6%B4%9B%E9%98%B3")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
