package query

import (
	"time"

	"github.com/nianbao/nianbao/archive"
)

// Record is one report as `crawler query --output json|jsonl` prints it.
// The field names are a public contract (scripts rely on them; README
// documents them): id, site, body, region, year, title, url, files
// [{url, sha256, media_type, size}], format, parse_status, failed_checks,
// first_seen, last_seen — plus published_at, each file's role, and the
// region resolved against the division table: region_code ("" when
// unresolved), region_path (names from the province down, [] when
// unresolved) and region_level (province, prefecture, county, township).
type Record struct {
	ID           string     `json:"id"`
	Site         string     `json:"site"`
	Body         string     `json:"body"`
	Region       string     `json:"region"`
	RegionCode   string     `json:"region_code"`
	RegionPath   []string   `json:"region_path"`
	RegionLevel  string     `json:"region_level"`
	Year         *int       `json:"year"` // null when unknown
	Title        string     `json:"title"`
	URL          string     `json:"url"` // the page where the report was found
	PublishedAt  string     `json:"published_at"`
	Files        []FileInfo `json:"files"`
	Format       string     `json:"format"`
	ParseStatus  string     `json:"parse_status"`
	FailedChecks int        `json:"failed_checks"` // a count
	FirstSeen    time.Time  `json:"first_seen"`
	LastSeen     time.Time  `json:"last_seen"`
	// Retraction is the tombstone of a retracted report (who, when, why;
	// only `query --retracted` lists them), absent otherwise.
	Retraction *archive.Tombstone `json:"retraction,omitempty"`
}

// FileInfo is one original file of a report.
type FileInfo struct {
	URL       string `json:"url"`
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	Role      string `json:"role"` // "page" or "attachment"
}

// NewRecord builds the public record of d.
func NewRecord(d *archive.Document) Record {
	r := Record{
		ID: d.ID, Site: d.Site, Body: d.Body, Region: d.Region, Title: d.Title, URL: d.URL,
		PublishedAt: d.PublishedAt, Format: d.Format, ParseStatus: d.ParseStatus,
		FailedChecks: d.FailedChecks, FirstSeen: d.FirstSeen.UTC(), LastSeen: d.LastSeen.UTC(),
		Files:      make([]FileInfo, 0, len(d.Files)),
		RegionCode: d.RegionCode, RegionPath: append([]string{}, d.RegionPath...), RegionLevel: d.RegionLevel,
	}
	if t := d.Retraction(); t != nil {
		tc := *t
		r.Retraction = &tc
	}
	if d.Year != 0 {
		y := d.Year
		r.Year = &y
	}
	for _, f := range d.Files {
		r.Files = append(r.Files, FileInfo{URL: f.URL, SHA256: f.SHA256, MediaType: f.MediaType, Size: f.Size, Role: f.Role})
	}
	return r
}
