package gemini_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/gemini"
	"github.com/torale-ai/torale/shared/task"
)

// resetting is a server that reads each request and answers with a TCP reset (SO_LINGER 0),
// as a provider's overloaded load balancer may.
func resetting(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = http.ReadRequest(bufio.NewReader(c))
			_ = c.(*net.TCPConn).SetLinger(0)
			_ = c.Close()
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestConnectionResetIsNetwork(t *testing.T) {
	f := newAgent(t, model(announced).Handle, func(c *gemini.Config) { c.BaseURL = resetting(t) })
	_, err := f.agent.Run(context.Background(), input())
	require.ErrorIs(t, err, syscall.ECONNRESET, "the server reset the connection")
	ae := agent.AsError(err)
	require.Equal(t, task.CategoryNetwork, ae.Category, "%v", err)
	require.True(t, ae.Retryable)
}
