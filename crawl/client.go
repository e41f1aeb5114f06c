package crawl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gocolly/colly/v2"

	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/crawl/fetch"
)

// retryTransport runs every hop through fetch.Do: bounded, jittered retries
// on timeouts, 5xx and 429 honouring Retry-After. colly sees one
// already-read response per hop and follows redirects itself.
//
// A request marked spoolHeader (attachments, details) may have its body
// spooled to a file (fetch.SpoolBody): colly then gets an empty body and
// the spool travels beside it, under spoolIDHeader, to the collector's
// callbacks (take), so no copy of a large file is ever held in memory.
type retryTransport struct {
	client *http.Client
	policy fetch.RetryPolicy

	mu     sync.Mutex
	seq    uint64
	spools map[string]spooled // handed over, not yet taken
}

// spooled is a body in a file and its head, kept in memory.
type spooled struct {
	sp   *fetch.Spool
	head []byte
}

// Private headers between request, transport and collector: never sent,
// never stored.
const (
	spoolHeader   = "X-Nianbao-Spool"
	spoolIDHeader = "X-Nianbao-Spool-Id"
	// spoolAbove: bodies longer than this go to a temporary file.
	spoolAbove = 1 << 20
)

func newRetryTransport(inner http.RoundTripper, p fetch.RetryPolicy) *retryTransport {
	return &retryTransport{
		client: &http.Client{
			Transport: inner,
			// One hop per RoundTrip: the outer client (colly's) follows redirects.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		policy: p,
	}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	policy := t.policy
	if req.Header.Get(spoolHeader) != "" {
		req = req.Clone(req.Context())
		req.Header.Del(spoolHeader)
		policy.SpoolAbove = spoolAbove
	}
	r, err := fetch.Do(req.Context(), t.client, req, policy)
	if err != nil {
		return nil, err
	}
	body := r.Body
	if r.Spool != nil {
		body = nil
		r.Header.Set(spoolIDHeader, t.put(spooled{r.Spool, r.Body}))
	}
	return &http.Response{
		Status: r.Status, StatusCode: r.StatusCode,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: r.Header, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req,
	}, nil
}

func (t *retryTransport) put(sp spooled) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.spools == nil {
		t.spools = map[string]spooled{}
	}
	t.seq++
	id := strconv.FormatUint(t.seq, 10)
	t.spools[id] = sp
	return id
}

// take hands over the spool registered under id.
func (t *retryTransport) take(id string) (spooled, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sp, ok := t.spools[id]
	delete(t.spools, id)
	return sp, ok
}

// closeAll removes the spools nobody took (a fetch abandoned between
// transport and collector).
func (t *retryTransport) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, sp := range t.spools {
		_ = sp.sp.Close()
		delete(t.spools, id)
	}
}

// fetched is one response as colly delivered it, with the headers as the
// server sent them (before the charset parameter was stripped).
type fetched struct {
	status   int
	header   http.Header
	body     []byte       // the whole body, or only its head when spool is set
	spool    *fetch.Spool // a large body, in a temporary file
	size     int64        // the body's length
	finalURL string
	err      error
	handled  bool
	html     *string // body decoded, once: see text
}

// text is the body decoded by charset.DecodeHTML, once for all its
// readers (classification, the soft-404 check, page analysis).
func (f *fetched) text() string {
	if f.html == nil {
		s := charset.DecodeHTML(f.body, f.header.Get("Content-Type"))
		f.html = &s
	}
	return *f.html
}

const maxBody = fetch.DefaultMaxBody

// newCollector builds the colly collector of one site run: raw bytes kept
// (charset stripped from Content-Type before colly can decode), non-2xx
// responses delivered (WAF pages are data), our own redirect policy and
// host filter, no colly robots (ours honours Crawl-delay), body cap raised.
//
// It has no request timeout of its own: the run's limiter times each
// exchange from the moment its host's turn comes, so time queued behind a
// host's politeness never counts against a request.
func newCollector(ctx context.Context, rt *retryTransport, ua string, hosts hostMatcher) *colly.Collector {
	c := colly.NewCollector(colly.StdlibContext(ctx))
	c.AllowURLRevisit = true
	c.IgnoreRobotsTxt = true
	c.ParseHTTPErrorResponse = true
	c.MaxBodySize = int(maxBody) + 1 // one byte more tells truncation apart
	c.UserAgent = ua
	c.WithTransport(rt)
	c.SetRequestTimeout(0)
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if !hosts.allowed(req.URL) {
			return http.ErrUseLastResponse // an off-site redirect is reported, not followed
		}
		return fetch.CheckRedirect(req, via)
	})
	c.OnResponseHeaders(func(r *colly.Response) {
		res, _ := r.Ctx.GetAny("res").(*fetched)
		if id := r.Headers.Get(spoolIDHeader); id != "" {
			r.Headers.Del(spoolIDHeader)
			if sp, ok := rt.take(id); ok && res == nil {
				_ = sp.sp.Close()
			} else if ok {
				res.spool, res.body = sp.sp, sp.head
			}
		}
		if res == nil {
			return
		}
		res.header = r.Headers.Clone()
		// colly decodes bodies whose Content-Type names a charset and
		// gunzips bodies labelled gzip: keep the bytes as sent.
		ct := r.Headers.Get("Content-Type")
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		if strings.Contains(strings.ToLower(ct), "gzip") {
			ct = "application/octet-stream"
		}
		r.Headers.Set("Content-Type", ct)
	})
	c.OnResponse(func(r *colly.Response) {
		res, _ := r.Ctx.GetAny("res").(*fetched)
		if res == nil {
			return
		}
		res.handled = true
		res.status = r.StatusCode
		if res.spool == nil { // else body is the spool's head, colly's empty
			res.body = r.Body
			res.size = int64(len(r.Body))
		}
		res.finalURL = r.Request.URL.String()
		if res.header == nil {
			res.header = r.Headers.Clone()
		}
		if int64(len(r.Body)) > maxBody {
			res.err = fmt.Errorf("body over %d bytes: %w", maxBody, fetch.ErrBodyTooLarge)
		}
	})
	c.OnError(func(r *colly.Response, err error) {
		res, _ := r.Ctx.GetAny("res").(*fetched)
		if res == nil {
			return
		}
		res.handled = true
		res.err = err
		res.status = r.StatusCode
		if r.Request != nil && r.Request.URL != nil {
			res.finalURL = r.Request.URL.String()
		}
	})
	return c
}

// get fetches one URL through colly with extra request headers.
func get(c *colly.Collector, rawURL string, hdr http.Header) *fetched {
	return request(c, http.MethodGet, rawURL, "", hdr)
}

// getFile is get for a URL that may be a large file: its body may come
// back spooled (fetched.spool), which the caller closes.
func getFile(c *colly.Collector, rawURL string, hdr http.Header) *fetched {
	hdr.Set(spoolHeader, "1")
	res := request(c, http.MethodGet, rawURL, "", hdr)
	if res.spool != nil {
		res.size = res.spool.Size
		if res.err != nil {
			_ = res.spool.Close()
			res.spool = nil
		}
	}
	return res
}

// close releases a spooled body.
func (f *fetched) close() {
	if f.spool != nil {
		_ = f.spool.Close()
		f.spool = nil
	}
}

// whole makes a spooled body whole in memory (a detail URL that turned
// out to be a page to analyse, or bytes for a store without files).
func (f *fetched) whole() error {
	if f.spool == nil {
		return nil
	}
	b, err := f.spool.Bytes()
	if err != nil {
		return err
	}
	f.body, f.html = b, nil
	f.close()
	return nil
}

// post sends form (application/x-www-form-urlencoded) to rawURL: JSON
// list endpoints such as 海云 getFileListByCodeId answer only POSTs.
func post(c *colly.Collector, rawURL, form string, hdr http.Header) *fetched {
	hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	return request(c, http.MethodPost, rawURL, form, hdr)
}

func request(c *colly.Collector, method, rawURL, body string, hdr http.Header) *fetched {
	res := &fetched{}
	ctx := colly.NewContext()
	ctx.Put("res", res)
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body) // http.NewRequest sets GetBody: retries resend it
	}
	if err := c.Request(method, rawURL, rd, ctx, hdr); err != nil && !res.handled {
		res.err = err
	}
	if !res.handled && res.err == nil {
		res.err = fmt.Errorf("colly delivered no response for %s", rawURL)
	}
	return res
}
