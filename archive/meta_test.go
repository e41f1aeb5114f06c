package archive

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestMetaRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	a, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, value string
		wantErr    bool
	}{
		{"demo", "crawler demo 2025-05-01", false},
		{"note", "", false},
		{"", "x", true},
		{"schema_version", "9", true},
		{"created", "yesterday", true},
	}
	for _, tc := range tests {
		err := a.SetMeta(tc.key, tc.value)
		if (err != nil) != tc.wantErr {
			t.Fatalf("SetMeta(%q) err = %v, wantErr %v", tc.key, err, tc.wantErr)
		}
	}
	if _, err := a.Meta("never-set"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unset key: err = %v, want ErrNotFound", err)
	}
	a.Close()
	// Values survive a reopen, read-only included; reserved keys untouched.
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, tc := range tests {
		if tc.wantErr {
			continue
		}
		got, err := r.Meta(tc.key)
		if err != nil || got != tc.value {
			t.Errorf("Meta(%q) = %q, %v; want %q", tc.key, got, err, tc.value)
		}
	}
	if v, err := r.SchemaVersionOf(); err != nil || v != SchemaVersion {
		t.Errorf("schema version = %d, %v", v, err)
	}
}
