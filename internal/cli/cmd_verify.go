package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() {
	register(51, func(app *App) *cobra.Command {
		return &cobra.Command{
			Use:   "verify",
			Short: "Check every record's checksum, re-hash every blob and check every index entry",
			Long: `verify checks the checksum of every stored record (blob descriptions,
captures, documents, URL states, frontier items, run reports), reads every
stored file and recomputes its SHA-256, and checks that every capture,
document and index entry points at something that exists. It exits 0 on a
healthy archive and 2 when it finds a problem, naming each damaged record, or
the blob and the URLs that served it; also 2 when the file itself is damaged
(cut short, unreadable meta pages) or is not an archive.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				res, err := arc.Verify(cmd.Context(), nil)
				if err != nil {
					return fmt.Errorf("verify: %w", err)
				}
				fmt.Fprintf(app.Stdout, "checked %s, %s (%s), %s, %s, %s\n",
					plural(res.Records, "record", "records"),
					plural(res.Blobs, "blob", "blobs"), humanBytes(res.Bytes), plural(res.Captures, "capture", "captures"),
					plural(res.Documents, "document", "documents"), plural(res.IndexEntries, "index entry", "index entries"))
				if res.Retracted > 0 {
					fmt.Fprintf(app.Stdout, "%s of the documents retracted (kept, hidden from listings)\n", plural(res.Retracted, "report", "reports"))
				}
				if len(res.Problems) == 0 {
					fmt.Fprintln(app.Stdout, "OK: no problems found")
					return nil
				}
				for _, p := range res.Problems {
					fmt.Fprintln(app.Stdout, "PROBLEM", p.String())
				}
				return withExit(2, fmt.Errorf("%s found in %s", plural(len(res.Problems), "problem", "problems"), arc.Path()))
			},
		}
	})
}
