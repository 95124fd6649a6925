package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/contract"
)

func TestRefusesAnotherFunction(t *testing.T) {
	t.Setenv("FUNCTION_TARGET", "api")
	err := run(context.Background())
	require.ErrorContains(t, err, `FUNCTION_TARGET is "api"`)
	require.ErrorContains(t, err, "/usr/local/bin/functions")
}

// The agent's own binary answers its health check with no database configured, and stops
// cleanly when its context ends.
func TestServesTheAgentsHealthCheck(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	t.Setenv("FUNCTION_TARGET", "agent")
	t.Setenv("HOST", "127.0.0.1")
	t.Setenv("PORT", strconv.Itoa(port))
	t.Setenv("DATABASE_URL", "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()

	var h contract.Health
	status := 0
	require.Eventually(t, func() bool {
		res, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/healthz")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		status = res.StatusCode
		return json.NewDecoder(res.Body).Decode(&h) == nil
	}, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, contract.Health{Status: "ok"}, h)

	// Anything but POST is refused by the agent function itself, so the route is the agent's.
	res, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)

	cancel()
	require.NoError(t, <-done)
}
