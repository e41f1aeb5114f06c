package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestServeBusyMonths(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []int
	}{
		{"absent", "serve: {addr: 127.0.0.1:9}\n", []int{1, 2, 3, 4}},
		{"null", "serve: {busy_months: }\n", []int{1, 2, 3, 4}},
		{"empty list turns it off", "serve: {busy_months: []}\n", []int{}},
		{"explicit", "serve: {busy_months: [3]}\n", []int{3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(p, false)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Serve.BusyMonths, tc.want) {
				t.Errorf("busy_months = %v, want %v", c.Serve.BusyMonths, tc.want)
			}
		})
	}
}
