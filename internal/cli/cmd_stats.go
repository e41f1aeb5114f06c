package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
)

func init() {
	register(50, func(app *App) *cobra.Command {
		var asJSON bool
		cmd := &cobra.Command{
			Use:   "stats",
			Short: "Print the archive's counts and sizes",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				st, err := arc.Stats()
				if err != nil {
					return err
				}
				if asJSON {
					enc := json.NewEncoder(app.Stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(st)
				}
				w := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintf(w, "archive\t%s\n", arc.Path())
				fmt.Fprintf(w, "schema version\t%d\n", st.SchemaVersion)
				fmt.Fprintf(w, "documents\t%d\n", st.Documents)
				fmt.Fprintf(w, "retracted\t%d\thidden from listings, kept (crawler query --retracted)\n", st.Retracted)
				if _, err := arc.Meta(archive.MetaRegionsPending); err == nil {
					fmt.Fprintf(w, "regions\tnot yet resolved\tthe documents predate schema 3: run crawler reregion\n")
				}
				fmt.Fprintf(w, "captures\t%d\n", st.Captures)
				fmt.Fprintf(w, "blobs (unique files)\t%d\t%s original, %s stored\n", st.Blobs, humanBytes(st.BlobBytes), humanBytes(st.StoredBytes))
				fmt.Fprintf(w, "known URLs\t%d\n", st.URLs)
				fmt.Fprintf(w, "frontier (pending)\t%d\n", st.Frontier)
				fmt.Fprintf(w, "crawl runs\t%d\n", st.Runs)
				// The file on disk keeps bbolt's free pages and preallocation,
				// so it is larger than the data a transaction sees.
				fmt.Fprintf(w, "file size\t%s\ton disk\n", humanBytes(st.FileBytes))
				fmt.Fprintf(w, "data size\t%s\tin use by bbolt (the rest of the file is free pages)\n", humanBytes(st.DataBytes))
				return w.Flush()
			},
		}
		cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
		return cmd
	})
}
