package pdf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
)

// pdfiumPages reads every page's characters with pdfium (readPage).
func pdfiumPages(t *testing.T, data []byte) []pageText {
	t.Helper()
	inst, release, err := testEngine.instance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	od, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: od.Document})
	cnt, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: od.Document})
	if err != nil {
		t.Fatal(err)
	}
	var pages []pageText
	for i := 0; i < cnt.PageCount; i++ {
		p, err := readPage(inst, od.Document, i)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	return pages
}

// bothPages reads data's pages with the fast path, which must take it, and
// with pdfium; both must find the same number of pages.
func bothPages(t *testing.T, data []byte) (fast, slow []pageText) {
	t.Helper()
	fast, err := fastReadPages(context.Background(), data, DefaultMaxPages)
	if err != nil {
		t.Fatalf("fast path declined: %v", err)
	}
	slow = pdfiumPages(t, data)
	if len(fast) != len(slow) {
		t.Fatalf("fast path read %d pages, pdfium %d", len(fast), len(slow))
	}
	return fast, slow
}

// extractDiff extracts data as Extract does and with pdfium alone, and
// says how the two differ (error messages, then the Docs as JSON); "" when
// they agree. err is Extract's own error.
func extractDiff(data []byte) (diff string, err error) {
	got, err := testEngine.Extract(context.Background(), data, Options{OCR: OCROff})
	want, werr := testEngine.Extract(context.Background(), data, Options{OCR: OCROff, PdfiumOnly: true})
	if fmt.Sprint(err) != fmt.Sprint(werr) {
		return fmt.Sprintf("errors differ: %v vs pdfium-only %v", err, werr), err
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		return fmt.Sprintf("docs differ:\nfast   %s\npdfium %s", gj, wj), err
	}
	return "", err
}

// TestFastPathMatchesPdfium: on every text PDF fixture the fast path must
// take the document, see the same characters as pdfium, and give exactly
// the same Doc (blocks, rows, cells, text, warnings).
func TestFastPathMatchesPdfium(t *testing.T) {
	for _, f := range benchFiles {
		t.Run(f.file, func(t *testing.T) {
			data := readSample(t, f.file)
			fast, slow := bothPages(t, data)
			for i := range fast {
				fp, sp := fast[i], slow[i]
				if fp.width != sp.width || fp.height != sp.height {
					t.Errorf("page %d: size %vx%v, pdfium %vx%v", i+1, fp.width, fp.height, sp.width, sp.height)
				}
				if fp.han != sp.han {
					t.Errorf("page %d: %d Han characters, pdfium %d", i+1, fp.han, sp.han)
				}
				fr, sr := runesOf(fp.chars), runesOf(sp.chars)
				if string(fr) != string(sr) {
					t.Errorf("page %d: characters differ:\nfast   %q\npdfium %q", i+1, string(fr), string(sr))
				}
			}
			if d, err := extractDiff(data); err != nil {
				t.Fatal(err)
			} else if d != "" {
				t.Error(d)
			}
		})
	}
}

func runesOf(cs []Char) []rune {
	rs := make([]rune, len(cs))
	for i, c := range cs {
		rs[i] = c.R
	}
	slices.Sort(rs)
	return rs
}

// TestFastPathDeclines: inputs the fast path must leave to pdfium, and
// for each the Doc Extract returns is exactly pdfium's.
func TestFastPathDeclines(t *testing.T) {
	good := readSample(t, "report-lo-wqy.pdf")
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("../../testdata/pdf", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	synth := func(edit func(objs []string) []string) []byte {
		return synthPDF(edit(synthObjs(synthContent1, synthContent2)), xrefTable)
	}
	withContent := func(extra string) []byte {
		return synthDoc(xrefTable, synthContent1+"\n"+extra, synthContent2)
	}
	replaceObj := func(i int, from, to string) func([]string) []string {
		return func(objs []string) []string {
			if !strings.Contains(objs[i], from) {
				t.Fatalf("object %d has no %q", i+1, from)
			}
			objs[i] = strings.Replace(objs[i], from, to, 1)
			return objs
		}
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"scan", readSample(t, "report-scan.pdf")},
		{"outlines", readSample(t, "report-outlines.pdf")},
		{"encrypted owner only", fixture("encrypted-owner-only.pdf")},
		{"encrypted rc4", fixture("encrypted-user-rc4.pdf")},
		{"encrypted aes256", fixture("encrypted-user-aes256.pdf")},
		{"truncated 60%", good[:len(good)*6/10]},
		{"no xref tail", good[:len(good)-200]},
		{"xref offsets off by one", func() []byte {
			// One byte inserted early: every later offset points one
			// byte before its object.
			b := append([]byte("%PDF-1.7\n\n"), synthDoc(xrefTable, synthContent1, synthContent2)[len("%PDF-1.7\n"):]...)
			return b
		}()},
		{"header only", []byte("%PDF-1.7\n")},
		{"horizontal scaling", withContent("BT /F1 12 Tf 90 Tz 60 400 Td <0001> Tj ET")},
		{"text rise", withContent("BT /F1 12 Tf 3 Ts 60 400 Td <0001> Tj ET")},
		{"invisible text", withContent("BT /F1 12 Tf 3 Tr 60 400 Td <0001> Tj ET")},
		{"rotated text", withContent("BT /F1 12 Tf 0 1 -1 0 300 300 Tm <0001> Tj ET")},
		{"mirrored ctm", withContent("q -1 0 0 1 595 0 cm BT /F1 12 Tf 60 400 Td <0001> Tj ET Q")},
		{"inline image", withContent("q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q")},
		{"form xobject", withContent("/Fm0 Do")},
		{"unmapped code", withContent("BT /F1 12 Tf 60 400 Td <0FFF> Tj ET")},
		{"code outside widths", withContent("BT /F2 12 Tf 60 400 Td <7F> Tj ET")},
		{"fake bold", withContent("BT /F1 12 Tf 60 400 Td <0001> Tj ET BT /F1 12 Tf 60.3 400 Td <0001> Tj ET")},
		{"text outside the page", withContent("BT /F1 12 Tf 60 900 Td <0001> Tj ET")},
		{"identity-v", synth(replaceObj(4, "/Identity-H", "/Identity-V"))},
		{"no tounicode", synth(replaceObj(4, "/ToUnicode 8 0 R", ""))},
		{"winansi with differences", synth(replaceObj(15, "/Encoding /WinAnsiEncoding", "/Encoding << /BaseEncoding /WinAnsiEncoding /Differences [65 /B] >>"))},
		{"macroman without tounicode", synth(replaceObj(15, "/WinAnsiEncoding", "/MacRomanEncoding"))},
		{"symbolic winansi", synth(replaceObj(10, "/Flags 32", "/Flags 4"))},
		{"zero font size", withContent("BT /F1 0 Tf 60 400 Td <0001> Tj ET")},
		{"type3 font", synth(replaceObj(8, "/Subtype /TrueType", "/Subtype /Type3"))},
		{"rotated page", synth(replaceObj(2, "/Contents", "/Rotate 90 /Contents"))},
		{"crop box", synth(replaceObj(2, "/Contents", "/CropBox [10 10 500 800] /Contents"))},
		{"ligature", synthPDF(func() []string {
			objs := synthObjs(synthContent1+"\nBT /F2 12 Tf 60 400 Td (A) Tj ET", synthContent2)
			cmap := "begincmap 1 beginbfrange <20> <7E> <0020> endbfrange 1 beginbfchar <41> <00660069> endbfchar endcmap"
			objs[14] = plainStream(cmap)
			return objs
		}(), xrefTable)},
		{"ligature character", synthPDF(func() []string {
			objs := synthObjs(synthContent1+"\nBT /F2 12 Tf 60 400 Td (A) Tj ET", synthContent2)
			objs[14] = plainStream("begincmap 1 beginbfrange <20> <7E> <0020> endbfrange 1 beginbfchar <41> <FB01> endbfchar endcmap")
			return objs
		}(), xrefTable)},
		{"hebrew", synthPDF(func() []string {
			objs := synthObjs(synthContent1+"\nBT /F2 12 Tf 60 400 Td (A) Tj ET", synthContent2)
			objs[14] = plainStream("begincmap 1 beginbfrange <20> <7E> <0020> endbfrange 1 beginbfchar <41> <05D0> endbfchar endcmap")
			return objs
		}(), xrefTable)},
		{"stretched text", withContent("BT /F1 12 Tf 16 0 0 1 60 400 Tm <0001> Tj ET")},
		{"overprinted characters", withContent("BT /F1 12 Tf 60 400 Td <0001> Tj ET BT /F1 12 Tf 60.5 400 Td <0002> Tj ET")},
		{"odd hex string", withContent("BT /F1 12 Tf 60 400 Td <000> Tj ET")},
		{"unterminated string at the end", withContent("BT /F1 12 Tf 60 400 Td <0001> Tj ET (abc")},
		{"unknown operator", withContent("BT /F1 12 Tf 60 400 Td <0001> Tjx ET")},
		{"descent outside the font box", synth(replaceObj(6, "/Descent -141", "/Descent -600"))},
		{"lastchar before firstchar", synth(replaceObj(8, "/LastChar 126", "/LastChar 12"))},
		{"page without parent", synth(replaceObj(2, "/Parent 2 0 R", ""))},
		{"object not closed", synth(replaceObj(0, ">>", ">> 3"))},
		{"zero-width glyph", synth(replaceObj(5, "/W [1 [1000 1000 980] 10 12 950]", "/W [1 [0 1000 980] 10 12 950]"))},
		{"giant glyph", withContent("BT /F1 900 Tf 60 40 Td <0001> Tj ET")},
		{"lzw content", synth(func(objs []string) []string {
			objs[11] = "<< /Length 4 /Filter /LZWDecode >>\nstream\n\x80\x0b\x60\x50\nendstream"
			return objs
		})},
		{"page tree loop", synth(replaceObj(1, "/Kids [3 0 R 4 0 R]", "/Kids [3 0 R 2 0 R]"))},
		{"inflate bomb", synth(func(objs []string) []string {
			objs[11] = flateStream("", make([]byte, maxStreamBytes+1))
			return objs
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fastReadPages(context.Background(), tt.data, DefaultMaxPages)
			if !errors.Is(err, errUnsupported) {
				t.Fatalf("fast path: err = %v, want errUnsupported", err)
			}
			t.Logf("declined: %v", err)
			if d, _ := extractDiff(tt.data); d != "" {
				t.Error(d)
			}
		})
	}
}

// FuzzFastPath: the pure-Go reader must return pages or an error on any
// input, never panic, and stay fast (every loop is bounded by the input
// or a limit). Run:
//
//	go test -run XXX -fuzz FuzzFastPath -fuzztime 60s -fuzzminimizetime 1s ./parse/pdf
//
// The fuzzer minimises every new input, and in this package (pdfium's
// bindings make the coverage map large) that is slow: with the default
// minimisation time a 60 s run does a few dozen inputs. The seeds are the
// small synthetic documents for the same reason.
func FuzzFastPath(f *testing.F) {
	for _, k := range []xrefKind{xrefTable, xrefStream, xrefHybrid} {
		f.Add(synthDoc(k, synthContent1, synthContent2))
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer<</Root 1 0 R>>\nstartxref\n47\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		pages, err := fastReadPages(context.Background(), data, 20)
		if err == nil {
			if len(pages) == 0 || len(pages) > 20 {
				t.Fatalf("%d pages without an error", len(pages))
			}
			for _, p := range pages {
				for _, c := range p.chars {
					if !finite(c.Left) || !finite(c.Right) || !finite(c.Top) || !finite(c.Bottom) {
						t.Fatalf("non-finite box %+v", c)
					}
				}
			}
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v on %d bytes", d, len(data))
		}
	})
}

// TestFastPathBounded: the fast path reads at most Workers documents at
// once (each may hold up to 96 MiB of streams); a read that cannot get a
// slot before its timeout fails with the timeout instead of reading.
func TestFastPathBounded(t *testing.T) {
	data := readSample(t, "report-lo-wqy.pdf")
	for range cap(testEngine.fastSem) {
		testEngine.fastSem <- struct{}{}
	}
	_, err := testEngine.Extract(context.Background(), data, Options{Timeout: 50 * time.Millisecond})
	for range cap(testEngine.fastSem) {
		<-testEngine.fastSem
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with every fast-path slot taken: err = %v, want the timeout", err)
	}
	if _, err := testEngine.Extract(context.Background(), data, Options{}); err != nil {
		t.Fatalf("with the slots free again: %v", err)
	}
}
