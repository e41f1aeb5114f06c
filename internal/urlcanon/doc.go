// Package urlcanon says when two URLs name one document on a Chinese
// government portal, and which of them should name it: Key, the dedupe key
// (http and https, www. and bare host, _wap twins, index.html, query order
// and escapes folded; 网站卫士 challenge URLs unwrapped), and PreferTwin,
// the fixed choice between two forms with one key.
//
// It is pure string work with no network code, so that the read side
// (query finds a document by a pasted URL) shares the crawl's notion of
// "the same URL" without importing the transport (crawl/fetch), which
// builds on it for dedupe, link resolution and file names. It imports
// only internal/textfold.
package urlcanon
