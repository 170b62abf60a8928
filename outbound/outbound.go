// Package outbound guards the connections the site makes on behalf of
// others (claim verification, the crawler, liveness checks): none may reach
// loopback, private, link-local, shared or cloud metadata addresses, which
// would let anyone who can submit a URL probe the servers behind ours.
//
// The check runs in a net.Dialer's Control hook, on the address actually
// dialled: after DNS resolution (a public name pointing at 10.0.0.1 is
// refused) and for every connection, so for every redirect hop too.
package outbound

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbidden is wrapped by every refusal.
var ErrForbidden = errors.New("address not allowed for outbound requests")

// Guard decides which addresses may be dialled. The zero value is not
// useful: build one with New.
type Guard struct {
	allowed []netip.Prefix
}

// Option relaxes a Guard.
type Option func(*Guard)

// AllowLoopback lets the guard dial 127.0.0.0/8 and ::1: for tests against
// httptest servers and local development, never in production.
func AllowLoopback() Option {
	return Allow(netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
}

// Allow lets the guard dial the given prefixes despite the rules.
func Allow(prefixes ...netip.Prefix) Option {
	return func(g *Guard) { g.allowed = append(g.allowed, prefixes...) }
}

// New returns a guard that refuses every non-public address, except those
// the options allow.
func New(opts ...Option) *Guard {
	g := &Guard{}
	for _, o := range opts {
		o(g)
	}
	return g
}

// blocked are the ranges no public web server lives in, beyond what
// netip.Addr's predicates cover.
var blocked = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a \"this network\" address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT) address, where some clouds put their metadata service"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local NAT64 address"},
	{netip.MustParsePrefix("fd00:ec2::254/128"), "the cloud metadata service"},
}

// Check returns nil when ip may be dialled.
func (g *Guard) Check(ip netip.Addr) error {
	ip = ip.Unmap()
	for _, p := range g.allowed {
		if p.Contains(ip) {
			return nil
		}
	}
	why := ""
	switch {
	case !ip.IsValid():
		why = "not an address"
	case ip.IsLoopback():
		why = "a loopback address"
	case ip.IsPrivate():
		why = "a private address"
	case ip == netip.MustParseAddr("169.254.169.254"):
		why = "the cloud metadata service"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		why = "a link-local address"
	case ip.IsUnspecified():
		why = "an unspecified address"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		why = "a multicast address"
	case ip.Is4() && ip == netip.MustParseAddr("255.255.255.255"):
		why = "the broadcast address"
	default:
		for _, b := range blocked {
			if b.prefix.Contains(ip) {
				why = b.why
				break
			}
		}
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("refusing to connect to %s, %s: %w", ip, why, ErrForbidden)
}

// Control is a net.Dialer Control hook: it runs after name resolution, on
// the address about to be connected.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refusing to connect to %q: %w", address, ErrForbidden)
	}
	return g.Check(ap.Addr())
}

// Dialer is a net.Dialer with the guard in place.
func (g *Guard) Dialer(timeout, keepAlive time.Duration) *net.Dialer {
	return &net.Dialer{Timeout: timeout, KeepAlive: keepAlive, Control: g.Control}
}
