package archive

import (
	"encoding/json"
	"time"
)

// Capture is one fetch of one URL (or one imported file). Captures are
// append-only: a URL whose content changes gets a new capture and both stay.
type Capture struct {
	ID         uint64    `json:"id"`          // assigned by AddCapture, increasing
	URL        string    `json:"url"`         // requested URL (for imports: --url or "file:///name")
	FinalURL   string    `json:"final_url"`   // after redirects
	Time       time.Time `json:"time"`        // UTC
	Status     int       `json:"status"`      // HTTP status (0 for imports)
	Headers    Headers   `json:"headers"`     // the response headers that matter, as sent
	Referer    string    `json:"referer"`     // Referer header we sent
	ParentURL  string    `json:"parent_url"`  // page that linked to it
	AnchorText string    `json:"anchor_text"` // link text that led to it
	Site       string    `json:"site"`        // config site name ("" for imports)
	SHA256     string    `json:"sha256"`      // blob hash (hex)
	Size       int64     `json:"size"`
	MediaType  string    `json:"media_type"` // sniffed from the bytes (package sniff)
	Filename   string    `json:"filename"`   // from Content-Disposition / URL path / import name
	Source     string    `json:"source"`     // "crawl" or "import"
	DocID      string    `json:"doc_id"`     // document it belongs to, if any
}

// Headers keeps the response headers that matter for provenance, exactly
// as the server sent them: Content-Type, Content-Length,
// Content-Disposition (raw bytes may be GBK, kept as-is), ETag,
// Last-Modified, Date, Location, Server.
type Headers map[string]string

// Document is one logical report: a detail page plus its attachments.
type Document struct {
	ID          string `json:"id"` // stable: see DocID
	Site        string `json:"site"`
	URL         string `json:"url"`          // page where the report was found
	Title       string `json:"title"`        // as shown on the page / list
	PublishedAt string `json:"published_at"` // YYYY-MM-DD if shown, else ""
	Body        string `json:"body"`         // issuing body
	Region      string `json:"region"`       // as the site, body or title wrote it
	// The region resolved against the official division table (package
	// divisions): today's code (410307), the names from the province down
	// ([河南省 洛阳市 偃师区]) and the level (province, prefecture, county,
	// township). Empty when it could not be resolved (a warning says why)
	// or not yet (documents archived before schema 3: `crawler reregion`).
	RegionCode  string     `json:"region_code,omitempty"`
	RegionPath  []string   `json:"region_path,omitempty"`
	RegionLevel string     `json:"region_level,omitempty"`
	Year        int        `json:"year"`   // data year, 0 unknown
	Format      string     `json:"format"` // "2021", "2019", "legacy", "unknown", "" (unparsed)
	Files       []FileRef  `json:"files"`
	Sightings   []Sighting `json:"sightings"` // every place the same report was listed
	Source      string     `json:"source"`    // "crawl" or "import"

	// Parse state (derived; rebuildable from the blobs).
	ParseStatus  string          `json:"parse_status"` // "", "ok", "partial", "needs_ocr", "failed", "not_report"
	FailedChecks int             `json:"failed_checks"`
	Warnings     []string        `json:"warnings,omitempty"`
	Parsed       json.RawMessage `json:"parsed,omitempty"` // docs/schema.md JSON of the chosen file
	ParserVer    string          `json:"parser_version,omitempty"`

	// Hints are facts known from outside the files (import flags, the
	// site's metadata) that override the parser; kept so a reparse after a
	// parser upgrade still honours them.
	HintBody   string `json:"hint_body,omitempty"`
	HintYear   int    `json:"hint_year,omitempty"`
	HintRegion string `json:"hint_region,omitempty"`

	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`

	// Tombstones is the document's retraction history, oldest first: each
	// `crawler retract` adds a "retract", each `--undo` a "restore". The
	// document is retracted while the last one is a "retract" (Retracted).
	// Only Archive.Retract and Archive.Restore change it: any other write
	// of the document keeps the stored history, so a crawl that sees the
	// report again does not un-retract it. Records from before retraction
	// existed simply lack the field.
	Tombstones []Tombstone `json:"tombstones,omitempty"`
}

// Tombstone is one decision to hide a document from listings, or to show
// it again. The bytes, captures and the document itself stay archived.
type Tombstone struct {
	Action string    `json:"action"` // TombstoneRetract or TombstoneRestore
	By     string    `json:"by"`     // who decided: the OS user or --by
	Time   time.Time `json:"time"`   // UTC
	Reason string    `json:"reason,omitempty"`
}

// Tombstone actions.
const (
	TombstoneRetract = "retract"
	TombstoneRestore = "restore"
)

// Retracted reports whether d is retracted: hidden from queries, exports,
// series, the web page and the API listings.
func (d *Document) Retracted() bool {
	return len(d.Tombstones) > 0 && d.Tombstones[len(d.Tombstones)-1].Action == TombstoneRetract
}

// Retraction returns the tombstone that retracted d, or nil when d is not
// retracted.
func (d *Document) Retraction() *Tombstone {
	if !d.Retracted() {
		return nil
	}
	return &d.Tombstones[len(d.Tombstones)-1]
}

// FileRef names one original file of a document.
type FileRef struct {
	URL       string `json:"url"`
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	Filename  string `json:"filename,omitempty"`
	Role      string `json:"role"` // "page" (the detail page) or "attachment"
}

// Sighting is one list/column where the document was found.
type Sighting struct {
	URL  string    `json:"url"`  // detail URL as linked
	From string    `json:"from"` // list page
	Site string    `json:"site"`
	Time time.Time `json:"time"`
}

// URLState is the crawl state of one canonical URL.
type URLState struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	SHA256       string    `json:"sha256,omitempty"` // last content seen
	Status       int       `json:"status"`
	Kind         string    `json:"kind,omitempty"` // "list", "detail", "attachment", "blocked", …
	LastSeen     time.Time `json:"last_seen"`
	NextCheck    time.Time `json:"next_check"`
}

// FrontierItem is a URL waiting to be fetched in a site's current run.
type FrontierItem struct {
	URL        string  `json:"url"`
	Site       string  `json:"site"`
	Kind       string  `json:"kind"` // rule-defined: "start", "list", "detail", "attachment", …
	Referer    string  `json:"referer,omitempty"`
	AnchorText string  `json:"anchor_text,omitempty"`
	Depth      int     `json:"depth"`
	Score      float64 `json:"score"`
	// Extra is rule-private context (e.g. the list date, a candidate title).
	Extra map[string]string `json:"extra,omitempty"`
}

// Run is one site's crawl run report.
type Run struct {
	ID      uint64         `json:"id"`
	Site    string         `json:"site"`
	Start   time.Time      `json:"start"`
	End     time.Time      `json:"end"`
	Pages   int            `json:"pages"`
	Bytes   int64          `json:"bytes"`
	NewDocs int            `json:"new_docs"`
	Docs    int            `json:"docs"`              // documents seen this run
	Errors  map[string]int `json:"errors,omitempty"`  // by kind
	Blocked map[string]int `json:"blocked,omitempty"` // by WAF kind
	Status  string         `json:"status"`            // "ok", "partial", "failed", "interrupted"
	Family  string         `json:"family,omitempty"`
	Notes   []string       `json:"notes,omitempty"`
}

// Query selects documents through the secondary indexes.
type Query struct {
	Site     string
	Body     string // exact body; fuzzy/alias matching lives in package query
	Region   string // prefix match on the region path
	YearFrom int    // 0 = open
	YearTo   int    // 0 = open
}

// BlobInfo describes a stored blob.
type BlobInfo struct {
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Stored    int64  `json:"stored"` // bytes on disk after compression
	Chunks    int    `json:"chunks"`
	MediaType string `json:"media_type"`
}

// Stats are counts and sizes for `crawler stats`.
type Stats struct {
	SchemaVersion int   `json:"schema_version"`
	Blobs         int   `json:"blobs"`
	BlobBytes     int64 `json:"blob_bytes"`   // sum of unique original bytes
	StoredBytes   int64 `json:"stored_bytes"` // after compression
	Captures      int   `json:"captures"`
	Documents     int   `json:"documents"`
	Retracted     int   `json:"retracted"` // documents retracted (counted in Documents too)
	URLs          int   `json:"urls"`
	Frontier      int   `json:"frontier"`
	Runs          int   `json:"runs"`
	FileBytes     int64 `json:"file_bytes"` // the file on disk (free pages and preallocation included)
	DataBytes     int64 `json:"data_bytes"` // what bbolt's pages in use hold
}
