package pdf

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"hash"
	"io"
)

// An encrypted PDF hides its streams from the decompression scan: their
// bytes are RC4 or AES ciphertext, which no filter decodes, while pdfium
// opens the file with the empty password, decrypts and inflates them
// whole. So before the scan, the standard security handler's file key is
// derived for the empty user password — the only password pdfium tries
// when none is given — and the scan reads each stream decrypted too
// (Algorithms 1, 2, 2.A, 2.B, 4 and 5 of ISO 32000-2 §7.6.4, for revisions
// 2 to 6: RC4 40–128 bits, AES-128, AES-256). A document whose user
// password is not empty, or whose handler is not the standard one, is not
// decrypted: pdfium cannot open it either, so it decodes nothing.

// decrypter holds what is needed to decrypt the document's streams.
type decrypter struct {
	key  []byte // the file key
	aes  bool   // AES-CBC (AESV2, AESV3), else RC4
	v5   bool   // AES-256: the file key is every object's key
	none bool   // streams are not encrypted (/StmF /Identity)
}

var padding = []byte{0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA,
	0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A}

// newDecrypter returns the decrypter of data's encryption, or nil when
// the file is not encrypted or cannot be opened with the empty password.
func newDecrypter(data []byte) *decrypter {
	enc, id := findEncrypt(data)
	if enc == nil {
		return nil
	}
	return stdDecrypter(enc, id)
}

// stdDecrypter authenticates the empty user password against the
// standard security handler's dictionary enc (id: the first string of
// the trailer's /ID) and returns the decrypter, or nil.
func stdDecrypter(enc pdfDict, id []byte) *decrypter {
	if enc["Filter"] != pdfName("Standard") {
		return nil
	}
	v, r := dictInt(enc, "V", 0), dictInt(enc, "R", 0)
	o, _ := enc["O"].(pdfString)
	u, _ := enc["U"].(pdfString)
	d := &decrypter{}
	keyLen := 5
	switch v {
	case 1:
	case 2:
		keyLen = bitsOrBytes(dictInt(enc, "Length", 40))
	case 4, 5:
		// Streams use the crypt filter named by /StmF (default Identity).
		name, _ := enc["StmF"].(pdfName)
		if name == "" || name == "Identity" {
			return &decrypter{none: true}
		}
		cfs, _ := enc["CF"].(pdfDict)
		cf, _ := cfs[name].(pdfDict)
		switch cf["CFM"] {
		case pdfName("None"):
			return &decrypter{none: true}
		case pdfName("V2"):
			keyLen = bitsOrBytes(dictInt(cf, "Length", dictInt(enc, "Length", 128)))
		case pdfName("AESV2"):
			d.aes, keyLen = true, 16
		case pdfName("AESV3"):
			d.aes, d.v5, keyLen = true, true, 32
		default:
			return nil
		}
	default:
		return nil
	}
	if r >= 5 {
		if !d.v5 {
			return nil
		}
		d.key = aes256Key(enc, r, u)
	} else {
		if keyLen < 5 || keyLen > 16 || len(o) < 32 || len(u) < 16 || r < 2 {
			return nil
		}
		p := uint32(int32(dictInt(enc, "P", 0)))
		meta := enc["EncryptMetadata"] != false
		// pdfium also tries the key computed as if metadata were
		// encrypted.
		for _, m := range []bool{meta, true} {
			if k := rc4Key(o, p, id, r, keyLen, m); userKeyMatches(k, u, id, r) {
				d.key = k
				break
			}
		}
	}
	if d.key == nil {
		return nil
	}
	return d
}

// bitsOrBytes reads a key /Length: bits, as the specification says, or
// bytes, as some writers put it.
func bitsOrBytes(n int) int {
	if n < 40 {
		return n
	}
	return n / 8
}

func dictInt(d pdfDict, k pdfName, def int) int {
	if f, ok := d[k].(float64); ok {
		return int(f)
	}
	return def
}

// rc4Key is Algorithm 2: the file key for the empty user password.
func rc4Key(o pdfString, p uint32, id []byte, r, n int, encryptMetadata bool) []byte {
	h := md5.New()
	h.Write(padding)
	h.Write(o[:32])
	var pb [4]byte
	binary.LittleEndian.PutUint32(pb[:], p)
	h.Write(pb[:])
	h.Write(id)
	if r >= 4 && !encryptMetadata {
		h.Write([]byte{0xff, 0xff, 0xff, 0xff})
	}
	sum := h.Sum(nil)
	if r >= 3 {
		for i := 0; i < 50; i++ {
			s := md5.Sum(sum[:n])
			sum = s[:]
		}
	}
	return sum[:n]
}

// userKeyMatches is Algorithms 4 and 5: key, computed from the empty
// password, yields the stored /U.
func userKeyMatches(key []byte, u pdfString, id []byte, r int) bool {
	if r == 2 {
		c, _ := rc4.NewCipher(key)
		out := make([]byte, 32)
		c.XORKeyStream(out, padding)
		return len(u) >= 32 && bytes.Equal(out, u[:32])
	}
	h := md5.New()
	h.Write(padding)
	h.Write(id)
	out := h.Sum(nil)
	k := make([]byte, len(key))
	for i := 0; i < 20; i++ {
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		c, _ := rc4.NewCipher(k)
		c.XORKeyStream(out, out)
	}
	return bytes.Equal(out, u[:16])
}

// aes256Key is Algorithm 2.A for the empty user password: the file key
// from /UE once /U's validation salt confirms the password, or nil.
func aes256Key(enc pdfDict, r int, u pdfString) []byte {
	ue, _ := enc["UE"].(pdfString)
	if len(u) < 48 || len(ue) < 32 {
		return nil
	}
	if !bytes.Equal(hash2B(nil, u[32:40], nil, r), u[:32]) {
		return nil
	}
	block, err := aes.NewCipher(hash2B(nil, u[40:48], nil, r))
	if err != nil {
		return nil
	}
	key := make([]byte, 32)
	cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(key, ue[:32])
	return key
}

// hash2B is Algorithm 2.B (revision 6), or the SHA-256 that revision 5
// uses instead, of a password and salt; udata is /U's 48 bytes for an
// owner password, nil for a user password.
func hash2B(pw, salt, udata []byte, r int) []byte {
	h := sha256.New()
	h.Write(pw)
	h.Write(salt)
	h.Write(udata)
	k := h.Sum(nil)
	if r < 6 {
		return k
	}
	var e []byte
	for i := 0; i < 64 || int(e[len(e)-1]) > i-32; i++ {
		k1 := bytes.Repeat(append(append(append([]byte(nil), pw...), k...), udata...), 64)
		block, _ := aes.NewCipher(k[:16])
		e = make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, b := range e[:16] {
			sum += int(b)
		}
		var hh hash.Hash
		switch sum % 3 {
		case 0:
			hh = sha256.New()
		case 1:
			hh = sha512.New384()
		default:
			hh = sha512.New()
		}
		hh.Write(e)
		k = hh.Sum(nil)
	}
	return k[:32]
}

// objectKey is Algorithm 1: the key of object num gen's strings and
// streams.
func (d *decrypter) objectKey(num, gen int) []byte {
	if d.v5 {
		return d.key
	}
	h := md5.New()
	h.Write(d.key)
	h.Write([]byte{byte(num), byte(num >> 8), byte(num >> 16), byte(gen), byte(gen >> 8)})
	if d.aes {
		h.Write([]byte("sAlT"))
	}
	return h.Sum(nil)[:min(len(d.key)+5, 16)]
}

// stream returns raw (a stream's data to the end of the file) decrypted
// as object num gen's stream, as far as it goes; the filters' own end
// markers end it. nil when streams are not encrypted.
func (d *decrypter) stream(raw []byte, num, gen int) io.Reader {
	if d.none || (num < 0 && !d.v5) { // AES-256 keys do not depend on the object
		return nil
	}
	key := d.objectKey(num, gen)
	if !d.aes {
		c, err := rc4.NewCipher(key)
		if err != nil {
			return nil
		}
		return &cipher.StreamReader{S: c, R: bytes.NewReader(raw)}
	}
	if len(raw) < 2*aes.BlockSize {
		return nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil
	}
	return &cbcReader{mode: cipher.NewCBCDecrypter(block, raw[:aes.BlockSize]), src: raw[aes.BlockSize:]}
}

// cbcReader decrypts src block by block as it is read (the padding of the
// last block is left: the filters stop before it).
type cbcReader struct {
	mode cipher.BlockMode
	src  []byte
	buf  [4096]byte
	out  []byte
}

func (c *cbcReader) Read(p []byte) (int, error) {
	if len(c.out) == 0 {
		n := min(len(c.buf), len(c.src)) / aes.BlockSize * aes.BlockSize
		if n == 0 {
			return 0, io.EOF
		}
		c.mode.CryptBlocks(c.buf[:n], c.src[:n])
		c.src, c.out = c.src[n:], c.buf[:n]
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// findEncrypt returns the encryption dictionary the file's last trailer
// (classic or a cross-reference stream's dictionary) names, and the first
// string of that trailer's /ID; nil when there is none or it cannot be
// read. The last maxEncryptKeys "/Encrypt" keys are tried, last first
// (pdfium reads the last trailer and the ones it chains to), and the work
// stays linear in the file's size on hostile files: each key looks back
// for its dictionary no further than the key before it and reads it no
// further than the key after it (a dictionary holds one), and the
// objects they refer to are found in one pass.
func findEncrypt(data []byte) (pdfDict, []byte) {
	var trailers []pdfDict // last first
	refs := map[pdfRef]pdfDict{}
	next, cur := len(data), lastEncryptKey(data, len(data))
	for tries := 0; cur >= 0 && tries < maxEncryptKeys; tries++ {
		prev := lastEncryptKey(data, cur)
		from := 0
		if prev >= 0 {
			from = prev + len(encryptKey)
		}
		if t := dictAround(data[:next], from, cur); t != nil {
			trailers = append(trailers, t)
			if r, ok := t["Encrypt"].(pdfRef); ok {
				refs[r] = nil
			}
		}
		next, cur = cur, prev
	}
	if len(refs) > 0 {
		findObjectDicts(data, refs)
	}
	for _, t := range trailers {
		enc, _ := t["Encrypt"].(pdfDict)
		if r, ok := t["Encrypt"].(pdfRef); ok {
			enc = refs[r]
		}
		if enc == nil {
			continue
		}
		var id []byte
		if ids, ok := t["ID"].([]any); ok && len(ids) > 0 {
			id, _ = ids[0].(pdfString)
		}
		return enc, id
	}
	return nil, nil
}

const (
	encryptKey     = "/Encrypt"
	maxEncryptKeys = 64
)

// lastEncryptKey is the position of the last "/Encrypt" key before end
// (not the start of a longer name such as /EncryptMetadata), or -1.
func lastEncryptKey(data []byte, end int) int {
	for {
		i := bytes.LastIndex(data[:end], []byte(encryptKey))
		if i < 0 {
			return -1
		}
		if k := i + len(encryptKey); k == len(data) || isWhite(data[k]) || isDelim(data[k]) {
			return i
		}
		end = i
	}
}

// dictAround parses the trailer or object dictionary holding the key at
// pos: the one after the nearest "trailer" or "obj" keyword between from
// and pos (and within 64 KiB of pos), ending within data.
func dictAround(data []byte, from, pos int) pdfDict {
	lo := max(from, pos-64<<10)
	start := -1
	for _, kw := range []string{"trailer", "obj"} {
		if j := bytes.LastIndex(data[lo:pos], []byte(kw)); j >= 0 && lo+j+len(kw) > start {
			start = lo + j + len(kw)
		}
	}
	if start < 0 {
		return nil
	}
	l := &lexer{b: data, pos: start}
	v, err := l.object(0, true)
	d, ok := v.(pdfDict)
	if err != nil || !ok || d["Encrypt"] == nil {
		return nil
	}
	return d
}

// findObjectDicts fills refs with the dictionary of each object's last
// definition ("num gen obj <<…>>") in data, in one pass from the end. A
// dictionary is read no further than the next "obj" keyword (its
// "endobj" comes after it), which keeps the pass linear.
func findObjectDicts(data []byte, refs map[pdfRef]pdfDict) {
	left := len(refs)
	for end, next := len(data), len(data); left > 0; next = end {
		j := bytes.LastIndex(data[:end], []byte("obj"))
		if j < 0 {
			return
		}
		end = j
		num, gen, ok := objHeaderBefore(data, j)
		r := pdfRef{num, gen}
		if d, want := refs[r]; !ok || !want || d != nil {
			continue
		}
		l := &lexer{b: data[:next], pos: j + len("obj")}
		if v, err := l.object(0, true); err == nil {
			if d, ok := v.(pdfDict); ok {
				refs[r] = d
				left--
			}
		}
	}
}
