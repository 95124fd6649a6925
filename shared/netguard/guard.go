// Package netguard makes HTTP requests to URLs that users chose (webhooks) without letting them
// reach Torale's own network: loopback, private, link-local, CGNAT, multicast, reserved and
// cloud-metadata addresses are refused when the connection is made, after DNS resolution, so a
// name that resolves elsewhere the second time (DNS rebinding) is refused too. Redirects are
// never followed, and only https is spoken unless private addresses are allowed (torale dev).
package netguard

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
)

// ErrRefused marks a request the guard would not make: every refusal is a *RefusedError, and
// errors.Is(err, ErrRefused) holds for each.
var ErrRefused = errors.New("destination refused")

// RefusedError is a request the guard would not make. Reason says why in words safe to show the
// user who chose the URL ("port 80 is not allowed (use 443 or 8443)"); callers read it with
// errors.As, through whatever wraps it (*url.Error, *net.OpError), rather than cut it out of
// the error text.
type RefusedError struct {
	Reason string
}

// Error is "destination refused: " and the reason.
func (e *RefusedError) Error() string { return ErrRefused.Error() + ": " + e.Reason }

// Is makes every refusal match ErrRefused.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// refusef returns a *RefusedError whose reason is format filled in with args.
func refusef(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// Options tune a Guard. The zero value is the production policy.
type Options struct {
	// AllowPrivate lets requests use http and reach any address, private ones included
	// (TORALE_WEBHOOK_ALLOW_PRIVATE; torale dev sets it). Never set it where the network holds
	// anything worth protecting.
	AllowPrivate bool
	// AllowHTTP lets URLs use plain http while every address and port check still applies.
	// Pages a watch reads need it (much of the web still answers on http); webhooks carry
	// signed bodies and keep https only.
	AllowHTTP bool
	// Ports are the ports a URL may name (default 443 and 8443).
	Ports []uint16
	// Allow lists exact addresses reachable whatever the policy: tests' receivers, or an
	// operator's own receiver on a private network.
	Allow []netip.AddrPort
	// Resolver looks host names up (default net.DefaultResolver).
	Resolver *net.Resolver
	// ConnectTimeout bounds the TCP connect (default 5s); Timeout bounds a whole request,
	// reading the response included (default 10s).
	ConnectTimeout time.Duration
	Timeout        time.Duration
	// TLSConfig replaces the TLS client settings (tests trust their own certificate with it).
	TLSConfig *tls.Config
}

// Guard applies one policy to outbound connections. It is safe for concurrent use.
type Guard struct {
	opts     Options
	guardian *ssrf.Guardian
}

// DefaultPorts are the ports webhook URLs may use in production.
var DefaultPorts = []uint16{443, 8443}

// New returns a guard with o's policy.
func New(o Options) *Guard {
	if len(o.Ports) == 0 {
		o.Ports = DefaultPorts
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	// The address ranges come from the IANA special-purpose registries (code.dny.dev/ssrf);
	// ports are checked here, so the guardian takes any port.
	return &Guard{opts: o, guardian: ssrf.New(ssrf.WithAnyPort())}
}

// AllowsPrivate reports whether the guard lets requests reach private addresses.
func (g *Guard) AllowsPrivate() bool { return g.opts.AllowPrivate }

// Control is a net.Dialer Control function: it runs after the name was resolved and before the
// socket connects, with the address actually being dialled, and refuses it unless policy
// allows.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return refusef("network %s is not allowed", network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refusef("cannot read address %q", address)
	}
	return g.checkAddrPort(ap)
}

func (g *Guard) checkAddrPort(ap netip.AddrPort) error {
	if slices.Contains(g.opts.Allow, ap) || slices.Contains(g.opts.Allow, netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())) {
		return nil
	}
	if g.opts.AllowPrivate {
		return nil
	}
	if !slices.Contains(g.opts.Ports, ap.Port()) {
		return refusef("port %d is not allowed (use %s)", ap.Port(), portList(g.opts.Ports))
	}
	return g.checkAddr(ap.Addr())
}

// checkAddr refuses addresses outside the public internet. An IPv4-mapped IPv6 address is
// judged as the IPv6 address it is, which lies outside global unicast and is refused.
func (g *Guard) checkAddr(ip netip.Addr) error {
	if ip.Zone() != "" {
		return refusef("%s is a scoped address", ip)
	}
	if err := g.guardian.SafeAddr(ip); err != nil {
		return refusef("%s is not a public internet address", ip.WithZone(""))
	}
	return nil
}

func portList(ports []uint16) string {
	s := ""
	for i, p := range ports {
		if i > 0 {
			s += " or "
		}
		s += fmt.Sprint(p)
	}
	return s
}

// Client returns an HTTP client that checks each request's URL, dials through Control, never
// follows redirects (a 3xx is returned as it is) and ignores proxy settings, whose proxy would
// connect on the request's behalf.
func (g *Guard) Client() *http.Client {
	dialer := &net.Dialer{Timeout: g.opts.ConnectTimeout, Control: g.Control, Resolver: g.opts.Resolver}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       g.opts.TLSConfig.Clone(), // each transport sets its own NextProtos on it
		TLSHandshakeTimeout:   g.opts.ConnectTimeout,
		ResponseHeaderTimeout: g.opts.Timeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport: checkingTransport{guard: g, next: tr},
		Timeout:   g.opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// checkingTransport refuses a request whose URL fails CheckURL before any name is looked up.
type checkingTransport struct {
	guard *Guard
	next  http.RoundTripper
}

func (t checkingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if _, err := t.guard.CheckURL(r.URL.String()); err != nil {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, err
	}
	return t.next.RoundTrip(r)
}
