package netguard

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// deniedNames are host names of cloud metadata services and of the machine itself. Their
// addresses are refused at connect time anyway; naming them here gives a clearer error.
var deniedNames = map[string]bool{
	"localhost":                  true,
	"metadata":                   true,
	"metadata.google.internal":   true,
	"metadata.goog":              true,
	"instance-data":              true,
	"instance-data.ec2.internal": true,
}

// deniedSuffixes are domains that only ever name private hosts.
var deniedSuffixes = []string{".localhost", ".internal", ".local", ".home.arpa", ".intranet", ".lan"}

// CheckURL says whether raw may be requested, before any name is looked up: https only (http
// too when private addresses or http are allowed), no credentials, an allowed port, and a host that is
// a DNS name or a public IP address written the standard way. Numeric hosts in the other forms
// some resolvers accept (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are refused whatever they
// denote. It is the check to run when a user saves a URL; Control still decides at connect
// time. Errors are *RefusedError (so match ErrRefused) and read well to the user.
func (g *Guard) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, refusef("not a URL")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && (g.opts.AllowPrivate || g.opts.AllowHTTP):
	case u.Scheme == "http":
		return nil, refusef("webhooks must use https")
	default:
		return nil, refusef("scheme %q is not allowed; use https", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, refusef("the URL has no host")
	}
	if u.User != nil {
		return nil, refusef("the URL must not carry a user name or password")
	}
	port, err := urlPort(u)
	if err != nil {
		return nil, err
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return nil, refusef("the URL has no host")
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return u, g.checkAddrPort(netip.AddrPortFrom(ip, port))
	}
	if _, ok := LegacyIPv4(host); ok || numericTLD(host) {
		return nil, refusef("host %q is not a DNS name or a dotted IPv4 address", host)
	}
	if g.opts.AllowPrivate {
		return u, nil
	}
	if !g.allowsPort(port) {
		return nil, refusef("port %d is not allowed (use %s)", port, portList(g.opts.Ports))
	}
	if deniedNames[host] {
		return nil, refusef("%s is a local or metadata host", host)
	}
	for _, s := range deniedSuffixes {
		if strings.HasSuffix(host, s) {
			return nil, refusef("%s names a private host", host)
		}
	}
	if !strings.Contains(host, ".") {
		return nil, refusef("%s is not a fully qualified host name", host)
	}
	return u, nil
}

func (g *Guard) allowsPort(port uint16) bool {
	for _, p := range g.opts.Ports {
		if p == port {
			return true
		}
	}
	for _, a := range g.opts.Allow {
		if a.Port() == port {
			return true
		}
	}
	return false
}

func urlPort(u *url.URL) (uint16, error) {
	p := u.Port()
	if p == "" {
		if u.Scheme == "http" {
			return 80, nil
		}
		return 443, nil
	}
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil || n == 0 {
		return 0, refusef("port %q is not a port number", p)
	}
	return uint16(n), nil
}

// numericTLD reports whether the last label of host is a number (decimal or 0x hex): no DNS
// top-level domain is, so such a host is an address in disguise.
func numericTLD(host string) bool {
	last := host[strings.LastIndex(host, ".")+1:]
	if last == "" {
		return false
	}
	if strings.HasPrefix(last, "0x") {
		return true
	}
	for _, c := range last {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// LegacyIPv4 parses the IPv4 forms that inet_aton accepts: one to four parts separated by dots,
// each decimal, octal (leading 0) or hex (leading 0x), the last part filling the remaining
// bytes ("127.1" is 127.0.0.1, "2130706433" and "0x7f000001" are too). It reports false for
// anything else, including parts out of range.
func LegacyIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		v, ok := parseInetPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

func parseInetPart(p string) (uint64, bool) {
	base, digits := 10, p
	switch {
	case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
		base, digits = 16, p[2:]
		if digits == "" { // "0x" alone is 0 to inet_aton
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		base, digits = 8, p[1:]
	}
	if digits == "" || len(digits) > 12 {
		return 0, false
	}
	v, err := strconv.ParseUint(digits, base, 64)
	return v, err == nil
}
