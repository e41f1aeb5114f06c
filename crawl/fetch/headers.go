package fetch

import (
	"net/http"
	"strings"
)

// keptHeaders is the provenance subset stored with each capture.
var keptHeaders = []string{
	"Content-Type", "Content-Length", "Content-Disposition", "ETag",
	"Last-Modified", "Date", "Location", "Server", "Retry-After",
}

// KeepHeaders returns the provenance subset of h (Content-Type,
// Content-Length, Content-Disposition, ETag, Last-Modified, Date, Location,
// Server, Retry-After) keyed by canonical name. Values are kept raw:
// Content-Disposition may hold GBK bytes and is not decoded (see Filename),
// so a JSON encoder would mangle it — store it as bytes. Repeated headers
// are joined with ", ". Absent headers are omitted.
func KeepHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(keptHeaders))
	for _, k := range keptHeaders {
		if vs := h.Values(k); len(vs) > 0 {
			out[k] = strings.Join(vs, ", ")
		}
	}
	return out
}

// Validators are the stored cache validators of a URL.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// IsZero reports whether there is nothing to send.
func (v Validators) IsZero() bool { return v.ETag == "" && v.LastModified == "" }

// ValidatorsFrom takes the validators from a response's headers.
func ValidatorsFrom(h http.Header) Validators {
	return Validators{ETag: strings.TrimSpace(h.Get("ETag")), LastModified: strings.TrimSpace(h.Get("Last-Modified"))}
}

// SetConditional makes req conditional on stored validators: If-None-Match
// from the ETag (weak tags as stored), If-Modified-Since from
// Last-Modified, sent verbatim as the server gave it. A 304 answer
// classifies as KindNotModified.
func SetConditional(req *http.Request, v Validators) {
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
}
