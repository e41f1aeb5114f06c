package fetch

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

func TestKeepHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", "123")
	h.Set("Content-Disposition", `attachment;filename="`+gbk(t, "年报.pdf")+`"`)
	h.Set("ETag", `W/"5f2-61a2b3c4"`)
	h.Set("Last-Modified", "Mon, 15 Jan 2024 02:23:00 GMT")
	h.Set("Date", "Tue, 16 Jan 2024 00:00:00 GMT")
	h.Set("Server", "TRS Web Server")
	h.Add("Set-Cookie", "JSESSIONID=abc")
	h.Add("X-Frame-Options", "SAMEORIGIN")
	h.Add("Location", "/a")
	h.Add("Location", "/b")
	got := KeepHeaders(h)
	want := map[string]string{
		"Content-Type":        "application/octet-stream",
		"Content-Length":      "123",
		"Content-Disposition": `attachment;filename="` + gbk(t, "年报.pdf") + `"`,
		"ETag":                `W/"5f2-61a2b3c4"`,
		"Last-Modified":       "Mon, 15 Jan 2024 02:23:00 GMT",
		"Date":                "Tue, 16 Jan 2024 00:00:00 GMT",
		"Server":              "TRS Web Server",
		"Location":            "/a, /b",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KeepHeaders = %q\nwant %q", got, want)
	}
	if len(KeepHeaders(http.Header{})) != 0 {
		t.Error("empty header gave values")
	}
}

func TestConditionalGet(t *testing.T) {
	const etag = `"64a1-5f0e"`
	lastMod := time.Date(2024, 1, 15, 2, 23, 0, 0, time.UTC)
	body := []byte("%PDF-1.4 the report")
	mux := http.NewServeMux()
	mux.HandleFunc("/etag.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(body)
	})
	mux.HandleFunc("/lm.pdf", func(w http.ResponseWriter, r *http.Request) {
		// ServeContent implements If-Modified-Since like real servers.
		http.ServeContent(w, r, "lm.pdf", lastMod, bytesReader(body))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := testClient(t, srv, Options{})
	for _, p := range []string{"/etag.pdf", "/lm.pdf"} {
		first, err := Do(context.Background(), client, get(t, srv.URL+p), RetryPolicy{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if v := Classify(first, true); v.Kind != KindOK {
			t.Fatalf("%s first fetch: %s", p, v)
		}
		val := ValidatorsFrom(first.Header)
		if val.IsZero() {
			t.Fatalf("%s: no validators in %v", p, first.Header)
		}
		req := get(t, srv.URL+p)
		SetConditional(req, val)
		second, err := Do(context.Background(), client, req, RetryPolicy{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if v := Classify(second, true); v.Kind != KindNotModified || len(second.Body) != 0 {
			t.Errorf("%s conditional fetch: %s, %d bytes", p, v, len(second.Body))
		}
		// Stale validators fetch the body again.
		req = get(t, srv.URL+p)
		SetConditional(req, Validators{ETag: `"old"`, LastModified: "Mon, 01 Jan 2018 00:00:00 GMT"})
		third, err := Do(context.Background(), client, req, RetryPolicy{MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if third.StatusCode != 200 || string(third.Body) != string(body) {
			t.Errorf("%s stale validators: %d %q", p, third.StatusCode, third.Body)
		}
	}
	req := get(t, srv.URL)
	SetConditional(req, Validators{})
	if req.Header.Get("If-None-Match") != "" || req.Header.Get("If-Modified-Since") != "" {
		t.Error("empty validators set headers")
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
