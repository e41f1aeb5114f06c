package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
)

func init() {
	register(52, func(app *App) *cobra.Command {
		var force bool
		cmd := &cobra.Command{
			Use:   "backup FILE",
			Short: "Write a consistent hot copy of the archive to FILE",
			Long: `backup copies the archive inside one read transaction (bbolt Tx.WriteTo),
so the copy is consistent. While ` + "`crawler serve`" + ` holds the archive, the service
makes the copy and FILE is written here as usual. An existing FILE is not
overwritten unless --force is given.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := checkBackupTarget(app.output(), args[0], force); err != nil {
					return withExit(2, err)
				}
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				if self, _ := filepath.Abs(arc.Path()); app.abs(args[0]) == self {
					return withExit(2, fmt.Errorf("backup target %s is the archive itself", args[0]))
				}
				dst, err := app.output().Create(args[0], 0o600) // a copy of everything: the owner's
				if err != nil {
					return err
				}
				n, err := arc.Backup(dst)
				if err != nil {
					dst.Abort()
					return fmt.Errorf("backup: %w", err)
				}
				if err := dst.Commit(); err != nil {
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
func checkBackupTarget(fsys files, path string, force bool) error {
	st, err := fsys.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("backup target %s: %w", path, err)
	case !st.Exists:
		return nil
	case st.IsDir:
		return fmt.Errorf("backup target %s is a directory: name a file", path)
	case !force:
		return fmt.Errorf("backup target %s exists (%s): choose a new name or add --force to overwrite it", path, humanBytes(st.Size))
	}
	return nil
}
