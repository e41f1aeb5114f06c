// Package fetch is the crawler's transport layer: an http.RoundTripper and
// http.Client with connect/TLS/header/body timeouts, proxy support and a
// curl-style --resolve map; bounded retries with jittered exponential
// backoff honouring Retry-After; size-capped, byte-exact body reads; a
// per-host politeness limiter; a robots.txt cache (RFC 9309); response
// classification (WAF challenges, soft 404s, JS-redirect shells, HTML error
// pages served instead of files); Content-Disposition filenames; provenance
// headers and conditional-GET validators; and link resolution (an href on a
// page to the absolute URL to fetch). When two URLs are one document is
// internal/urlcanon's to say, shared with the read side.
//
// It owns how bytes are fetched and judged, not what is crawled. It must
// not: decode or transcode the bytes it returns (charset decoding happens
// only on private copies used for classification), archive anything, follow
// JS redirects itself, solve WAF challenges, or touch a non-loopback address
// when Options.LoopbackOnly is set (tests always set it). The crawl engine
// (package crawl, on colly or not) decides what to fetch and what to keep.
//
// Wiring, with or without colly:
//
//	opts := fetch.Options{UserAgent: cfg.Crawl.UserAgent, Proxy: cfg.Crawl.Proxy}
//	lim := fetch.NewLimiter(cfg.Crawl.Delay.D(), cfg.Crawl.Parallelism)
//	client := fetch.NewClient(opts)
//	client.Transport = lim.Transport(client.Transport) // polite for every request
//	robots := fetch.NewRobots(client, fetch.RobotsOptions{UserAgent: opts.UserAgent, Limiter: lim})
//
//	c := colly.NewCollector(colly.MaxBodySize(int(fetch.DefaultMaxBody)))
//	c.WithTransport(client.Transport)
//	c.SetRedirectHandler(fetch.CheckRedirect)
//	// colly rewrites bodies whose header names a charset: strip the
//	// charset in OnResponseHeaders and keep the raw header for the archive.
//
//	resp, err := fetch.Do(ctx, client, req, fetch.RetryPolicy{}) // non-colly requests
//	v := fetch.Classify(resp, expectDocument)
package fetch
