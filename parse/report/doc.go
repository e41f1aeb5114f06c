// Package report turns an extract.Doc (paragraphs and table grids of one
// government information-disclosure annual report, whatever the container)
// into the structured report of docs/schema.md: header (title, issuing
// body, data year, region), the numbers of sections 二, 三 and 四, the free
// text of sections 一, 五 and 六, the arithmetic checks H1–H5 of
// docs/format.md §5, and warnings for everything it was unsure of.
//
// The national table formats (2019 and 2021) are data in templates.go:
// row keys, label patterns and column lists. A future format is a new
// Template value, not a new code path. The format is detected from the
// table headers and row labels, never from the year.
//
// Each value placed also records where it stands in the original
// (provenance.go: PDF page and box, table cell, text line), from the
// positions the readers give every cell (extract.Block.Pos). The body and
// year, when the title lacks them, come from the report's own words
// (docmeta.go: the opening sentence, the sign-off and its date), or stay
// empty with a warning where those disagree.
//
// It owns the JSON contract "nianbao.report/1". It must not read files,
// sniff containers or touch the network (package parse does dispatch), and
// it must never invent a number: a value it cannot place with confidence is
// null plus a warning, and a table that is absent yields no numbers at all.
package report
