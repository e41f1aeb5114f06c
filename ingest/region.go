package ingest

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/divisions"
)

// overviewBytes is how much of section 一 an Outcome keeps for the
// region's resolution (divisions reads only its first sentence or two).
const overviewBytes = 1024

// ResolveRegion sets d's resolved region (RegionCode, RegionPath,
// RegionLevel) from what is known of its place, most trusted first: the
// site's configured region (or an import's --region), the body, the title
// and the report's overview. A region that cannot be resolved is left
// empty with a warning; the warnings of an earlier resolution are
// replaced. d.Region, the place as written, is not changed.
func ResolveRegion(d *archive.Document, overview string) divisions.Result {
	res := divisions.Resolve(divisions.Input{Site: d.HintRegion, Body: d.Body, Title: d.Title, Text: overview})
	d.RegionCode, d.RegionPath, d.RegionLevel = "", nil, ""
	if dv := res.Division; dv != nil {
		d.RegionCode, d.RegionPath, d.RegionLevel = dv.Code(), dv.Path(), dv.Level.String()
	}
	kept := d.Warnings[:0:0]
	for _, w := range d.Warnings {
		if !isRegionWarning(w) {
			kept = append(kept, w)
		}
	}
	kept = append(kept, res.Warnings...)
	if len(kept) == 0 {
		kept = nil
	}
	d.Warnings = kept
	return res
}

// RegionPending reports whether d's region was never resolved: no code
// and no warning saying why (a document archived before schema 3).
func RegionPending(d *archive.Document) bool {
	if d.RegionCode != "" {
		return false
	}
	for _, w := range d.Warnings {
		if isRegionWarning(w) {
			return false
		}
	}
	return true
}

func isRegionWarning(w string) bool {
	for _, c := range []string{divisions.WarnUnresolved, divisions.WarnAmbiguous, divisions.WarnConflict, divisions.WarnSite} {
		if strings.HasPrefix(w, c+":") {
			return true
		}
	}
	return false
}

// StoredOverview returns the start of section 一 from a document's stored
// parse (docs/schema.md JSON), for re-resolving regions without parsing.
func StoredOverview(d *archive.Document) string {
	if len(d.Parsed) == 0 {
		return ""
	}
	var p struct {
		Sections struct {
			Overview string `json:"overview"`
		} `json:"sections"`
	}
	if json.Unmarshal(d.Parsed, &p) != nil {
		return ""
	}
	return clipBytes(p.Sections.Overview, overviewBytes)
}

// clipBytes cuts s to at most n bytes on a character boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
