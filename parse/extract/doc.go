// Package extract turns one document container (HTML, DOCX, DOC/WPS, plain
// text; PDF lives in parse/pdf) into a Doc: paragraphs and table grids in
// reading order, with spans expanded, plus the container's own title.
//
// Every table cell says where it stands in the original (Block.Pos): the
// table's index among the document's tables in document order (read or
// not), the row and the cell as the markup has them, or the text's line,
// so that a value can be shown in place.
//
// It owns byte-level reading, container guards (size, time, zip-bomb and
// encryption checks) and Normalize, the text folding the report parser uses
// before it matches labels. HTML trees come from internal/htmltree (the
// tree html.Parse would build, cheaper; the package's tests compare the
// two on every tree built). Trees, and the decoded text they slice, live
// in pooled memory that is reused once HTML returns, so nothing HTML
// returns may point into them.
//
// It must not interpret the report: no section detection, no number parsing,
// no label matching, no guessing of values. It never modifies the input
// bytes (they are archived evidence), never touches the network or the file
// system, and returns an error instead of panicking on any input.
package extract
