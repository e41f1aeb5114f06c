package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

func init() {
	register(52, func(app *App) *cobra.Command {
		var force bool
		cmd := &cobra.Command{
			Use:   "backup FILE",
			Short: "Write a consistent hot copy of the archive to FILE",
			Long: `backup copies the archive inside one read transaction (bbolt Tx.WriteTo),
so the copy is consistent. It needs a shared lock on the file: while
` + "`crawler serve`" + ` holds the archive, stop the service first or let the service's
own schedule make backups (serve.backup in config.yaml). An existing FILE is
not overwritten unless --force is given.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := checkBackupTarget(args[0], force); err != nil {
					return withExit(2, err)
				}
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
		cmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
		return cmd
	})
}

// checkBackupTarget refuses a directory, and an existing file unless force.
func checkBackupTarget(path string, force bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("backup target %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("backup target %s is a directory: name a file", path)
	case !force:
		return fmt.Errorf("backup target %s exists (%s): choose a new name or add --force to overwrite it", path, humanBytes(fi.Size()))
	}
	return nil
}
