package cli

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/config"
)

// The relay lets every read command work while `crawler serve` holds the
// archive. bbolt has one writer and its file lock shuts readers of other
// processes out (they could not read safely beside a writer anyway), so
// a reader that finds the archive served does not open it: it sends its
// command line to the service, which runs the very same command on its
// open archive (a read-only borrowed handle) and streams the output back.
// Output and exit codes are those of a local run; files the command
// makes (export -o, backup) are written by the reader on its side, in its
// working directory, as the service streams them.
//
// The service listens on loopback only and records its address and a
// random token in ARCHIVE.relay, readable by whoever may read the archive
// file itself (same permission bits): reading through the service gives
// no one more than the file gives them.

// relayCommands are the commands a service runs for a reader: reads.
// Commands that write (crawl, import, reparse) are not relayed; they stop
// at the archive's lock with the message naming its holder.
var relayCommands = map[string]bool{
	"query": true, "show": true, "series": true, "export": true, "stats": true, "verify": true, "backup": true,
	"search": true, "reindex": true,
}

func relayPath(archivePath string) string { return archivePath + ".relay" }

// relayInfo is the content of ARCHIVE.relay.
type relayInfo struct {
	PID   int    `json:"pid"`
	Addr  string `json:"addr"`
	Token string `json:"token"`
}

// relayMsg is one message of the relay's gob stream; exactly one of its
// parts is set.
type relayMsg struct {
	Hello  *relayHello
	Out    *relayOut
	Op     *fileOp
	Result *fileResult
	Exit   *relayExit
}

// relayExit ends a session. Done is always true: gob does not send a
// struct whose fields are all zero, and exit code 0 is the common one.
type relayExit struct {
	Done bool
	Code int
}

// relayHello opens a session: the reader's command line and context.
type relayHello struct {
	Token                string
	Args                 []string
	Cwd                  string
	StdoutTTY, StderrTTY bool
	StdoutWidth          int `json:",omitempty"` // the reader's terminal, for tables that fit it
}

type relayOut struct {
	Stream int // 1 stdout, 2 stderr
	Data   []byte
}

// fileOp asks the reader to act on its files (files.go); fileResult is
// the answer (writes and aborts get none: a failed write is reported by
// the commit).
type fileOp struct {
	ID, Handle int
	Kind       string // stat, create, write, commit, abort
	Path       string
	Perm       uint32
	Data       []byte
}

type fileResult struct {
	ID, Handle int
	Err        string
	Stat       fileStat
}

// relayedExit ends a command that the service ran: its output is printed
// already, only the exit code is left.
type relayedExit struct{ code int }

func (e *relayedExit) Error() string { return fmt.Sprintf("exit %d (run by crawler serve)", e.code) }

// relayIfServed runs cmd in the service holding the archive, when there
// is one and cmd is a read; it returns relayedExit then, nil to run cmd
// here.
func (a *App) relayIfServed(cmd *cobra.Command) error {
	if a.shared != nil || !relayCommands[cmd.Name()] || cmd.Parent() != cmd.Root() {
		return nil
	}
	cfg, err := a.Config(explicitConfig(cmd))
	if err != nil {
		return nil // the command itself reports it
	}
	info, ok := readRelay(cfg.Archive)
	if !ok {
		return nil
	}
	cwd, _ := os.Getwd()
	hello := relayHello{Token: info.Token, Args: a.args, Cwd: cwd, StdoutTTY: IsTerminal(a.Stdout), StderrTTY: IsTerminal(a.Stderr),
		StdoutWidth: TermWidth(a.Stdout)}
	code, err := relayRun(cmd.Context(), info.Addr, hello, a.Stdout, a.Stderr)
	switch {
	case errors.Is(err, errRelayUnreachable):
		return nil // a service that died: the command opens the archive itself
	case err != nil:
		return err
	}
	return &relayedExit{code}
}

// readRelay reads a live service's relay file for the archive at path.
func readRelay(path string) (relayInfo, bool) {
	b, err := os.ReadFile(relayPath(path))
	if err != nil {
		return relayInfo{}, false
	}
	var info relayInfo
	if json.Unmarshal(b, &info) != nil || info.Addr == "" || info.PID <= 0 {
		return relayInfo{}, false
	}
	// Signal 0 asks only whether the process exists (a killed service
	// leaves its file behind).
	if err := syscall.Kill(info.PID, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return relayInfo{}, false
	}
	return info, true
}

var errRelayUnreachable = errors.New("relay unreachable")

// relayRun sends hello to the service at addr and plays its session out:
// output to stdout and stderr, file operations on this side.
func relayRun(ctx context.Context, addr string, hello relayHello, stdout, stderr io.Writer) (int, error) {
	conn, err := (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errRelayUnreachable, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() }) // Ctrl-C ends the session
	defer stop()
	enc, dec := gob.NewEncoder(conn), gob.NewDecoder(conn)
	if err := enc.Encode(relayMsg{Hello: &hello}); err != nil {
		return 0, fmt.Errorf("%w: %v", errRelayUnreachable, err)
	}
	lf := &localRelayFiles{outputs: map[int]output{}, failed: map[int]error{}}
	defer lf.abortAll()
	for {
		var m relayMsg
		if err := dec.Decode(&m); err != nil {
			if ctx.Err() != nil {
				return 130, nil
			}
			return 0, fmt.Errorf("crawler serve ended the session: %w", err)
		}
		switch {
		case m.Out != nil:
			w := stdout
			if m.Out.Stream == 2 {
				w = stderr
			}
			_, _ = w.Write(m.Out.Data)
		case m.Op != nil:
			if res := lf.do(m.Op); res != nil {
				if err := enc.Encode(relayMsg{Result: res}); err != nil {
					return 0, fmt.Errorf("crawler serve ended the session: %w", err)
				}
			}
		case m.Exit != nil:
			return m.Exit.Code, nil
		}
	}
}

// localRelayFiles does the service's file operations on the reader's
// side.
type localRelayFiles struct {
	next    int
	outputs map[int]output
	failed  map[int]error
}

func (l *localRelayFiles) do(op *fileOp) *fileResult {
	res := &fileResult{ID: op.ID, Handle: op.Handle}
	fail := func(err error) *fileResult {
		if err != nil {
			res.Err = err.Error()
		}
		return res
	}
	switch op.Kind {
	case "stat":
		st, err := localFiles{}.Stat(op.Path)
		res.Stat = st
		return fail(err)
	case "create":
		o, err := localFiles{}.Create(op.Path, fs.FileMode(op.Perm))
		if err != nil {
			return fail(err)
		}
		l.next++
		l.outputs[l.next] = o
		res.Handle = l.next
		return res
	case "write":
		if o := l.outputs[op.Handle]; o != nil && l.failed[op.Handle] == nil {
			if _, err := o.Write(op.Data); err != nil {
				l.failed[op.Handle] = err
			}
		}
		return nil
	case "commit":
		o := l.outputs[op.Handle]
		delete(l.outputs, op.Handle)
		if err := l.failed[op.Handle]; err != nil {
			o.Abort()
			return fail(err)
		}
		if o == nil {
			return fail(errors.New("no such output"))
		}
		return fail(o.Commit())
	case "abort":
		if o := l.outputs[op.Handle]; o != nil {
			o.Abort()
			delete(l.outputs, op.Handle)
		}
		return nil
	}
	return fail(fmt.Errorf("unknown file operation %q", op.Kind))
}

// abortAll removes the files of a session that ended without commits.
func (l *localRelayFiles) abortAll() {
	for h, o := range l.outputs {
		o.Abort()
		delete(l.outputs, h)
	}
}

// relayServer is the service's side.
type relayServer struct {
	ln    net.Listener
	path  string
	token string
	cfg   *config.Config
	arc   *archive.Archive
	log   *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startRelay listens on loopback and records how to reach it next to
// the archive.
func startRelay(cfg *config.Config, arc *archive.Archive, log *slog.Logger) (*relayServer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	tok := make([]byte, 32)
	_, _ = rand.Read(tok)
	s := &relayServer{ln: ln, path: relayPath(arc.Path()), token: hex.EncodeToString(tok), cfg: cfg, arc: arc, log: log}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	b, _ := json.Marshal(relayInfo{PID: os.Getpid(), Addr: ln.Addr().String(), Token: s.token})
	perm := fs.FileMode(0o600)
	if fi, err := os.Stat(arc.Path()); err == nil {
		perm = fi.Mode().Perm() & 0o666 // whoever may read the archive
	}
	if err := os.WriteFile(s.path, b, perm); err != nil {
		ln.Close()
		return nil, fmt.Errorf("relay: %w", err)
	}
	_ = os.Chmod(s.path, perm) // WriteFile keeps an old file's mode
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Close stops the relay: no new sessions, running ones cancelled.
func (s *relayServer) Close() error {
	_ = os.Remove(s.path)
	err := s.ln.Close()
	s.cancel()
	s.wg.Wait()
	return err
}

func (s *relayServer) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(conn)
		}()
	}
}

// session runs one reader's command.
func (s *relayServer) session(conn net.Conn) {
	defer conn.Close()
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	c := &relayConn{enc: gob.NewEncoder(conn), waiting: map[int]chan *fileResult{}}
	dec := gob.NewDecoder(conn)
	var hello relayMsg
	if err := dec.Decode(&hello); err != nil || hello.Hello == nil {
		return
	}
	h := hello.Hello
	if subtle.ConstantTimeCompare([]byte(h.Token), []byte(s.token)) != 1 {
		c.out(2, []byte("crawler: the relay token does not match: read ARCHIVE.relay again\n"))
		c.exit(2)
		return
	}
	go func() { // the reader's answers; its hang-up cancels the command
		defer cancel()
		for {
			var m relayMsg
			if err := dec.Decode(&m); err != nil {
				c.fail(err)
				return
			}
			if m.Result != nil {
				c.deliver(m.Result)
			}
		}
	}()
	app := &App{Stdin: strings.NewReader(""), cfg: s.cfg, shared: s.arc, files: &remoteFiles{c: c}, cwd: h.Cwd,
		Stdout: &relayWriter{c: c, stream: 1, tty: h.StdoutTTY, width: h.StdoutWidth}, Stderr: &relayWriter{c: c, stream: 2, tty: h.StderrTTY}}
	if cmd, _, err := NewRoot(&App{}).Find(h.Args); err != nil || !relayCommands[cmd.Name()] {
		c.out(2, []byte("crawler: crawler serve runs only read commands for other processes\n"))
		c.exit(2)
		return
	}
	s.log.Debug("relay: running a reader's command", "args", h.Args)
	c.exit(runApp(ctx, app, h.Args))
}

// relayConn is the service's end of a session: messages out in order,
// answers to file operations routed to their callers.
type relayConn struct {
	mu      sync.Mutex
	enc     *gob.Encoder
	err     error
	id      int
	waiting map[int]chan *fileResult
}

func (c *relayConn) send(m relayMsg) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	if err := c.enc.Encode(m); err != nil {
		c.err = err
	}
	return c.err
}

func (c *relayConn) out(stream int, p []byte) error {
	return c.send(relayMsg{Out: &relayOut{Stream: stream, Data: p}})
}

func (c *relayConn) exit(code int) { _ = c.send(relayMsg{Exit: &relayExit{Done: true, Code: code}}) }

// ask sends op and waits for its answer.
func (c *relayConn) ask(op *fileOp) (*fileResult, error) {
	ch := make(chan *fileResult, 1)
	c.mu.Lock()
	c.id++
	op.ID = c.id
	c.waiting[op.ID] = ch
	c.mu.Unlock()
	if err := c.send(relayMsg{Op: op}); err != nil {
		return nil, err
	}
	res, ok := <-ch
	if !ok {
		return nil, fmt.Errorf("the reader hung up: %w", c.err)
	}
	if res.Err != "" {
		return res, errors.New(res.Err)
	}
	return res, nil
}

func (c *relayConn) deliver(res *fileResult) {
	c.mu.Lock()
	ch := c.waiting[res.ID]
	delete(c.waiting, res.ID)
	c.mu.Unlock()
	if ch != nil {
		ch <- res
	}
}

// fail ends the waits of a session whose reader is gone.
func (c *relayConn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	for id, ch := range c.waiting {
		close(ch)
		delete(c.waiting, id)
	}
}

// relayWriter is a relayed command's stdout or stderr: the reader's, and
// a terminal when the reader's is.
type relayWriter struct {
	c      *relayConn
	stream int
	tty    bool
	width  int // the reader's terminal width (0: unknown)
}

func (w *relayWriter) Write(p []byte) (int, error) {
	if err := w.c.out(w.stream, append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *relayWriter) IsTerminal() bool { return w.tty }

func (w *relayWriter) TermWidth() int { return w.width }

// remoteFiles are the reader's files, seen from the service.
type remoteFiles struct{ c *relayConn }

func (r *remoteFiles) Stat(path string) (fileStat, error) {
	res, err := r.c.ask(&fileOp{Kind: "stat", Path: path})
	if err != nil {
		return fileStat{}, err
	}
	return res.Stat, nil
}

func (r *remoteFiles) Create(path string, perm fs.FileMode) (output, error) {
	res, err := r.c.ask(&fileOp{Kind: "create", Path: path, Perm: uint32(perm)})
	if err != nil {
		return nil, err
	}
	return &remoteOutput{c: r.c, handle: res.Handle}, nil
}

type remoteOutput struct {
	c      *relayConn
	handle int
}

func (o *remoteOutput) Write(p []byte) (int, error) {
	if err := o.c.send(relayMsg{Op: &fileOp{Kind: "write", Handle: o.handle, Data: append([]byte(nil), p...)}}); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (o *remoteOutput) Commit() error {
	_, err := o.c.ask(&fileOp{Kind: "commit", Handle: o.handle})
	return err
}

func (o *remoteOutput) Abort() { _ = o.c.send(relayMsg{Op: &fileOp{Kind: "abort", Handle: o.handle}}) }
