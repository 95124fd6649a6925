package netguard_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/netguard"
)

// AllowHTTP opens plain http for page reading and nothing else: the address and port checks
// still refuse loopback, metadata and odd ports.
func TestAllowHTTPKeepsAddressChecks(t *testing.T) {
	g := netguard.New(netguard.Options{AllowHTTP: true, Ports: []uint16{80, 443}})
	_, err := g.CheckURL("http://example.com/page")
	require.NoError(t, err)
	for _, raw := range []string{"http://127.0.0.1/", "http://169.254.169.254/latest/", "http://localhost/",
		"http://example.com:22/", "http://metadata.google.internal/", "ftp://example.com/"} {
		_, err := g.CheckURL(raw)
		require.ErrorIs(t, err, netguard.ErrRefused, raw)
	}
	_, err = netguard.New(netguard.Options{}).CheckURL("http://example.com/")
	require.ErrorIs(t, err, netguard.ErrRefused, "without AllowHTTP, http stays refused")
}
