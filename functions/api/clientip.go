package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/google/uuid"
)

// clientIP is the address the public routes' rate limit counts a request against. Behind
// Google's front end (Cloud Run) the connection comes from Google, which appends the address it
// saw to X-Forwarded-For: the right-most hop is the one no client can forge (anything to its
// left came from the client). Elsewhere X-Forwarded-For is ignored, since the client could
// write anything in it, and the connection's own address counts.
func (a *API) clientIP(r *http.Request) netip.Addr {
	if a.google {
		if hops := r.Header.Values("X-Forwarded-For"); len(hops) > 0 {
			last := hops[len(hops)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return ip.Unmap()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, _ := netip.ParseAddr(host) // an unparseable address shares the zero address's bucket
	return ip.Unmap()
}

// clientSpace names the rate-limit subjects of client addresses, which the buckets key by UUID.
var clientSpace = uuid.MustParse("8e6b0f3a-41c2-4d7e-b5a9-3c0d2e1f4a5b")

// clientSubject is the bucket of a client address. An IPv6 client is counted by its /64, the
// block one subscriber is given, so that it cannot dodge the limit by changing addresses within.
func clientSubject(ip netip.Addr) uuid.UUID {
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			ip = p.Addr()
		}
	}
	return uuid.NewSHA1(clientSpace, []byte(ip.String()))
}

// feedLimitSpace names the rate-limit subjects of private feed tokens.
var feedLimitSpace = uuid.MustParse("6b0f1f8e-9d43-4f4e-8a57-2f0d7c1b9e21")

// feedSubject is the private feed token a request reads (the path's {token}, else its {feed}
// without the extension), as a rate-limit subject: the limit follows the feed, not the
// address polling it. The token itself is never stored; only this one-way name of it is.
func feedSubject(r *http.Request) uuid.UUID {
	token := r.PathValue("token")
	if token == "" {
		token = strings.TrimSuffix(strings.TrimSuffix(r.PathValue("feed"), ".atom"), ".json")
	}
	return uuid.NewSHA1(feedLimitSpace, []byte(token))
}
