package ingest

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/parse"
	"github.com/nianbao/nianbao/parse/pdf"
	"github.com/nianbao/nianbao/parse/pdf/pdftest"
	"github.com/nianbao/nianbao/sniff"
)

type memBlobs map[string][]byte

func (m memBlobs) ReadBlob(sha string) ([]byte, error) {
	b, ok := m[sha]
	if !ok {
		return nil, archive.ErrNotFound
	}
	return b, nil
}

// fake parses by content: "ok…" → ok, "partial…" → partial, else failed.
func fake(calls *[]string) FileParser {
	return func(_ context.Context, in Input) (Outcome, error) {
		data := string(in.Data)
		if len(in.Parts) > 1 {
			data = string(bytes.Join(in.Parts, nil))
		}
		*calls = append(*calls, data)
		switch {
		case strings.Contains(data, "needsocr"):
			return Outcome{Status: parse.StatusNeedsOCR}, nil
		case strings.Contains(data, "boom"):
			return Outcome{}, errors.New("boom")
		case strings.Contains(data, "ok2"):
			return Outcome{Status: parse.StatusOK, Body: "乙局", Year: 2022, FailedChecks: 2}, nil
		case strings.Contains(data, "ok"):
			return Outcome{Status: parse.StatusOK, Body: "甲局", Year: 2023, FailedChecks: 0}, nil
		case strings.Contains(data, "partial2021"):
			return Outcome{Status: parse.StatusPartial, Format: "2021"}, nil
		case strings.Contains(data, "partial"):
			return Outcome{Status: parse.StatusPartial, Format: "unknown"}, nil
		}
		return Outcome{Status: parse.StatusFailed}, nil
	}
}

func TestBest(t *testing.T) {
	blobs := memBlobs{"p1": []byte("<p>partial page 1</p>"), "p2": []byte("<p>ok page 2</p>"),
		"a": []byte("ok2 attachment"), "x": []byte("xls"), "b": []byte("boom"), "img": []byte("png"),
		"scan": []byte("needsocr"), "p21": []byte("<p>partial2021 tables</p>")}
	tests := []struct {
		name   string
		files  []archive.FileRef
		status string
		body   string
		calls  int
	}{
		{"stub page loses to its attachment", []archive.FileRef{{SHA256: "p1", Role: "page"}, {SHA256: "a", Role: "attachment", MediaType: sniff.PDF}}, "ok", "乙局", 2},
		{"multi-page article parsed as one page", []archive.FileRef{{SHA256: "p1", Role: "page"}, {SHA256: "p2", Role: "page"}}, "ok", "甲局", 1},
		{"fewer failed checks wins a tie", []archive.FileRef{{SHA256: "a", Role: "attachment", MediaType: sniff.PDF}, {SHA256: "p2", Role: "attachment", MediaType: sniff.HTML}}, "ok", "甲局", 2},
		{"a scan beats a stub page without tables", []archive.FileRef{{SHA256: "p1", Role: "page"}, {SHA256: "scan", Role: "attachment", MediaType: sniff.PDF}}, "needs_ocr", "", 2},
		{"a page with partial national tables beats a scan", []archive.FileRef{{SHA256: "p21", Role: "page"}, {SHA256: "scan", Role: "attachment", MediaType: sniff.PDF}}, "partial", "", 2},
		{"images are not parsed", []archive.FileRef{{SHA256: "img", Role: "attachment", MediaType: sniff.PNG}}, "", "", 0},
		{"a parser error is a failed file, not a failed crawl", []archive.FileRef{{SHA256: "b", Role: "attachment", MediaType: sniff.PDF}, {SHA256: "p1", Role: "page"}}, "partial", "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls []string
			d := &archive.Document{ID: "d", Files: tc.files}
			out, ok, err := Best(context.Background(), blobs, d, fake(&calls))
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tc.status != "") || out.Status != tc.status || out.Body != tc.body || len(calls) != tc.calls {
				t.Fatalf("Best = %+v ok=%v calls=%q", out, ok, calls)
			}
		})
	}
	_, _, err := Best(context.Background(), blobs, &archive.Document{Files: []archive.FileRef{{SHA256: "gone", Role: "page"}}}, fake(new([]string)))
	if !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("missing blob: %v", err)
	}
}

func TestRecordHintsWin(t *testing.T) {
	d := &archive.Document{Body: "标题里的局", Year: 2021, HintBody: "配置的局", HintRegion: "河南省洛阳市偃师区"}
	Record(d, Outcome{Status: "ok", Body: "解析出的局", Year: 2023, Region: "河南省", FailedChecks: 1, Version: "v"})
	if d.Body != "配置的局" || d.Year != 2023 || d.Region != "河南省洛阳市偃师区" || d.FailedChecks != 1 || d.ParserVer != "v" {
		t.Fatalf("doc = %+v", d)
	}
	d = &archive.Document{Body: "标题里的局", Year: 2021, HintYear: 2020}
	Record(d, Outcome{Status: "ok", Year: 2023})
	if d.Body != "标题里的局" || d.Year != 2020 {
		t.Fatalf("doc = %+v", d)
	}
}

// The real parser over a real sample: the document gets its numbers.
func TestApplyRealSample(t *testing.T) {
	docx, err := os.ReadFile("../testdata/samples/report.docx")
	if err != nil {
		t.Fatal(err)
	}
	blobs := memBlobs{"stub": []byte(`<html><body><div class="TRS_Editor"><p>详见附件</p></div></body></html>`), "docx": docx}
	p := &Parser{parseFile: ParseFile(Options{})}
	d := &archive.Document{ID: "x", Title: "偃师区工业和信息化局2023年政府信息公开工作年度报告", Files: []archive.FileRef{
		{SHA256: "stub", Role: "page"}, {SHA256: "docx", Role: "attachment", MediaType: sniff.DOCX}}}
	p.Apply(context.Background(), blobs, d, Hints{Region: "河南省洛阳市偃师区"})
	if d.ParseStatus != parse.StatusOK || d.Format != "2021" || d.FailedChecks != 0 || len(d.Parsed) == 0 || d.ParserVer != parse.Version {
		t.Fatalf("doc = status %s format %s failed %d warnings %v", d.ParseStatus, d.Format, d.FailedChecks, d.Warnings)
	}
	if d.Region != "河南省洛阳市偃师区" || d.HintRegion != "河南省洛阳市偃师区" {
		t.Errorf("region = %q hint %q", d.Region, d.HintRegion)
	}
}

func TestTitleConflictWarns(t *testing.T) {
	d := &archive.Document{Title: "偃师区教育局2021年政府信息公开工作年度报告"}
	Record(d, Outcome{Status: "ok", Year: 2023, Body: "偃师区工业和信息化局"})
	if d.Year != 2023 || len(d.Warnings) != 1 || !strings.HasPrefix(d.Warnings[0], "title_conflict") {
		t.Fatalf("doc = year %d warnings %v", d.Year, d.Warnings)
	}
	d = &archive.Document{Title: "偃师区教育局 2023 年政府信息公开工作年度报告"}
	Record(d, Outcome{Status: "ok", Year: 2023})
	if len(d.Warnings) != 0 {
		t.Fatalf("agreeing years warned: %v", d.Warnings)
	}
}

// Text read by OCR never overrides what the listing said (偃 → 候).
func TestOCRBodyOnlyFillsBlanks(t *testing.T) {
	d := &archive.Document{Body: "偃师区工业和信息化局", Year: 2023}
	Record(d, Outcome{Status: parse.StatusNeedsOCR, Body: "候师区工业和信息化局", Year: 2028,
		Warnings: []string{"ocr: text of pages 1, 2 is from OCR"}})
	if d.Body != "偃师区工业和信息化局" || d.Year != 2023 {
		t.Fatalf("OCR overrode the listing: %q %d", d.Body, d.Year)
	}
	d = &archive.Document{}
	Record(d, Outcome{Status: parse.StatusNeedsOCR, Body: "候师区工业和信息化局", Year: 2023,
		Warnings: []string{"ocr: text of pages 1, 2 is from OCR"}})
	if d.Body != "候师区工业和信息化局" || d.Year != 2023 {
		t.Fatalf("OCR did not fill blanks: %q %d", d.Body, d.Year)
	}
}

// countingBlobs serves blobs and counts which were read.
type countingBlobs struct {
	data map[string][]byte
	read map[string]int
}

func (b *countingBlobs) ReadBlob(sha string) ([]byte, error) {
	b.read[sha]++
	return b.data[sha], nil
}

// A file over the parser's limit is kept but never read to be parsed:
// the document says why in one warning; other files still parse.
func TestBestSkipsFilesTooLargeToParse(t *testing.T) {
	blobs := &countingBlobs{data: map[string][]byte{"small": []byte("%PDF-1.4 small")}, read: map[string]int{}}
	var parsed []string
	parser := func(_ context.Context, in Input) (Outcome, error) {
		parsed = append(parsed, in.URL)
		return Outcome{Status: "partial"}, nil
	}
	huge := archive.FileRef{URL: "http://x.gov.cn/huge.pdf", SHA256: "huge", MediaType: "application/pdf", Size: MaxParseBytes + 1, Role: "attachment", Filename: "年报.pdf"}
	small := archive.FileRef{URL: "http://x.gov.cn/small.pdf", SHA256: "small", MediaType: "application/pdf", Size: 14, Role: "attachment"}
	for _, c := range []struct {
		name       string
		files      []archive.FileRef
		wantStatus string
		wantParsed int
	}{
		{"only the huge file", []archive.FileRef{huge}, "failed", 0},
		{"huge beside a small one", []archive.FileRef{huge, small}, "partial", 1},
	} {
		parsed = nil
		out, ok, err := Best(context.Background(), blobs, &archive.Document{ID: "d", Files: c.files}, parser)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", c.name, ok, err)
		}
		if blobs.read["huge"] != 0 {
			t.Fatalf("%s: the huge file was read into memory", c.name)
		}
		if out.Status != c.wantStatus || len(parsed) != c.wantParsed {
			t.Errorf("%s: status %q after parsing %v, want %q and %d files", c.name, out.Status, parsed, c.wantStatus, c.wantParsed)
		}
		if n := len(out.Warnings); n == 0 || !strings.HasPrefix(out.Warnings[n-1], "file_too_large: 年报.pdf") {
			t.Errorf("%s: warnings %v, want file_too_large naming 年报.pdf", c.name, out.Warnings)
		}
	}
}

// bombPDF is a one-page PDF whose content stream inflates to n zero bytes.
func bombPDF(t *testing.T, n int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := make([]byte, 1<<20)
	for left := n; left > 0; left -= len(chunk) {
		if _, err := zw.Write(chunk[:min(left, len(chunk))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes()),
	}
	return pdftest.Assemble(objs, "")
}

// A PDF whose content stream inflates past the reader's limit is kept
// as failed with a warning saying why, not read.
func TestParseFileDecompressionBomb(t *testing.T) {
	pdf.SetDefaultConfig(pdf.Config{CacheDir: filepath.Join(os.TempDir(), "nianbao-test-cache"), Workers: 1})
	defer pdf.CloseDefault()
	bomb := bombPDF(t, 300<<20)
	out, err := ParseFile(Options{})(context.Background(), Input{Data: bomb, Filename: "年报.pdf", MediaType: sniff.PDF})
	if err != nil {
		t.Fatal(err)
	}
	want := "pdf_inflate_limit: pdf: a content stream (object 4) inflates past 256 MiB: not parsed"
	if out.Status != parse.StatusFailed || !slices.Contains(out.Warnings, want) {
		t.Fatalf("status %s warnings %q, want failed with %q", out.Status, out.Warnings, want)
	}
}
