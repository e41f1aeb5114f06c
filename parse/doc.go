// Package parse is the glue between a stored file and its parsed report:
// it names the container by magic bytes (package sniff), hands the bytes to
// the right reader (parse/extract for HTML, DOCX, DOC/WPS and text;
// parse/pdf for PDF), then to the report parser (parse/report), and says
// what parse state the archive should record (Status) and which parser
// produced the output (Version).
//
// It owns dispatch, the parse states and Version. It must not read files
// or the network (callers pass bytes), modify the bytes it is given (they
// are archived evidence), trust a file name or a server's Content-Type to
// choose a reader, or interpret the report itself.
package parse
