package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/nlnwa/gowarc/v3"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

// warcWriter writes one gzip member per record (the .warc.gz convention,
// so tools can seek to any record).
type warcWriter struct {
	bw     *bufio.Writer
	gz     *gzip.Writer
	m      gowarc.Marshaler
	opts   []gowarc.WarcRecordOption
	infoID string
}

func (ww *warcWriter) write(rec gowarc.WarcRecord) error {
	defer rec.Close()
	ww.gz.Reset(ww.bw)
	if _, _, err := ww.m.Marshal(ww.gz, rec, 0); err != nil {
		return fmt.Errorf("write warc record: %w", err)
	}
	return ww.gz.Close()
}

func (ww *warcWriter) builder(rt gowarc.RecordType) gowarc.WarcRecordBuilder {
	rb := gowarc.NewRecordBuilder(rt, ww.opts...)
	if ww.infoID != "" {
		rb.AddWarcHeader(gowarc.WarcWarcinfoID, "<"+ww.infoID+">")
	}
	return rb
}

func build(rb gowarc.WarcRecordBuilder) (gowarc.WarcRecord, error) {
	rec, _, err := rb.Build()
	if err != nil {
		rb.Close()
		return nil, fmt.Errorf("build warc record: %w", err)
	}
	return rec, nil
}

func exportWARC(ctx context.Context, a *archive.Archive, refs []query.Ref, w io.Writer, opts Options) (Stats, error) {
	var st Stats
	ww := &warcWriter{
		bw: bufio.NewWriterSize(w, 256<<10),
		gz: gzip.NewWriter(nil),
		m:  gowarc.NewMarshaler(),
		opts: []gowarc.WarcRecordOption{
			gowarc.WithAddMissingDigest(true),
			gowarc.WithDefaultDigestAlgorithm("sha256"),
			gowarc.WithBufferTmpDir(opts.TmpDir),
		},
	}
	info := ww.builder(gowarc.Warcinfo)
	info.AddWarcHeaderTime(gowarc.WarcDate, opts.Now)
	info.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	fmt.Fprintf(info, "software: nianbao crawler export\r\nformat: WARC File Format 1.1\r\n"+
		"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"+
		"description: government information-disclosure annual reports (政府信息公开工作年度报告); selection: %s. "+
		"Response records carry the status and the response headers nianbao kept (Content-Type, Content-Length, "+
		"Content-Disposition, ETag, Last-Modified, Date, Location, Server) as the server sent them, and the exact body bytes; "+
		"request records are reconstructed from the URL and Referer. Imported local files are resource records.\r\n",
		strings.NewReplacer("\r", " ", "\n", " ").Replace(firstNonEmpty(opts.Query, "all reports")))
	rec, err := build(info)
	if err != nil {
		return st, err
	}
	ww.infoID = rec.WarcHeader().GetId(gowarc.WarcRecordID)
	if err := ww.write(rec); err != nil {
		return st, err
	}

	written := map[uint64]bool{}
	err = query.Each(ctx, a, refs, func(i int, d *archive.Document) error {
		st.Reports++
		caps, err := docCaptures(a, d)
		if err != nil {
			return err
		}
		for _, c := range caps {
			if written[c.ID] {
				continue // the same capture can belong to several reports
			}
			written[c.ID] = true
			err := ww.capture(ctx, a, &c)
			if errors.Is(err, archive.ErrNotFound) {
				st.warn("capture %d of %s: blob %s is not in the archive; skipped", c.ID, c.URL, c.SHA256)
				continue
			}
			if err != nil {
				return fmt.Errorf("report %s capture %d: %w", d.ID, c.ID, err)
			}
			st.Captures++
			st.Bytes += c.Size
		}
		opts.progress(i+1, len(refs))
		return nil
	})
	if err != nil {
		return st, err
	}
	return st, ww.bw.Flush()
}

// docCaptures lists every capture of a report's page and files: each
// fetch of their URLs (older versions included) and each capture that
// yielded one of their blobs, oldest first.
func docCaptures(a *archive.Archive, d *archive.Document) ([]archive.Capture, error) {
	seen := map[uint64]bool{}
	var out []archive.Capture
	add := func(cs []archive.Capture, err error) error {
		if err != nil {
			return fmt.Errorf("captures of report %s: %w", d.ID, err)
		}
		for _, c := range cs {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
		return nil
	}
	urls := []string{d.URL}
	for _, f := range d.Files {
		urls = append(urls, f.URL)
		if f.SHA256 != "" {
			if err := add(a.CapturesByHash(f.SHA256)); err != nil {
				return nil, err
			}
		}
	}
	for _, u := range urls {
		if u != "" {
			if err := add(a.Captures(u)); err != nil {
				return nil, err
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// clean keeps a header value on one line.
var clean = strings.NewReplacer("\r", " ", "\n", " ")

// isHTTP tells fetched captures from imported files.
func isHTTP(c *archive.Capture) (*url.URL, bool) {
	target := firstNonEmpty(c.FinalURL, c.URL)
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || c.Status == 0 {
		return nil, false
	}
	return u, true
}

// capture writes one capture: request + response for a fetch, a resource
// record for an imported file. The body is streamed from the archive (the
// record builder spools to disk beyond 1 MiB).
func (ww *warcWriter) capture(ctx context.Context, a *archive.Archive, c *archive.Capture) error {
	rc, err := a.OpenBlob(c.SHA256)
	if err != nil {
		return err
	}
	defer rc.Close()
	u, web := isHTTP(c)
	target := firstNonEmpty(c.FinalURL, c.URL)
	if !web {
		rb := ww.builder(gowarc.Resource)
		rb.AddWarcHeader(gowarc.WarcTargetURI, target)
		rb.AddWarcHeaderTime(gowarc.WarcDate, c.Time)
		rb.AddWarcHeader(gowarc.ContentType, firstNonEmpty(c.MediaType, "application/octet-stream"))
		rb.AddWarcHeader(gowarc.WarcPayloadDigest, "sha256:"+c.SHA256)
		if _, err := io.Copy(rb, ctxReader{ctx, rc}); err != nil {
			rb.Close()
			return fmt.Errorf("copy blob %s: %w", c.SHA256, err)
		}
		rec, err := build(rb)
		if err != nil {
			return err
		}
		return ww.write(rec)
	}

	resp := ww.builder(gowarc.Response)
	resp.AddWarcHeader(gowarc.WarcTargetURI, target)
	resp.AddWarcHeaderTime(gowarc.WarcDate, c.Time)
	resp.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	resp.AddWarcHeader(gowarc.WarcPayloadDigest, "sha256:"+c.SHA256)
	status := http.StatusText(c.Status)
	if status == "" {
		status = "Unknown"
	}
	var h strings.Builder
	fmt.Fprintf(&h, "HTTP/1.1 %d %s\r\n", c.Status, status)
	keys := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := clean.Replace(c.Headers[k])
		name := clean.Replace(k)
		// The archive keeps the decoded body: a Content-Length that
		// disagrees with it would break replay, so the server's value is
		// kept under the usual X-Archive-Orig- prefix.
		if strings.EqualFold(name, "Content-Length") && strings.TrimSpace(v) != strconv.FormatInt(c.Size, 10) {
			fmt.Fprintf(&h, "X-Archive-Orig-Content-Length: %s\r\n", v)
			continue
		}
		fmt.Fprintf(&h, "%s: %s\r\n", name, v)
	}
	if cl, ok := c.Headers["Content-Length"]; ok && strings.TrimSpace(cl) != strconv.FormatInt(c.Size, 10) {
		fmt.Fprintf(&h, "Content-Length: %d\r\n", c.Size)
	}
	h.WriteString("\r\n")
	if _, err := io.WriteString(resp, h.String()); err != nil {
		resp.Close()
		return err
	}
	if _, err := io.Copy(resp, ctxReader{ctx, rc}); err != nil {
		resp.Close()
		return fmt.Errorf("copy blob %s: %w", c.SHA256, err)
	}
	respRec, err := build(resp)
	if err != nil {
		return err
	}

	req := ww.builder(gowarc.Request)
	req.AddWarcHeader(gowarc.WarcTargetURI, target)
	req.AddWarcHeaderTime(gowarc.WarcDate, c.Time)
	req.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
	req.AddWarcHeader(gowarc.WarcConcurrentTo, "<"+respRec.WarcHeader().GetId(gowarc.WarcRecordID)+">")
	var rq strings.Builder
	fmt.Fprintf(&rq, "GET %s HTTP/1.1\r\nHost: %s\r\n", u.RequestURI(), u.Host)
	if c.Referer != "" {
		fmt.Fprintf(&rq, "Referer: %s\r\n", clean.Replace(c.Referer))
	}
	rq.WriteString("\r\n")
	io.WriteString(req, rq.String())
	reqRec, err := build(req)
	if err != nil {
		respRec.Close()
		return err
	}
	if err := ww.write(reqRec); err != nil {
		respRec.Close()
		return err
	}
	return ww.write(respRec)
}
