package cli

import (
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawl"
	"github.com/nianbao/nianbao/divisions"
	"github.com/nianbao/nianbao/internal/urlcanon"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/sites"
)

func init() {
	register(12, func(app *App) *cobra.Command {
		parent := &cobra.Command{
			Use:   "sites",
			Short: "List the configured sites, or dry-run the crawl rules on one",
		}
		parent.AddCommand(&cobra.Command{
			Use:   "list",
			Short: "List the configured sites and the known CMS families",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					return err
				}
				for _, s := range cfg.Sites {
					fmt.Fprintf(app.Stdout, "%s\t%s\t%s\tfamily=%s\n", s.Name, orDefault(s.Region, "-"), strings.Join(s.Start, " "), orDefault(s.Family, "auto"))
				}
				fmt.Fprintf(app.Stdout, "families: %s\n", strings.Join(sites.Families(), ", "))
				if len(cfg.Sites) == 0 {
					// Without this, a run from the wrong folder lists the
					// families alone, as if that were all there is.
					fmt.Fprintln(app.Stderr, noSitesConfigured(cfg))
				}
				return nil
			},
		})
		var maxPages int
		check := &cobra.Command{
			Use:   "check NAME",
			Short: "Dry-run one site: the detected family and why, and what would be archived and why (writes nothing)",
			Long: `Crawl one configured site with its real politeness settings, up to --max-pages
fetches, into memory only: nothing is written to the archive. Prints the CMS
family detected and the evidence, every report that would be archived with
the reason, where it was listed and its files, and what was blocked or failed.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := app.Config(explicitConfig(cmd))
				if err != nil {
					return err
				}
				site, ok := cfg.Site(args[0])
				if !ok {
					_, err := selectSites(cfg, args)
					return withExit(2, err)
				}
				ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
				defer stop()
				mem := crawl.NewMemStore()
				var mu sync.Mutex
				var exps []crawl.Explanation
				e, err := crawl.New(crawl.Options{
					Store: mem, Config: cfg, MaxPages: maxPages, SkipParse: true, Log: app.Log,
					Explain: func(x crawl.Explanation) {
						mu.Lock()
						exps = append(exps, x)
						mu.Unlock()
					},
				})
				if err != nil {
					return err
				}
				run, cerr := e.CrawlSite(ctx, site)
				printCheck(app, site.Name, site.Region, site.Start, run, mem, exps, maxPages)
				if cerr != nil && run.Status != "failed" {
					return cerr
				}
				return crawlExit([]crawl.Result{{Run: run, Err: cerr}})
			},
		}
		check.Flags().IntVar(&maxPages, "max-pages", 150, "fetch at most this many URLs")
		parent.AddCommand(check)
		return parent
	})
}

func printCheck(app *App, name, region string, start []string, run archive.Run, mem *crawl.MemStore, exps []crawl.Explanation, budget int) {
	w := app.Stdout
	// URLs, titles, file names and notes come from the site's pages:
	// their control characters are shown, not obeyed.
	p := query.Printable
	fmt.Fprintf(w, "Site %s (%s), start %s — dry run, nothing written\n", name, orDefault(region, "-"), strings.Join(start, " "))
	if d, err := divisions.ResolveSite(region); err != nil {
		fmt.Fprintf(w, "Region: not resolved (%s); reports are placed by their body and title alone\n\n", p(err.Error()))
	} else {
		fmt.Fprintf(w, "Region: %s, code %s, %s level\n\n", p(strings.Join(d.Path(), " › ")), d.Code(), d.Level)
	}
	// Family: the verdict on the first page, and the tally over all pages.
	tally := map[string]int{}
	byURL := map[string]crawl.Explanation{}
	for _, x := range exps {
		tally[x.Family]++
		byURL[urlcanon.Key(x.URL)] = x
	}
	if len(exps) > 0 {
		// The evidence: the first page the winning family was detected on.
		first := exps[0]
		for _, x := range exps {
			if x.Family == run.Family && len(x.Detections) > 0 {
				first = x
				break
			}
		}
		fmt.Fprintf(w, "Family: %s\n", orDefault(run.Family, first.Family))
		if len(first.Detections) == 0 {
			fmt.Fprintf(w, "  set in config.yaml (family: %s)\n", first.Family)
		} else {
			fmt.Fprintf(w, "  evidence from %s:\n", p(first.URL))
		}
		for _, d := range first.Detections {
			fmt.Fprintf(w, "  %-8s %.2f  %s\n", d.Family, d.Confidence, p(d.Why))
		}
		var parts []string
		for f, n := range tally {
			parts = append(parts, fmt.Sprintf("%s on %d", f, n))
		}
		sort.Strings(parts)
		fmt.Fprintf(w, "  pages analysed: %s\n", strings.Join(parts, ", "))
		for _, x := range exps {
			for _, n := range x.Analysis.Notes {
				fmt.Fprintf(w, "  note (%s): %s\n", p(x.URL), p(n))
			}
		}
	} else {
		fmt.Fprintln(w, "Family: unknown (no page could be analysed)")
	}
	docs := mem.Documents()
	sort.Slice(docs, func(i, j int) bool {
		if docs[i].Year != docs[j].Year {
			return docs[i].Year > docs[j].Year
		}
		return docs[i].URL < docs[j].URL
	})
	fmt.Fprintf(w, "\nWould archive %s:\n", plural(len(docs), "report", "reports"))
	for _, d := range docs {
		fmt.Fprintf(w, "  %d  %s\n      %s\n", d.Year, p(d.Title), p(d.URL))
		why := "title names a report (format.md §7)"
		if x, ok := byURL[urlcanon.Key(d.URL)]; ok && x.Analysis.Report != nil {
			why = x.Analysis.Report.Reason
		}
		fmt.Fprintf(w, "      why: %s; body %q\n", p(why), d.Body)
		for _, s := range d.Sightings {
			fmt.Fprintf(w, "      listed on %s\n", p(s.From))
		}
		for _, f := range d.Files {
			fmt.Fprintf(w, "      file (%s): %s %s %s\n", f.Role, shortType(f.MediaType), humanBytes(f.Size), p(orDefault(f.Filename, f.URL)))
		}
	}
	fmt.Fprintf(w, "\nFetched %d URLs (%s) of a budget of %d; status %s\n", run.Pages, humanBytes(run.Bytes), budget, run.Status)
	if len(run.Blocked) > 0 {
		fmt.Fprintf(w, "Blocked (never archived): %s\n", countsString(run.Blocked))
	}
	if len(run.Errors) > 0 {
		fmt.Fprintf(w, "Errors: %s\n", countsString(run.Errors))
	}
	for _, n := range run.Notes {
		fmt.Fprintf(w, "Note: %s\n", p(n))
	}
}

// noSitesConfigured says why cfg has no sites: no config file was found
// (only the default path may be missing; a --config that is missing is an
// error before this), or the file has no sites: entry.
func noSitesConfigured(cfg *config.Config) string {
	if cfg.Path == "" {
		return "no sites configured (no config file: ./config.yaml is read by default, --config names another)"
	}
	return fmt.Sprintf("no sites configured (%s has no sites:)", cfg.Path)
}
