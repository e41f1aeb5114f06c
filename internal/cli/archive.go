package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
)

// openArchive opens the configured archive. readOnly takes a shared lock,
// so several readers can run together, but not beside a writer. A reader
// never creates an archive: a missing file is an error naming the path and
// where it came from (--archive, the config's archive:, or the default).
// A damaged file, or one that is not an archive, exits 2.
func (a *App) openArchive(cmd *cobra.Command, readOnly bool) (*archive.Archive, error) {
	if a.shared != nil {
		if !readOnly {
			return nil, fmt.Errorf("%s writes to the archive: not run through the service", cmd.CommandPath())
		}
		return a.shared.Borrow(), nil
	}
	cfg, err := a.Config(explicitConfig(cmd))
	if err != nil {
		return nil, err
	}
	if readOnly {
		if err := a.archiveExists(cfg); err != nil {
			return nil, err
		}
	}
	return a.openArchivePath(cmd, cfg, readOnly)
}

// openExistingArchive opens the configured archive for writing, but never
// creates one: a command that changes what an archive holds (retract)
// needs an archive to change.
func (a *App) openExistingArchive(cmd *cobra.Command) (*archive.Archive, error) {
	cfg, err := a.Config(explicitConfig(cmd))
	if err != nil {
		return nil, err
	}
	if err := a.archiveExists(cfg); err != nil {
		return nil, err
	}
	return a.openArchivePath(cmd, cfg, false)
}

// archiveExists is the error, exit 2, of an archive path with no file.
func (a *App) archiveExists(cfg *config.Config) error {
	if _, err := os.Stat(cfg.Archive); errors.Is(err, fs.ErrNotExist) {
		return withExit(2, fmt.Errorf("archive %s does not exist (%s): `crawler crawl` or `crawler import` creates it; "+
			"or name an existing archive with --archive", cfg.Archive, a.archiveOrigin(cfg)))
	}
	return nil
}

func (a *App) openArchivePath(cmd *cobra.Command, cfg *config.Config, readOnly bool) (*archive.Archive, error) {
	path := cfg.Archive
	arc, err := openArchiveFile(path, archive.Options{
		ReadOnly:    readOnly,
		LockTimeout: cfg.LockTimeout.D(),
		Command:     cmd.CommandPath(), // already starts with the root's name, "crawler"
	}, a.Stderr)
	if err != nil {
		if errors.Is(err, archive.ErrNotArchive) {
			return nil, withExit(2, fmt.Errorf("%w (%s)", err, a.archiveOrigin(cfg)))
		}
		return nil, err
	}
	return arc, nil
}

// openArchiveFile opens path. A reader that finds an archive of an older
// schema (or one whose migration was interrupted) opens it read-write once
// to migrate it, saying so on w, then opens it again as asked.
func openArchiveFile(path string, opts archive.Options, w io.Writer) (*archive.Archive, error) {
	arc, err := archive.Open(path, opts)
	if !opts.ReadOnly || !errors.Is(err, archive.ErrNeedsMigration) {
		return arc, err
	}
	fmt.Fprintf(w, "crawler: migrating %s to archive schema %d (once; readers wait for it)\n", path, archive.SchemaVersion)
	rw := opts
	rw.ReadOnly = false
	arc, err = archive.Open(path, rw)
	if err != nil {
		return nil, err
	}
	if _, err := arc.Meta(archive.MetaRegionsPending); err == nil {
		fmt.Fprintf(w, "crawler: the reports archived before have no resolved region yet (region_code): run `crawler reregion` once\n")
	}
	if err := arc.Close(); err != nil {
		return nil, err
	}
	return archive.Open(path, opts)
}

// archiveOrigin says where the archive path came from, for messages.
func (a *App) archiveOrigin(cfg *config.Config) string {
	switch {
	case a.ArchivePath != "":
		return "from --archive"
	case cfg.ArchiveLine > 0:
		return fmt.Sprintf("from archive: on line %d of %s", cfg.ArchiveLine, cfg.Path)
	case cfg.Path != "":
		return fmt.Sprintf("the default path: no --archive, and %s sets no archive:", cfg.Path)
	}
	return fmt.Sprintf("the default path: no --archive, and no config file %s", a.ConfigPath)
}

// archiveExit is the exit code of an error about the archive file itself:
// 2 for one that is damaged, holds a damaged record or is no archive.
func archiveExit(err error) (int, bool) {
	if errors.Is(err, archive.ErrDamaged) || errors.Is(err, archive.ErrBadRecord) || errors.Is(err, archive.ErrNotArchive) {
		return 2, true
	}
	return 0, false
}

// humanBytes formats n as KiB/MiB/GiB.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
