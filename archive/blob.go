package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"

	"github.com/nianbao/nianbao/sniff"
)

// ChunkSize bounds each bbolt value: large files never become one huge value.
const ChunkSize = 1 << 20

// Chunk flag byte.
const (
	chunkRaw  byte = 0
	chunkZstd byte = 1
)

// spoolLimit: PutBlob buffers in memory up to this size, then spools to a
// temporary file, because the key (the hash) is known only at the end.
var spoolLimit int64 = 64 << 20

type blobRecord struct {
	Size      int64  `json:"size"`
	Stored    int64  `json:"stored"`
	Chunks    int    `json:"chunks"`
	MediaType string `json:"media_type"`
}

// compressor wraps zstd; EncodeAll/DecodeAll are safe for concurrent use.
type compressor struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

func newCompressor() *compressor {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(4*ChunkSize))
	return &compressor{enc: enc, dec: dec}
}

// pack compresses a chunk only when it saves at least 1/8: PDFs, DOCX and
// images are already compressed and would just cost CPU on every read. A
// 32 KiB sample decides for large chunks, so incompressible data costs
// little.
func (c *compressor) pack(p []byte) []byte {
	const sample = 32 << 10
	if len(p) > 4*sample {
		mid := p[len(p)/2 : len(p)/2+sample]
		if z := c.enc.EncodeAll(mid, nil); len(z) > sample-sample/6 {
			return raw(p)
		}
	}
	z := c.enc.EncodeAll(p, make([]byte, 1, len(p)/2+16))
	z[0] = chunkZstd
	if len(z) < len(p)-len(p)/8 {
		return z
	}
	return raw(p)
}

func raw(p []byte) []byte {
	out := make([]byte, 1+len(p))
	out[0] = chunkRaw
	copy(out[1:], p)
	return out
}

func (c *compressor) unpack(v []byte) ([]byte, error) {
	if len(v) == 0 {
		return nil, fmt.Errorf("empty chunk")
	}
	switch v[0] {
	case chunkRaw:
		return append([]byte(nil), v[1:]...), nil
	case chunkZstd:
		out, err := c.dec.DecodeAll(v[1:], nil)
		if err != nil {
			return nil, fmt.Errorf("decompress chunk: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown chunk flag %d", v[0])
}

func chunkKey(sum []byte, i int) []byte { return appendChunkKey(make([]byte, 0, len(sum)+4), sum, i) }

func appendChunkKey(dst, sum []byte, i int) []byte {
	return binary.BigEndian.AppendUint32(append(dst, sum...), uint32(i))
}

// PutBlobBytes stores b (if not already stored) and describes it.
func (a *Archive) PutBlobBytes(b []byte) (BlobInfo, bool, error) {
	sum := sha256.Sum256(b)
	return a.putBlob(sum[:], int64(len(b)), func(i int) ([]byte, error) {
		lo := i * ChunkSize
		return b[lo:min(lo+ChunkSize, len(b))], nil
	}, sniff.Detect(b))
}

// PutBlob reads r to the end and stores its bytes exactly.
func (a *Archive) PutBlob(r io.Reader) (BlobInfo, bool, error) {
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, r, spoolLimit+1)
	if err != nil && err != io.EOF {
		return BlobInfo{}, false, fmt.Errorf("read blob: %w", err)
	}
	if n <= spoolLimit {
		return a.PutBlobBytes(buf.Bytes())
	}
	// Large: spool to a temp file while hashing, then copy chunk by chunk.
	f, err := os.CreateTemp("", "nianbao-blob-*")
	if err != nil {
		return BlobInfo{}, false, fmt.Errorf("spool blob: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	head := append([]byte(nil), buf.Bytes()[:64<<10]...)
	size, err := io.Copy(io.MultiWriter(f, h), io.MultiReader(&buf, r))
	if err != nil {
		return BlobInfo{}, false, fmt.Errorf("spool blob: %w", err)
	}
	chunk := make([]byte, ChunkSize)
	return a.putBlob(h.Sum(nil), size, func(i int) ([]byte, error) {
		n, err := f.ReadAt(chunk, int64(i)*ChunkSize)
		if err != nil && err != io.EOF {
			return nil, err
		}
		return chunk[:n], nil
	}, sniff.Detect(head))
}

// PutBlobAt stores size bytes read from r whose SHA-256 the caller
// computed as they arrived (a download spooled to a file), chunk by chunk:
// memory holds one chunk whatever the size. The caller vouches for sum;
// reads re-hash every blob, and verify checks it.
func (a *Archive) PutBlobAt(r io.ReaderAt, size int64, sum [sha256.Size]byte, mediaType string) (BlobInfo, bool, error) {
	chunk := make([]byte, ChunkSize)
	return a.putBlob(sum[:], size, func(i int) ([]byte, error) {
		n, err := r.ReadAt(chunk[:min(int64(ChunkSize), size-int64(i)*ChunkSize)], int64(i)*ChunkSize)
		if err != nil && err != io.EOF {
			return nil, err
		}
		return chunk[:n], nil
	}, mediaType)
}

// chunksPerTx keeps write transactions (and their dirty pages) bounded for
// huge files: a transaction holds its chunks and their pages until it
// commits, so 8 MiB per transaction keeps a 500 MB download's store
// under ~50 MB of memory (32 chunks cost ~4× that, measured by the
// crawl's large-attachment test); the blob record is written last, so a crash mid-way leaves
// only unreferenced chunks that the next put of the same blob overwrites.
const chunksPerTx = 8

func (a *Archive) putBlob(sum []byte, size int64, chunk func(i int) ([]byte, error), mediaType string) (BlobInfo, bool, error) {
	hexsum := hex.EncodeToString(sum)
	if info, err := a.Blob(hexsum); err == nil {
		return info, false, nil
	}
	n := int((size + ChunkSize - 1) / ChunkSize)
	var stored int64
	write := func(from, to int, last bool) error {
		return a.dbUpdate(func(tx *bolt.Tx) error {
			cb := tx.Bucket(bChunks)
			for i := from; i < to; i++ {
				p, err := chunk(i)
				if err != nil {
					return fmt.Errorf("read chunk %d: %w", i, err)
				}
				v := a.enc.pack(p)
				stored += int64(len(v) - 1)
				if err := cb.Put(chunkKey(sum, i), v); err != nil {
					return err
				}
			}
			if !last {
				return nil
			}
			return putJSON(tx.Bucket(bBlobs), []byte(hexsum), blobRecord{Size: size, Stored: stored, Chunks: n, MediaType: mediaType})
		})
	}
	for from := 0; ; from += chunksPerTx {
		to := min(from+chunksPerTx, n)
		if err := write(from, to, to == n); err != nil {
			return BlobInfo{}, false, fmt.Errorf("store blob %s: %w", hexsum, err)
		}
		if to == n {
			break
		}
	}
	return BlobInfo{SHA256: hexsum, Size: size, Stored: stored, Chunks: n, MediaType: mediaType}, true, nil
}

// pendingBlob is a small blob hashed and compressed outside the write
// transaction (so the single writer holds the lock briefly), to be written
// inside one.
type pendingBlob struct {
	sum    []byte
	info   BlobInfo
	chunks [][]byte
}

func (a *Archive) prepareBlob(b []byte) *pendingBlob {
	sum := sha256.Sum256(b)
	pb := &pendingBlob{sum: sum[:]}
	n := (len(b) + ChunkSize - 1) / ChunkSize
	var stored int64
	for i := 0; i < n; i++ {
		v := a.enc.pack(b[i*ChunkSize : min((i+1)*ChunkSize, len(b))])
		stored += int64(len(v) - 1)
		pb.chunks = append(pb.chunks, v)
	}
	pb.info = BlobInfo{SHA256: hex.EncodeToString(pb.sum), Size: int64(len(b)), Stored: stored, Chunks: n,
		MediaType: sniff.Detect(b)}
	return pb
}

// Blob describes a stored blob, or returns ErrNotFound.
func (a *Archive) Blob(sha string) (BlobInfo, error) {
	var info BlobInfo
	err := a.view(func(tx *bolt.Tx) error {
		var err error
		info, err = getBlob(tx, sha)
		return err
	})
	return info, err
}

func getBlob(tx *bolt.Tx, sha string) (BlobInfo, error) {
	v := tx.Bucket(bBlobs).Get([]byte(sha))
	if v == nil {
		return BlobInfo{}, fmt.Errorf("blob %s: %w", sha, ErrNotFound)
	}
	var r blobRecord
	if err := decode(bBlobs, []byte(sha), v, &r); err != nil {
		return BlobInfo{}, err
	}
	return BlobInfo{SHA256: sha, Size: r.Size, Stored: r.Stored, Chunks: r.Chunks, MediaType: r.MediaType}, nil
}

// HasBlob reports whether sha is stored.
func (a *Archive) HasBlob(sha string) (bool, error) {
	_, err := a.Blob(sha)
	if err == nil {
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return false, err
}

// ReadBlob returns the whole blob, verified.
func (a *Archive) ReadBlob(sha string) ([]byte, error) {
	rc, err := a.OpenBlob(sha)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// OpenBlob streams a blob chunk by chunk. The hash is checked as the last
// byte is read: a mismatch surfaces as ErrCorrupt instead of io.EOF, so a
// consumer that reads to the end never silently gets altered bytes.
func (a *Archive) OpenBlob(sha string) (io.ReadCloser, error) {
	info, err := a.Blob(sha)
	if err != nil {
		return nil, err
	}
	want, err := hex.DecodeString(sha)
	if err != nil || len(want) != sha256.Size {
		return nil, fmt.Errorf("bad blob hash %q", sha)
	}
	return &blobReader{a: a, info: info, sum: want, h: sha256.New()}, nil
}

type blobReader struct {
	a    *Archive
	info BlobInfo
	sum  []byte
	h    hash.Hash
	next int
	buf  []byte
	n    int64
	err  error
}

func (r *blobReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.next >= r.info.Chunks {
			r.err = r.finish()
			return 0, r.err
		}
		var chunk []byte
		err := r.a.view(func(tx *bolt.Tx) error {
			v := tx.Bucket(bChunks).Get(chunkKey(r.sum, r.next))
			if v == nil {
				return fmt.Errorf("blob %s chunk %d missing: %w", r.info.SHA256, r.next, ErrCorrupt)
			}
			var err error
			chunk, err = r.a.enc.unpack(v)
			return err
		})
		if err != nil {
			r.err = fmt.Errorf("blob %s: %w", r.info.SHA256, err)
			return 0, r.err
		}
		r.next++
		r.h.Write(chunk)
		r.n += int64(len(chunk))
		r.buf = chunk
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *blobReader) finish() error {
	if r.n != r.info.Size || !bytes.Equal(r.h.Sum(nil), r.sum) {
		return fmt.Errorf("blob %s (%d bytes read, %d expected): %w", r.info.SHA256, r.n, r.info.Size, ErrCorrupt)
	}
	return io.EOF
}

func (r *blobReader) Close() error { return nil }
