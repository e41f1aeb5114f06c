package archive

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The hand-written encoders must write exactly json.Marshal's bytes: the
// archive's stored format.

var trickyStrings = []string{"", "a", "text/html; charset=utf-8", `<script>&amp;</script>`, "tab\tnew\nline\r\b\f\x00\x01\x1f\x7f",
	"quote\" back\\slash /", "line\u2028sep\u2029end", "年报.pdf", "\xc4\xea\xb1\xa8.pdf", "bad\xffutf8", "\xe2\x80", "\xed\xa0\x80 surrogate",
	"\U0001F600", "\ufffd", "W/\"etag\"", "http://www.gen.gov.cn/zfxxgk/zfxxgknb/201601/t20160101_100000.html?a=1&b=<2>"}

var trickyRaw = []string{`{"a":1}`, ` { "a" : [ 1 , 2.5e-3 , "x<y>&z\u2028" , null , true , false ] , "b" : { } } `, `"s<>&"`,
	"[\"\xe2\x80\xa8 raw sep\", \"bad\xff\"]", `123`, `null`, `{"a":}`, `{"a":1}x`, `[`, "\t\n  \"ws\"  \r\n", `{"a<":"\u003c"}`}

// src turns fuzz bytes (or random bytes) into field values.
type src struct{ b []byte }

func (s *src) u8() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

func (s *src) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], s.b)
	s.b = s.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

func (s *src) str() string {
	c := s.u8()
	if c < 160 {
		return trickyStrings[int(c)%len(trickyStrings)]
	}
	n := min(int(c-160), len(s.b))
	v := string(s.b[:n])
	s.b = s.b[n:]
	return v
}

func (s *src) time() time.Time {
	var t time.Time
	switch c := s.u8(); c % 8 {
	case 0:
		return time.Time{}
	case 1: // any instant, most outside years 0–9999
		t = time.Unix(int64(s.u64()), int64(s.u64()%1e9))
	case 2:
		t = time.Date(int(c)*40-100, 1, 1, 0, 0, 0, 0, time.UTC) // around year 0 and 9999
	default:
		t = time.Unix(int64(s.u64()%(1<<35)), int64(s.u64()%1e9))
		switch s.u8() % 4 {
		case 1:
			t = t.Round(time.Second)
		case 2:
			t = t.Round(time.Millisecond)
		}
	}
	switch s.u8() % 6 {
	case 0, 1:
		return t.UTC()
	case 2:
		return t.In(time.FixedZone("CST", 8*3600))
	case 3: // offsets with seconds, and hours Time.MarshalJSON refuses
		return t.In(time.FixedZone("", int(int16(s.u64()))*7))
	case 4:
		return t.In(time.FixedZone("", -(int(s.u8())*3600 + 59*60)))
	}
	return t.Local()
}

func (s *src) float() float64 {
	switch s.u8() % 6 {
	case 0:
		return math.Float64frombits(s.u64()) // NaN and infinities too
	case 1:
		return []float64{0, math.Copysign(0, -1), 1e-6, 1e-7, 9.99999e-7, 1e21, 1e20, 123456789e13, 98, 0.1, -3.25, math.MaxFloat64, math.SmallestNonzeroFloat64}[s.u8()%13]
	case 2:
		return float64(int64(s.u64())) / float64(1+s.u8())
	}
	return float64(int8(s.u8()))
}

// fill sets every field reachable from v from s; with full, no field is
// left at its zero value (so every field must show up in the output).
func (s *src) fill(v reflect.Value, full bool) {
	switch v.Interface().(type) {
	case time.Time:
		t := s.time()
		for full && t.IsZero() {
			t = s.time()
			if len(s.b) == 0 {
				t = time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
			}
		}
		v.Set(reflect.ValueOf(t))
		return
	case json.RawMessage:
		c := s.u8()
		switch {
		case c < 200 || full:
			v.SetBytes([]byte(trickyRaw[int(c)%len(trickyRaw)]))
		case c < 220:
			v.SetBytes([]byte{})
		case c < 240:
			v.SetBytes(nil)
		default:
			v.SetBytes([]byte(s.str()))
		}
		if full && v.Len() == 0 {
			v.SetBytes([]byte(`{"a":1}`))
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		x := s.str()
		if full && x == "" {
			x = "x"
		}
		v.SetString(x)
	case reflect.Int, reflect.Int64, reflect.Int32:
		x := int64(s.u64())
		switch s.u8() % 3 {
		case 0:
			x %= 3000
		case 1:
			x = 0
		}
		if full && x == 0 {
			x = -1
		}
		v.SetInt(x)
	case reflect.Uint64:
		x := s.u64()
		if full && x == 0 {
			x = 1
		}
		v.SetUint(x)
	case reflect.Float64:
		x := s.float()
		if full && x == 0 {
			x = 0.5
		}
		v.SetFloat(x)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				s.fill(v.Field(i), full)
			}
		}
	case reflect.Slice:
		c := s.u8()
		if c%5 == 0 && !full {
			v.SetZero()
			return
		}
		n := int(c % 4)
		if full {
			n = 1 + n%3
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := 0; i < n; i++ {
			s.fill(v.Index(i), full)
		}
	case reflect.Map:
		c := s.u8()
		if c%5 == 0 && !full {
			v.SetZero()
			return
		}
		m := reflect.MakeMap(v.Type())
		n := int(c % 6)
		if full {
			n = 1 + n
		}
		for i := 0; i < n; i++ {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			s.fill(k, false)
			s.fill(e, false)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		panic("fill: unhandled kind " + v.Kind().String() + " of " + v.Type().String())
	}
}

// newRecords returns one value of each record type appendRecord encodes,
// as the callers pass them.
func newRecords(s *src, full bool) []any {
	var c Capture
	var d Document
	var u URLState
	var f FrontierItem
	var b blobRecord
	for _, p := range []any{&c, &d, &u, &f, &b} {
		s.fill(reflect.ValueOf(p).Elem(), full)
	}
	return []any{&c, &d, &u, &f, f, b}
}

func checkRecordJSON(t *testing.T, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	prefix := []byte("prefix")
	got, gerr := appendRecord(prefix, v)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%T %+v: error %v, json.Marshal's %v", v, v, gerr, werr)
	}
	if !bytes.HasPrefix(got, []byte("prefix")) {
		t.Fatalf("%T: prefix overwritten: %q", v, got)
	}
	if werr == nil && !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("%T %+v:\n got %s\nwant %s", v, v, got[len(prefix):], want)
	}
	if werr != nil && len(got) != len(prefix) {
		t.Fatalf("%T: error %v left output %q", v, werr, got)
	}
}

func TestRecordJSONTricky(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	cst := time.FixedZone("CST", 8*3600)
	var vals []any
	for i, s := range trickyStrings {
		vals = append(vals,
			&Capture{ID: uint64(i) << 60, URL: s, FinalURL: s, Time: now.In(cst), Status: -i, Headers: Headers{s: s, "Content-Type": s},
				Referer: s, ParentURL: s, AnchorText: s, Site: s, SHA256: s, Size: -1 << 62, MediaType: s, Filename: s, Source: s, DocID: s},
			&Capture{Headers: Headers{}}, &Capture{},
			&URLState{URL: s, ETag: s, LastModified: s, SHA256: s, Kind: s, LastSeen: now, NextCheck: now.Add(time.Duration(i))},
			&URLState{},
			FrontierItem{URL: s, Extra: map[string]string{s: s, "": "", "z": s}},
			&FrontierItem{URL: s, Site: s, Kind: s, Referer: s, AnchorText: s, Depth: i, Score: float64(i) / 3, Extra: map[string]string{}},
			blobRecord{Size: int64(i), MediaType: s},
			&Document{ID: s, Site: s, URL: s, Title: s, PublishedAt: s, Body: s, Region: s, Year: i, Format: s, Source: s,
				RegionCode: s, RegionPath: []string{s, ""}, RegionLevel: s,
				Files: []FileRef{{URL: s, Filename: s}, {}}, Sightings: []Sighting{{URL: s, Time: now}, {}}, Warnings: []string{s, ""},
				Parsed: json.RawMessage(trickyRaw[i%len(trickyRaw)]), ParserVer: s, HintBody: s, HintYear: i, HintRegion: s,
				FirstSeen: now.In(cst), LastSeen: now.Local()},
			&Document{Files: []FileRef{}, Sightings: []Sighting{}, Warnings: []string{}, Parsed: json.RawMessage{}, RegionPath: []string{}})
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1e-6, 1e-7, 1.5e-7, 1e21, 1e20, 1e-10, 123.456, math.NaN(), math.Inf(1), math.Inf(-1)} {
		vals = append(vals, FrontierItem{Score: f})
	}
	for _, tm := range []time.Time{{}, time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), now.In(time.FixedZone("", 24*3600)), now.In(time.FixedZone("", -(23*3600 + 59*60 + 59))),
		now.In(time.FixedZone("", 100*3600)), now.In(time.FixedZone("", 5*3600+30*60+17))} {
		vals = append(vals, &URLState{LastSeen: tm}, &Capture{Time: tm}, &Document{FirstSeen: tm, Sightings: []Sighting{{Time: tm}}})
	}
	vals = append(vals, &Document{Warnings: nil, Parsed: nil}, &Capture{Headers: nil})
	for _, v := range vals {
		checkRecordJSON(t, v)
	}
}

// TestRecordJSONKnowsEveryField sets every field of every record type and
// compares with json.Marshal: a field added to a struct but not to its
// encoder fails here.
func TestRecordJSONKnowsEveryField(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		b := make([]byte, 4096)
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		for _, v := range newRecords(&src{b: b}, true) {
			want, err := json.Marshal(v)
			if err != nil {
				continue // an unencodable time or score: checked below
			}
			checkRecordJSON(t, v)
			var m map[string]any
			if err := json.Unmarshal(want, &m); err != nil {
				t.Fatal(err)
			}
			typ := reflect.TypeOf(v)
			if typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
			for k := 0; k < typ.NumField(); k++ {
				name, _, _ := strings.Cut(typ.Field(k).Tag.Get("json"), ",")
				if _, ok := m[name]; !ok && typ.Field(k).IsExported() {
					t.Fatalf("%s.%s not set by the test's filler", typ.Name(), typ.Field(k).Name)
				}
			}
		}
	}
}

func TestRecordJSONRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 20000; i++ {
		b := make([]byte, r.IntN(600))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		for _, v := range newRecords(&src{b: b}, false) {
			checkRecordJSON(t, v)
		}
	}
}

// FuzzRecordJSON: go test ./archive -run '^$' -fuzz FuzzRecordJSON
func FuzzRecordJSON(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\xff\xfe\xc4\xea\xb1\xa8"))
	f.Add(bytes.Repeat([]byte{0xa5, 0x00, 0x13, 0xf0, '<', 0xe2, 0x80, 0xa8}, 40))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range newRecords(&src{b: b}, false) {
			checkRecordJSON(t, v)
		}
	})
}

func TestAppendPaddedAndYearKey(t *testing.T) {
	for _, c := range []struct {
		id   uint64
		want string
	}{
		{0, "00000000000000000000"}, {1, "00000000000000000001"}, {9, "00000000000000000009"},
		{10, "00000000000000000010"}, {12345, "00000000000000012345"},
		{1<<63 + 5, "09223372036854775813"}, {math.MaxUint64, "18446744073709551615"},
	} {
		if got := string(appendPadded(nil, c.id)); got != c.want {
			t.Fatalf("appendPadded(%d) = %q, want %q", c.id, got, c.want)
		}
	}
	for _, c := range []struct {
		y    int
		want string
	}{
		{-5, "0000"}, {0, "0000"}, {7, "0007"}, {99, "0099"}, {2021, "2021"}, {9999, "9999"},
		{10000, "9999"}, {math.MaxInt, "9999"}, {math.MinInt, "0000"},
	} {
		if got, want, y := string(appendYearKey(nil, c.y)), c.want, c.y; got != want {
			t.Fatalf("appendYearKey(%d) = %q, want %q", y, got, want)
		}
	}
}

// BenchmarkRecordJSON compares the encoders with json.Marshal on the
// records of a crawl-like fetch.
func BenchmarkRecordJSON(b *testing.B) {
	f := crawlLikeFetches(2)[1]
	f.Capture.SHA256 = strings.Repeat("ab", 32)
	recs := []any{f.Capture, f.Doc, f.State, crawlLikeFetches(1)[0].New[0]}
	for _, enc := range []struct {
		name string
		fn   func(dst []byte, v any) ([]byte, error)
	}{
		{"json.Marshal", func(dst []byte, v any) ([]byte, error) { return json.Marshal(v) }},
		{"appendRecord", appendRecord},
	} {
		b.Run(enc.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for i := 0; i < b.N; i++ {
				for _, r := range recs {
					var err error
					if buf, err = enc.fn(buf[:0], r); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
