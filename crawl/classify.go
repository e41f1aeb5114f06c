package crawl

import (
	"net/http"
	"strconv"

	"github.com/nianbao/nianbao/crawl/fetch"
)

// Outcome kinds of one response.
const (
	outOK          = "ok"
	outNotModified = "not_modified"
	outBlocked     = "blocked"
	outError       = "error"
	outShell       = "shell"
)

// verdict is what a response is: a usable page or file, or why not.
type verdict struct {
	Outcome string // outOK, outNotModified, outBlocked, outError, outShell
	Reason  string // WAF kind or error kind, as counted in run reports
	Target  string // where a redirect shell points
}

// classify judges a response through fetch.Classify. expectFile is set for
// attachment URLs: an HTML page served there is an error page, not the file.
// text is the body decoded, or "" to let Classify decode what it reads.
func classify(status int, h http.Header, body []byte, text, finalURL string, expectFile bool) verdict {
	v := fetch.Classify(&fetch.Response{URL: finalURL, StatusCode: status, Header: h, Body: body, Text: text}, expectFile)
	switch v.Kind {
	case fetch.KindOK:
		return verdict{Outcome: outOK}
	case fetch.KindNotModified:
		return verdict{Outcome: outNotModified}
	case fetch.KindBlocked:
		return verdict{Outcome: outBlocked, Reason: firstNonEmpty(v.Reason, "blocked")}
	case fetch.KindJSRedirect:
		return verdict{Outcome: outShell, Reason: string(v.Kind), Target: v.Target}
	}
	reason := string(v.Kind)
	if v.Reason != "" {
		reason += ":" + v.Reason
	} else if v.Kind == fetch.KindClientError || v.Kind == fetch.KindServerError || v.Kind == fetch.KindRedirect {
		reason += ":" + strconv.Itoa(status)
	}
	return verdict{Outcome: outError, Reason: reason, Target: v.Target}
}
