package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/ascii85"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

func zlibOf(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	if _, err := zw.Write(data); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// lzwEncode is LZWDecode's encoder with EarlyChange 1 (no table reset:
// inputs must need fewer than 3838 codes).
func lzwEncode(data []byte) []byte {
	var out bytes.Buffer
	var bits uint64
	var nbits uint
	width := uint(9)
	put := func(code int) {
		bits = bits<<width | uint64(code)
		nbits += width
		for nbits >= 8 {
			nbits -= 8
			out.WriteByte(byte(bits >> nbits))
		}
	}
	dict := map[string]int{}
	next := 258
	put(256)
	w := ""
	for _, c := range data {
		wc := w + string([]byte{c})
		if _, ok := dict[wc]; ok || len(wc) == 1 {
			w = wc
			continue
		}
		put(codeOf(dict, w))
		dict[wc] = next
		next++
		if next >= 1<<width && width < 12 {
			width++
		}
		w = string([]byte{c})
	}
	if w != "" {
		put(codeOf(dict, w))
	}
	put(257)
	if nbits > 0 {
		out.WriteByte(byte(bits << (8 - nbits)))
	}
	return out.Bytes()
}

func codeOf(dict map[string]int, s string) int {
	if len(s) == 1 {
		return int(s[0])
	}
	return dict[s]
}

func TestLZWDecoder(t *testing.T) {
	text := []byte(strings.Repeat("TOBEORNOTTOBEORTOBEORNOT#年报 2025 ", 40))
	got, err := io.ReadAll(newLZWDecoder(bytes.NewReader(lzwEncode(text))))
	if err != nil || !bytes.Equal(got, text) {
		t.Fatalf("round trip: err %v, %d bytes, want %d", err, len(got), len(text))
	}
}

// streamDoc is a one-page PDF whose object 4 is a stream with the given
// dictionary entries and data, plus extra objects after it.
func streamDoc(dict string, data []byte, extra ...string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d %s >>\nstream\n%s\nendstream", len(data), dict, data),
	}
	return synthPDF(append(objs, extra...), xrefTable)
}

// TestCheckInflate: with a 1 MiB per-stream and 4 MiB total limit, every
// way of writing a stream that inflates past them is refused — through
// filter chains, LZW and RunLength, in damaged files — and what stays
// within them is not.
func TestCheckInflate(t *testing.T) {
	const per, total = 1 << 20, 4 << 20
	zeros := func(n int) []byte { return make([]byte, n) }
	bomb := zlibOf(t, zeros(2<<20))
	atLimit := zlibOf(t, zeros(per))
	hexed := []byte(hex.EncodeToString(bomb) + ">")
	var a85 bytes.Buffer
	enc := ascii85.NewEncoder(&a85)
	enc.Write(bomb)
	enc.Close()
	a85.WriteString("~>")
	var rl bytes.Buffer
	for i := 0; i < (2<<20)/128; i++ {
		rl.Write([]byte{129, 0}) // 128 zeros
	}
	rl.WriteByte(128)
	spaces := zlibOf(t, bytes.Repeat([]byte(" "), 2<<20))
	withBomb := streamDoc("/Filter /FlateDecode", bomb)

	tests := []struct {
		name string
		data []byte
		want string // "" for no error
	}{
		{"flate bomb", withBomb, "a content stream (object 4) inflates past 1 MiB"},
		{"flate at the limit", streamDoc("/Filter /FlateDecode", atLimit), ""},
		{"filter array", streamDoc("/Filter [/FlateDecode]", bomb), "object 4"},
		{"hex then flate", streamDoc("/Filter [/ASCIIHexDecode /FlateDecode]", hexed), "object 4"},
		{"ascii85 then flate", streamDoc("/Filter [/A85 /Fl]", a85.Bytes()), "object 4"},
		{"lzw", streamDoc("/Filter /LZWDecode", lzwEncode(zeros(4<<20))), "object 4"},
		{"run length", streamDoc("/Filter /RunLengthDecode", rl.Bytes()), "object 4"},
		{"large intermediate stage", streamDoc("/Filter [/FlateDecode /ASCIIHexDecode]", spaces), "object 4"},
		{"font program", streamDoc("/Filter /FlateDecode /Length1 5", bomb), "a font program (object 4)"},
		{"no xref", withBomb[:bytes.LastIndex(withBomb, []byte("xref"))], "object 4"},
		{"unreadable dictionary", bytes.Replace(withBomb, []byte("/Filter /FlateDecode"), []byte("/Filter (/FlateDecode"), 1), "inflates past 1 MiB"},
		{"wrong /Length", bytes.Replace(withBomb, []byte(fmt.Sprintf("/Length %d", len(bomb))), []byte("/Length 10"), 1), "object 4"},
		{"no filter named", streamDoc("", bomb), ""},
		{"image data", streamDoc("/Type /XObject /Subtype /Image /Width 2048 /Height 1024 /BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /FlateDecode", bomb), ""},
		{"image codec", streamDoc("/Filter /DCTDecode", bomb), ""},
		{"total", streamDoc("/Filter /FlateDecode", atLimit,
			fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(atLimit), atLimit),
			fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(atLimit), atLimit),
			fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(atLimit), atLimit),
			fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(atLimit), atLimit)),
			"the streams together inflate past 4 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkInflate(context.Background(), tt.data, per, total)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			if !errors.Is(err, ErrInflateLimit) || !strings.Contains(err.Error(), tt.want) || !strings.HasSuffix(err.Error(), ": not parsed") {
				t.Fatalf("err = %v, want ErrInflateLimit saying %q", err, tt.want)
			}
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := checkInflate(ctx, withBomb, per, total); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

// TestCheckInflateSamples: the real limits let every sample through, and
// the scan costs little next to reading the document.
func TestCheckInflateSamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(samples, "*.pdf"))
	if len(files) == 0 {
		t.Fatal("no sample PDFs")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := checkInflate(context.Background(), data, MaxStreamInflate, MaxTotalInflate); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
		t.Logf("%s: %d bytes scanned in %v", filepath.Base(f), len(data), time.Since(start))
	}
}

// FuzzCheckInflate: the scan returns on any input without panicking.
//
//	go test -run XXX -fuzz FuzzCheckInflate -fuzztime 60s ./parse/pdf
func FuzzCheckInflate(f *testing.F) {
	f.Add(streamDoc("/Filter /FlateDecode", zlibOf(f, make([]byte, 4096))))
	f.Add(streamDoc("/Filter [/ASCIIHexDecode /LZWDecode]", []byte(hex.EncodeToString(lzwEncode([]byte("abababababab"))))))
	f.Add(streamDoc("/Filter [/A85 /RL]", []byte("!!*-'\"9eu7#RLhG$k3[W&.oKc'GXG~>")))
	for _, m := range pdftest.Methods {
		f.Add(pdftest.OnePage(pdftest.Zlib(make([]byte, 4096)), m))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := checkInflate(context.Background(), data, 64<<10, 256<<10)
		if err != nil && !errors.Is(err, ErrInflateLimit) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
