package extract

// Doc is what a container (HTML, PDF, DOCX, DOC/WPS, text) yields: the
// report's content in reading order, independent of the container. The
// report parser (package parse/report) works only on Doc.
type Doc struct {
	// Container names the reader used: "html", "pdf", "docx", "doc", "text", "image", "unknown".
	Container string
	// Blocks in reading order.
	Blocks []Block
	// NeedsOCR is set when the file has (almost) no text layer: scans and outlined PDFs.
	NeedsOCR bool
	// Encrypted is set when the container is password-protected.
	Encrypted bool
	// Pages is the page count where the container has pages (PDF), else 0.
	Pages int
	// Title is a title the container itself carries (HTML <title>/meta, DOCX core props), if any.
	Title string
	// Publisher is the body the page's own metadata names as its source
	// (HTML meta ContentSource, then SiteName), if any: the fallback for a
	// report whose title names no body.
	Publisher string
	// LastLineCut is set for a text whose last line ends without a line
	// break (and is not a bar-separated row closed by its bar): the text
	// may have been cut off there, in the middle of a value.
	LastLineCut bool
	Warnings    []Warning
}

// Block is one paragraph (Text set, Rows nil) or one table (Rows set).
type Block struct {
	Text string
	// Rows of a table grid after rowspan/colspan expansion. Blank cells are "".
	// For PDF, rows rebuilt from character positions: cells are the runs of text
	// separated by horizontal gaps, so rows may have differing lengths; the
	// same holds for "a | b |" rows of plain text.
	Rows [][]string
	// Spanned[r][c] is true when Rows[r][c] is a copy of a merged cell that
	// starts above or to the left (rowspan/colspan, vMerge/gridSpan), so a
	// reader can take "the cells as written" by skipping the copies. Same
	// shape as Rows; nil where the container has no merge information
	// (PDF text, text); set for a ruled table rebuilt by OCR.
	Spanned [][]bool
	// Pos says where each cell of Rows stands in the original: same shape
	// as Rows, nil where the reader does not know. A merged cell's copies
	// point at the cell as written. Not part of the Doc's JSON: readers of
	// one PDF disagree on boxes (a font's line box against its glyphs' ink).
	Pos [][]Pos `json:"-"`
	// Line is the 1-based line of the text where a Text block starts
	// (text container; its lines follow one a line), else 0.
	Line int `json:"-"`
}

// PosKind tells which fields of a Pos are set.
type PosKind uint8

const (
	PosNone PosKind = iota
	PosPDF          // Page and Box
	PosCell         // Table, Row and Col
	PosLine         // Line
)

// Pos is where a cell stands in the original document.
type Pos struct {
	Kind PosKind
	// Page is the 1-based PDF page.
	Page int32
	// Box is x0, y0, x1, y1 in PDF points with the origin at the page's
	// top-left corner (y grows downwards).
	Box [4]float32
	// Table is the 0-based index of the table among the document's tables
	// in document order (nested and layout tables count), Row the index of
	// its row (<tr>, w:tr) within it, Col the index of the cell within the
	// row as the markup has it (not span-expanded).
	Table, Row, Col int32
	// Line is the 1-based line of the extracted text.
	Line int32
}

// IsTable reports whether b is a table.
func (b Block) IsTable() bool { return b.Rows != nil }

// Warning is something the extractor was unsure of; it becomes a
// {"code","message"} entry of the parsed report's warnings.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
