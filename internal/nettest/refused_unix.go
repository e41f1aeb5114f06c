//go:build unix

// Package nettest holds network fixtures for tests. For tests only.
package nettest

import (
	"fmt"
	"syscall"
	"testing"
)

// RefusedAddr returns a loopback address ("127.0.0.1:port") where every
// connection is refused, for as long as the test runs.
//
// The usual trick — listen on :0, note the port, close — leaves the port
// free for the next test that listens: with the suite's packages running
// in parallel another test's server took it, and a "refused" host
// answered (a flake seen in crawl's robots test). Here the port stays
// bound by a socket that never listens, so no one else can take it and
// the kernel answers every connection with a reset.
func RefusedAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("refused address: socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("refused address: bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("refused address: getsockname: %v", err)
	}
	in, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		t.Fatalf("refused address: unexpected socket address %T", sa)
	}
	return fmt.Sprintf("127.0.0.1:%d", in.Port)
}
