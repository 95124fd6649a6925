package notify_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/notify"
)

type fakeNotifier struct {
	mu   sync.Mutex
	seen []string
	fail bool
}

func (f *fakeNotifier) HandleMessage(_ context.Context, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, string(data))
	if f.fail {
		return errors.New("database down")
	}
	return nil
}

const payload = `{"version":1,"delivery_id":"7b0c5a43-56a3-4c1e-9f3e-1f1c7f0e8a11"}`

func push(t *testing.T, url string, published time.Time, headers map[string]string) int {
	t.Helper()
	data := base64.StdEncoding.EncodeToString([]byte(payload))
	body := `{"message":{"data":"` + data + `","messageId":"1","publishTime":"` + published.Format(time.RFC3339) + `"},"subscription":"projects/p/subscriptions/notify"}`
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

func TestNotifyAcceptsBothPushShapes(t *testing.T) {
	n := &fakeNotifier{}
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(notify.New(n, notify.Config{Now: func() time.Time { return now }}))
	defer srv.Close()

	require.Equal(t, http.StatusNoContent, push(t, srv.URL, now, nil), "a raw Pub/Sub push")
	require.Equal(t, http.StatusNoContent, push(t, srv.URL, now, map[string]string{"ce-id": "2", "ce-specversion": "1.0",
		"ce-type": "google.cloud.pubsub.topic.v1.messagePublished", "ce-source": "//pubsub.googleapis.com/projects/p/topics/notify"}),
		"a binary CloudEvent, as Eventarc sends it")
	require.Equal(t, []string{payload, payload}, n.seen)

	require.Equal(t, http.StatusNoContent, push(t, srv.URL, now.Add(-2*time.Hour), nil), "older than the horizon: acked")
	require.Len(t, n.seen, 2, "and not handled")

	n.fail = true
	require.Equal(t, http.StatusInternalServerError, push(t, srv.URL, now, nil), "a claim that failed is delivered again")

	res, err := http.Post(srv.URL, "application/json", strings.NewReader("{not json"))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNoContent, res.StatusCode, "a body that never parses is acked")
	res, err = http.Get(srv.URL)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
}

// FuzzNotifyPush holds the function to its contract on any body: never a panic, and an ack
// (204) unless the notifier itself failed.
func FuzzNotifyPush(f *testing.F) {
	data := base64.StdEncoding.EncodeToString([]byte(payload))
	for _, s := range []string{`{"message":{"data":"` + data + `"}}`, `{}`, `{"message":{"data":"!!"}}`, `[]`, "", `{"message":null}`} {
		f.Add(s, false)
	}
	n := &fakeNotifier{}
	h := notify.New(n, notify.Config{})
	f.Fuzz(func(t *testing.T, body string, cloudEvent bool) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if cloudEvent {
			req.Header.Set("ce-id", "1")
			req.Header.Set("ce-specversion", "1.0")
			req.Header.Set("ce-type", "google.cloud.pubsub.topic.v1.messagePublished")
			req.Header.Set("ce-source", "//pubsub.googleapis.com/projects/p/topics/notify")
		}
		rec := httptest.NewRecorder()
		h(rec, req)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("answered %d to %q", rec.Code, body)
		}
	})
}
