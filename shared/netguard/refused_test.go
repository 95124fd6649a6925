package netguard_test

import (
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/netguard"
)

// A refusal carries its reason as a field, found with errors.As through what the HTTP client
// and the dialer wrap around it, so no caller has to cut it out of the text.
func TestRefusalsCarryTheirReasonInAType(t *testing.T) {
	g := netguard.New(netguard.Options{})
	_, err := g.CheckURL("https://93.184.216.34:80/")
	var re *netguard.RefusedError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "port 80 is not allowed (use 443 or 8443)", re.Reason)
	require.Equal(t, "destination refused: port 80 is not allowed (use 443 or 8443)", err.Error(), "the text is as before")
	require.ErrorIs(t, err, netguard.ErrRefused)

	// Through the guarded client: the URL check, wrapped in *url.Error.
	res, err := g.Client().Get("http://example.com/")
	if res != nil {
		res.Body.Close()
	}
	re = nil
	require.ErrorAs(t, err, &re)
	require.Equal(t, "webhooks must use https", re.Reason)

	// Through the connect-time check alone: wrapped in *url.Error and *net.OpError.
	bare := &http.Client{Transport: &http.Transport{Proxy: nil,
		DialContext: (&net.Dialer{Control: g.Control, Timeout: time.Second}).DialContext}}
	res, err = bare.Get("https://127.0.0.1:443/")
	if res != nil {
		res.Body.Close()
	}
	var op *net.OpError
	require.ErrorAs(t, err, &op, "the dialer wraps the refusal")
	re = nil
	require.ErrorAs(t, err, &re)
	require.Equal(t, "127.0.0.1 is not a public internet address", re.Reason)
	require.False(t, errors.Is(errors.New("destination refused: forged"), netguard.ErrRefused), "text alone is no refusal")
}
