package fetch

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"github.com/gocolly/colly/v2"
)

// TestWorksUnderColly checks the transport, limiter and redirect policy
// as the crawl engine wires them into colly: hosts resolved to loopback,
// a body over colly's default 10 MB cap kept whole and exact, and a WZWS
// challenge redirect not followed.
func TestWorksUnderColly(t *testing.T) {
	big := append([]byte("%PDF-1.5\n"), bytes.Repeat([]byte{0x00, 0xff, 0x80, '\n'}, 11<<20/4)...)
	mux := newHostMux()
	mux.handle("www.yanshi.gov.cn", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(big)
		case "/challenge":
			http.Redirect(w, r, "/WZWSREL3h4Z2sv?wzwschallenge=abc", http.StatusFound)
		default:
			w.Write([]byte(`<html><body><a href="./big.pdf">附件</a></body></html>`))
		}
	}))
	srv, _ := serve(t, mux)
	client := testClient(t, srv, Options{UserAgent: testUA}, "www.yanshi.gov.cn")
	l := NewLimiter(0, 2)

	c := colly.NewCollector(colly.MaxBodySize(int(DefaultMaxBody)), colly.ParseHTTPErrorResponse())
	c.WithTransport(l.Transport(client.Transport))
	c.SetRedirectHandler(CheckRedirect)
	var mu sync.Mutex
	got := map[string]*colly.Response{}
	c.OnResponse(func(r *colly.Response) {
		mu.Lock()
		got[r.Request.URL.Path] = r
		mu.Unlock()
	})
	c.OnError(func(r *colly.Response, err error) {
		mu.Lock()
		got[r.Request.URL.Path] = r
		mu.Unlock()
	})
	for _, p := range []string{"/big.pdf", "/challenge"} {
		if err := c.Visit("http://www.yanshi.gov.cn" + p); err != nil {
			t.Fatalf("visit %s: %v", p, err)
		}
	}
	c.Wait()
	if r := got["/big.pdf"]; r == nil || !bytes.Equal(r.Body, big) {
		n := -1
		if r != nil {
			n = len(r.Body)
		}
		t.Errorf("big.pdf: %d bytes, want %d exact", n, len(big))
	}
	r := got["/challenge"]
	if r == nil {
		t.Fatal("no response for the challenge")
	}
	v := Classify(&Response{StatusCode: r.StatusCode, URL: r.Request.URL.String(), Header: *r.Headers, Body: r.Body}, false)
	if v.Kind != KindBlocked || v.Reason != WAFWzws || v.Target != "http://www.yanshi.gov.cn/xxgk/" {
		t.Errorf("challenge under colly: %s", v)
	}
}
