package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
)

// openArchive opens the configured archive. readOnly takes a shared lock,
// so several readers can run together, but not beside a writer.
func (a *App) openArchive(cmd *cobra.Command, readOnly bool) (*archive.Archive, error) {
	cfg, err := a.Config(explicitConfig(cmd))
	if err != nil {
		return nil, err
	}
	arc, err := archive.Open(cfg.Archive, archive.Options{
		ReadOnly:    readOnly,
		LockTimeout: cfg.LockTimeout.D(),
		Command:     cmd.CommandPath(), // already starts with the root's name, "crawler"
	})
	if err != nil {
		return nil, err
	}
	return arc, nil
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
