package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// files is where a command writes the files it makes (export -o FILE,
// backup FILE): the local file system, or, for a command the running
// service executes on a reader's behalf (relay.go), the reader's own file
// system, reached through the relay connection.
type files interface {
	// Stat describes path: exists, is a directory, size.
	Stat(path string) (fileStat, error)
	// Create makes path's content atomically: written next to it under a
	// temporary name, renamed over path by Commit, removed by Abort.
	Create(path string, perm fs.FileMode) (output, error)
}

type fileStat struct {
	Exists, IsDir bool
	Size          int64
}

// output is a file being made; exactly one of Commit and Abort ends it.
type output interface {
	io.Writer
	Commit() error
	Abort()
}

// localFiles is the process's own file system.
type localFiles struct{}

func (localFiles) Stat(path string) (fileStat, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileStat{}, nil
	case err != nil:
		return fileStat{}, err
	}
	return fileStat{Exists: true, IsDir: fi.IsDir(), Size: fi.Size()}, nil
}

func (localFiles) Create(path string, perm fs.FileMode) (output, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &localOutput{File: tmp, path: path, perm: perm}, nil
}

type localOutput struct {
	*os.File
	path string
	perm fs.FileMode
}

func (o *localOutput) Commit() error {
	err := o.Sync()
	if err == nil {
		err = o.Chmod(o.perm) // CreateTemp makes 0600
	}
	if cerr := o.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.Name(), o.path)
	}
	if err != nil {
		_ = os.Remove(o.Name())
		return fmt.Errorf("write %s: %w", o.path, err)
	}
	return nil
}

func (o *localOutput) Abort() {
	_ = o.Close()
	_ = os.Remove(o.Name())
}

// countingWriter counts what goes through it (the size of a file made
// through files, without a Stat).
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
