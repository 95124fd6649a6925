package geminitest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/torale-ai/torale/shared/grounding"
	"github.com/torale-ai/torale/shared/netguard"
)

// Redirector is a loopback stand-in for Google's grounding redirect service: over TLS, like
// the real one, it answers RedirectAt(URL, i) with a 302 to web[i]'s own address. Set a
// Model's Redirects to its URL and resolve with its Resolver.
type Redirector struct {
	*httptest.Server
	hits atomic.Int64
}

// NewRedirector starts a redirector for web, closed when the test ends.
func NewRedirector(t testing.TB, web []Page) *Redirector {
	rd := &Redirector{}
	mux := http.NewServeMux()
	for i, p := range web {
		path := RedirectAt("", i)
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
			rd.hits.Add(1)
			w.Header().Set("Location", p.URL)
			w.WriteHeader(http.StatusFound)
		})
	}
	rd.Server = httptest.NewTLSServer(mux)
	t.Cleanup(rd.Close)
	return rd
}

// Hits is how many redirects were asked for.
func (rd *Redirector) Hits() int64 { return rd.hits.Load() }

// Resolver resolves this redirector's links under the production policy, with only the
// redirector's address let through and its certificate trusted.
func (rd *Redirector) Resolver() *grounding.Resolver {
	addr := netip.MustParseAddrPort(rd.Listener.Addr().String())
	roots := x509.NewCertPool()
	roots.AddCert(rd.Certificate())
	g := netguard.New(netguard.Options{Allow: []netip.AddrPort{addr}, Ports: []uint16{addr.Port()},
		TLSConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}})
	return grounding.New(g, grounding.Options{Hosts: []string{addr.Addr().String()}})
}
