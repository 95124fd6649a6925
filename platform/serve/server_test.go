package serve_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform/serve"
	"github.com/torale-ai/torale/shared/logging"
)

// A request that cannot finish within the drain has its context cancelled and hands its work
// back (here: answers 503), all within the grace; the Stop hooks run as shutdown begins.
func TestShutdownHandsBackWorkThatCannotFinish(t *testing.T) {
	entered := make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done()
		http.Error(w, "handed back", http.StatusServiceUnavailable)
	})
	var stopped atomic.Bool
	srv := serve.Server{Handler: handler, Drain: 300 * time.Millisecond, HandBack: time.Second,
		Stop: []func(context.Context) error{func(context.Context) error { stopped.Store(true); return nil }},
		Log:  logging.Discard()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	answered := get("http://" + ln.Addr().String() + "/slow")
	<-entered
	start := time.Now()
	cancel()
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
		}
		return errors.Is(err, syscall.ECONNREFUSED)
	}, time.Second, 5*time.Millisecond, "new connections are refused")
	require.Equal(t, "handed back\n", <-answered)
	require.NoError(t, <-served)
	took := time.Since(start)
	require.GreaterOrEqual(t, took, 300*time.Millisecond, "the request had the drain to finish")
	require.Less(t, took, 10*time.Second, "cut short by the hand-back, not left to the handler")
	require.True(t, stopped.Load())
}

// A request that finishes within the drain is answered normally, and Serve returns nil.
func TestShutdownLetsShortRequestsFinish(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		if r.Context().Err() != nil {
			http.Error(w, "cancelled", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serve.Server{Handler: handler, Drain: 5 * time.Second, Log: logging.Discard()}.Serve(ctx, ln)
	}()
	answered := get("http://" + ln.Addr().String() + "/")
	<-entered
	cancel()
	time.Sleep(100 * time.Millisecond)
	close(release)
	require.Equal(t, "done", <-answered)
	require.NoError(t, <-served)
}

// get sends a GET in the background; the channel carries the body, or the error's text.
func get(url string) <-chan string {
	answered := make(chan string, 1)
	go func() {
		res, err := http.Get(url)
		if err != nil {
			answered <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		answered <- string(b)
	}()
	return answered
}
