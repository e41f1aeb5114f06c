package pdf

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/parse/pdf/pdftest"
)

// TestEncryptedTestFiles: pdfium opens the files pdftest encrypts, with
// no password, and reads their text: the files are encrypted as pdfium
// expects, so TestDecrypter opening them checks decrypt.go against
// pdfium.
func TestEncryptedTestFiles(t *testing.T) {
	const text = "Encrypted hello 2024"
	content := pdftest.Zlib([]byte("BT /F1 24 Tf 72 700 Td (" + text + ") Tj ET"))
	for _, m := range pdftest.Methods {
		t.Run(string(m), func(t *testing.T) {
			data := pdftest.OnePage(content, m)
			doc, err := testEngine.Extract(context.Background(), data, Options{OCR: OCROff})
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, b := range doc.Blocks {
				got.WriteString(b.Text)
				for _, row := range b.Rows {
					got.WriteString(strings.Join(row, ""))
				}
			}
			if !strings.Contains(strings.ReplaceAll(got.String(), " ", ""), strings.ReplaceAll(text, " ", "")) {
				t.Errorf("pdfium read %q, want %q", got.String(), text)
			}
		})
	}
}

// TestDecrypter: the empty user password opens the files pdfium opens
// without one (including the fixture a real writer encrypted) and no
// others, and the scan then reads the streams decrypted: with a small
// limit, a stream it could not read as ciphertext is over it. Files
// pdfium cannot open without a password stay unread (pdfium decodes
// nothing of them).
func TestDecrypter(t *testing.T) {
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("../../testdata/pdf", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	content := pdftest.Zlib(bytes.Repeat([]byte("BT /F1 12 Tf 72 700 Td (x) Tj ET\n"), 100)) // 3,300 bytes inflated
	type tc struct {
		name    string
		data    []byte
		opens   bool // a key for the empty password
		counted bool // the streams' inflated size is seen
	}
	cases := []tc{
		{"owner password only (RC4 128, a real writer's)", fixture("encrypted-owner-only.pdf"), true, true},
		{"user password (RC4 40)", fixture("encrypted-user-rc4.pdf"), false, false},
		{"user password (AES 256)", fixture("encrypted-user-aes256.pdf"), false, false},
		{"not encrypted", pdftest.OnePage(content, pdftest.Plain), false, true},
	}
	for _, m := range pdftest.Methods {
		cases = append(cases, tc{string(m), pdftest.OnePage(content, m), true, true})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dec := newDecrypter(c.data)
			if (dec != nil) != c.opens {
				t.Fatalf("decrypter %v, want one: %v", dec != nil, c.opens)
			}
			err := checkInflate(context.Background(), c.data, 1000, 1<<30)
			if c.counted != errors.Is(err, ErrInflateLimit) {
				t.Errorf("1,000-byte limit: %v; want it passed: %v", err, c.counted)
			}
			if err := checkInflate(context.Background(), c.data, 1<<20, 1<<30); err != nil {
				t.Errorf("1 MiB limit: %v", err)
			}
		})
	}
	// The user password that opens the fixtures is "user": not the empty
	// one, so no key comes out however the dictionary is read.
	if d := newDecrypter(fixture("encrypted-user-rc4.pdf")); d != nil {
		t.Errorf("user-password file: key %s", hex.EncodeToString(d.key))
	}
}

// TestFindEncrypt: the dictionary is found through a reference or
// inline, in a classic trailer or a cross-reference stream's dictionary,
// and /EncryptMetadata is not taken for the key.
func TestFindEncrypt(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       bool
	}{
		{"reference", "1 0 obj\n<< /Filter /Standard /V 1 >>\nendobj\ntrailer\n<< /Encrypt 1 0 R /ID [<01><02>] >>", true},
		{"inline", "trailer\n<< /Size 3 /Encrypt << /Filter /Standard /V 1 >> /ID [<01><02>] >>", true},
		{"xref stream", "1 0 obj\n<< /Filter /Standard >>\nendobj\n9 0 obj\n<< /Type /XRef /Encrypt 1 0 R /ID [(a)(b)] /Length 0 >>\nstream\nendstream", true},
		{"no dictionary", "trailer\n<< /Encrypt 7 0 R >>", false},
		{"metadata flag only", "1 0 obj\n<< /EncryptMetadata false >>\nendobj", false},
		{"none", "%PDF-1.7\n", false},
	} {
		enc, _ := findEncrypt([]byte(c.data))
		if (enc != nil) != c.want || (enc != nil && enc["Filter"] != pdfName("Standard")) {
			t.Errorf("%s: %v, want found %v", c.name, enc, c.want)
		}
	}
}
