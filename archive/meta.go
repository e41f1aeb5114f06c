package archive

import (
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// reservedMeta are the meta keys the archive itself manages.
var reservedMeta = map[string]bool{"schema_version": true, "created": true, string(metaMigrating): true}

// SetMeta stores a small string under key in the archive's meta bucket
// (e.g. "demo" marks an archive made by `crawler demo`). The archive's own
// keys (schema_version, created) cannot be overwritten.
func (a *Archive) SetMeta(key, value string) error {
	if strings.TrimSpace(key) == "" {
		return fmt.Errorf("set meta: empty key")
	}
	if reservedMeta[key] {
		return fmt.Errorf("set meta %q: reserved key", key)
	}
	if err := a.dbUpdate(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put([]byte(key), []byte(value))
	}); err != nil {
		return fmt.Errorf("set meta %q: %w", key, err)
	}
	return nil
}

// Meta returns the value stored under key; a key never set is ErrNotFound.
func (a *Archive) Meta(key string) (string, error) {
	var v string
	err := a.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bMeta)
		if b == nil {
			return fmt.Errorf("meta %q: %w", key, ErrNotFound)
		}
		raw := b.Get([]byte(key))
		if raw == nil {
			return fmt.Errorf("meta %q: %w", key, ErrNotFound)
		}
		v = string(raw)
		return nil
	})
	return v, err
}
