package fetch

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkDoLoopback measures the transport + Do overhead per request for
// a small HTML page and a 1 MiB attachment on loopback.
func BenchmarkDoLoopback(b *testing.B) {
	page := bytes.Repeat([]byte("<p>政府信息公开工作年度报告</p>\n"), 400) // ~16 KB
	file := bytes.Repeat([]byte{0x25, 0x50, 0x44, 0x46, 0x00, 0xff}, 1<<20/6)
	mux := http.NewServeMux()
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) { w.Write(page) })
	mux.HandleFunc("/file.pdf", func(w http.ResponseWriter, r *http.Request) { w.Write(file) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := testClient(b, srv, Options{}, "www.yanshi.gov.cn")
	for _, tc := range []struct {
		name string
		size int
	}{{"page.html", len(page)}, {"file.pdf", len(file)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(tc.size))
			for b.Loop() {
				r, err := Do(context.Background(), client, get(b, "http://www.yanshi.gov.cn/"+tc.name), RetryPolicy{MaxAttempts: 1})
				if err != nil || len(r.Body) != tc.size {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkClassify(b *testing.B) {
	for _, tc := range []struct {
		name string
		r    *Response
	}{
		{"report_page", resp(200, "http://www.yanshi.gov.cn/a/t1.html", reportPage())},
		{"pdf", resp(200, "http://www.yanshi.gov.cn/a/P1.pdf", "%PDF-1.7\n"+string(bytes.Repeat([]byte{0}, 1<<20)))},
		{"ruishu", resp(412, "http://www.yanshi.gov.cn/", ruishu412)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				Classify(tc.r, false)
			}
		})
	}
}
