package runtask_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/runtask"
	"github.com/torale-ai/torale/shared/logging"
)

type fakeHandler struct {
	mu   sync.Mutex
	seen []string
	fail bool
}

func (f *fakeHandler) HandleMessage(_ context.Context, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, string(data))
	if f.fail {
		return errors.New("transient")
	}
	return nil
}

func (f *fakeHandler) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

const payload = `{"version":1,"task_id":"7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11","user_id":"0d9c1c5e-2f40-4c55-8a7a-0c1b2d3e4f50"}`

func post(t *testing.T, req *http.Request) int {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

func pushBody(data, published string) string {
	return `{"message":{"data":"` + base64.StdEncoding.EncodeToString([]byte(data)) +
		`","messageId":"1","publishTime":"` + published + `"},"subscription":"projects/p/subscriptions/s"}`
}

func TestRunTaskAcceptsEveryPushShape(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	h := &fakeHandler{}
	url := handle(t, "shapes", "run-task", runtask.New(h, runtask.Config{Now: func() time.Time { return now }, Log: logging.Discard()}))
	body := pushBody(payload, "2026-11-29T08:59:58Z")

	// A raw Pub/Sub push body, as the emulator or a push subscription sends it.
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	require.Equal(t, http.StatusNoContent, post(t, req))

	// A binary-mode CloudEvent, as Eventarc sends it.
	req, _ = http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("ce-id", "2")
	req.Header.Set("ce-specversion", "1.0")
	req.Header.Set("ce-type", "google.cloud.pubsub.topic.v1.messagePublished")
	req.Header.Set("ce-source", "//pubsub.googleapis.com/projects/p/topics/run-task")
	require.Equal(t, http.StatusNoContent, post(t, req))

	// A structured-mode CloudEvent.
	structured := `{"specversion":"1.0","id":"3","type":"google.cloud.pubsub.topic.v1.messagePublished",` +
		`"source":"//pubsub.googleapis.com/projects/p/topics/run-task","datacontenttype":"application/json","data":` + body + `}`
	req, _ = http.NewRequest("POST", url, strings.NewReader(structured))
	req.Header.Set("Content-Type", "application/cloudevents+json")
	require.Equal(t, http.StatusNoContent, post(t, req))

	require.Equal(t, []string{payload, payload, payload}, h.messages())

	// A failing run is not acked, so Pub/Sub delivers it again.
	h.mu.Lock()
	h.fail = true
	h.mu.Unlock()
	req, _ = http.NewRequest("POST", url, strings.NewReader(body))
	require.Equal(t, http.StatusInternalServerError, post(t, req))
	require.Len(t, h.messages(), 4)
}

func TestRunTaskAcksWhatCanNeverSucceed(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	h := &fakeHandler{fail: true}
	url := handle(t, "acks", "run-task", runtask.New(h, runtask.Config{RetryHorizon: 30 * time.Minute,
		Now: func() time.Time { return now }, Log: logging.Discard()}))

	for name, body := range map[string]string{
		"older than the retry horizon": pushBody(payload, "2026-11-29T08:29:59Z"),
		"not JSON":                     `{"message":`,
		"no data":                      `{"message":{"messageId":"9"}}`,
	} {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		require.Equal(t, http.StatusNoContent, post(t, req), name)
	}
	require.Empty(t, h.messages(), "none reached the runner")

	// Just inside the horizon, it runs (and fails, so it is not acked).
	req, _ := http.NewRequest("POST", url, strings.NewReader(pushBody(payload, "2026-11-29T08:30:01Z")))
	require.Equal(t, http.StatusInternalServerError, post(t, req))

	req, _ = http.NewRequest("GET", url, nil)
	require.Equal(t, http.StatusMethodNotAllowed, post(t, req))
}
