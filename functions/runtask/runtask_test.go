package runtask_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/shared/logging"
)

type fakeRunner struct {
	mu   sync.Mutex
	seen []string
	fail bool
}

func (f *fakeRunner) HandleMessage(_ context.Context, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, string(data))
	if f.fail {
		return fmt.Errorf("transient")
	}
	return nil
}

func (f *fakeRunner) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// The framework has no way to stop a server, so one serves the whole test binary.
var (
	serveOnce sync.Once
	baseURL   string
	runner    = &fakeRunner{}
)

func serve(t *testing.T) string {
	t.Helper()
	serveOnce.Do(func() {
		functions.CloudEvent("runtask", runtask.New(runner, logging.Discard()))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		go func() { _ = funcframework.StartHostPort("127.0.0.1", port) }()
		baseURL = "http://127.0.0.1:" + port
		require.Eventually(t, func() bool {
			c, err := net.Dial("tcp", "127.0.0.1:"+port)
			if err == nil {
				c.Close()
			}
			return err == nil
		}, 5*time.Second, 10*time.Millisecond)
	})
	return baseURL
}

const payload = `{"version":1,"task_id":"7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11","user_id":"0d9c1c5e-2f40-4c55-8a7a-0c1b2d3e4f50"}`

func post(t *testing.T, req *http.Request) int {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

func TestRunTaskAcceptsBothPushShapes(t *testing.T) {
	base := serve(t)
	data := base64.StdEncoding.EncodeToString([]byte(payload))
	body := `{"message":{"data":"` + data + `","messageId":"1","publishTime":"2026-11-29T00:00:00Z"},"subscription":"projects/p/subscriptions/s"}`

	// A raw Pub/Sub push body, as the emulator or a push subscription sends it.
	req, _ := http.NewRequest("POST", base+"/runtask", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	require.Equal(t, http.StatusOK, post(t, req))

	// A binary-mode CloudEvent, as Eventarc sends it.
	req, _ = http.NewRequest("POST", base+"/runtask", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("ce-id", "2")
	req.Header.Set("ce-specversion", "1.0")
	req.Header.Set("ce-type", "google.cloud.pubsub.topic.v1.messagePublished")
	req.Header.Set("ce-source", "//pubsub.googleapis.com/projects/p/topics/run-task")
	require.Equal(t, http.StatusOK, post(t, req))

	require.Equal(t, []string{payload, payload}, runner.messages()[:2])

	// A failing run is not acked, so Pub/Sub delivers it again.
	runner.mu.Lock()
	runner.fail = true
	runner.mu.Unlock()
	defer func() { runner.mu.Lock(); runner.fail = false; runner.mu.Unlock() }()
	req, _ = http.NewRequest("POST", base+"/runtask", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	require.GreaterOrEqual(t, post(t, req), 500)
}
