package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/query"
	"github.com/nianbao/nianbao/sites"
)

// App is the state shared by every command.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	ConfigPath  string
	ArchivePath string // --archive: overrides config's archive
	Verbose     bool

	cfg *config.Config
	Log *slog.Logger

	// Set when the running service executes a command for a reader
	// (relay.go): its open archive (borrowed), the reader's files and
	// working directory.
	shared *archive.Archive
	files  files
	cwd    string
	args   []string // the command line, for the relay
}

// output is where the command's files go (files.go).
func (a *App) output() files {
	if a.files != nil {
		return a.files
	}
	return localFiles{}
}

// abs is path made absolute against the caller's working directory.
func (a *App) abs(path string) string {
	if filepath.IsAbs(path) || a.cwd == "" {
		p, _ := filepath.Abs(path)
		return p
	}
	return filepath.Join(a.cwd, path)
}

// Config loads the config once. A missing ./config.yaml is fine (defaults);
// a missing file named explicitly with --config is an error.
func (a *App) Config(explicit bool) (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	c, err := config.Load(a.ConfigPath, !explicit)
	if err != nil {
		return nil, err
	}
	if err := c.CheckFamilies(sites.Families()); err != nil {
		return nil, err
	}
	if a.ArchivePath != "" {
		c.Archive = a.ArchivePath
	}
	a.cfg = c
	return c, nil
}

// IsTerminal reports whether w is an interactive terminal: a terminal
// file, or a writer that says so (a relayed command's output, which is
// the reader's terminal or not).
func IsTerminal(w io.Writer) bool {
	if t, ok := w.(interface{ IsTerminal() bool }); ok {
		return t.IsTerminal()
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// TermWidth is the width in cells of the terminal w writes to, or 0 when
// w is not a terminal or its size is unknown: a terminal file, or a
// writer that says (a relayed command's output, the reader's terminal; a
// test's fake terminal).
func TermWidth(w io.Writer) int {
	if t, ok := w.(interface{ TermWidth() int }); ok {
		return t.TermWidth()
	}
	if f, ok := w.(*os.File); ok && IsTerminal(f) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			return width
		}
	}
	return 0
}

type cmdFactory struct {
	order int
	make  func(*App) *cobra.Command
}

var factories []cmdFactory

// register adds a command; order sorts `--help` (lower first).
func register(order int, f func(*App) *cobra.Command) {
	factories = append(factories, cmdFactory{order, f})
}

// NewRoot builds the command tree around app.
func NewRoot(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "crawler",
		Short: "nianbao: crawl, archive, parse and export government information-disclosure annual reports",
		Long: `nianbao (年报) finds 政府信息公开工作年度报告 on government portals, keeps every
original file byte-for-byte in an embedded archive, parses the national tables
into structured data checked by their own arithmetic, and exports collections.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(app.Stdin)
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&app.ConfigPath, "config", "./config.yaml", "config file")
	pf.StringVar(&app.ArchivePath, "archive", "", "archive file (overrides the config's archive:)")
	pf.BoolVarP(&app.Verbose, "verbose", "v", false, "debug logging")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		level := slog.LevelInfo
		if app.Verbose {
			level = slog.LevelDebug
		}
		app.Log = slog.New(slog.NewTextHandler(app.Stderr, &slog.HandlerOptions{Level: level}))
		// A reader of an archive `crawler serve` holds runs in the service.
		return app.relayIfServed(cmd)
	}
	// A bad or unknown flag is a usage error: exit 2, like a bad flag value.
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withExit(2, fmt.Errorf("%w (see `%s --help`)", flagValueError(err), c.CommandPath()))
	})
	sort.SliceStable(factories, func(i, j int) bool { return factories[i].order < factories[j].order })
	for _, f := range factories {
		root.AddCommand(f.make(app))
	}
	usageExit2(root)
	return root
}

// Main runs the CLI and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runApp(ctx, &App{Stdin: stdin, Stdout: stdout, Stderr: stderr}, args)
}

// runApp executes args with app and returns the exit code.
func runApp(ctx context.Context, app *App, args []string) int {
	stderr := app.Stderr
	app.args = args
	root := NewRoot(app)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		var relayed *relayedExit
		if errors.As(err, &relayed) {
			return relayed.code // the service printed everything
		}
		// Errors quote file names, URLs and arguments: their control
		// characters are shown, not sent to the terminal.
		lines := strings.Split(err.Error(), "\n")
		for i, l := range lines {
			lines[i] = query.Printable(l)
		}
		fmt.Fprintln(stderr, "crawler:", strings.Join(lines, "\n"))
		// cobra reports an unknown subcommand from its own argument
		// check, before any of ours runs.
		if strings.HasPrefix(err.Error(), "unknown command") {
			return 2
		}
		var ec interface{ ExitCode() int }
		if errors.As(err, &ec) {
			return ec.ExitCode()
		}
		if code, ok := archiveExit(err); ok {
			return code
		}
		return 1
	}
	return 0
}

// flagValueError says what is wrong with a flag's value in the user's
// terms: `bad --year "abc": want a year such as 2023`, not pflag's
// `invalid argument "abc" for "--year" flag: strconv.ParseInt: parsing
// "abc": invalid syntax`.
func flagValueError(err error) error {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) {
		return err
	}
	f := ive.GetFlag()
	var want string
	switch f.Value.Type() {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		want = "want a whole number"
		if strings.Contains(f.Name, "year") {
			want = "want a year such as 2023"
		}
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			want = "out of range"
		}
	case "float32", "float64":
		want = "want a number"
	case "bool":
		want = "want true or false"
	case "duration":
		want = "want a duration such as 30s, 5m or 2h"
	default:
		want = strings.TrimPrefix(errors.Unwrap(ive).Error(), "strconv.")
	}
	return &flagError{fmt.Sprintf("bad --%s %q: %s", f.Name, ive.GetValue(), want), err}
}

// flagError rewords a flag error, keeping the original for errors.As.
type flagError struct {
	msg string
	err error
}

func (e *flagError) Error() string { return e.msg }
func (e *flagError) Unwrap() error { return e.err }

// usageExit2 makes every wrong number of arguments exit 2, like a bad flag.
func usageExit2(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return withExit(2, fmt.Errorf("%w (see `%s --help`)", err, cmd.CommandPath()))
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageExit2(sub)
	}
}

// exitError carries a specific exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }
func (e *exitError) ExitCode() int { return e.code }

// withExit wraps err so Main exits with code.
func withExit(code int, err error) error { return &exitError{code, err} }

// explicitConfig reports whether --config was given on the command line.
func explicitConfig(cmd *cobra.Command) bool {
	f := cmd.Flags().Lookup("config")
	return f != nil && f.Changed
}
