package extract

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"
	"time"
)

// The fuzz targets run with panic recovery off: a panic is a bug to fix,
// not something protect() should hide. Crashers found are kept under
// testdata/fuzz/<Target>/ as regression inputs.

var fuzzOpts = Options{Timeout: 3 * time.Second, MaxUncompressed: 32 << 20}

func fuzzCheck(t *testing.T, d *Doc, err error, rectangular bool) {
	if err != nil {
		if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrEncrypted) && !errors.Is(err, ErrTimeout) {
			t.Fatalf("error outside the documented kinds: %v", err)
		}
		return
	}
	if d == nil {
		t.Fatal("nil Doc without error")
	}
	if rectangular {
		checkRectangular(t, d)
	}
	// positions, where given, are one per cell
	for _, b := range d.Blocks {
		if b.Pos == nil {
			continue
		}
		if len(b.Pos) != len(b.Rows) {
			t.Fatalf("%d rows of positions for %d rows", len(b.Pos), len(b.Rows))
		}
		for r := range b.Rows {
			if len(b.Pos[r]) != len(b.Rows[r]) {
				t.Fatalf("row %d: %d positions for %d cells", r, len(b.Pos[r]), len(b.Rows[r]))
			}
		}
	}
}

func FuzzHTMLGrid(f *testing.F) {
	f.Add([]byte(`<table><tr><td colspan=3 rowspan=3>n</td><td colspan=7>申请人情况</td></tr><tr><td rowspan=2>自然人</td><td colspan=5>法人</td><td rowspan=2>总计</td></tr></table>`))
	f.Add([]byte(`<table><tr><td rowspan="0">L</td><td>1</td></tr><tr><td><table><tr><td>x</td></tr></table></td></tr></table>`))
	f.Add([]byte(`<table class=MsoNormalTable><tr style='mso-yfti-irow:0'><td><p class=MsoNormal><span>本年新<br/>制作</span><o:p>&nbsp;</o:p></p></td></tr></table>`))
	f.Add(readFixture(f, "report-nested-split.html"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recoverPanics = false
		defer func() { recoverPanics = true }()
		d, err := HTML(data, "", fuzzOpts)
		fuzzCheck(t, d, err, true)
	})
}

// FuzzDOCX fuzzes the WordprocessingML reader: an input that is not a zip
// is taken as word/document.xml and packed (random bytes rarely survive the
// zip CRC check, so raw mutation alone would not reach the XML code).
func FuzzDOCX(f *testing.F) {
	f.Add(readFixture(f, "../samples/report.docx"))
	f.Add([]byte(`<w:document xmlns:w="w"><w:body><w:tbl><w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="3"/><w:vMerge/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>`))
	f.Add([]byte(`<w:document><w:body><w:p><w:r><w:t>a</w:t><w:br/><w:tab/></w:r><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>b</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:tbl/></w:tc></w:tr></w:tbl></w:txbxContent></mc:Choice><mc:Fallback>x</mc:Fallback></mc:AlternateContent></w:r></w:p><w:sdt><w:sdtContent><w:p/></w:sdtContent></w:sdt></w:body></w:document>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recoverPanics = false
		defer func() { recoverPanics = true }()
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("word/document.xml")
			_, _ = w.Write(data)
			_ = zw.Close()
			data = buf.Bytes()
		}
		d, err := DOCX(data, fuzzOpts)
		fuzzCheck(t, d, err, true)
	})
}

func FuzzDOC(f *testing.F) {
	f.Add(readFixture(f, "../samples/report.doc"))
	fib := make([]byte, 600)
	fib[0], fib[1], fib[2] = 0xEC, 0xA5, 0xC1
	paras, dat := syntheticDOC()
	f.Add(buildDOC(f, paras, dat, 0))
	f.Add(buildCFB([]string{"WordDocument", "0Table"}, map[string][]byte{"WordDocument": fib, "0Table": {2, 16, 0, 0, 0}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		recoverPanics = false
		defer func() { recoverPanics = true }()
		d, err := DOC(data, fuzzOpts)
		fuzzCheck(t, d, err, true)
	})
}

func FuzzText(f *testing.F) {
	f.Add(readFixture(f, "../seed/000_7cb87bf4f3082eb5.txt"))
	f.Add([]byte("第二十条第(一)项 | ||| 信息内容 |\n规章 | 1 | 0 | 3 |\n|---|---|\n｜a｜b｜\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recoverPanics = false
		defer func() { recoverPanics = true }()
		d, err := Text(data, fuzzOpts)
		fuzzCheck(t, d, err, false)
	})
}
