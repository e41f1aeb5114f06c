// Package charset decodes HTML and text bytes to UTF-8 in the order
// measured on real portals: BOM, valid UTF-8, <meta> prescan, the HTTP
// header's label, then GB18030. Valid UTF-8 wins over any label because GBK
// text is almost never valid UTF-8 by accident; a latin-1 label on bytes
// that are not UTF-8 is ignored (error pages come labelled iso-8859-1), so
// they fall through to GB18030, the best guess measured. Every gb2312/gbk
// label decodes as GB18030, a superset, because pages labelled gb2312 use
// GBK-only characters. Lookup gives the same reading of a label to callers
// that decode something other than a page (a file name's RFC 5987 or MIME
// charset), so the project reads charsets one way.
//
// It only decodes copies: it must never be used to rewrite archived bytes.
// (DecodeHTMLTransient, for a caller that drops the text before returning,
// may hand back valid UTF-8 input as a string over the input's own memory:
// read, never written.) GB18030 is decoded by a table filled from
// golang.org/x/text's decoder for the two-byte GBK sequences pages are made
// of, and by that decoder for anything else.
package charset
