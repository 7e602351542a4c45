package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// ErrNotifyRefused is wrapped by the error of every notification the SSRF
// guard stopped before connecting: a notify URL that is not http or https,
// or whose host is, or resolves to, an address merchants have no business
// pointing the wallet at (loopback, private, link-local, cloud metadata,
// ...). NotifierOptions.AllowHosts and AllowCIDRs make exceptions.
var ErrNotifyRefused = errors.New("alipayplus: notify URL refused")

// Resolver looks up the addresses of a host name; *net.Resolver is one.
// network is "ip", "ip4" or "ip6".
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Special-purpose ranges refused besides those netip.Addr classifies
// (loopback, private, link-local, multicast, unspecified).
var (
	metadataAddrs = []netip.Addr{
		netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, ... instance metadata
		netip.MustParseAddr("fd00:ec2::254"),   // AWS instance metadata over IPv6
	}
	refusedPrefixes = []struct {
		prefix netip.Prefix
		reason string
	}{
		{netip.MustParsePrefix("0.0.0.0/8"), "a 'this network' address"},
		{netip.MustParsePrefix("100.64.0.0/10"), "a shared (CGNAT) address"},
		{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
		{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
		{netip.MustParsePrefix("240.0.0.0/4"), "a reserved or broadcast address"},
		{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
		{netip.MustParsePrefix("64:ff9b:1::/48"), "a local-use NAT64 address"},
		{netip.MustParsePrefix("2001::/32"), "a Teredo address"},
		{netip.MustParsePrefix("::/96"), "an IPv4-compatible address"},
	}
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// addrRefusal returns why the guard refuses to connect to ip, or "" when
// ip is a public unicast address. IPv4 addresses embedded in IPv6 ones
// (IPv4-mapped, NAT64, 6to4) are judged as the IPv4 address they reach.
func addrRefusal(ip netip.Addr) string {
	if !ip.IsValid() {
		return "not an IP address"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		if r := addrRefusal(ip.Unmap()); r != "" {
			return r + " (IPv4-mapped)"
		}
		return ""
	}
	for _, m := range metadataAddrs {
		if ip == m {
			return "a cloud metadata address"
		}
	}
	switch {
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsMulticast():
		return "a multicast address"
	}
	if ip.Is6() {
		b := ip.As16()
		var v4 netip.Addr
		switch {
		case nat64Prefix.Contains(ip):
			v4 = netip.AddrFrom4([4]byte(b[12:16]))
		case sixToFour.Contains(ip):
			v4 = netip.AddrFrom4([4]byte(b[2:6]))
		}
		if v4.IsValid() {
			if r := addrRefusal(v4); r != "" {
				return r + " (embedded in IPv6)"
			}
			return ""
		}
	}
	for _, p := range refusedPrefixes {
		if p.prefix.Contains(ip) {
			return p.reason
		}
	}
	return ""
}

// nameRefusal returns why the guard refuses a host name before resolving
// it, or "": "localhost" and names under .localhost always mean this
// machine (RFC 6761).
func nameRefusal(host string) string {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return "a loopback name"
	}
	return ""
}

// ssrfGuard connects to notify URLs' hosts, refusing addresses merchants
// must not make the wallet reach, unless the operator allowed them.
type ssrfGuard struct {
	allowHosts map[string]bool // lower-case host names, no trailing dot
	allowAddrs map[netip.Addr]bool
	allowCIDRs []netip.Prefix
	resolver   Resolver
	// dial connects to an approved ip:port; nil means a net.Dialer that
	// checks the address again at connect time.
	dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// hostAllowed reports whether the operator allowed host by name: every
// address it resolves to is then allowed.
func (g *ssrfGuard) hostAllowed(host string) bool {
	return g.allowHosts[strings.TrimSuffix(strings.ToLower(host), ".")]
}

// addrAllowed reports whether the operator allowed ip (by address or
// range); IPv4-mapped addresses match their IPv4 form too.
func (g *ssrfGuard) addrAllowed(ip netip.Addr) bool {
	ip = ip.WithZone("")
	for _, a := range []netip.Addr{ip, ip.Unmap()} {
		if g.allowAddrs[a] {
			return true
		}
		for _, p := range g.allowCIDRs {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// check returns nil when the guard lets a connection to ip through, else
// an error wrapping ErrNotifyRefused. host is the notify URL's host, for
// the message.
func (g *ssrfGuard) check(host string, ip netip.Addr) error {
	if g.addrAllowed(ip) {
		return nil
	}
	reason := addrRefusal(ip)
	if reason == "" {
		return nil
	}
	if h := strings.Trim(host, "[]"); h != ip.String() {
		return fmt.Errorf("%w: %s resolves to %s, %s", ErrNotifyRefused, host, ip, reason)
	}
	return fmt.Errorf("%w: %s is %s", ErrNotifyRefused, ip, reason)
}

// dialContext is the transport's DialContext: it resolves the host of addr
// with the guard's resolver, refuses the addresses the guard does not let
// through, and connects to the first of the others that answers. A host
// allowed by name connects wherever it resolves.
func (g *ssrfGuard) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: address %q: %v", ErrNotifyRefused, addr, err)
	}
	byName := g.hostAllowed(host)
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		if r := nameRefusal(host); r != "" && !byName {
			return nil, fmt.Errorf("%w: %s is %s", ErrNotifyRefused, host, r)
		}
		ipNet := "ip"
		switch network {
		case "tcp4":
			ipNet = "ip4"
		case "tcp6":
			ipNet = "ip6"
		}
		ips, err = g.resolver.LookupNetIP(ctx, ipNet, host)
		if err != nil {
			return nil, fmt.Errorf("resolving %s: %w", host, err)
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("resolving %s: no addresses", host)
		}
	}
	var firstErr error
	for _, ip := range ips {
		if !byName {
			if err := g.check(host, ip); err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
		}
		target := net.JoinHostPort(ip.String(), port)
		var conn net.Conn
		if g.dial != nil {
			conn, err = g.dial(ctx, network, target)
		} else {
			d := net.Dialer{ControlContext: g.control(host, byName)}
			conn, err = d.DialContext(ctx, network, target)
		}
		if err == nil {
			return conn, nil
		}
		// A refusal is kept over a later connection error only when no
		// address could be tried; a real connection error says more.
		if firstErr == nil || errors.Is(firstErr, ErrNotifyRefused) {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// control returns the net.Dialer hook that checks, at connect time, the
// address the socket is about to connect to: whatever resolved it, an
// address the guard refuses is never connected to.
func (g *ssrfGuard) control(host string, byName bool) func(ctx context.Context, network, address string, c syscall.RawConn) error {
	return func(_ context.Context, _, address string, _ syscall.RawConn) error {
		if byName {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: cannot read the dialled address %q: %v", ErrNotifyRefused, address, err)
		}
		return g.check(host, ap.Addr())
	}
}
