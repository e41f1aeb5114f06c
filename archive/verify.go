package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Problem is one inconsistency found by Verify.
type Problem struct {
	Kind   string   `json:"kind"` // "corrupt_blob", "missing_blob", "bad_record", "missing_index", "dangling_index"
	SHA256 string   `json:"sha256,omitempty"`
	URLs   []string `json:"urls,omitempty"` // URLs that served the blob
	Detail string   `json:"detail"`
}

func (p Problem) String() string {
	s := p.Kind + ": " + p.Detail
	if p.SHA256 != "" {
		s += " (blob " + p.SHA256 + ")"
	}
	for _, u := range p.URLs {
		s += "\n    served by " + u
	}
	return s
}

// VerifyResult summarises a Verify run.
type VerifyResult struct {
	Blobs, Captures, Documents, IndexEntries int
	Records                                  int // every sealed record, of every kind
	Retracted                                int // documents retracted (counted in Documents too)
	Bytes                                    int64
	Problems                                 []Problem
}

// Verify checks every record's checksum, re-hashes every blob and checks
// that every record and index entry points at something that exists.
// progress, if set, is called per blob.
func (a *Archive) Verify(ctx context.Context, progress func(done, total int)) (*VerifyResult, error) {
	res := &VerifyResult{}
	var shas []string
	if err := a.view(func(tx *bolt.Tx) error {
		return forEachRecordBucket(tx, func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				if v == nil {
					return nil // a nested bucket
				}
				res.Records++
				if _, err := unseal(name, k, v); err != nil {
					var re *RecordError
					if errors.As(err, &re) {
						res.Problems = append(res.Problems, Problem{Kind: "bad_record", Detail: re.Record + ": " + re.Detail})
						return nil
					}
					return err
				}
				if string(name) == string(bBlobs) {
					shas = append(shas, string(k))
				}
				return nil
			})
		})
	}); err != nil {
		return nil, err
	}
	for i, sha := range shas {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		rc, err := a.OpenBlob(sha)
		if err == nil {
			var n int64
			n, err = io.Copy(io.Discard, rc)
			res.Bytes += n
		}
		res.Blobs++
		if err != nil {
			p := Problem{Kind: "corrupt_blob", SHA256: sha, Detail: err.Error()}
			if cs, cerr := a.CapturesByHash(sha); cerr == nil {
				for _, c := range cs {
					p.URLs = append(p.URLs, c.URL)
				}
			}
			res.Problems = append(res.Problems, p)
		}
		if progress != nil {
			progress(i+1, len(shas))
		}
	}
	err := a.view(func(tx *bolt.Tx) error {
		blobs := tx.Bucket(bBlobs)
		caps := tx.Bucket(bCaptures)
		docs := tx.Bucket(bDocs)
		bad := func(kind, detail string) { res.Problems = append(res.Problems, Problem{Kind: kind, Detail: detail}) }
		if err := caps.ForEach(func(k, v []byte) error {
			res.Captures++
			data, err := unseal(bCaptures, k, v)
			if err != nil {
				return nil // reported above
			}
			var c Capture
			if err := json.Unmarshal(data, &c); err != nil {
				bad("bad_record", fmt.Sprintf("%s: %v", recordName(bCaptures, k), err))
				return nil
			}
			if blobs.Get([]byte(c.SHA256)) == nil {
				res.Problems = append(res.Problems, Problem{Kind: "missing_blob", SHA256: c.SHA256, URLs: []string{c.URL},
					Detail: fmt.Sprintf("capture %d refers to a blob that is not stored", c.ID)})
			}
			return nil
		}); err != nil {
			return err
		}
		var ixScratch scratch
		var ixKeys []ixKey
		if err := docs.ForEach(func(k, v []byte) error {
			res.Documents++
			data, err := unseal(bDocs, k, v)
			if err != nil {
				return nil // reported above
			}
			var d Document
			if err := json.Unmarshal(data, &d); err != nil {
				bad("bad_record", fmt.Sprintf("%s: %v", recordName(bDocs, k), err))
				return nil
			}
			if d.Retracted() {
				res.Retracted++
			}
			for _, f := range d.Files {
				if f.SHA256 != "" && blobs.Get([]byte(f.SHA256)) == nil {
					res.Problems = append(res.Problems, Problem{Kind: "missing_blob", SHA256: f.SHA256, URLs: []string{f.URL},
						Detail: fmt.Sprintf("document %s refers to a blob that is not stored", d.ID)})
				}
			}
			ixKeys = ixScratch.docIndexKeys(&d, ixKeys[:0])
			for _, ik := range ixKeys {
				// Index values are empty, so Get cannot tell absent from
				// present: seek instead.
				b := deferredBuckets[ik.bucket]
				if ck, _ := tx.Bucket(b).Cursor().Seek(ik.key); string(ck) != string(ik.key) {
					bad("missing_index", fmt.Sprintf("document %s: no %s entry", d.ID, b))
				}
			}
			return nil
		}); err != nil {
			return err
		}
		// Every index entry must point at an existing record.
		checkIx := func(b []byte, exists func(id string) bool) {
			_ = tx.Bucket(b).ForEach(func(k, _ []byte) error {
				res.IndexEntries++
				if id := lastPart(k); !exists(id) {
					bad("dangling_index", fmt.Sprintf("%s entry %q points at missing %s", b, k, id))
				}
				return nil
			})
		}
		capExists := func(id string) bool {
			n, err := strconv.ParseUint(id, 10, 64)
			return err == nil && caps.Get(u64(n)) != nil
		}
		docExists := func(id string) bool { return docs.Get([]byte(id)) != nil }
		checkIx(bCapURL, capExists)
		checkIx(bCapHash, capExists)
		for _, b := range [][]byte{bDocBody, bDocYear, bDocRegion, bDocSite, bDocURL, bDocHash} {
			checkIx(b, docExists)
		}
		return nil
	})
	return res, err
}

// Backup writes a consistent hot copy of the archive to w (bbolt Tx.WriteTo
// inside a read transaction: writers keep going meanwhile).
func (a *Archive) Backup(w io.Writer) (int64, error) {
	var n int64
	err := a.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes the hot copy to path via a temporary file and rename,
// so a failed backup never leaves a half-written file under the final name.
func (a *Archive) BackupFile(path string) (int64, error) {
	abs, _ := filepath.Abs(path)
	self, _ := filepath.Abs(a.path)
	if abs == self {
		return 0, fmt.Errorf("backup target is the archive itself")
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".nianbao-backup-*")
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(f.Name())
	n, err := a.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// HashFile returns the hex SHA-256 of a local file.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
