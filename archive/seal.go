package archive

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Every record — a blob's description, a capture, a document, a URL's
// crawl state, a frontier item, a run report — is stored sealed: a tag
// byte, the CRC-32C of its key and JSON, then the JSON. A flipped bit in a
// record (or in the key it is stored under) is then an error naming the
// record on every read and a problem `crawler verify` reports, not a
// title that silently changed. Blob contents are covered by their SHA-256
// instead, index entries by verify's cross-checks, and the meta bucket
// holds only the schema version and a few marks.
//
// Schema 1 stored the bare JSON; migration 1→2 seals every record.

// sealTag starts a sealed record. JSON never starts with a control
// character, so a bare schema-1 record ('{') is told apart from a sealed
// one.
const sealTag byte = 0x01

// sealLen is what a seal adds in front of the JSON.
const sealLen = 5

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func recordSum(k, data []byte) uint32 {
	return crc32.Update(crc32.Update(0, castagnoli, k), castagnoli, data)
}

// appendSealedRecord appends v, encoded by json.Marshal, sealed under key
// k. The stored format is json.Marshal's bytes: a field added to a record
// type is stored with no other change. (Hand-written encoders for the
// per-fetch records saved about 5 µs of CPU a fetch, 2 % of the loopback
// crawl benchmark's CPU and nothing measurable in a crawl paced by
// politeness, and every field had to be written twice.)
func appendSealedRecord(dst, k []byte, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	start := len(dst)
	dst = append(dst, sealTag, 0, 0, 0, 0)
	dst = append(dst, data...)
	binary.BigEndian.PutUint32(dst[start+1:], recordSum(k, data))
	return dst, nil
}

// seal returns data (a record's JSON) sealed under key k.
func seal(k, data []byte) []byte {
	out := make([]byte, sealLen, sealLen+len(data))
	out[0] = sealTag
	binary.BigEndian.PutUint32(out[1:], recordSum(k, data))
	return append(out, data...)
}

// ErrBadRecord marks a stored record whose checksum does not match.
var ErrBadRecord = errors.New("record damaged")

// RecordError names a damaged record.
type RecordError struct {
	Record string // "document 17f9c961f40a7276", "capture 12", …
	Detail string
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("%s: record damaged: %s (run `crawler verify`, restore from backup)", e.Record, e.Detail)
}

func (e *RecordError) Is(target error) bool { return target == ErrBadRecord }

// unseal checks a stored record and returns its JSON. bucket names the
// record in an error (see recordName).
func unseal(bucket, k, v []byte) ([]byte, error) {
	if len(v) < sealLen || v[0] != sealTag {
		return nil, &RecordError{recordName(bucket, k), "not a sealed record (no checksum)"}
	}
	want := binary.BigEndian.Uint32(v[1:sealLen])
	if got := recordSum(k, v[sealLen:]); got != want {
		return nil, &RecordError{recordName(bucket, k), fmt.Sprintf("checksum mismatch (stored %08x, computed %08x)", want, got)}
	}
	return v[sealLen:], nil
}

// decode unseals the record stored under k in bucket and decodes its JSON
// into out.
func decode(bucket, k, v []byte, out any) error {
	data, err := unseal(bucket, k, v)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &RecordError{recordName(bucket, k), err.Error()}
	}
	return nil
}

// recordName says which record k is, for messages.
func recordName(bucket, k []byte) string {
	switch string(bucket) {
	case string(bCaptures):
		if len(k) == 8 {
			return "capture " + strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
		}
	case string(bRuns):
		if len(k) == 8 {
			return "run " + strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
		}
	case string(bDocs):
		return "document " + plainKey(k)
	case string(bBlobs):
		return "blob record " + plainKey(k)
	case string(bURLs):
		return "URL state of " + strconv.Quote(string(k))
	}
	if site, ok := frontierSite(bucket); ok {
		return fmt.Sprintf("frontier item %q of site %q", k, site)
	}
	return fmt.Sprintf("%s record %q", bucket, k)
}

// plainKey prints a key of letters and digits as is, any other quoted.
func plainKey(k []byte) string {
	for _, c := range k {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return strconv.Quote(string(k))
		}
	}
	return string(k)
}

// pendingName is how the frontier's pending items of site are named as a
// "bucket" in messages: frontier/SITE/pending.
func pendingName(site string) []byte { return []byte("frontier/" + site + "/pending") }

func frontierSite(bucket []byte) (string, bool) {
	const pre, suf = "frontier/", "/pending"
	s := string(bucket)
	if len(s) > len(pre)+len(suf) && s[:len(pre)] == pre && s[len(s)-len(suf):] == suf {
		return s[len(pre) : len(s)-len(suf)], true
	}
	return "", false
}

// recordBuckets are the top-level buckets whose every value is a sealed
// record. The frontier's pending buckets (one per site) are too.
var recordBuckets = [][]byte{bBlobs, bCaptures, bDocs, bURLs, bRuns}

// forEachRecordBucket calls fn for every bucket of records: name is the
// bucket as named in messages.
func forEachRecordBucket(tx *bolt.Tx, fn func(name []byte, b *bolt.Bucket) error) error {
	for _, name := range recordBuckets {
		if b := tx.Bucket(name); b != nil {
			if err := fn(name, b); err != nil {
				return err
			}
		}
	}
	root := tx.Bucket(bFrontier)
	if root == nil {
		return nil
	}
	var sites [][]byte
	if err := root.ForEachBucket(func(k []byte) error {
		sites = append(sites, append([]byte(nil), k...))
		return nil
	}); err != nil {
		return err
	}
	for _, site := range sites {
		if p := root.Bucket(site).Bucket(fPending); p != nil {
			if err := fn(pendingName(string(site)), p); err != nil {
				return err
			}
		}
	}
	return nil
}

// sealBatch bounds one transaction of the sealing migration: the values it
// rewrites (and so the dirty pages bbolt holds until the commit). Tests
// lower them.
var (
	sealBatchBytes   = 16 << 20
	sealBatchRecords = 50_000
)

// sealRecords is migration 1→2: it seals every bare record, a batch per
// transaction. Records sealed already (a resumed migration) are skipped.
func sealRecords() migrateStep {
	at := 0          // the record bucket in progress, in forEachRecordBucket's order
	var after []byte // the last key sealed in it
	return func(tx *bolt.Tx) (bool, error) {
		type kv struct{ k, v []byte }
		var batch []kv
		size, i, full := 0, 0, false
		err := forEachRecordBucket(tx, func(name []byte, b *bolt.Bucket) error {
			defer func() { i++ }()
			if i < at || full {
				return nil
			}
			if i > at {
				at, after = i, nil
			}
			c := b.Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); k != nil && string(k) == string(after) {
					k, v = c.Next()
				}
			}
			for ; k != nil; k, v = c.Next() {
				if v == nil || len(v) > 0 && v[0] == sealTag {
					continue // a nested bucket, or sealed already
				}
				kc := append([]byte(nil), k...)
				batch = append(batch, kv{kc, seal(kc, v)})
				size += len(v)
				if size >= sealBatchBytes || len(batch) >= sealBatchRecords {
					full, after = true, kc
					break
				}
			}
			// Written once the cursor is done with the bucket: bbolt's
			// cursors do not survive writes.
			for _, r := range batch {
				if err := b.Put(r.k, r.v); err != nil {
					return fmt.Errorf("seal %s: %w", recordName(name, r.k), err)
				}
			}
			batch = batch[:0]
			return nil
		})
		return full, err
	}
}
