package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() {
	register(52, func(app *App) *cobra.Command {
		return &cobra.Command{
			Use:   "backup FILE",
			Short: "Write a consistent hot copy of the archive to FILE",
			Long: `backup copies the archive inside one read transaction (bbolt Tx.WriteTo),
so the copy is consistent. It needs a shared lock on the file: while
` + "`crawler serve`" + ` holds the archive, stop the service first or let the service's
own schedule make backups (serve.backup in config.yaml).`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				n, err := arc.BackupFile(args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "wrote %s (%s)\n", args[0], humanBytes(n))
				return nil
			},
		}
	})
}
