package sniff

import (
	"bytes"
	"os"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n..."), PDF},
		{"pdf after junk", append([]byte("\r\n\r\n"), []byte("%PDF-1.4")...), PDF},
		{"html", []byte("<!DOCTYPE html><html><body>x</body></html>"), HTML},
		{"html late", append(make([]byte, 0), []byte("<!-- a long comment that hides the start of the page -->\n<html><body></body></html>")...), HTML},
		{"html gbk meta", []byte("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><table>"), HTML},
		{"text", []byte("一、总体情况\n本年度..."), Text},
		{"json", []byte(`{"data":[]}`), JSON},
		{"empty", nil, Binary},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), PNG},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00other.txt"), ZIP},
		{"binary", []byte{0, 1, 2, 3, 0xff, 0xfe}, Binary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.data); got != tc.want {
				t.Errorf("Detect = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDetectSamples(t *testing.T) {
	for file, want := range map[string]string{
		"../testdata/samples/report.docx":       DOCX,
		"../testdata/samples/report.doc":        DOC,
		"../testdata/samples/report.wps":        DOC,
		"../testdata/samples/report-lo-wqy.pdf": PDF,
		"../testdata/samples/report-scan.pdf":   PDF,
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(b); got != want {
			t.Errorf("%s: Detect = %q, want %q", file, got, want)
		}
	}
}

func TestOLEKindNeedsWholeName(t *testing.T) {
	doc := append(append([]byte{}, oleMagic...), utf16le("Book of rules WordDocument\x00")...)
	if got := Detect(doc); got != DOC {
		t.Errorf("Detect = %q, want DOC", got)
	}
	xls := append(append([]byte{}, oleMagic...), utf16le("Workbook\x00")...)
	if got := Detect(xls); got != XLS {
		t.Errorf("Detect = %q, want XLS", got)
	}
	other := append(append([]byte{}, oleMagic...), utf16le("Bookkeeping")...)
	if got := Detect(other); got != OLE {
		t.Errorf("Detect = %q, want OLE", got)
	}
}

// DetectReaderAt agrees with Detect on the whole bytes, also where the
// telling marker lies beyond the head (an OLE directory at the end of a
// large .doc, an OOXML part listed late).
func TestDetectReaderAtAgreesWithDetect(t *testing.T) {
	pad := bytes.Repeat([]byte{0xA5}, 3<<20)
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"doc, directory at the end", append(append(append([]byte{}, oleMagic...), pad...), utf16le("WordDocument\x00")...)},
		{"xls, directory at the end", append(append(append([]byte{}, oleMagic...), pad...), utf16le("Workbook\x00")...)},
		{"bare OLE", append(append([]byte{}, oleMagic...), pad...)},
		{"docx, part listed late", append(append([]byte("PK\x03\x04[Content_Types].xml"), pad...), []byte("word/document.xml")...)},
		{"zip", append([]byte("PK\x03\x04"), pad...)},
		{"pdf", append([]byte("%PDF-1.7\n"), pad...)},
		{"html", []byte("<!DOCTYPE html><html><body>x</body></html>")},
	} {
		want := Detect(c.data)
		if got := DetectReaderAt(bytes.NewReader(c.data), int64(len(c.data))); got != want {
			t.Errorf("%s: DetectReaderAt %q, Detect %q", c.name, got, want)
		}
	}
}
