// Package platformtest runs torale dev's whole platform in-process for tests: the platform's
// own tests and the dashboard's browser test start it the same way.
package platformtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/logging"
)

// RunLocal serves l on a free loopback port until the test ends, and returns its base URL.
// Unset, the log is discarded and in-flight runs get 5 s to finish at shutdown; the test fails
// if the platform does not start within a minute or stops with an error.
func RunLocal(t testing.TB, l platform.Local) string {
	t.Helper()
	l.Addr = "127.0.0.1:0"
	if l.Log == nil {
		l.Log = logging.Discard()
	}
	if l.Grace == 0 {
		l.Grace = 5 * time.Second
	}
	ready := make(chan string, 1)
	l.Ready = func(u string) { ready <- u }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	select {
	case u := <-ready:
		return u
	case err := <-done:
		t.Fatalf("the platform did not start: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("the platform did not become ready in a minute")
	}
	return ""
}
