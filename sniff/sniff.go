package sniff

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// Media types returned by Detect.
const (
	PDF     = "application/pdf"
	DOCX    = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	XLSX    = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	OLE     = "application/x-ole-storage" // DOC/WPS/XLS container; see OLEKind
	DOC     = "application/msword"
	XLS     = "application/vnd.ms-excel"
	ZIP     = "application/zip"
	OFD     = "application/ofd"
	HTML    = "text/html"
	Text    = "text/plain"
	JPEG    = "image/jpeg"
	PNG     = "image/png"
	GIF     = "image/gif"
	Binary  = "application/octet-stream"
	RAR     = "application/vnd.rar"
	SevenZ  = "application/x-7z-compressed"
	JSON    = "application/json"
	XML     = "text/xml"
	Unknown = Binary
)

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Detect returns the media type of data judged by content alone. Pass the
// whole file: compound (OLE) files name their streams near the end.
func Detect(data []byte) string {
	switch {
	case len(data) == 0:
		return Binary
	case hasPDFHeader(data):
		return PDF
	case bytes.HasPrefix(data, oleMagic):
		return oleKind(data)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return zipKind(data)
	case bytes.HasPrefix(data, []byte("Rar!\x1a\x07")):
		return RAR
	case bytes.HasPrefix(data, []byte("7z\xbc\xaf\x27\x1c")):
		return SevenZ
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch ct {
	case "text/html":
		return HTML
	case "text/xml":
		return XML
	case "image/jpeg", "image/png", "image/gif":
		return ct
	case "text/plain":
		// DetectContentType misses HTML that starts with a long comment or
		// a BOM followed by whitespace; look a little further.
		if hasHTMLMarker(data[:min(len(data), 4096)]) {
			return HTML
		}
		t := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
		if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			return JSON
		}
		return Text
	}
	if looksText(data) {
		return Text
	}
	return Binary
}

var htmlMarkers = []string{"<html", "<!doctype html", "<body", "<table"}

// hasHTMLMarker is bytes.Contains(bytes.ToLower(head), m) for the markers
// above, without lower-casing a copy of the head (a measurable share of
// parsing a text report): the markers hold no 'i' or 'k', the only ASCII
// letters a non-ASCII character lower-cases to (İ, the Kelvin sign), so an
// ASCII case fold of the raw bytes finds the same.
func hasHTMLMarker(head []byte) bool {
	for i := bytes.IndexByte(head, '<'); i >= 0; {
		rest := head[i:]
		for _, m := range htmlMarkers {
			if len(rest) >= len(m) && equalFoldASCII(rest[:len(m)], m) {
				return true
			}
		}
		j := bytes.IndexByte(rest[1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// equalFoldASCII: b equals lower-case ASCII m once A–Z are lowered.
func equalFoldASCII(b []byte, m string) bool {
	for k := 0; k < len(m); k++ {
		c := b[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != m[k] {
			return false
		}
	}
	return true
}

// Some portals prepend whitespace or a BOM before %PDF; readers accept the
// header anywhere in the first 1024 bytes.
func hasPDFHeader(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}

// oleKind tells Word from Excel inside a compound file by the stream names
// stored (UTF-16LE, NUL-terminated) in the directory sectors, which are
// often at the end of the file: pass the whole file. The parser opens the
// container properly; this only names the type.
func oleKind(data []byte) string {
	switch {
	case bytes.Contains(data, utf16le("WordDocument\x00")):
		return DOC
	case bytes.Contains(data, utf16le("Workbook\x00")):
		return XLS
	}
	return OLE
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		b = append(b, byte(r), 0)
	}
	return b
}

// zipKind looks at the local file names near the start of the archive.
func zipKind(data []byte) string {
	head := data[:min(len(data), 64<<10)]
	switch {
	case bytes.Contains(head, []byte("word/")):
		return DOCX
	case bytes.Contains(head, []byte("xl/")):
		return XLSX
	case bytes.Contains(head, []byte("Doc_0/")), bytes.Contains(head, []byte("OFD.xml")):
		return OFD
	case bytes.Contains(head, []byte("[Content_Types].xml")):
		// OOXML whose first entries are not yet the word/ or xl/ parts.
		if bytes.Contains(data, []byte("word/document.xml")) {
			return DOCX
		}
		if bytes.Contains(data, []byte("xl/workbook.xml")) {
			return XLSX
		}
	}
	return ZIP
}

func looksText(data []byte) bool {
	n := min(len(data), 1024)
	for _, c := range data[:n] {
		if c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b) {
			return false
		}
	}
	return true
}

// Ext returns the usual file extension (with dot) for a media type, or ".bin".
func Ext(mediaType string) string {
	switch mediaType {
	case PDF:
		return ".pdf"
	case DOCX:
		return ".docx"
	case XLSX:
		return ".xlsx"
	case DOC:
		return ".doc"
	case XLS:
		return ".xls"
	case ZIP:
		return ".zip"
	case OFD:
		return ".ofd"
	case HTML:
		return ".html"
	case Text:
		return ".txt"
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	case GIF:
		return ".gif"
	case RAR:
		return ".rar"
	case SevenZ:
		return ".7z"
	case JSON:
		return ".json"
	case XML:
		return ".xml"
	}
	return ".bin"
}

// IsDocument reports whether a media type can hold a report (not an image
// or archive of unknown content).
func IsDocument(mediaType string) bool {
	switch mediaType {
	case PDF, DOCX, DOC, HTML, Text, OFD, XLS, XLSX, OLE:
		return true
	}
	return false
}

// DetectReaderAt is Detect for a body too large to hold in memory (a
// spooled download): it reads the head, and where Detect would look
// through the whole data (an OLE file's directory, an OOXML archive's
// later entries) it scans r in windows, so the answer is Detect's on the
// whole bytes with at most a window in memory.
func DetectReaderAt(r io.ReaderAt, size int64) string {
	head := make([]byte, min(size, 64<<10))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	kind := Detect(head)
	var markers [][]byte
	switch {
	case kind == OLE:
		markers = [][]byte{utf16le("WordDocument\x00"), utf16le("Workbook\x00")}
	case kind == ZIP && bytes.Contains(head, []byte("[Content_Types].xml")):
		markers = [][]byte{[]byte("word/document.xml"), []byte("xl/workbook.xml")}
	default:
		return kind
	}
	const window, overlap = 1 << 20, 64
	buf := make([]byte, window+overlap)
	found := make([]bool, len(markers))
	for off := int64(0); off < size; off += window {
		n, err := r.ReadAt(buf, off)
		for i, m := range markers {
			found[i] = found[i] || bytes.Contains(buf[:n], m)
		}
		if err != nil {
			break
		}
	}
	// Detect's order: the first marker wins.
	switch {
	case kind == OLE && found[0]:
		return DOC
	case kind == OLE && found[1]:
		return XLS
	case kind == ZIP && found[0]:
		return DOCX
	case kind == ZIP && found[1]:
		return XLSX
	}
	return kind
}
