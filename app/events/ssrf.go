package events

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"quire/app/api"
)

// Server-side request forgery: a hook makes this server send requests where a subscriber says, so
// a target inside the server's network (its loopback, private networks, a cloud's metadata
// service) is refused, unless the site's owner allows it (--hooks-allow-private). The check runs
// at subscribe (CheckTarget: every address the name resolves to) and again on every connection
// (the dialer's Control, on the address actually dialled), so a name that resolves elsewhere
// later (DNS rebinding) cannot slip past.

// blockedPrefixes are the networks a hook may not reach: loopback, RFC 1918 private, carrier-grade
// NAT (RFC 6598), link-local (with 169.254.169.254, the metadata service of most clouds), "this
// network", IPv6 unique local (with fd00:ec2::254, AWS's IPv6 metadata), link-local and
// unspecified, multicast, and the reserved and broadcast block.
var blockedPrefixes = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "64:ff9b::/96", "fc00::/7", "fe80::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Blocked reports whether ip is in a network a hook may not reach (blockedPrefixes); an IPv4
// address written as IPv6 (::ffff:a.b.c.d) is judged as IPv4.
func Blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// maxTargetURL bounds a hook's target URL, in bytes.
const maxTargetURL = 2048

// CheckTarget checks a hook's target URL: an absolute http or https URL whose host, unless
// allowPrivate, resolves only to addresses a hook may reach. Returns a validation error on
// "target_url" that says what is wrong.
func CheckTarget(ctx context.Context, raw string, allowPrivate bool) error {
	if raw == "" {
		return api.Invalid("target_url", "Parameter \"target_url\" is required: the https URL to send events to.")
	}
	if len(raw) > maxTargetURL {
		return api.Invalid("target_url", "Parameter \"target_url\" is longer than %d bytes.", maxTargetURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return api.Invalid("target_url", "Parameter \"target_url\" must be an absolute http or https URL, such as https://example.com/hook.")
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		lookup, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if addrs, err = net.DefaultResolver.LookupNetIP(lookup, "ip", host); err != nil || len(addrs) == 0 {
			return api.Invalid("target_url", "The host of \"target_url\", %s, could not be resolved: check its name.", host)
		}
	}
	for _, ip := range addrs {
		if Blocked(ip) {
			return api.Invalid("target_url", "The host of \"target_url\", %s, is at %s, a loopback, private, link-local or metadata address that hooks may not reach; the site's owner may allow such targets with --hooks-allow-private.", host, ip.Unmap())
		}
	}
	return nil
}

// errBlockedAddress is a connection refused because of where it goes.
var errBlockedAddress = errors.New("refused to connect: the address is loopback, private, link-local or metadata, which hooks may not reach (see --hooks-allow-private)")

// controlDial refuses, at connect time, an address a hook may not reach: the check of the address
// actually dialled, after any DNS answer.
func controlDial(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("refused to connect to %q: %w", address, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("refused to connect to %q: not an IP address", address)
	}
	if Blocked(ip) {
		return fmt.Errorf("%s: %w", ip.Unmap(), errBlockedAddress)
	}
	return nil
}
