package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/charset"
	"github.com/nianbao/nianbao/crawl/fetch"
	"github.com/nianbao/nianbao/query"
)

// showJSON is `crawler show --output json`: the stored document (parsed
// report included as stored) and the captures proving each file.
type showJSON struct {
	Document *archive.Document            `json:"document"`
	Captures map[string][]archive.Capture `json:"captures"` // by file sha256
}

func init() {
	register(61, func(app *App) *cobra.Command {
		var output string
		cmd := &cobra.Command{
			Use:   "show ID|URL",
			Short: "Print one report: provenance, every table as a grid, and the checks that failed",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if output != "" && output != query.OutTable && output != query.OutJSON {
					return withExit(2, fmt.Errorf("bad --output %q: want table or json", output))
				}
				arc, err := app.openArchive(cmd, true)
				if err != nil {
					return err
				}
				defer arc.Close()
				d, err := query.FindDocument(cmd.Context(), arc, args[0])
				if err != nil {
					if amb := (*query.AmbiguousError)(nil); errors.As(err, &amb) {
						return withExit(1, ambiguity(amb))
					}
					if errors.Is(err, archive.ErrNotFound) {
						return withExit(1, fmt.Errorf("no report %q in %s (ids are listed by `crawler query`)", args[0], arc.Path()))
					}
					return err
				}
				caps := map[string][]archive.Capture{}
				for _, f := range d.Files {
					if f.SHA256 == "" || caps[f.SHA256] != nil {
						continue
					}
					cs, err := arc.CapturesByHash(f.SHA256)
					if err != nil {
						return fmt.Errorf("captures of %s: %w", f.SHA256, err)
					}
					caps[f.SHA256] = cs
				}
				if output == query.OutJSON {
					enc := json.NewEncoder(app.Stdout)
					enc.SetIndent("", "  ")
					enc.SetEscapeHTML(false)
					return enc.Encode(showJSON{Document: d, Captures: caps})
				}
				return printShow(app, d, caps)
			},
		}
		cmd.Flags().StringVar(&output, "output", "", "table (default) or json")
		return cmd
	})
}

// ambiguity is the message for an id prefix several reports share: the
// candidates, one a line, so the reader can pick one (printed through
// query.Printable with the rest of an error).
func ambiguity(e *query.AmbiguousError) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%v; give more of the id:", e)
	for _, d := range e.Candidates {
		year := ""
		if d.Year != 0 {
			year = fmt.Sprint(d.Year)
		}
		fmt.Fprintf(&b, "\n  %s  %4s  %s", d.ID, year, or(or(d.Title, d.Body), d.URL))
	}
	if e.More {
		b.WriteString("\n  …")
	}
	return errors.New(b.String())
}

// printShow prints a report for a terminal. Everything in it came from a
// portal or a file name, so every string goes through query.Printable:
// a control character in a URL or a file name is shown, not obeyed.
func printShow(app *App, d *archive.Document, caps map[string][]archive.Capture) error {
	w := bufio.NewWriter(app.Stdout)
	defer w.Flush()
	p := query.Printable
	pairs := &query.Table{} // CJK-aware, unlike text/tabwriter
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	year := ""
	if d.Year != 0 {
		year = fmt.Sprint(d.Year)
	}
	// A retracted report says so before anything else: it is kept, but
	// hidden from every listing, and the decision is visible here.
	if r := d.Retraction(); r != nil {
		fmt.Fprintf(w, "RETRACTED %s by %s: %s\n", ts(r.Time), p(r.By), p(r.Reason))
		fmt.Fprintf(w, "  hidden from query, export, series, the web page and the API; `crawler retract %s --undo` lists it again\n\n", d.ID)
	}
	for _, kv := range [][2]string{
		{"id", d.ID}, {"title 标题", d.Title}, {"body 机关", d.Body}, {"region 地区", d.Region},
		{"division 区划", divisionLabel(d)}, {"year 年度", year},
		{"site", d.Site}, {"url", d.URL}, {"published", d.PublishedAt}, {"source", d.Source},
		{"first seen", ts(d.FirstSeen)}, {"last seen", ts(d.LastSeen)},
		{"format", d.Format}, {"parse status", d.ParseStatus}, {"parser", d.ParserVer},
		{"failed checks", fmt.Sprint(d.FailedChecks)},
	} {
		if kv[1] != "" {
			pairs.Rows = append(pairs.Rows, []string{kv[0], kv[1]})
		}
	}
	if err := pairs.Render(w); err != nil {
		return err
	}
	if len(d.Tombstones) > 0 {
		fmt.Fprintf(w, "\nretraction history (%d)\n", len(d.Tombstones))
		for _, t := range d.Tombstones {
			action := "retracted"
			if t.Action == archive.TombstoneRestore {
				action = "restored"
			}
			fmt.Fprintf(w, "  %s  %s by %s", ts(t.Time), action, p(t.By))
			if t.Reason != "" {
				fmt.Fprintf(w, ": %s", p(t.Reason))
			}
			fmt.Fprintln(w)
		}
	}

	fmt.Fprintf(w, "\nfiles (%d)\n", len(d.Files))
	for _, f := range d.Files {
		fmt.Fprintf(w, "  [%s] %s\n", p(f.Role), p(f.URL))
		fmt.Fprintf(w, "      sha256 %s  %s  %s", p(f.SHA256), p(f.MediaType), humanBytes(f.Size))
		if f.Filename != "" {
			fmt.Fprintf(w, "  %q", f.Filename)
		}
		fmt.Fprintln(w)
		for _, c := range caps[f.SHA256] {
			fmt.Fprintf(w, "      capture #%d %s status %d %s", c.ID, ts(c.Time), c.Status, p(c.URL))
			if c.FinalURL != "" && c.FinalURL != c.URL {
				fmt.Fprintf(w, " → %s", p(c.FinalURL))
			}
			fmt.Fprintln(w)
			if c.Referer != "" {
				fmt.Fprintf(w, "        referer: %s\n", p(c.Referer))
			}
			keys := make([]string, 0, len(c.Headers))
			for k := range c.Headers {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(w, "        %s: %s\n", p(k), headerText(k, c.Headers[k]))
			}
		}
	}
	if len(d.Sightings) > 0 {
		fmt.Fprintf(w, "\nlisted on (%d)\n", len(d.Sightings))
		for _, s := range d.Sightings {
			fmt.Fprintf(w, "  %s  %s → %s\n", ts(s.Time), p(s.From), p(s.URL))
		}
	}
	rep, err := query.DecodeReport(d.Parsed)
	if err != nil {
		fmt.Fprintf(w, "\nparsed data unreadable: %v\n", err)
	} else {
		fmt.Fprintln(w)
		if err := query.RenderReport(w, rep, TermWidth(app.Stdout)); err != nil {
			return err
		}
	}
	// The document keeps the parser's warnings ("code: message"), which
	// RenderReport printed already, and its own (a title naming another
	// year, a parse error): print only those.
	shown := map[string]bool{}
	if rep != nil {
		for _, wr := range rep.Warnings {
			shown[wr.Code+": "+wr.Message] = true
		}
	}
	var more []string
	for _, s := range d.Warnings {
		if !shown[s] {
			more = append(more, s)
		}
	}
	if len(more) > 0 {
		fmt.Fprintf(w, "\ndocument warnings (%d):\n", len(more))
		for _, s := range more {
			fmt.Fprintf(w, "  %s\n", p(s))
		}
	}
	return w.Flush()
}

// headerText is a stored header value as a person reads it, escaped for
// the terminal. The archive keeps the bytes the server sent, and only this
// copy is decoded: a value that is not UTF-8 (a Content-Disposition file
// name in raw GBK, as Java servers send it) is read as GB18030, and a
// Content-Disposition whose name is percent- or MIME-encoded (RFC 5987
// filename*=UTF-8”%E5…) is followed by the name it gives.
func headerText(name, raw string) string {
	text, note := raw, ""
	if !utf8.ValidString(raw) {
		text, _ = charset.Decode([]byte(raw), "", false)
		note = "  (GBK bytes as sent, decoded for display)"
	}
	if strings.EqualFold(name, "Content-Disposition") {
		if fn := fetch.Filename(raw, ""); fn != "" && !strings.Contains(text, fn) {
			note += "  (file name: " + query.Printable(fn) + ")"
		}
	}
	return query.Printable(text) + note
}

// divisionLabel is the resolved region: "河南省 › 洛阳市 › 偃师区 (410307, county)",
// or "unresolved" with the reason from the warnings.
func divisionLabel(d *archive.Document) string {
	if d.RegionCode != "" {
		return fmt.Sprintf("%s (%s, %s)", strings.Join(d.RegionPath, " › "), d.RegionCode, d.RegionLevel)
	}
	for _, w := range d.Warnings {
		if strings.HasPrefix(w, "region_") {
			return "unresolved: " + w
		}
	}
	return ""
}
