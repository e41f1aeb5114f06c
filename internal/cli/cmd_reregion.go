package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/ingest"
	"github.com/nianbao/nianbao/query"
)

func init() {
	register(32, func(app *App) *cobra.Command {
		var dryRun bool
		cmd := &cobra.Command{
			Use:   "reregion",
			Short: "Resolve every report's region against the division table again (cheap: no parsing)",
			Long: `reregion resolves the region of every archived report again — code, path
(河南省 › 洛阳市 › 偃师区) and level — from the site's configured region, the
issuing body, the title and the stored report text, without parsing any file.
Run it after upgrading an archive to schema 3, after a new division table, or
after correcting a site's region in the config (the config's current region is
used for that site's reports). It prints each report whose region changed, and
a summary.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					return err
				}
				// Never creates an archive: there would be nothing to resolve.
				open := app.openExistingArchive
				if dryRun {
					open = func(cmd *cobra.Command) (*archive.Archive, error) { return app.openArchive(cmd, true) }
				}
				arc, err := open(cmd)
				if err != nil {
					return err
				}
				defer arc.Close()
				sites := map[string]string{}
				for _, s := range cfg.Sites {
					sites[s.Name] = s.RegionName()
				}
				st, err := ingest.Reregion(cmd.Context(), arc, ingest.ReregionOptions{SiteRegions: sites, DryRun: dryRun,
					Changed: func(d *archive.Document, code string, path []string) {
						fmt.Fprintf(app.Stdout, "%s %s %d: region %s → %s\n", d.ID, query.Printable(d.Body), d.Year,
							regionLabel(code, path), regionLabel(d.RegionCode, d.RegionPath))
					}})
				if err != nil {
					return err
				}
				verb := "updated"
				if dryRun {
					verb = "would update"
				}
				fmt.Fprintf(app.Stdout, "%s: %d resolved, %d unresolved (see their region_* warnings), %s %d\n",
					plural(st.Documents, "document", "documents"), st.Resolved, st.Unresolved, verb, st.Changed)
				return nil
			},
		}
		cmd.Flags().BoolVar(&dryRun, "dry-run", false, "report what would change, write nothing")
		return cmd
	})
}

// regionLabel renders a resolved region: "河南省›洛阳市›偃师区 (410307)", or "-".
func regionLabel(code string, path []string) string {
	if code == "" {
		return "-"
	}
	return strings.Join(path, "›") + " (" + code + ")"
}
