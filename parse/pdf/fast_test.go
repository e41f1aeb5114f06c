package pdf

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

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

// TestFastPathMatchesPdfium: on every text PDF fixture the fast path must
// take the document, see the same characters as pdfium, and give exactly
// the same Doc (blocks, rows, cells, text, warnings).
func TestFastPathMatchesPdfium(t *testing.T) {
	for _, f := range benchFiles {
		t.Run(f.file, func(t *testing.T) {
			data := readSample(t, f.file)
			fast, err := fastReadPages(context.Background(), data, DefaultMaxPages)
			if err != nil {
				t.Fatalf("fast path declined: %v", err)
			}
			slow := pdfiumPages(t, data)
			if len(fast) != len(slow) {
				t.Fatalf("fast path read %d pages, pdfium %d", len(fast), len(slow))
			}
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
			got, err := testEngine.Extract(context.Background(), data, Options{OCR: OCROff})
			if err != nil {
				t.Fatal(err)
			}
			want, err := testEngine.Extract(context.Background(), data, Options{OCR: OCROff, PdfiumOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			gj, _ := json.MarshalIndent(got, "", " ")
			wj, _ := json.MarshalIndent(want, "", " ")
			if string(gj) != string(wj) {
				t.Errorf("fast path and pdfium disagree:\nfast   %s\npdfium %s", gj, wj)
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

// TestFastPathDeclines: inputs the fast path must leave to pdfium.
func TestFastPathDeclines(t *testing.T) {
	good := readSample(t, "report-lo-wqy.pdf")
	for _, tt := range []struct{ name, file string }{
		{"scan", "report-scan.pdf"},
		{"outlines", "report-outlines.pdf"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fastReadPages(context.Background(), readSample(t, tt.file), DefaultMaxPages)
			if !errors.Is(err, errUnsupported) {
				t.Fatalf("err = %v, want errUnsupported", err)
			}
		})
	}
	_ = good
}
