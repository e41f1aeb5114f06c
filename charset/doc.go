// Package charset decodes HTML and text bytes to UTF-8 in the order measured
// on real portals (docs: extraction.md): BOM, valid UTF-8, <meta> prescan,
// the HTTP header's label, then GB18030. Every gb2312/gbk label decodes as
// GB18030, a superset, because pages labelled gb2312 use GBK-only
// characters.
//
// It only decodes copies: it must never be used to rewrite archived bytes.
package charset
