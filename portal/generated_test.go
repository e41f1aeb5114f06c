package portal

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestGenerated(t *testing.T) {
	const n = 300
	p := Generated(n)
	p.Start()
	defer p.Close()
	exp := p.Expected(GeneratedSite)
	s := p.Sites()
	if len(s) != 1 || s[0].Name != GeneratedSite {
		t.Fatalf("sites %v", s)
	}
	w := walk(t, p, s[0], 2*n)
	fetched := 0
	for _, st := range w.status {
		if st == 200 {
			fetched++
		}
	}
	// pages = home + list pages (+ dir alias of page 1) + details
	if len(exp) < n*9/10 || fetched < n || fetched > n+3 {
		t.Errorf("n=%d: %d reports, %d pages fetched", n, len(exp), fetched)
	}
	for _, e := range exp {
		if w.status[e.DetailURL] != 200 || hexsha(w.body[e.DetailURL]) != e.Pages[0].SHA256 {
			t.Fatalf("%s not reached intact", e.DetailURL)
		}
	}
}

// BenchmarkGeneratedServe measures the handler alone (no network), the
// cost the crawl benchmark adds on top of the crawler.
func BenchmarkGeneratedServe(b *testing.B) {
	p := Generated(10000)
	exp := p.Expected(GeneratedSite)
	reqs := make([]*http.Request, len(exp))
	for i, e := range exp {
		reqs[i] = httptest.NewRequest("GET", e.DetailURL, nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, reqs[i%len(reqs)])
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
		_, _ = io.Copy(io.Discard, rec.Body)
	}
}

func BenchmarkBuild(b *testing.B) {
	b.Run("New", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			fileCache.Clear()
			New(Options{})
		}
	})
	b.Run("Generated10000", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			Generated(10000)
		}
	})
}
