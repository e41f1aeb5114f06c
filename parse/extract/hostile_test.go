package extract

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// buildCFB writes a minimal compound file (v3, 512-byte sectors) holding
// the given root-level streams; each stream is padded to ≥4096 bytes so
// that no mini stream is needed.
func buildCFB(names []string, streams map[string][]byte) []byte {
	const sec = 512
	const end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
	fat := []uint32{fatsect, end} // sector 0 = FAT, 1 = directory
	type loc struct{ start, size int }
	locs := map[string]loc{}
	var body []byte
	next := 2
	for _, n := range names {
		b := append([]byte(nil), streams[n]...)
		size := len(b)
		if size < 4096 {
			b = append(b, make([]byte, 4096-size)...)
			size = 4096
		}
		for len(b)%sec != 0 {
			b = append(b, 0)
		}
		k := len(b) / sec
		locs[n] = loc{next, size}
		for i := 0; i < k; i++ {
			if i == k-1 {
				fat = append(fat, end)
			} else {
				fat = append(fat, uint32(next+i+1))
			}
		}
		next += k
		body = append(body, b...)
	}
	if len(fat) > sec/4 {
		panic("buildCFB: too many sectors for one FAT sector")
	}
	for len(fat) < sec/4 {
		fat = append(fat, free)
	}
	h := make([]byte, sec)
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x3E)
	le.PutUint16(h[26:], 3)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], 1)
	le.PutUint32(h[48:], 1)
	le.PutUint32(h[56:], 4096)
	le.PutUint32(h[60:], end)
	le.PutUint32(h[68:], end)
	for i := 0; i < 109; i++ {
		le.PutUint32(h[76+4*i:], free)
	}
	le.PutUint32(h[76:], 0)
	fatSec := make([]byte, sec)
	for i, v := range fat {
		le.PutUint32(fatSec[4*i:], v)
	}
	dir := make([]byte, sec)
	entry := func(i int, name string, typ byte, child, right uint32, start, size int) {
		e := dir[128*i:]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], nostream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], uint32(start))
		le.PutUint32(e[120:], uint32(size))
	}
	if len(names) > 3 {
		panic("buildCFB: at most 3 streams")
	}
	entry(0, "Root Entry", 5, 1, nostream, end, 0)
	for i, n := range names {
		right := uint32(nostream)
		if i+1 < len(names) {
			right = uint32(i + 2)
		}
		entry(i+1, n, 2, nostream, right, locs[n].start, locs[n].size)
	}
	out := append(h, fatSec...)
	out = append(out, dir...)
	return append(out, body...)
}

func zipOf(t *testing.T, files map[string][]byte, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type extractor struct {
	name string
	fn   func([]byte, Options) (*Doc, error)
}

var extractors = []extractor{
	{"html", func(b []byte, o Options) (*Doc, error) { return HTML(b, "", o) }},
	{"docx", DOCX},
	{"doc", DOC},
	{"text", Text},
}

func TestHostileInputs(t *testing.T) {
	docx := readFixture(t, "../samples/report.docx")
	doc := readFixture(t, "../samples/report.doc")
	html := readFixture(t, "report-trs-gbk.html")
	rnd := rand.New(rand.NewSource(1))
	random := make([]byte, 64<<10)
	rnd.Read(random)
	encOOXML := buildCFB([]string{"EncryptionInfo", "EncryptedPackage"}, map[string][]byte{
		"EncryptionInfo": {4, 0, 4, 0, 0x40, 0, 0, 0}, "EncryptedPackage": bytes.Repeat([]byte{0x5A}, 5000)})
	// A Word-97 FIB with fEncrypted set (flags at 0x0A, bit 0x0100).
	fib := make([]byte, 1024)
	binary.LittleEndian.PutUint16(fib[0:], 0xA5EC)
	binary.LittleEndian.PutUint16(fib[2:], 0xC1)
	binary.LittleEndian.PutUint16(fib[0x0A:], 0x0100)
	encDOC := buildCFB([]string{"WordDocument", "1Table"}, map[string][]byte{"WordDocument": fib, "1Table": nil})
	word95 := append([]byte(nil), fib...)
	binary.LittleEndian.PutUint16(word95[2:], 104)
	binary.LittleEndian.PutUint16(word95[0x0A:], 0)
	doc95 := buildCFB([]string{"WordDocument"}, map[string][]byte{"WordDocument": word95})
	xls := buildCFB([]string{"Workbook"}, map[string][]byte{"Workbook": []byte("not a word file")})

	cases := []struct {
		name      string
		fn        func([]byte, Options) (*Doc, error)
		data      []byte
		opts      Options
		want      error
		encrypted bool
	}{
		{"docx empty", DOCX, nil, Options{}, ErrFormat, false},
		{"doc empty", DOC, nil, Options{}, ErrFormat, false},
		{"html empty", extractors[0].fn, nil, Options{}, ErrFormat, false},
		{"text empty", Text, []byte{}, Options{}, ErrFormat, false},
		{"docx truncated", DOCX, docx[:len(docx)/2], Options{}, ErrFormat, false},
		{"docx random bytes", DOCX, random, Options{}, ErrFormat, false},
		{"docx given a .doc", DOCX, doc, Options{}, ErrFormat, false},
		{"docx given a zip without document.xml", DOCX, zipOf(t, map[string][]byte{"xl/workbook.xml": []byte("<x/>")}, zip.Deflate), Options{}, ErrFormat, false},
		{"docx broken XML", DOCX, zipOf(t, map[string][]byte{"word/document.xml": []byte("<w:document><w:body><w:p><w:r><w:t>x")}, zip.Deflate), Options{}, ErrFormat, false},
		{"docx encrypted OOXML", DOCX, encOOXML, Options{}, ErrEncrypted, true},
		{"doc encrypted OOXML", DOC, encOOXML, Options{}, ErrEncrypted, true},
		{"doc fEncrypted", DOC, encDOC, Options{}, ErrEncrypted, true},
		{"doc Word 95", DOC, doc95, Options{}, ErrFormat, false},
		{"doc xls container", DOC, xls, Options{}, ErrFormat, false},
		{"doc HTML named .doc", DOC, html, Options{}, ErrFormat, false},
		{"doc random bytes", DOC, random, Options{}, ErrFormat, false},
		{"doc truncated", DOC, doc[:len(doc)/3], Options{}, ErrFormat, false},
		{"doc header only", DOC, doc[:512], Options{}, ErrFormat, false},
		{"docx over MaxBytes", DOCX, docx, Options{MaxBytes: 1000}, ErrTooLarge, false},
		{"html over MaxBytes", extractors[0].fn, html, Options{MaxBytes: 1000}, ErrTooLarge, false},
		{"docx over MaxUncompressed", DOCX, docx, Options{MaxUncompressed: 50 << 10}, ErrTooLarge, false},
		{"html timeout", extractors[0].fn, html, Options{Timeout: time.Nanosecond}, ErrTimeout, false},
		{"doc timeout", DOC, doc, Options{Timeout: time.Nanosecond}, ErrTimeout, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := c.fn(c.data, c.opts)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.encrypted && (d == nil || !d.Encrypted) {
				t.Errorf("Doc.Encrypted not set: %+v", d)
			}
		})
	}
}

func TestDOCXZipBomb(t *testing.T) {
	// 24 MB of repeated markup deflates to ~25 KB: over a 16 MB budget,
	// refused from the declared size before inflating anything.
	big := bytes.Repeat([]byte("<w:p/>"), 4<<20)
	doc := []byte(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	doc = append(doc, big...)
	doc = append(doc, []byte(`</w:body></w:document>`)...)
	bomb := zipOf(t, map[string][]byte{"word/document.xml": doc}, zip.Deflate)
	if len(bomb) > 2<<20 {
		t.Fatalf("test bomb is %d bytes; expected high compression", len(bomb))
	}
	start := time.Now()
	_, err := DOCX(bomb, Options{MaxUncompressed: 16 << 20})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to refuse the bomb", d)
	}
	// A smaller bomb under the byte budget is still refused by its ratio.
	small := append([]byte(`<w:document><w:body>`), bytes.Repeat([]byte{' '}, 8<<20)...)
	small = append(small, []byte(`</w:body></w:document>`)...)
	if _, err := DOCX(zipOf(t, map[string][]byte{"word/document.xml": small}, zip.Deflate), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ratio bomb: err = %v, want ErrTooLarge", err)
	}
	// Too many entries.
	many := map[string][]byte{}
	for i := 0; i <= maxZipEntries; i++ {
		many[strings.Repeat("d/", 1)+string(rune('a'+i%26))+string(rune('0'+i/26%10))+"_"+itoa(i)] = nil
	}
	if _, err := DOCX(zipOf(t, many, zip.Store), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("entry count: err = %v, want ErrTooLarge", err)
	}
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}

// TestNoPanicOnMutations flips bytes of the real samples: every result
// must be a Doc or an error, never a panic (recovery is switched off).
func TestNoPanicOnMutations(t *testing.T) {
	recoverPanics = false
	defer func() { recoverPanics = true }()
	rnd := rand.New(rand.NewSource(7))
	for _, f := range []struct {
		file string
		fn   func([]byte, Options) (*Doc, error)
	}{{"../samples/report.doc", DOC}, {"../samples/report.docx", DOCX}, {"report-trs-gbk.html", extractors[0].fn}} {
		orig := readFixture(t, f.file)
		for i := 0; i < 60; i++ {
			b := append([]byte(nil), orig...)
			for k := 0; k < 1+rnd.Intn(20); k++ {
				b[rnd.Intn(len(b))] = byte(rnd.Intn(256))
			}
			if rnd.Intn(4) == 0 {
				b = b[:rnd.Intn(len(b))]
			}
			_, _ = f.fn(b, Options{Timeout: 5 * time.Second})
		}
	}
}
