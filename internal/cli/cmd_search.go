package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/search"
)

// updateIndex brings the archive's search index up to date after a
// command that changed the archive (crawl, import, reparse, retract). The
// index is derived data: a failure is a warning, and the next `search`
// or `crawler reindex` repairs it.
func (a *App) updateIndex(ctx context.Context, arc *archive.Archive) {
	if ctx.Err() != nil {
		ctx = context.Background()
	}
	ix, err := search.Open(arc.Path())
	if err == nil {
		var ch search.Changes
		ch, err = ix.Reconcile(ctx, arc)
		if a.Log != nil && err == nil {
			a.Log.Debug("search index updated", "indexed", ch.Indexed, "deleted", ch.Deleted, "unchanged", ch.Unchanged)
		}
		if cerr := ix.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(a.Stderr, "crawler: warning: search index not updated: %v (`crawler search` repairs it, or run `crawler reindex`)\n", err)
	}
}

// openIndex opens the archive's search index for a reader, repairing it
// first when it may differ from the archive (an indexing run cut short,
// or counts that disagree).
func (a *App) openIndex(ctx context.Context, arc *archive.Archive) (*search.Index, error) {
	ix, err := search.Open(arc.Path())
	if err != nil {
		return nil, err
	}
	need, err := ix.NeedsReconcile(arc)
	if err == nil && need {
		var ch search.Changes
		ch, err = ix.Reconcile(ctx, arc)
		if err == nil && ch.Indexed+ch.Deleted > 0 {
			fmt.Fprintf(a.Stderr, "crawler: search index brought up to date (%d indexed, %d removed)\n", ch.Indexed, ch.Deleted)
		}
	}
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("search index %s is out of date and could not be repaired: %w (run `crawler reindex`)", ix.Dir(), err)
	}
	return ix, nil
}

func init() {
	register(62, func(app *App) *cobra.Command {
		var ff filterFlags
		var output string
		var limit int
		cmd := &cobra.Command{
			Use:   "search QUERY",
			Short: "Full-text search of the reports' text, ranked, with the filters of query",
			Long: `Search the text of every report — title, issuing body, region, sections
一/五/六, table labels and OCR text — and list the matches best first, each
with a snippet marking the matches 【…】.

  crawler search 行政复议
  crawler search '"行政复议" 2023' --region 洛阳市
  crawler search '(行政复议 OR 行政诉讼) NOT 财政局' --year 2021-2023 --output csv

A word matches a report holding each of its character pairs (行政复议: 行政,
政复, 复议); "a phrase" in quotes only the exact sequence. A space between
two Chinese characters does not count. Terms separated by spaces must all match (AND is also accepted); OR
matches either side and binds tighter than AND; NOT or a leading - leaves
out reports that match; parentheses group. Traditional and simplified
characters, and full- and half-width forms, match each other; numbers are
words of their own (2023, 12).

The filters are those of query (--body with short forms, --year ranges,
--region, --site, --format, --failed-checks). --output as for query: the
query fields plus score and snippet. Retracted reports are never listed.

The index lives beside the archive (ARCHIVE.index/) and is kept current by
crawl, import, reparse and retract; search repairs it when it finds it out
of date, and ` + "`crawler reindex`" + ` rebuilds it.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				f, err := ff.filter()
				if err != nil {
					return withExit(2, err)
				}
				if limit < 0 {
					return withExit(2, fmt.Errorf("bad --limit %d: want 0 (all) or more", limit))
				}
				n, err := search.Parse(args[0])
				if err != nil {
					return withExit(2, err)
				}
				out, err := newSearchOutput(app, output)
				if err != nil {
					return withExit(2, err)
				}
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				ix, err := app.openIndex(cmd.Context(), arc)
				if err != nil {
					if errors.Is(err, search.ErrBusy) {
						return withExit(1, err)
					}
					return err
				}
				defer ix.Close()
				res, err := search.Run(cmd.Context(), arc, ix, n, f, limit)
				if err != nil {
					return err
				}
				for _, r := range res {
					if err := out.Write(search.NewRecord(r)); err != nil {
						return err
					}
				}
				if err := out.Close(); err != nil {
					return err
				}
				if IsTerminal(app.Stderr) {
					if out.Count() == 0 {
						fmt.Fprintf(app.Stderr, "no reports match %s (%s)\n", args[0], ff.describe("year"))
					} else {
						fmt.Fprintf(app.Stderr, "%s\n", plural(out.Count(), "report", "reports"))
					}
				}
				return nil
			},
		}
		ff.bind(cmd.Flags(), "year")
		cmd.Flags().StringVar(&output, "output", "", "table, json, jsonl or csv (default: table on a terminal, else jsonl)")
		cmd.Flags().IntVar(&limit, "limit", 50, "at most this many reports, best first (0: all)")
		return cmd
	})
	register(63, func(app *App) *cobra.Command {
		return &cobra.Command{
			Use:   "reindex",
			Short: "Rebuild the full-text search index from the archive",
			Long: `Rebuild the search index (ARCHIVE.index/) from the archive: every listed
report is indexed again, retracted ones left out. The index is derived data;
crawl, import, reparse and retract keep it current, and search repairs it,
so reindex is for a deleted or suspect index, or after an upgrade.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				ix, err := search.Open(arc.Path())
				if err != nil {
					return err
				}
				defer ix.Close()
				ch, err := ix.Rebuild(cmd.Context(), arc)
				if err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "search index %s: %s indexed\n", ix.Dir(), plural(ch.Indexed, "report", "reports"))
				return nil
			},
		}
	})
}

// newSearchOutput starts search's output in the format of --output.
func newSearchOutput(app *App, flag string) (*query.Output, error) {
	out, err := app.newOutput(flag)
	if err != nil {
		return nil, err
	}
	out.Columns(search.Record{})
	return out, nil
}
