package archive

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"
)

// Hand-written JSON encoders for the records written on every fetch.
// encoding/json's reflection, its re-validation of MarshalJSON output and
// its allocations were a fifth of the commit's CPU. Each encoder writes
// exactly the bytes json.Marshal writes for the same value (the stored
// format is those bytes): field order and names from the struct tags,
// omitempty, HTML-safe string escaping, time.Time as RFC 3339 with
// nanoseconds, map keys sorted. A value they cannot reproduce (a time
// outside years 0–9999, a NaN score, invalid raw JSON) makes appendRecord
// fall back to json.Marshal, which also reports the error.
// TestRecordJSONKnowsEveryField fails when a struct gains a field the
// encoder does not write.

// appendRecord appends json.Marshal(v) to dst.
func appendRecord(dst []byte, v any) ([]byte, error) {
	n := len(dst)
	ok := false
	switch r := v.(type) {
	case *Capture:
		dst, ok = appendCapture(dst, r)
	case *Document:
		dst, ok = appendDocument(dst, r)
	case *URLState:
		dst, ok = appendURLState(dst, r)
	case *FrontierItem:
		dst, ok = appendFrontierItem(dst, r)
	case FrontierItem:
		dst, ok = appendFrontierItem(dst, &r)
	case blobRecord:
		dst, ok = appendBlobRecord(dst, &r), true
	}
	if ok {
		return dst, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return dst[:n], err
	}
	return append(dst[:n], b...), nil
}

// jsonObj appends the fields of one object. The first field's name
// carries the opening brace, the others the comma: {"id": … ,"url": …
type jsonObj struct {
	b     []byte
	first bool
}

func newObj(dst []byte) jsonObj { return jsonObj{b: append(dst, '{'), first: true} }

// name writes `"name":`; name is a constant ASCII tag, safe unescaped.
func (o *jsonObj) name(name string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObj) str(name, v string) {
	o.name(name)
	o.b = appendJSONString(o.b, v)
}

func (o *jsonObj) strOmit(name, v string) {
	if v != "" {
		o.str(name, v)
	}
}

func (o *jsonObj) num(name string, v int64) {
	o.name(name)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *jsonObj) numOmit(name string, v int64) {
	if v != 0 {
		o.num(name, v)
	}
}

// time writes t as Time.MarshalJSON does; false when that would fail.
func (o *jsonObj) time(name string, t time.Time) bool {
	o.name(name)
	var ok bool
	o.b, ok = appendTimeJSON(o.b, t)
	return ok
}

func (o *jsonObj) end() []byte { return append(o.b, '}') }

// appendTimeJSON writes what Time.MarshalJSON writes, and reports false
// where it returns an error (the checks of time's appendStrictRFC3339).
func appendTimeJSON(dst []byte, t time.Time) ([]byte, bool) {
	n := len(dst)
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	s := dst[n+1:]
	if len(s) < len("2006-01-02T15:04:05Z") || s[4] != '-' { // year not exactly 4 digits
		return dst, false
	}
	if s[len(s)-1] != 'Z' {
		c := s[len(s)-len("Z07:00")]
		h := 10*int(s[len(s)-5]-'0') + int(s[len(s)-4]-'0')
		if ('0' <= c && c <= '9') || h >= 24 {
			return dst, false
		}
	}
	return append(dst, '"'), true
}

// appendFloatJSON writes f as encoding/json writes a float64 (ES6 number
// formatting); false for NaN and infinities, which it refuses.
func appendFloatJSON(dst []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json does.
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, true
}

// appendStringMapJSON writes a map[string]string with its keys sorted.
func appendStringMapJSON(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, m[k])
	}
	return append(dst, '}')
}

func appendStringsJSON(dst []byte, ss []string) []byte {
	if ss == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendRawJSON writes a json.RawMessage as json.Marshal does: compacted,
// with <, >, &, U+2028 and U+2029 escaped; false if it is not valid JSON.
func appendRawJSON(dst []byte, raw json.RawMessage) ([]byte, bool) {
	var compact, escaped bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return dst, false
	}
	json.HTMLEscape(&escaped, compact.Bytes())
	return append(dst, escaped.Bytes()...), true
}

func appendCapture(dst []byte, c *Capture) ([]byte, bool) {
	o := newObj(dst)
	o.name("id")
	o.b = strconv.AppendUint(o.b, c.ID, 10)
	o.str("url", c.URL)
	o.str("final_url", c.FinalURL)
	if !o.time("time", c.Time) {
		return dst, false
	}
	o.num("status", int64(c.Status))
	o.name("headers")
	o.b = c.Headers.appendJSON(o.b)
	o.str("referer", c.Referer)
	o.str("parent_url", c.ParentURL)
	o.str("anchor_text", c.AnchorText)
	o.str("site", c.Site)
	o.str("sha256", c.SHA256)
	o.num("size", c.Size)
	o.str("media_type", c.MediaType)
	o.str("filename", c.Filename)
	o.str("source", c.Source)
	o.str("doc_id", c.DocID)
	return o.end(), true
}

func appendURLState(dst []byte, s *URLState) ([]byte, bool) {
	o := newObj(dst)
	o.str("url", s.URL)
	o.strOmit("etag", s.ETag)
	o.strOmit("last_modified", s.LastModified)
	o.strOmit("sha256", s.SHA256)
	o.num("status", int64(s.Status))
	o.strOmit("kind", s.Kind)
	if !o.time("last_seen", s.LastSeen) || !o.time("next_check", s.NextCheck) {
		return dst, false
	}
	return o.end(), true
}

func appendFrontierItem(dst []byte, it *FrontierItem) ([]byte, bool) {
	o := newObj(dst)
	o.str("url", it.URL)
	o.str("site", it.Site)
	o.str("kind", it.Kind)
	o.strOmit("referer", it.Referer)
	o.strOmit("anchor_text", it.AnchorText)
	o.num("depth", int64(it.Depth))
	o.name("score")
	var ok bool
	if o.b, ok = appendFloatJSON(o.b, it.Score); !ok {
		return dst, false
	}
	if len(it.Extra) > 0 {
		o.name("extra")
		o.b = appendStringMapJSON(o.b, it.Extra)
	}
	return o.end(), true
}

func appendBlobRecord(dst []byte, r *blobRecord) []byte {
	o := newObj(dst)
	o.num("size", r.Size)
	o.num("stored", r.Stored)
	o.num("chunks", int64(r.Chunks))
	o.str("media_type", r.MediaType)
	return o.end()
}

func appendFileRef(dst []byte, f *FileRef) []byte {
	o := newObj(dst)
	o.str("url", f.URL)
	o.str("sha256", f.SHA256)
	o.str("media_type", f.MediaType)
	o.num("size", f.Size)
	o.strOmit("filename", f.Filename)
	o.str("role", f.Role)
	return o.end()
}

func appendSighting(dst []byte, s *Sighting) ([]byte, bool) {
	o := newObj(dst)
	o.str("url", s.URL)
	o.str("from", s.From)
	o.str("site", s.Site)
	if !o.time("time", s.Time) {
		return dst, false
	}
	return o.end(), true
}

func appendDocument(dst []byte, d *Document) ([]byte, bool) {
	o := newObj(dst)
	o.str("id", d.ID)
	o.str("site", d.Site)
	o.str("url", d.URL)
	o.str("title", d.Title)
	o.str("published_at", d.PublishedAt)
	o.str("body", d.Body)
	o.str("region", d.Region)
	o.strOmit("region_code", d.RegionCode)
	if len(d.RegionPath) > 0 {
		o.name("region_path")
		o.b = appendStringsJSON(o.b, d.RegionPath)
	}
	o.strOmit("region_level", d.RegionLevel)
	o.num("year", int64(d.Year))
	o.str("format", d.Format)
	o.name("files")
	if d.Files == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.b = append(o.b, '[')
		for i := range d.Files {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendFileRef(o.b, &d.Files[i])
		}
		o.b = append(o.b, ']')
	}
	o.name("sightings")
	if d.Sightings == nil {
		o.b = append(o.b, "null"...)
	} else {
		o.b = append(o.b, '[')
		for i := range d.Sightings {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			var ok bool
			if o.b, ok = appendSighting(o.b, &d.Sightings[i]); !ok {
				return dst, false
			}
		}
		o.b = append(o.b, ']')
	}
	o.str("source", d.Source)
	o.str("parse_status", d.ParseStatus)
	o.num("failed_checks", int64(d.FailedChecks))
	if len(d.Warnings) > 0 {
		o.name("warnings")
		o.b = appendStringsJSON(o.b, d.Warnings)
	}
	if len(d.Parsed) > 0 {
		o.name("parsed")
		var ok bool
		if o.b, ok = appendRawJSON(o.b, d.Parsed); !ok {
			return dst, false
		}
	}
	o.strOmit("parser_version", d.ParserVer)
	o.strOmit("hint_body", d.HintBody)
	o.numOmit("hint_year", int64(d.HintYear))
	o.strOmit("hint_region", d.HintRegion)
	if !o.time("first_seen", d.FirstSeen) || !o.time("last_seen", d.LastSeen) {
		return dst, false
	}
	if len(d.Tombstones) > 0 {
		o.name("tombstones")
		o.b = append(o.b, '[')
		for i := range d.Tombstones {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			var ok bool
			if o.b, ok = appendTombstone(o.b, &d.Tombstones[i]); !ok {
				return dst, false
			}
		}
		o.b = append(o.b, ']')
	}
	return o.end(), true
}

func appendTombstone(dst []byte, t *Tombstone) ([]byte, bool) {
	o := newObj(dst)
	o.str("action", t.Action)
	o.str("by", t.By)
	if !o.time("time", t.Time) {
		return dst, false
	}
	o.strOmit("reason", t.Reason)
	return o.end(), true
}

// appendPadded writes id as pad(strconv.FormatUint(id, 10)) does: 20
// digits, zero-filled, so ids sort numerically inside index keys.
func appendPadded(dst []byte, id uint64) []byte {
	var buf [20]byte
	for i := len(buf) - 1; i >= 0; i-- {
		buf[i] = byte('0' + id%10)
		id /= 10
	}
	return append(dst, buf[:]...)
}

// appendYearKey writes yearKey(y).
func appendYearKey(dst []byte, y int) []byte {
	y = max(0, min(y, 9999))
	return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
}
