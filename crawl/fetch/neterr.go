package fetch

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
)

// Network failure kinds (NetKind): what a run report and the operator
// need to tell a dead host or network apart from a site that answers
// badly.
const (
	KindDNS            = "dns"             // the name does not resolve
	KindRefused        = "refused"         // nothing listens on the port
	KindUnreachable    = "unreachable"     // no route: network down, host off line
	KindConnectTimeout = "connect_timeout" // no answer to the connection attempt
	KindTimeout        = "timeout"         // connected, but no (or too slow an) answer
	KindReset          = "reset"           // the connection dropped mid-exchange
	KindTLS            = "tls"
	KindNetwork        = "network" // any other transport failure
)

// NetKind names a transport error's kind (one of the Kind* constants
// above). A HostDownError is named by the failure that parked its host.
func NetKind(err error) string {
	var (
		dnsErr *net.DNSError
		opErr  *net.OpError
		ne     net.Error
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &dnsErr):
		return KindDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETDOWN), errors.Is(err, syscall.EHOSTDOWN):
		return KindUnreachable
	case errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Timeout():
		return KindConnectTimeout
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return KindTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return KindReset
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509"):
		return KindTLS
	}
	return KindNetwork
}

// NetworkLevel reports whether a kind says the host was not reached at
// all (as opposed to reached and answering badly).
func NetworkLevel(kind string) bool {
	switch kind {
	case KindDNS, KindRefused, KindUnreachable, KindConnectTimeout:
		return true
	}
	return false
}
