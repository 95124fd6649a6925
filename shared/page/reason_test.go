package page_test

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/page"
)

// Every failure the watches issue names ends in a sentence a user can read.
func TestReasonsReadAsPlainWords(t *testing.T) {
	t.Parallel()
	s := newSite(t, "User-agent: *\nDisallow: /private/\n")
	s.mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/", http.StatusFound)
	})
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := closed.Addr().String()
	require.NoError(t, closed.Close())
	o := page.GuardOptions(false)
	o.Allow = append(o.Allow, s.addrPort(), netip.MustParseAddrPort(closedAddr))
	o.Ports = append(o.Ports, s.addrPort().Port(), netip.MustParseAddrPort(closedAddr).Port())
	r := page.NewReader(netguard.New(o), page.Options{})

	for target, want := range map[string]string{
		"http://10.1.2.3/":           "Torale does not read this address: 10.1.2.3 is not a public internet address",
		s.URL + "/to-metadata":       "Torale does not read this address: 169.254.169.254 is not a public internet address",
		s.URL + "/private/x":         `robots.txt on 127.0.0.1 does not let ToraleBot read /private/x (rule "Disallow: /private/" for user-agent "*")`,
		s.URL + "/missing":           "the page answered HTTP 404",
		"http://" + closedAddr + "/": "the site refused the connection",
		"mailto:a@example.com":       `only http and https pages can be read, not "mailto:a@example.com"`,
	} {
		_, err := r.Read(t.Context(), page.Request{URL: target})
		require.Error(t, err, target)
		require.Equal(t, want, page.Reason(err), target)
	}
	require.Empty(t, page.Reason(nil))
	require.Equal(t, "the page could not be read", page.Reason(errors.New("boom")))
}
