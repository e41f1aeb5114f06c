package cli

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
)

func init() {
	register(45, func(app *App) *cobra.Command {
		var reason, by string
		var undo bool
		cmd := &cobra.Command{
			Use:   "retract ID --reason TEXT",
			Short: "Hide a mistaken or unwanted report from queries, exports, series, the web page and the API (--undo shows it again)",
			Long: `retract hides one archived report from query, export (every format), series,
query --missing, the web page and the API, and records a tombstone on it: who
(the OS user, or --by), when and why (--reason, required). Nothing is deleted:
its files, captures and the document stay in the archive, show ID still
prints it (marked retracted, with the tombstone), query --retracted lists the
retracted reports, and stats and verify count them. A later crawl that sees
the same report again keeps it retracted.

retract ID --undo shows it again; the tombstone history keeps every decision
(retracted, restored, …). --reason is optional with --undo.

ID is a report id as listed by query (any letter case), or a URL as show takes.
Retracting writes to the archive: like import, it waits for another writer
(crawler serve, a crawl) up to lock_timeout and then says who holds it.`,
			Example: `  crawler retract 17f9c961f40a7276 --reason "a 解读 page, not the report"
  crawler retract 17f9c961f40a7276 --undo --reason "it is the report after all"`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				reason = strings.TrimSpace(reason)
				if !undo && reason == "" {
					return withExit(2, fmt.Errorf("--reason is required: say why the report is retracted (see `%s --help`)", cmd.CommandPath()))
				}
				if cmd.Flags().Changed("by") && strings.TrimSpace(by) == "" {
					return withExit(2, fmt.Errorf("bad --by %q: want a name", by))
				}
				who := strings.TrimSpace(by)
				if who == "" {
					who = osUser()
				}
				arc, err := app.openExistingArchive(cmd)
				if err != nil {
					return err
				}
				defer arc.Close()
				defer app.updateIndex(cmd.Context(), arc)
				d, err := query.FindDocument(cmd.Context(), arc, args[0])
				if amb := (*query.AmbiguousError)(nil); errors.As(err, &amb) {
					return withExit(2, ambiguity(amb)) // as for an id that is not there
				}
				if errors.Is(err, archive.ErrNotFound) {
					return withExit(2, fmt.Errorf("no report %q in %s (ids are listed by `crawler query`; retracted ones by `crawler query --retracted`)",
						args[0], arc.Path()))
				}
				if err != nil {
					return err
				}
				now := time.Now().UTC()
				p := query.Printable
				name := p(or(or(d.Title, d.Body), d.URL))
				if undo {
					if _, err := arc.Restore(d.ID, who, reason, now); err != nil {
						if errors.Is(err, archive.ErrNotRetracted) {
							return fmt.Errorf("report %s (%s) is not retracted: nothing to undo", d.ID, name)
						}
						return fmt.Errorf("restore %s: %w", d.ID, err)
					}
					fmt.Fprintf(app.Stdout, "restored report %s (%s) by %s at %s\n", d.ID, name, p(who), now.Format(time.RFC3339))
					fmt.Fprintf(app.Stdout, "  listed again by query, export, series, the web page and the API\n")
					return nil
				}
				if _, err := arc.Retract(d.ID, who, reason, now); err != nil {
					if errors.Is(err, archive.ErrRetracted) {
						r := d.Retraction()
						return fmt.Errorf("report %s (%s) is already retracted (by %s at %s: %s)", d.ID, name,
							p(r.By), r.Time.UTC().Format(time.RFC3339), p(r.Reason))
					}
					return fmt.Errorf("retract %s: %w", d.ID, err)
				}
				fmt.Fprintf(app.Stdout, "retracted report %s (%s) by %s at %s: %s\n", d.ID, name, p(who), now.Format(time.RFC3339), p(reason))
				fmt.Fprintf(app.Stdout, "  hidden from query, export, series, the web page and the API; its files and captures stay archived\n")
				fmt.Fprintf(app.Stdout, "  `crawler show %s` still prints it; `crawler retract %s --undo` lists it again\n", d.ID, d.ID)
				return nil
			},
		}
		f := cmd.Flags()
		f.StringVar(&reason, "reason", "", "why the report is retracted (required; optional with --undo)")
		f.StringVar(&by, "by", "", "who decides (default: the OS user)")
		f.BoolVar(&undo, "undo", false, "show a retracted report again (the history keeps both decisions)")
		return cmd
	})
}

// osUser names the person running the command, for tombstones.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, k := range []string{"USER", "LOGNAME", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "unknown"
}
