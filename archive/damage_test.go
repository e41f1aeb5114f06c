package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// damageFixture writes a closed archive holding a few documents and
// blobs, large enough to span many pages, and returns its path.
func damageFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.db")
	a, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		u := fmt.Sprintf("http://x.gov.cn/%d.html", i)
		d := &Document{ID: DocID("s", u), Site: "s", URL: u, Title: strings.Repeat("年度报告", 50), Year: 2020 + i%4,
			Files: []FileRef{{URL: u, Role: "page"}}}
		if err := a.CommitFetch(Fetch{Blob: randBytes(int64(i), 3000+i*100), Capture: &Capture{URL: u, Site: "s"}, Doc: d}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// usedBytes is the part of the file the archive's last commit uses.
func usedBytes(t *testing.T, path string) int64 {
	t.Helper()
	a, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var n int64
	if err := a.view(func(tx *bolt.Tx) error { n = tx.Size(); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A file cut short is refused before bbolt maps it, read-only or not,
// with a message naming the file and what is wrong — never a fault.
func TestTruncatedArchiveRefused(t *testing.T) {
	src := damageFixture(t)
	used := usedBytes(t, src)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{used - 4096, used / 2, 3 * 4096, 4096 + 200} {
		for _, ro := range []bool{true, false} {
			path := filepath.Join(t.TempDir(), "cut.db")
			if err := os.WriteFile(path, data[:size], 0o644); err != nil {
				t.Fatal(err)
			}
			a, err := Open(path, Options{ReadOnly: ro})
			if err == nil {
				a.Close()
				t.Fatalf("size %d ro=%v: opened a truncated archive", size, ro)
			}
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("size %d ro=%v: err = %v, want ErrDamaged", size, ro, err)
			}
			msg := err.Error()
			for _, want := range []string{"archive damaged: " + path, "cut short", "crawler verify", "restore from backup"} {
				if !strings.Contains(msg, want) && !(size < 2*4096 && want == "cut short") {
					t.Errorf("size %d: %q lacks %q", size, msg, want)
				}
			}
			if fi, _ := os.Stat(path); fi.Size() != size {
				t.Errorf("size %d ro=%v: the damaged file was changed to %d bytes", size, ro, fi.Size())
			}
		}
	}
}

// Both meta pages unreadable: damaged. One of them: bbolt falls back to
// the other, as after a torn write, and the archive opens.
func TestMetaPageChecksums(t *testing.T) {
	src := damageFixture(t)
	data, _ := os.ReadFile(src)
	flip := func(b []byte, offs ...int) []byte {
		b = append([]byte(nil), b...)
		for _, o := range offs {
			b[o] ^= 0x40
		}
		return b
	}
	const meta1 = 4096
	pgidAt := pageHeaderSize + 40 // a byte of the meta's page count
	for _, tc := range []struct {
		name string
		data []byte
		ok   bool
	}{
		{"meta 0 bad", flip(data, pgidAt), true},
		{"meta 1 bad", flip(data, meta1+pgidAt), true},
		{"both bad", flip(data, pgidAt, meta1+pgidAt), false},
	} {
		path := filepath.Join(t.TempDir(), "m.db")
		os.WriteFile(path, tc.data, 0o644)
		a, err := Open(path, Options{ReadOnly: true})
		if tc.ok {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if _, err := a.Stats(); err != nil {
				t.Errorf("%s: stats: %v", tc.name, err)
			}
			a.Close()
			continue
		}
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "checksum") {
			t.Errorf("%s: err = %v, want damaged meta pages", tc.name, err)
		}
	}
}

// A file that is not an archive says so, and is never written to.
func TestNotAnArchive(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte(strings.Repeat("not an archive\n", 1000)), 0o644)
	short := filepath.Join(dir, "short.bin")
	os.WriteFile(short, []byte{1, 2, 3}, 0o644)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	foreign := filepath.Join(dir, "other.db")
	db, err := bolt.Open(foreign, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("theirs")); return err }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, tc := range []struct {
		path, why string
		ro        bool
	}{
		{text, "no bbolt database header", true},
		{text, "no bbolt database header", false},
		{short, "too short", true},
		{empty, "empty", true},
		{dir, "directory", true},
		{dir, "directory", false},
		{foreign, "meta bucket", true},
		{foreign, "meta bucket", false},
	} {
		before, _ := os.ReadFile(tc.path)
		a, err := Open(tc.path, Options{ReadOnly: tc.ro})
		if err == nil {
			a.Close()
			t.Errorf("%s ro=%v: opened", tc.path, tc.ro)
			continue
		}
		if !errors.Is(err, ErrNotArchive) || !strings.Contains(err.Error(), tc.why) ||
			!strings.Contains(err.Error(), tc.path+" is not a nianbao archive") {
			t.Errorf("%s ro=%v: err = %v, want not an archive (%s)", tc.path, tc.ro, err, tc.why)
		}
		if after, _ := os.ReadFile(tc.path); string(after) != string(before) {
			t.Errorf("%s ro=%v: the file was changed", tc.path, tc.ro)
		}
	}
	// An empty file opened for writing becomes a new archive, as bbolt
	// always did.
	a, err := Open(empty, Options{NoSync: true})
	if err != nil {
		t.Fatalf("empty file, read-write: %v", err)
	}
	a.Close()
}

// A file that shrinks while open (another program truncates it, a disk
// fails) makes the next read an error naming the file, not a fault that
// kills the process.
func TestFileShrinksWhileOpen(t *testing.T) {
	path := damageFixture(t)
	a, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Stats(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 2*4096); err != nil {
		t.Fatal(err)
	}
	_, err = a.Stats()
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "past the end") {
		t.Fatalf("stats after the file shrank: err = %v", err)
	}
	if _, err := a.FindDocuments(Query{YearFrom: 2021}); !errors.Is(err, ErrDamaged) {
		t.Fatalf("query after the file shrank: err = %v", err)
	}
	if _, err := a.Verify(t.Context(), nil); !errors.Is(err, ErrDamaged) {
		t.Fatalf("verify after the file shrank: err = %v", err)
	}
}
