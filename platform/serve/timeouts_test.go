package serve_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/logging"
)

// serveWith starts srv on a free port and returns its address; it stops with the test.
func serveWith(t *testing.T, srv serve.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-served) })
	return ln.Addr().String()
}

// readsBody is a handler that reads the whole request body, as the API's decoders do.
var readsBody = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(r.Body); err != nil {
		http.Error(w, "body", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
})

// requireClosedByServer reads c until the server closes it. The client's own deadline is only a
// backstop far beyond the server's timeouts: reaching it means the server held the connection.
func requireClosedByServer(t *testing.T, c net.Conn) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(30*time.Second)))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server held the connection open: %v", err)
}

// A client that announces a 100-byte body and sends 20 does not hold the connection: the read
// timeout closes it (issue 11: torale dev had a header timeout only).
func TestSlowBodyIsCutOffByTheReadTimeout(t *testing.T) {
	t.Parallel()
	addr := serveWith(t, serve.Server{Handler: readsBody, Read: 200 * time.Millisecond, Log: logging.Discard()})
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "POST /api/v1/tasks HTTP/1.1\r\nHost: torale\r\nContent-Type: application/json\r\n"+
		"Content-Length: 100\r\n\r\n"+`{"search_query":"ab"`)
	require.NoError(t, err)
	requireClosedByServer(t, c)
}

// Headers that never end are cut off by the read-header timeout.
func TestSlowHeadersAreCutOffByTheReadHeaderTimeout(t *testing.T) {
	t.Parallel()
	addr := serveWith(t, serve.Server{Handler: readsBody, ReadHeader: 200 * time.Millisecond, Log: logging.Discard()})
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: torale\r\nX-Slow: ")
	require.NoError(t, err)
	requireClosedByServer(t, c)
}

// A kept-alive connection that sends nothing more is closed by the idle timeout.
func TestIdleConnectionsAreClosed(t *testing.T) {
	t.Parallel()
	addr := serveWith(t, serve.Server{Handler: readsBody, Idle: 200 * time.Millisecond, Log: logging.Discard()})
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: torale\r\n\r\n")
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, res.StatusCode)
	require.NoError(t, res.Body.Close())
	requireClosedByServer(t, c)
}
