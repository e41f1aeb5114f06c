// Package pdftest writes PDFs for tests: a one-page document around a
// given content stream, a decompression bomb, a scanned page of any size
// painting an image whose dimensions need not match its data, and either encrypted as
// writers encrypt a file anyone may open (the standard security handler
// with an empty user password, revisions 2 to 6). The encryption is
// written here independently of package pdf's decryption, so each checks
// the other; pdfium reading these files (TestEncryptedTestFiles) checks
// both. For tests only.
package pdftest

import (
	"bytes"
	"compress/zlib"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"
	"image"
	"image/jpeg"
	"strings"
	"sync"
)

// Method is how a file is encrypted.
type Method string

// The methods writers use (Word, LibreOffice, qpdf, Acrobat).
const (
	Plain  Method = ""        // not encrypted
	RC4_40 Method = "rc4-40"  // V1 R2
	RC4128 Method = "rc4-128" // V2 R3
	AES128 Method = "aes-128" // V4 R4, AESV2
	AES256 Method = "aes-256" // V5 R6, AESV3
)

// Methods are the encryption methods, Plain left out.
var Methods = []Method{RC4_40, RC4128, AES128, AES256}

var padding = []byte{0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA,
	0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A}

// perms: printing and copying allowed, changes not.
var perms int32 = -3904

// Zlib compresses data as a FlateDecode stream.
func Zlib(data []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(data)
	zw.Close()
	return z.Bytes()
}

var bombs struct {
	sync.Mutex
	m map[int64][]byte
}

// BombStream is FlateDecode data that inflates to n zero bytes (about
// 1 KiB per MiB). Built once per size.
func BombStream(n int64) []byte {
	bombs.Lock()
	defer bombs.Unlock()
	if b, ok := bombs.m[n]; ok {
		return b
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := make([]byte, 1<<20)
	for left := n; left > 0; left -= int64(len(chunk)) {
		zw.Write(chunk[:min(left, int64(len(chunk)))])
	}
	zw.Close()
	if bombs.m == nil {
		bombs.m = map[int64][]byte{}
	}
	bombs.m[n] = z.Bytes()
	return bombs.m[n]
}

// Bomb is a valid one-page PDF whose content stream (object 4) inflates
// to n zero bytes, encrypted by m: 2 GiB make a 2 MB file.
func Bomb(n int64, m Method) []byte { return OnePage(BombStream(n), m) }

// OnePage is a one-page PDF (Helvetica as /F1) whose content stream,
// object 4, is content, FlateDecode-compressed already, and encrypted
// by m.
func OnePage(content []byte, m Method) []byte {
	var e *encryption
	data := content
	if m != Plain {
		e = newEncryption(m)
		data = e.stream(4, content)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(data), data),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	trailer := ""
	if e != nil {
		objs = append(objs, e.dict)
		trailer = fmt.Sprintf(" /Encrypt %d 0 R /ID [<%x> <%x>]", len(objs), e.id, e.id)
	}
	return Assemble(objs, trailer)
}

// Image is an image XObject: Width × Height pixels of 8-bit grey (or
// three components when RGB), its data encoded by Filter ("DCTDecode",
// "FlateDecode", "JPXDecode", ...). The data may be far shorter than the
// dimensions ask for: a reader must not trust them.
type Image struct {
	Width, Height int
	RGB           bool
	Filter        string
	Data          []byte
}

// ImagePage is a one-page PDF of w × h points (a scan: no text) whose
// content paints each image over the whole page.
func ImagePage(w, h float64, imgs ...Image) []byte {
	var content, names strings.Builder
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"", // the page, once the images are numbered
		"", // its content
	}
	for i, img := range imgs {
		cs := "/DeviceGray"
		if img.RGB {
			cs = "/DeviceRGB"
		}
		fmt.Fprintf(&content, "q %g 0 0 %g 0 0 cm /Im%d Do Q\n", w, h, i+1)
		fmt.Fprintf(&names, " /Im%d %d 0 R", i+1, len(objs)+1)
		objs = append(objs, fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /%s /Length %d >>\nstream\n%s\nendstream",
			img.Width, img.Height, cs, img.Filter, len(img.Data), img.Data))
	}
	objs[2] = fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject <<%s >> >> /Contents 4 0 R >>", w, h, names.String())
	objs[3] = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String())
	return Assemble(objs, "")
}

// JPEGHeader is a real baseline JPEG of a small grey image whose frame
// header claims w × h pixels (at most 65535 each): its scan data ends
// long before the image would, as in a hostile file.
func JPEGHeader(w, h int) []byte {
	small := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range small.Pix {
		small.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, small, &jpeg.Options{Quality: 75}); err != nil {
		panic(err)
	}
	data := b.Bytes()
	// SOF0: FF C0, length (2), precision (1), height (2), width (2).
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		panic("pdftest: no SOF0 in Go's JPEG")
	}
	binary.BigEndian.PutUint16(data[i+5:], uint16(h))
	binary.BigEndian.PutUint16(data[i+7:], uint16(w))
	return data
}

// encryption is what a writer derives for the empty user password and
// the owner password "owner": the /Encrypt dictionary, the /ID and the
// file key.
type encryption struct {
	aes, v5 bool
	dict    string
	id      []byte
	key     []byte
}

func newEncryption(m Method) *encryption {
	var v, r, bits int
	e := &encryption{}
	switch m {
	case RC4_40:
		v, r, bits = 1, 2, 40
	case RC4128:
		v, r, bits = 2, 3, 128
	case AES128:
		v, r, bits, e.aes = 4, 4, 128, true
	case AES256:
		v, r, bits, e.aes, e.v5 = 5, 6, 256, true, true
	default:
		panic("pdftest: unknown method " + string(m))
	}
	id := md5.Sum([]byte("nianbao test " + string(m)))
	e.id = id[:]
	owner := []byte("owner")
	if e.v5 {
		// Algorithms 8, 9 and 10: /U and /UE from the empty user
		// password, /O and /OE from the owner's, /Perms.
		e.key = bytes.Repeat([]byte{0x5a, 0xc3}, 16)
		uvs, uks := []byte("uvsalt01"), []byte("ukssalt1")
		u := append(append(hash6(nil, uvs, nil), uvs...), uks...)
		ue := cbcZeroIV(hash6(nil, uks, nil), e.key)
		ovs, oks := []byte("ovsalt01"), []byte("okssalt1")
		o := append(append(hash6(owner, ovs, u), ovs...), oks...)
		oe := cbcZeroIV(hash6(owner, oks, u), e.key)
		p := make([]byte, 16)
		binary.LittleEndian.PutUint32(p, uint32(perms))
		copy(p[4:], []byte{0xff, 0xff, 0xff, 0xff, 'T', 'a', 'd', 'b', 1, 2, 3, 4})
		block, _ := aes.NewCipher(e.key)
		block.Encrypt(p, p)
		e.dict = fmt.Sprintf("<< /Filter /Standard /V 5 /R 6 /Length 256 /P %d /O <%x> /U <%x> /OE <%x> /UE <%x> /Perms <%x> "+
			"/CF << /StdCF << /CFM /AESV3 /Length 32 /AuthEvent /DocOpen >> >> /StmF /StdCF /StrF /StdCF >>", perms, o, u, oe, ue, p)
		return e
	}
	n := bits / 8
	// Algorithm 3: /O, the padded user password encrypted with a key
	// from the owner password.
	s := md5.Sum(append(owner, padding[:32-len(owner)]...))
	okey := s[:]
	if r >= 3 {
		for i := 0; i < 50; i++ {
			s := md5.Sum(okey[:n])
			okey = s[:]
		}
	}
	o := rc4XOR(okey[:n], padding)
	if r >= 3 {
		for i := 1; i <= 19; i++ {
			o = rc4XOR(xorKey(okey[:n], i), o)
		}
	}
	// Algorithm 2: the file key.
	h := md5.New()
	h.Write(padding)
	h.Write(o)
	binary.Write(h, binary.LittleEndian, perms)
	h.Write(e.id)
	key := h.Sum(nil)
	if r >= 3 {
		for i := 0; i < 50; i++ {
			s := md5.Sum(key[:n])
			key = s[:]
		}
	}
	e.key = key[:n]
	// Algorithms 4 and 5: /U.
	var u []byte
	if r == 2 {
		u = rc4XOR(e.key, padding)
	} else {
		s := md5.Sum(append(append([]byte(nil), padding...), e.id...))
		u = s[:]
		for i := 0; i <= 19; i++ {
			u = rc4XOR(xorKey(e.key, i), u)
		}
		u = append(u, make([]byte, 16)...)
	}
	crypt := ""
	if e.aes {
		crypt = " /CF << /StdCF << /CFM /AESV2 /Length 16 /AuthEvent /DocOpen >> >> /StmF /StdCF /StrF /StdCF"
	}
	e.dict = fmt.Sprintf("<< /Filter /Standard /V %d /R %d /Length %d /P %d /O <%x> /U <%x>%s >>", v, r, bits, perms, o, u, crypt)
	return e
}

func xorKey(key []byte, i int) []byte {
	k := make([]byte, len(key))
	for j := range key {
		k[j] = key[j] ^ byte(i)
	}
	return k
}

func rc4XOR(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// cbcZeroIV encrypts whole blocks with AES-256-CBC and a zero IV.
func cbcZeroIV(key, data []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(data))
	cipher.NewCBCEncrypter(block, make([]byte, 16)).CryptBlocks(out, data)
	return out
}

// hash6 is revision 6's hash of a password (Algorithm 2.B); udata is
// /U for an owner password.
func hash6(pw, salt, udata []byte) []byte {
	s := sha256.Sum256(append(append(append([]byte(nil), pw...), salt...), udata...))
	k := s[:]
	for round := 0; ; round++ {
		var k1 []byte
		for i := 0; i < 64; i++ {
			k1 = append(append(append(k1, pw...), k...), udata...)
		}
		block, _ := aes.NewCipher(k[:16])
		e := make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		var sum int
		for _, b := range e[:16] {
			sum += int(b)
		}
		var h hash.Hash
		switch sum % 3 {
		case 0:
			h = sha256.New()
		case 1:
			h = sha512.New384()
		default:
			h = sha512.New()
		}
		h.Write(e)
		k = h.Sum(nil)
		if round >= 63 && int(e[len(e)-1]) <= round-31 {
			return k[:32]
		}
	}
}

// stream encrypts object num's (generation 0) stream data.
func (e *encryption) stream(num int, data []byte) []byte {
	key := e.key
	if !e.v5 {
		h := md5.New()
		h.Write(e.key)
		h.Write([]byte{byte(num), byte(num >> 8), byte(num >> 16), 0, 0})
		if e.aes {
			h.Write([]byte("sAlT"))
		}
		key = h.Sum(nil)[:min(len(e.key)+5, 16)]
	}
	if !e.aes {
		return rc4XOR(key, data)
	}
	pad := 16 - len(data)%16
	plain := append(append([]byte(nil), data...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	iv := md5.Sum([]byte(fmt.Sprint("iv", num)))
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := append(iv[:], make([]byte, len(plain))...)
	cipher.NewCBCEncrypter(block, iv[:]).CryptBlocks(out[16:], plain)
	return out
}
