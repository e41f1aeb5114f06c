package server

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/sniff"
)

// bundleExporter is the fallback ZIP until the export package's bundle is
// wired in: every original under files/{sha256}{ext} (names made only of
// hex digits, so nothing crawled reaches a path), manifest.csv (UTF-8 with
// a BOM for Excel) and reports.jsonl with the parsed JSON.
type bundleExporter struct{}

func (bundleExporter) WriteZIP(ctx context.Context, w io.Writer, arc *archive.Archive, docs []*archive.Document, _ string) error {
	zw := zip.NewWriter(w)
	now := time.Now()
	seen := map[string]string{}
	man, err := zw.CreateHeader(&zip.FileHeader{Name: "manifest.csv", Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	// The manifest rows are small; the originals stream after it.
	rows := [][]string{{"id", "site", "body", "region", "year", "title", "page_url", "file_url", "sha256", "media_type", "size", "zip_path",
		"parse_status", "failed_checks", "first_seen"}}
	for _, d := range docs {
		for _, f := range d.Files {
			p, ok := seen[f.SHA256]
			if !ok && shaRE.MatchString(f.SHA256) {
				// A file listed but never fetched stays in the manifest
				// with an empty zip_path instead of failing the export.
				if has, err := arc.HasBlob(f.SHA256); err == nil && has {
					p = "files/" + f.SHA256 + sniff.Ext(f.MediaType)
				}
			}
			rows = append(rows, []string{d.ID, d.Site, d.Body, d.Region, yearText(d.Year), d.Title, d.URL, f.URL, f.SHA256,
				f.MediaType, strconv.FormatInt(f.Size, 10), p, d.ParseStatus, strconv.Itoa(d.FailedChecks), d.FirstSeen.UTC().Format(time.RFC3339)})
			seen[f.SHA256] = p
		}
	}
	if _, err := man.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw := csv.NewWriter(man)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}

	rep, err := zw.CreateHeader(&zip.FileHeader{Name: "reports.jsonl", Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(rep)
	for _, d := range docs {
		line := struct {
			ReportSummary
			Parsed json.RawMessage `json:"parsed"`
		}{summary(d), d.Parsed}
		if len(line.Parsed) == 0 || !json.Valid(line.Parsed) {
			line.Parsed = json.RawMessage("null")
		}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("reports.jsonl: %w", err)
		}
	}

	written := map[string]bool{}
	for _, d := range docs {
		for _, f := range d.Files {
			p := seen[f.SHA256]
			if p == "" || written[p] {
				continue
			}
			written[p] = true
			if err := ctx.Err(); err != nil {
				return err
			}
			// Originals are usually compressed already (PDF, DOCX): store.
			ew, err := zw.CreateHeader(&zip.FileHeader{Name: p, Method: zip.Store, Modified: now})
			if err != nil {
				return err
			}
			rc, err := arc.OpenBlob(f.SHA256)
			if err != nil {
				return fmt.Errorf("export %s: %w", f.SHA256, err)
			}
			_, err = io.Copy(ew, rc)
			rc.Close()
			if err != nil {
				return fmt.Errorf("export %s: %w", f.SHA256, err)
			}
		}
	}
	return zw.Close()
}

// yearText is the manifest's year cell: empty when unknown (0), as the API
// gives null.
func yearText(y int) string {
	if y <= 0 {
		return ""
	}
	return strconv.Itoa(y)
}
